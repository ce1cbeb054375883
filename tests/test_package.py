"""The SCORM 1.2 package: valid manifest, complete file list, reproducible bytes."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder.build import build
from builder.errors import BuildAborted, BuilderError
from builder.xsd import NS_ADLCP12, NS_CP12, validate_scorm12
from tests.support.scripts import runtime_scripts
from tests.support.site import all_html

NS = {"cp": NS_CP12, "adlcp": NS_ADLCP12}


def built(root: Path, out: Path | None = None) -> Path:
    result = build(root, ("scorm12",), out)
    [path] = result.written
    return path


def manifest_of(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("imsmanifest.xml"))


def test_manifest_is_valid_against_the_official_xsds(minimal):
    with zipfile.ZipFile(built(minimal)) as zf:
        assert validate_scorm12(zf.read("imsmanifest.xml")) == []


def test_the_validator_catches_a_broken_manifest():
    broken = (b'<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
              b'identifier="1bad"><organizations/><resources/></manifest>')
    errors = validate_scorm12(broken)
    assert errors and "1bad" in errors[0].message


def test_package_name_and_layout(minimal):
    path = built(minimal)
    assert path == minimal / "dist" / "minimal-course-1.0.0-scorm12.zip"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert names[0] == "imsmanifest.xml"
    assert names[1:] == sorted(names[1:])
    for xsd in ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd",
                "ims_xml.xsd"):
        assert xsd in names
        shipped = (Path(__file__).parent.parent / "builder/standards/xsd/scorm12" / xsd).read_bytes()
        with zipfile.ZipFile(path) as zf:
            assert zf.read(xsd) == shipped  # verbatim copies


def test_shipped_schemas_are_verbatim_copies_of_the_official_files():
    expected = {
        "adlcp_rootv1p2.xsd": "173decaf9cd31ea847e6ff6853c702137974aca6b56567151aa4a885e0aa4883",
        "ims_xml.xsd": "5209ff1d1e89cac16e797a2cdb0d5f345343ad97c1b125483a4bc6fc29319bd5",
        "imscp_rootv1p1p2.xsd": "d9ee699094e0db4518cf0143c81873d196b2683cf1c5ed770f108239ee079dda",
        "imsmd_rootv1p2p1.xsd": "51310a1097f373e619e54ef2ba9c050117de4822e6119a1cc2a3d07cfe450db9",
    }
    base = Path(__file__).parent.parent / "builder/standards/xsd/scorm12"
    for name, digest in expected.items():
        assert hashlib.sha256((base / name).read_bytes()).hexdigest() == digest


def test_every_file_listed_and_every_listed_file_present(minimal):
    path = built(minimal)
    root = manifest_of(path)
    listed = {f.get("href") for f in root.iterfind(".//cp:file", NS)}
    with zipfile.ZipFile(path) as zf:
        present = set(zf.namelist()) - {"imsmanifest.xml"}
    assert listed == present
    [sco] = root.iterfind(".//cp:resource[@adlcp:scormtype='sco']", NS)
    assert sco.get("href") == "index.html"
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids))
    refs = [e.get("identifierref") for e in root.iter() if e.get("identifierref")]
    assert set(refs) <= set(ids)
    assert root.find("cp:organizations", NS).get("default") in ids


def test_manifest_metadata_and_mastery_score(minimal):
    root = manifest_of(built(minimal))
    assert root.findtext("cp:metadata/cp:schema", namespaces=NS) == "ADL SCORM"
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"
    assert root.findtext(".//cp:item/adlcp:masteryscore", namespaces=NS) == "80"
    assert root.findtext(".//cp:item/cp:title", namespaces=NS) == "A Minimal Course"


def test_no_mastery_score_when_completion_is_by_viewing(project):
    root = project()
    text = (root / "course.yaml").read_text().replace("completion: both", "completion: viewed")
    (root / "course.yaml").write_text(text)
    assert manifest_of(built(root)).find(".//adlcp:masteryscore", NS) is None


def test_two_builds_are_byte_identical(minimal, tmp_path):
    first = built(minimal, tmp_path / "a").read_bytes()
    second = built(minimal, tmp_path / "b").read_bytes()
    assert first == second


def test_source_date_epoch_sets_the_timestamps(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    path = built(minimal, tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_failed_build_leaves_dist_untouched(minimal):
    path = built(minimal)
    before = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    (path.parent / "keep.txt").write_text("someone's file")
    before["keep.txt"] = b"someone's file"
    text = (minimal / "course.yaml").read_text().replace("mastery_score: 80", "mastery_score: 140")
    (minimal / "course.yaml").write_text(text)
    with pytest.raises(BuildAborted):
        build(minimal)
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == before


def test_write_is_atomic(minimal, monkeypatch):
    path = built(minimal)
    before = path.read_bytes()
    import builder.archive as archive

    def explode(files, fh, *_):
        fh.write(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(archive, "zip_bytes_to", explode)
    with pytest.raises(BuilderError, match="disk full; nothing was replaced"):
        build(minimal)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_course_templates_override_the_theme(minimal):
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").write_text("<p>Our own about box</p>")
    (minimal / "templates/static").mkdir()
    (minimal / "templates/static/extra.css").write_text("body{}")
    with zipfile.ZipFile(built(minimal)) as zf:
        html = all_html(zf)
        assert "Our own about box" in html
        assert "static/extra.css" in zf.namelist()
        assert "static/coursepack.js" in runtime_scripts(zf)


def test_template_typo_is_a_clear_error(minimal):
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").write_text("{{ view.descripton_html }}")
    with pytest.raises(BuildAborted) as info:
        build(minimal)
    assert "has no attribute 'descripton_html'" in info.value.format_message()


def test_template_syntax_error_names_the_file(minimal):
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").write_text("<p>\n{% if %}</p>")
    with pytest.raises(BuildAborted) as info:
        build(minimal)
    assert "templates/partials/about.html:2: template syntax error" in info.value.format_message()


def test_compiled_templates_are_cached_and_change_nothing(minimal, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    first = built(minimal, tmp_path / "a").read_bytes()       # compiles, fills the cache
    assert len(list(cache.rglob("*.cache"))) >= 5
    second = built(minimal, tmp_path / "b").read_bytes()      # from the cache
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    third = built(minimal, tmp_path / "c").read_bytes()       # no cache at all
    assert first == second == third


def test_an_edited_template_is_compiled_again(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEPACK_CACHE", str(tmp_path / "cache"))
    about = minimal / "templates/partials/about.html"
    about.parent.mkdir(parents=True)
    for text in ("<p>First version</p>", "<p>Second version</p>"):
        about.write_text(text)
        with zipfile.ZipFile(built(minimal, tmp_path / text[3:9])) as zf:
            assert text in all_html(zf)


def test_template_errors_name_the_line_when_compiled_code_is_cached(minimal, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("COURSEPACK_CACHE", str(tmp_path / "cache"))
    (minimal / "templates/partials").mkdir(parents=True)
    (minimal / "templates/partials/about.html").write_text("<p>\n{{ view.descripton_html }}")
    for _ in range(2):  # compiled, then loaded from the cache
        with pytest.raises(BuildAborted) as info:
            build(minimal)
        assert "templates/partials/about.html:2: template error" in info.value.format_message()


def test_a_cache_that_cannot_be_used_is_skipped(minimal, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSEPACK_CACHE", str(blocker / "cache"))
    good = built(minimal, tmp_path / "a").read_bytes()
    cache = tmp_path / "cache"                 # a damaged cache: every file cut short
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    built(minimal, tmp_path / "b")
    for path in cache.rglob("*.cache"):
        path.write_bytes(path.read_bytes()[:40])
    assert built(minimal, tmp_path / "c").read_bytes() == good


def test_page_escapes_course_text(project):
    root = project()
    text = (root / "course.yaml").read_text().replace("title: A Minimal Course",
                                                       'title: "Fish & <Chips>"')
    (root / "course.yaml").write_text(text)
    with zipfile.ZipFile(built(root)) as zf:
        html = zf.read("index.html").decode()
        assert "<title>Fish &amp; &lt;Chips&gt;</title>" in html
        assert "<title>Fish &amp; &lt;Chips&gt;</title>" in zf.read("imsmanifest.xml").decode()


def test_raw_html_in_markdown_is_not_passed_through(project):
    root = project()
    path = root / "modules/02-basics.md"
    path.write_text(path.read_text() + "\n<script>alert(1)</script>\n")
    with zipfile.ZipFile(built(root)) as zf:
        html = all_html(zf)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_cwd_independent(minimal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a = built(minimal, tmp_path / "x").read_bytes()
    monkeypatch.chdir(minimal)
    b = built(Path(os.curdir), tmp_path / "y").read_bytes()
    assert a == b


def test_wheel_ships_the_default_theme(tmp_path):
    """An installed coursepack must work on any course folder: the theme is package data."""
    import subprocess
    import sys

    repo = Path(__file__).parent.parent
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(tmp_path), str(repo)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    [wheel] = tmp_path.glob("coursepack-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for name in ("builder/_theme/index.html", "builder/_theme/static/coursepack.js",
                 "builder/_theme/scorm12/imsmanifest.xml", "builder/_theme/i18n/en.yaml",
                 "builder/standards/xsd/scorm12/imscp_rootv1p1p2.xsd", "builder/cli.py",
                 # the editor schemas are made at run time from these (coursepack schema,
                 # coursepack new), and the scaffold's files point to them
                 "builder/formats.py", "builder/schemas.py", "builder/scaffold/course.yaml",
                 "builder/scaffold/scenarios/check.yaml"):
        assert name in names
    assert not any(n.startswith(("tests/", "modules/")) for n in names)
