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
