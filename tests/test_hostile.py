"""Hostile projects (issue 17): course templates that try to run code or leak files, an
output folder that cannot be written, timestamps zips cannot hold. Each case must give
a clear problem (exit 1, no traceback), never run anything, never write outside the
output folder and never leave a partial write. The authoring cases that fit one project
with one mistake live in the broken-project corpus (tests/broken/EXPECTED.yaml)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import zipfile

import pytest

from builder.build import build
from builder.cli import cli
from builder.errors import BuildAborted
from builder.preview import PreviewServer

# -- 1. course templates run in a sandbox -------------------------------------------------

ESCAPES = [
    "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}",
    "{{ joiner.__init__.__globals__.os.system('touch {marker}') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ course.__class__.__init__.__globals__ }}",
    "{{ view.units.append(1) }}{{ view.units.clear() }}",
    "{{ lipsum.__globals__['os'].system('touch {marker}') }}",
    "{% set x = namespace() %}{{ x.__init__.__globals__ }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_course_templates_cannot_reach_python(minimal, tmp_path, payload):
    marker = tmp_path / "pwned"
    (minimal / "templates").mkdir()
    (minimal / "templates/index.html").write_text(payload.replace("{marker}", str(marker)))
    with pytest.raises(BuildAborted) as info:
        build(minimal, ("web",))
    message = info.value.format_message()
    assert message.startswith("templates/index.html:1: template error: "), message
    assert not marker.exists()
    assert not (minimal / "dist").exists()


def test_manifest_overrides_are_sandboxed_too(minimal, tmp_path):
    marker = tmp_path / "pwned"
    (minimal / "templates/scorm12").mkdir(parents=True)
    (minimal / "templates/scorm12/imsmanifest.xml").write_text(
        f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}")
    with pytest.raises(BuildAborted) as info:
        build(minimal, ("scorm12",))
    assert "templates/scorm12/imsmanifest.xml:1: template error" in info.value.format_message()
    assert not marker.exists()


def test_preview_renders_course_templates_in_the_sandbox(minimal, tmp_path):
    marker = tmp_path / "pwned"
    (minimal / "templates").mkdir()
    (minimal / "templates/index.html").write_text(
        f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}")
    server = PreviewServer(minimal, "scorm12", 0)
    server.start()
    try:
        with urllib.request.urlopen(server.url + "__status") as r:
            status = json.load(r)
    finally:
        server.stop()
    assert "course templates run in a sandbox" in status["error"]
    assert not marker.exists()


def test_what_a_course_template_may_do(minimal):
    """The sandbox keeps what templates are for: print, loop, filters, includes."""
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").write_text(
        "{% for u in view.units %}<i>{{ u.title | upper }}</i>{% endfor %}"
        "{{ course.objectives | length }}{% include 'partials/glossary.html' %}")
    [path] = build(minimal, ("web",)).written
    with zipfile.ZipFile(path) as zf:
        assert "<i>INTRODUCTION</i>" in zf.read("index.html").decode()


def test_sandboxed_and_trusted_builds_share_no_compiled_templates(minimal):
    """The sandbox compiles templates differently: a cache shared with the theme's
    plain environment would run one's code in the other."""
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").write_text("<p>own</p>")
    build(minimal, ("web",))
    for path in (minimal / "templates/partials/about.html", minimal / "templates/partials",
                 minimal / "templates"):
        path.unlink() if path.is_file() else path.rmdir()
    build(minimal, ("web",))


# -- 2. template folders that lead out of the project -------------------------------------

@pytest.mark.parametrize("inside", ["templates", "templates/static", "templates/partials"])
def test_template_links_out_of_the_project_are_refused(minimal, tmp_path, inside, runner):
    outside = tmp_path / "secrets"
    outside.mkdir()
    (outside / "id_rsa").write_text("PRIVATE KEY")
    (outside / "about.html").write_text("PRIVATE KEY")
    link = minimal / inside
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    result = runner.invoke(cli, ["build", str(minimal), "-t", "web"])
    assert result.exit_code == 1, result.output
    assert f"{inside}: this is a link to a place outside the project folder" in result.output
    assert not (minimal / "dist").exists()
    server = PreviewServer(minimal, "scorm12", 0)
    server.start()
    try:
        for name in ("static/id_rsa", "id_rsa"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(server.url + "course/" + name)
        with urllib.request.urlopen(server.url + "__status") as r:
            assert "outside the project folder" in json.load(r)["error"]
    finally:
        server.stop()


def test_a_template_file_linked_out_is_refused(minimal, tmp_path):
    (tmp_path / "passwd").write_text("root:x:0:0")
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").symlink_to(tmp_path / "passwd")
    with pytest.raises(BuildAborted) as info:
        build(minimal, ("web",))
    assert "templates/partials/about.html: this is a link to a place outside" in (
        info.value.format_message())


def test_links_inside_the_project_are_fine(minimal):
    (minimal / "shared-css").mkdir()
    (minimal / "shared-css/extra.css").write_text("body{}")
    (minimal / "templates").mkdir()
    (minimal / "templates/static").symlink_to(minimal / "shared-css")
    [path] = build(minimal, ("web",)).written
    with zipfile.ZipFile(path) as zf:
        assert "static/extra.css" in zf.namelist()
