"""What a build does once for all its targets (issue 18): the units' HTML is rendered for
the first target and reused, unless a course's own templates make it differ per target."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from builder.build import build
from tests.conftest import write

TARGETS = ("scorm12", "scorm2004", "xapi", "cmi5", "web")


def _html(script: bytes) -> str:
    """The HTML of ``coursepackUnit(N,meta,"html");``."""
    text = script.decode()
    decoder = json.JSONDecoder()
    _, end = decoder.raw_decode(text, text.index(",") + 1)  # the meta
    html, _ = decoder.raw_decode(text, end + 1)
    return html


def _unit_files(out: Path) -> dict[str, dict[str, str]]:
    """target -> unit file -> its HTML."""
    files = {}
    for z in sorted(out.glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            files[z.stem.rsplit("-", 1)[1]] = {
                n: _html(zf.read(n)) for n in zf.namelist() if n.startswith("content/u")}
    return files


def test_the_default_theme_gives_every_target_the_same_unit_files(minimal, tmp_path):
    build(minimal, TARGETS, out=tmp_path / "out", history="off")
    files = _unit_files(tmp_path / "out")
    assert set(files) == set(TARGETS) and files["web"]
    assert all(files[t] == files["web"] for t in TARGETS)
    # and the same as a build of that target alone renders them
    build(minimal, ("xapi",), out=tmp_path / "alone", history="off")
    assert _unit_files(tmp_path / "alone")["xapi"] == files["xapi"]


def test_a_course_template_that_uses_the_target_is_rendered_for_each(minimal, tmp_path):
    theme = Path(__file__).parent.parent / "templates" / "partials" / "unit.html"
    text = theme.read_text("utf-8").replace(
        '<div class="cp-pages"', '<div class="cp-pages" data-target="{{ target }}"', 1)
    write(minimal, {"templates/partials/unit.html": text})
    build(minimal, TARGETS, out=tmp_path / "out", history="off")
    for target, files in _unit_files(tmp_path / "out").items():
        assert files and all(f'data-target="{target}"' in b
                             for b in files.values()), target


def test_a_course_template_that_tests_for_the_target_is_rendered_for_each(minimal, tmp_path):
    """``is defined`` does not raise without the target: the texts are compared."""
    theme = Path(__file__).parent.parent / "templates" / "partials" / "unit.html"
    text = theme.read_text("utf-8").replace(
        '<div class="cp-pages"',
        '<div class="cp-pages"{% if target is defined %} data-t="{{ target }}"{% endif %}', 1)
    write(minimal, {"templates/partials/unit.html": text})
    build(minimal, TARGETS, out=tmp_path / "out", history="off")
    for target, files in _unit_files(tmp_path / "out").items():
        assert all(f'data-t="{target}"' in b for b in files.values()), target


def test_the_preview_renders_again_what_changed_and_gives_a_fresh_builds_files(minimal):
    from builder.preview import Preview

    kept = Preview(minimal, "web")
    kept.rebuild()
    assert kept.files and kept.units
    module = minimal / "modules" / "02-basics.md"
    text = module.read_text("utf-8")
    edits = [text.replace("builds on", "now builds on", 1),
             text.replace("# ", "# Renamed ", 1),
             text + "\n# A page more\n\nIts text.\n"]
    for edit in edits + [text]:
        module.write_text(edit, "utf-8")
        kept.rebuild()
        fresh = Preview(minimal, "web")
        fresh.rebuild()
        assert kept.error is None and kept.files == fresh.files
    # a quiz's YAML (kept parsed between rebuilds while its text is the same)
    quiz = minimal / "scenarios" / "quiz.yaml"
    text = quiz.read_text("utf-8")
    for edit in (text.replace("Answer both questions.", "Answer them."), text):
        quiz.write_text(edit, "utf-8")
        kept.rebuild()
        fresh = Preview(minimal, "web")
        fresh.rebuild()
        assert kept.error is None and kept.files == fresh.files
    # the course's title is in the first unit's about box: a change renders it again
    course = (minimal / "course.yaml").read_text("utf-8")
    title = next(line for line in course.splitlines() if line.startswith("title:"))
    (minimal / "course.yaml").write_text(course.replace(title, "title: Another title"),
                                         "utf-8")
    kept.rebuild()
    fresh = Preview(minimal, "web")
    fresh.rebuild()
    assert kept.files == fresh.files


def test_the_kept_units_compare_every_course_field_their_templates_use():
    """builder.chunks.UNIT_COURSE_FIELDS lists the course's fields that partials/unit.html
    and the partials it includes or imports use."""
    import re

    from builder.chunks import UNIT_COURSE_FIELDS

    partials = Path(__file__).parent.parent / "templates" / "partials"
    seen, todo, used = set(), ["unit.html"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = (partials / name).read_text("utf-8")
        used |= set(re.findall(r"\bcourse\.([a-z_]+)", text))
        todo += re.findall(r'(?:include|import|from) "partials/([^"]+)"', text)
    assert len(seen) > 3
    assert used - {"yaml"} <= set(UNIT_COURSE_FIELDS), used


def test_the_preview_rebuilds_with_the_collector_paused_and_collects_when_idle(minimal):
    import gc

    from builder.preview import Preview

    seen: list[str] = []

    def watch(phase, info):
        if phase == "start":
            seen.append("paused" if not gc.isenabled() else "running")

    preview = Preview(minimal, "web")
    assert gc.isenabled()
    gc.callbacks.append(watch)
    try:
        preview.rebuild()
        assert gc.isenabled() and preview.collector.pending
        seen.clear()
        preview.collector.idle()
        assert seen and not preview.collector.pending
        seen.clear()
        preview.collector.idle()  # nothing left to collect
        assert seen == []
    finally:
        gc.callbacks.remove(watch)
