"""`coursepack validate`: any SCORM 1.2 / 2004, xAPI or cmi5 zip, one broken package per rule.

Every package is made here with zipfile in tmp_path. Each corpus case asserts the exact
multiset of rule ids found, so a check that fires too often fails as surely as one that
never fires.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import xsd
from builder.build import build
from builder.cli import cli
from builder.validator import RULES, Limits, Unreadable, inspect_package
from builder.validator.safezip import MemberUnreadable, read_member

HERE = Path(__file__).parent
PACKAGES = HERE / "fixtures" / "packages"
REPO = HERE.parent
SCHEMAS = REPO / "builder" / "standards" / "xsd"

MANIFEST12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MANIFEST-1" version="1.0"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG-1">
    <organization identifier="ORG-1">
      <title>Course</title>
      <item identifier="ITEM-1" identifierref="SCO-1">
        <title>Lesson</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="SCO-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="style.css"/>
    </resource>
  </resources>
</manifest>
"""
FILES12 = {"index.html": "<!doctype html><title>x</title>", "style.css": "body{}"}
FILES2004 = {"lesson1/index.html": "<html/>", "quiz/index.html": "<html/>",
             "shared/scorm_api.js": "var API;"}
LIST_EXTRA = '      <file href="style.css"/>'

TINCAN = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="https://example.com/course/abc" type="http://adlnet.gov/expapi/activities/course">
      <name>Course</name>
      <description lang="en-US">A course</description>
      <launch lang="en-us">index.html</launch>
    </activity>
  </activities>
</tincan>
"""

CMI5 = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/c">
    <title><langstring lang="en-US">C</langstring></title>
    <description><langstring lang="en-US">C</langstring></description>
  </course>
  <objectives>
    <objective id="https://example.com/o1">
      <title><langstring lang="en-US">O</langstring></title>
      <description><langstring lang="en-US">O</langstring></description>
    </objective>
  </objectives>
  <au id="https://example.com/au1" moveOn="Completed" masteryScore="0.8">
    <title><langstring lang="en-US">AU</langstring></title>
    <description><langstring lang="en-US">AU</langstring></description>
    <objectives><objective idref="https://example.com/o1"/></objectives>
    <url>au1/index.html?lang=en</url>
  </au>
</courseStructure>
"""


# --- making packages --------------------------------------------------------------------------


def make_zip(path: Path, files: dict[str, str | bytes | zipfile.ZipInfo]) -> Path:
    """A zip of ``files`` (name -> text/bytes); duplicate names are allowed on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                if isinstance(data, tuple):  # (ZipInfo, bytes)
                    zf.writestr(*data)
                else:
                    zf.writestr(name.split("\x00")[0], data)
    return path


def scorm12(tmp_path: Path, manifest: str = MANIFEST12, name: str = "course.zip",
            **extra: str | bytes) -> Path:
    return make_zip(tmp_path / name, {"imsmanifest.xml": manifest, **FILES12, **extra})


def listing(*names: str) -> str:
    """``<file>`` elements for ``names``, to list extra files in MANIFEST12."""
    return LIST_EXTRA + "".join(f'\n      <file href="{n}"/>' for n in names)


def patch_central(path: Path, name: str, offset: int, fmt: str, value: int) -> None:
    """Overwrite one field of ``name``'s central-directory header (a hostile zip)."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len] == name.encode():
            struct.pack_into(fmt, data, at + offset, value)
            path.write_bytes(bytes(data))
            return
        at += 4
    raise AssertionError(f"{name} not in {path}")


def symlink_info(name: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info, b"index.html"


def zeros_member(path: Path, megabytes: int) -> Path:
    """A valid package plus ``megabytes`` MB of zeros, streamed (small and fast on disk)."""
    scorm12(path.parent, name=path.name)
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("media/zeros.bin", "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)
    return path


def scorm2004(tmp_path: Path, manifest: str | None = None, **extra: str) -> Path:
    text = manifest or (PACKAGES / "scorm2004_4th_valid_imsmanifest.xml").read_text()
    return make_zip(tmp_path / "course2004.zip", {"imsmanifest.xml": text, **FILES2004, **extra})


def m12(old: str, new: str) -> str:
    assert old in MANIFEST12
    return MANIFEST12.replace(old, new)


# --- the corpus: one package per rule ----------------------------------------------------------

Case = tuple[Callable[[Path], Path], list[str]]
CORPUS: dict[str, Case] = {
    "valid-scorm12": (lambda t: scorm12(t), []),
    "nested-folder": (lambda t: make_zip(t / "c.zip", {"course/imsmanifest.xml": MANIFEST12,
                                                       **{f"course/{k}": v
                                                          for k, v in FILES12.items()}}),
                      ["manifest-nested"]),
    "no-manifest": (lambda t: make_zip(t / "c.zip", FILES12), ["manifest-missing"]),
    "web-package": (lambda t: make_zip(t / "web.zip", {
        "index.html": '<!doctype html><html><head><meta charset="utf-8">'
                      '<meta name="generator" content="coursepack"></head></html>'}),
        ["web-package"]),
    "manifest-wrong-case": (lambda t: make_zip(t / "c.zip", {"IMSManifest.xml": MANIFEST12,
                                                             **FILES12}),
                            ["manifest-missing"]),
    "zip-slip": (lambda t: scorm12(t, **{"../evil.html": "x"}), ["zip-slip"]),
    "absolute-path": (lambda t: scorm12(t, **{"/etc/evil.html": "x"}), ["absolute-path"]),
    "backslash": (lambda t: scorm12(t, m12(LIST_EXTRA, listing("images\\logo.png")),
                                    **{"images\\logo.png": "x"}), ["backslash"]),
    "case-duplicate": (lambda t: scorm12(t, **{"INDEX.html": "x"}), ["case-duplicate"]),
    "case-duplicate-folder": (lambda t: scorm12(t, m12(LIST_EXTRA, listing("img/a.png",
                                                                           "IMG/b.png")),
                                                **{"img/a.png": "x", "IMG/b.png": "x"}),
                              ["case-duplicate"]),
    "duplicate-entry": (lambda t: scorm12(t, **{"style.css\x00dup": "x"}), ["duplicate-entry"]),
    "symlink": (lambda t: scorm12(t, **{"link.html": symlink_info("link.html")}), ["symlink"]),
    "zip-in-zip": (lambda t: scorm12(t, m12(LIST_EXTRA, listing("old/course.zip")),
                                     **{"old/course.zip": b"PK\x05\x06" + bytes(18)}),
                   ["zip-in-zip"]),
    "filename-chars": (lambda t: scorm12(t, m12(LIST_EXTRA, listing("my%20page.html",
                                                                    "résumé%231.png")),
                                         **{"my page.html": "x", "résumé#1.png": "x"}),
                       ["filename-chars", "filename-chars"]),
    "zip-extension": (lambda t: scorm12(t, name="course.pkg"), ["zip-extension"]),
    "xml-malformed": (lambda t: scorm12(t, MANIFEST12[:300]), ["xml-malformed"]),
    "manifest-unknown": (lambda t: scorm12(t, m12("imsproject.org/xsd/imscp_rootv1p1p2",
                                                  "example.com/not-scorm")),
                         ["manifest-unknown"]),
    "xsd-scormtype-uppercase": (lambda t: scorm12(t, m12('scormtype="sco"', 'scormtype="SCO"')),
                                ["xsd"]),
    "id-invalid": (lambda t: scorm12(t, m12('identifier="ITEM-1"', 'identifier="1 ITEM"')),
                   ["id-invalid"]),
    "id-duplicate": (lambda t: scorm12(t, m12('identifier="ITEM-1"', 'identifier="ORG-1"')),
                     ["id-duplicate"]),
    "identifierref-dangling": (lambda t: scorm12(t, m12('identifierref="SCO-1"',
                                                        'identifierref="SCO-2"')),
                               ["identifierref-dangling"]),
    "default-org-dangling": (lambda t: scorm12(t, m12('default="ORG-1"', 'default="ORG-9"')),
                             ["default-org-dangling"]),
    "href-missing": (lambda t: make_zip(t / "c.zip", {"imsmanifest.xml": MANIFEST12,
                                                      "index.html": "x"}), ["href-missing"]),
    "href-wrong-case": (lambda t: scorm12(t, m12('<file href="style.css"/>',
                                                 '<file href="Style.css"/>')),
                        ["href-missing"]),
    "href-windows-path": (lambda t: scorm12(t, m12('href="index.html">',
                                                   'href="C:\\course\\index.html">')),
                          ["href-missing"]),
    "file-unlisted": (lambda t: scorm12(t, **{"notes.txt": "x"}), ["file-unlisted"]),
    "scormtype-missing": (lambda t: scorm12(t, m12(' adlcp:scormtype="sco"', "")),
                          ["scormtype-missing"]),
    "scormtype-spelling-12": (lambda t: scorm12(t, m12("adlcp:scormtype", "adlcp:scormType")),
                              ["scormtype-spelling"]),
    "schema-version": (lambda t: scorm12(t, m12(">1.2<", ">1.3<")), ["schema-version"]),
    "masteryscore-range": (lambda t: scorm12(t, m12(">80<", ">140<")), ["masteryscore-range"]),
    "maxtimeallowed-format": (lambda t: scorm12(t, m12(
        "<adlcp:masteryscore>", "<adlcp:maxtimeallowed>30 min</adlcp:maxtimeallowed>\n"
                                "        <adlcp:masteryscore>")), ["maxtimeallowed-format"]),
    "launch-missing": (lambda t: scorm12(t, m12(' href="index.html">', ">")), ["launch-missing"]),
    "launch-not-html": (lambda t: scorm12(t, m12('href="index.html">', 'href="course.pdf">')
                                          .replace(LIST_EXTRA, listing("course.pdf")),
                                          **{"course.pdf": b"%PDF-1.4"}), ["launch-not-html"]),
    "external-launch": (lambda t: scorm12(t, m12('href="index.html">',
                                                 'href="https://cdn.example.com/c/index.html">')),
                        ["external-launch"]),
    "encrypted-manifest": (lambda t: _encrypted(t), ["encrypted-entry", "manifest-unreadable"]),
    "zip-bomb-stream": (lambda t: zeros_member(t / "bomb.zip", 200), ["zip-bomb"]),
    "zip-bomb-declared-2gb": (lambda t: _declared(t, 24, 2 * 1024 ** 3), ["zip-bomb"]),
    "zip-bomb-overlap": (lambda t: _declared(t, 20, 10 ** 9), ["zip-bomb"]),
    # SCORM 2004
    "valid-scorm2004": (lambda t: scorm2004(t), []),
    "scormtype-spelling-2004": (lambda t: scorm2004(t, _m2004("scormType", "scormtype")),
                                ["scormtype-spelling"] * 3),
    "version-mixup": (lambda t: scorm2004(t, _m2004(
        "<title>Lesson 1</title>",
        "<title>Lesson 1</title><adlcp:masteryscore>80</adlcp:masteryscore>")),
        ["version-mixup"]),
    "xsd-2004": (lambda t: scorm2004(t, _m2004('minProgressMeasure="0.8"',
                                               'minProgressMeasure="80"')), ["xsd"]),
    "scorm2004-schema-valid-but-wrong": (
        lambda t: make_zip(t / "c.zip", {"imsmanifest.xml": (
            PACKAGES / "scorm2004_4th_schema_valid_but_wrong_imsmanifest.xml").read_text(),
            "index.html": "x"}),
        ["schema-version", "scormtype-spelling", "version-mixup"]),
    "scorm12-schema-valid-but-wrong": (
        lambda t: make_zip(t / "c.zip", {"imsmanifest.xml": (
            PACKAGES / "scorm12_schema_valid_but_wrong_imsmanifest.xml").read_text(),
            "index.html": "x"}),
        ["schema-version", "schema-version", "identifierref-dangling", "masteryscore-range",
         "maxtimeallowed-format", "scormtype-missing", "href-missing"]),
    # cmi5
    "valid-cmi5-simple": (lambda t: make_zip(t / "c.zip", {"cmi5.xml": (
        SCHEMAS / "cmi5/examples/simple-cmi5.xml").read_bytes()}), []),
    "valid-cmi5-local-au": (lambda t: make_zip(t / "c.zip", {"cmi5.xml": CMI5,
                                                             "au1/index.html": "x"}), []),
    "cmi5-broken": (lambda t: make_zip(t / "c.zip", {"cmi5.xml": (
        PACKAGES / "cmi5_broken.xml").read_bytes(), "au1/index.html": "x"}),
        ["xsd", "xsd", "xsd"]),
    "cmi5-au-missing": (lambda t: make_zip(t / "c.zip", {"cmi5.xml": CMI5}), ["href-missing"]),
    "cmi5-id-duplicate": (lambda t: make_zip(t / "c.zip", {
        "cmi5.xml": CMI5.replace("https://example.com/au1", "https://example.com/c"),
        "au1/index.html": "x"}), ["id-duplicate"]),
    "cmi5-objective-dangling": (lambda t: make_zip(t / "c.zip", {
        "cmi5.xml": CMI5.replace('idref="https://example.com/o1"',
                                 'idref="https://example.com/o2"'),
        "au1/index.html": "x"}), ["identifierref-dangling"]),
    # xAPI
    "valid-tincan": (lambda t: make_zip(t / "c.zip", {"tincan.xml": TINCAN, **FILES12}), []),
    "tincan-launch-file-missing": (lambda t: make_zip(t / "c.zip", {"tincan.xml": TINCAN}),
                                   ["href-missing"]),
    "tincan-no-launch": (lambda t: make_zip(t / "c.zip", {
        "tincan.xml": re.sub(r"\s*<launch.*</launch>", "", TINCAN), **FILES12}),
        ["launch-missing"]),
    "tincan-two-launches": (lambda t: make_zip(t / "c.zip", {
        "tincan.xml": TINCAN.replace("</activities>", '<activity id="https://example.com/2">'
                                     "<launch>index.html</launch></activity></activities>"),
        **FILES12}), ["launch-multiple"]),
    "xml-entity-external": (lambda t: make_zip(t / "c.zip", {"tincan.xml": TINCAN.replace(
        "<tincan ", '<!DOCTYPE tincan [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<tincan '
    ), **FILES12}), ["xml-entity"]),
    "xml-entity-external-dtd": (lambda t: make_zip(t / "c.zip", {"tincan.xml": TINCAN.replace(
        "<tincan ", '<!DOCTYPE tincan SYSTEM "http://127.0.0.1:9/evil.dtd">\n<tincan '),
        **FILES12}), ["xml-entity"]),
    "xml-entity-internal-in-cmi5": (lambda t: make_zip(t / "c.zip", {"cmi5.xml": CMI5.replace(
        "<courseStructure", '<!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">]>\n<courseStructure', 1),
        "au1/index.html": "x"}), ["xml-entity"]),
    "xml-entity-in-scorm": (lambda t: scorm12(t, MANIFEST12.replace(
        "<manifest", '<!DOCTYPE manifest [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">%p;]>'
        '\n<manifest', 1)), ["xml-entity"]),
    "tincan-structure": (lambda t: make_zip(t / "c.zip", {
        "tincan.xml": TINCAN.replace("projecttincan.com", "example.com"), **FILES12}),
        ["tincan-structure"]),
    "tincan-external": (lambda t: make_zip(t / "c.zip", {
        "tincan.xml": TINCAN.replace(">index.html<", ">https://example.com/c.html<")}),
        ["external-launch"]),
}
#: Cases that need smaller limits than the defaults to stay small and fast.
LIMITED: dict[str, tuple[Callable[[Path], Path], Limits, list[str]]] = {
    "entry-count": (lambda t: scorm12(t, m12(LIST_EXTRA, listing("a.txt", "b.txt", "c.txt")),
                                      **{"a.txt": "x", "b.txt": "x", "c.txt": "x"}),
                    Limits(max_entries=4), ["entry-count"]),
    "package-size": (lambda t: scorm12(t), Limits(warn_package_size=100), ["package-size"]),
}


def _m2004(old: str, new: str) -> str:
    text = (PACKAGES / "scorm2004_4th_valid_imsmanifest.xml").read_text()
    assert old in text
    return text.replace(old, new)


def _encrypted(tmp_path: Path) -> Path:
    path = scorm12(tmp_path)
    patch_central(path, "imsmanifest.xml", 8, "<H", 0x1)  # general purpose flag: encrypted
    return path


def _declared(tmp_path: Path, offset: int, value: int) -> Path:
    """A package whose 'big.bin' lies about its size in the central directory."""
    path = scorm12(tmp_path, **{"big.bin": b"tiny"})
    patch_central(path, "big.bin", offset, "<I", value)  # 20 packed size, 24 unpacked size
    return path


def rules_of(path: Path, limits: Limits | None = None) -> list[str]:
    return sorted(p.rule for p in inspect_package(path, limits).problems)


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_corpus_finds_exactly_the_expected_rules(case, tmp_path):
    make, expected = CORPUS[case]
    assert rules_of(make(tmp_path)) == sorted(expected)


@pytest.mark.parametrize("case", sorted(LIMITED))
def test_limits_are_checked(case, tmp_path):
    make, limits, expected = LIMITED[case]
    path = make(tmp_path)
    assert rules_of(path, limits) == expected
    assert rules_of(path) == []  # within the default limits the package is fine


def test_every_rule_has_a_broken_package_in_the_corpus():
    exercised = {r for _, rules in CORPUS.values() for r in rules}
    exercised |= {r for _, _, rules in LIMITED.values() for r in rules}
    exercised.add("unreadable")  # see test_unreadable_input_exits_2
    assert exercised == set(RULES)


# --- what each check says ------------------------------------------------------------------------


def test_standards_are_named(tmp_path):
    cases = {"valid-scorm12": "SCORM 1.2", "valid-scorm2004": "SCORM 2004 4th Edition",
             "valid-cmi5-simple": "cmi5", "valid-tincan": "xAPI (Tin Can)"}
    for case, standard in cases.items():
        folder = tmp_path / case
        folder.mkdir()
        assert inspect_package(CORPUS[case][0](folder)).standard == standard


def test_scorm_and_tincan_in_one_zip(tmp_path):
    path = make_zip(tmp_path / "c.zip", {"imsmanifest.xml": MANIFEST12, "tincan.xml": TINCAN,
                                         **FILES12})
    report = inspect_package(path)
    assert report.standard == "SCORM 1.2 + xAPI (Tin Can)"
    assert report.problems == []


def test_nested_folder_names_the_folder(tmp_path):
    [p] = inspect_package(CORPUS["nested-folder"][0](tmp_path)).problems
    assert p.file == "course/imsmanifest.xml"
    assert "inside the folder 'course/'" in p.message
    assert "zipped" in p.advice


def test_problems_carry_file_line_message_and_advice(tmp_path):
    [p] = inspect_package(CORPUS["masteryscore-range"][0](tmp_path)).problems
    assert (p.file, p.line, p.severity) == ("imsmanifest.xml", 14, "error")
    assert "'140'" in p.message and "0 to 100" in p.message
    assert p.advice == RULES["masteryscore-range"].advice


def test_xsd_message_is_shortened_and_not_repeated_by_id_checks(tmp_path):
    [p] = inspect_package(CORPUS["xsd-scormtype-uppercase"][0](tmp_path)).problems
    assert p.line == 19
    assert "adlcp:scormtype" in p.message and "'SCO'" in p.message
    assert "{http" not in p.message


def test_wrong_case_href_suggests_the_real_name(tmp_path):
    [p] = inspect_package(CORPUS["href-wrong-case"][0](tmp_path)).problems
    assert "'style.css'" in p.message and "case-sensitive" in p.message


def test_external_launch_of_an_asset_is_only_a_warning(tmp_path):
    manifest = m12('adlcp:scormtype="sco" href="index.html"',
                   'adlcp:scormtype="asset" href="https://example.com/doc.html"')
    [p] = inspect_package(scorm12(tmp_path, manifest)).problems
    assert (p.rule, p.severity) == ("external-launch", "warning")


def test_many_problems_of_one_rule_are_capped(tmp_path):
    path = scorm12(tmp_path, **{f"notes/n{i}.txt": "x" for i in range(30)})
    problems = inspect_package(path).problems
    assert [p.rule for p in problems] == ["file-unlisted"] * 21
    assert problems[-1].message == "... and 10 more like this"


def test_encrypted_manifest_is_reported_plainly(tmp_path):
    problems = inspect_package(CORPUS["encrypted-manifest"][0](tmp_path)).problems
    assert [p.message for p in problems] == [
        "'imsmanifest.xml' is encrypted",
        "cannot read imsmanifest.xml: it is encrypted (password-protected)"]


def test_zip_bomb_is_refused_without_reading_members(tmp_path, monkeypatch):
    path = CORPUS["zip-bomb-declared-2gb"][0](tmp_path)
    monkeypatch.setattr(zipfile.ZipFile, "open", _forbidden)
    [p] = inspect_package(path).problems
    assert p.rule == "zip-bomb" and p.file == "big.bin"


def test_entry_count_is_refused_before_the_listing_is_loaded(tmp_path, monkeypatch):
    path = scorm12(tmp_path, **{f"extra{i}.txt": "x" for i in range(3)})
    monkeypatch.setattr(zipfile, "ZipFile", _forbidden)
    assert rules_of(path, Limits(max_entries=4)) == ["entry-count"]


def test_member_reads_are_capped(tmp_path):
    path = zeros_member(tmp_path / "z.zip", 3)
    with zipfile.ZipFile(path) as zf:
        assert read_member(zf, zf.getinfo("index.html"), 1024) == FILES12["index.html"].encode()
        with pytest.raises(MemberUnreadable, match="more than the 1 MB"):
            read_member(zf, zf.getinfo("media/zeros.bin"), 1024 * 1024)
        zf.getinfo("media/zeros.bin").file_size = 10  # a header that lies: still refused
        with pytest.raises(MemberUnreadable):
            read_member(zf, zf.getinfo("media/zeros.bin"), 1024 * 1024)


def _forbidden(*args, **kwargs):
    raise AssertionError("the validator must not read this")


# --- our own package, the CLI ------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("own") / "course"
    shutil.copytree(HERE / "fixtures" / "minimal", root)
    [path] = build(root, ("scorm12",), root.parent / "out").written
    return path


def test_our_own_package_is_valid(own_package, runner):
    assert inspect_package(own_package).problems == []
    result = runner.invoke(cli, ["validate", str(own_package)])
    assert result.exit_code == 0, result.output
    assert "SCORM 1.2" in result.output
    assert "0 errors, 0 warnings: valid." in result.output


def test_json_format(own_package, tmp_path, runner):
    result = runner.invoke(cli, ["validate", "--format", "json", str(own_package)])
    assert result.exit_code == 0
    assert json.loads(result.output) == {"package": str(own_package), "standard": "SCORM 1.2",
                                         "problems": [], "valid": True}
    broken = CORPUS["zip-slip"][0](tmp_path)
    result = runner.invoke(cli, ["validate", str(broken), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["valid"] is False and doc["standard"] == "SCORM 1.2"
    assert doc["problems"] == [{"rule": "zip-slip", "severity": "error", "file": "../evil.html",
                                "line": 0, "message": "'../evil.html' climbs out of the package "
                                                     "folder",
                                "advice": RULES["zip-slip"].advice}]


def test_text_format(tmp_path, runner):
    path = CORPUS["masteryscore-range"][0](tmp_path)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == ("ERROR masteryscore-range imsmanifest.xml:14 <adlcp:masteryscore> is "
                        "'140'; expected a number from 0 to 100")
    assert lines[1].startswith("    LMSs compute passed/failed")
    assert lines[-1] == f"{path}: SCORM 1.2 package; 1 error, 0 warnings: NOT valid."


def test_strict_counts_warnings(tmp_path, runner):
    path = CORPUS["file-unlisted"][0](tmp_path)
    relaxed = runner.invoke(cli, ["validate", str(path)])
    assert relaxed.exit_code == 0
    assert relaxed.output.startswith("WARNING file-unlisted notes.txt ")
    strict = runner.invoke(cli, ["validate", "--strict", "--format", "json", str(path)])
    assert strict.exit_code == 1
    assert json.loads(strict.output)["valid"] is False


def test_refused_package_summary(tmp_path, runner):
    result = runner.invoke(cli, ["validate", str(CORPUS["zip-bomb-stream"][0](tmp_path))])
    assert result.exit_code == 1
    assert "refused without reading its manifest" in result.output.splitlines()[-1]


def _inputs(tmp_path: Path) -> dict[str, Path]:
    good = scorm12(tmp_path, name="good.zip").read_bytes()
    random_bytes = bytes((i * 7919 + 13) % 256 for i in range(4096))
    made = {"random.zip": random_bytes, "empty.zip": b"", "truncated.zip": good[:len(good) // 2],
            "tail-only.zip": good[-200:], "text.zip": b"PK\x05\x06 not really a zip"}
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    paths = {name: tmp_path / name for name in made}
    paths["missing.zip"] = tmp_path / "missing.zip"
    paths["a folder"] = tmp_path
    return paths


def test_unreadable_input_exits_2(tmp_path, runner):
    for label, path in _inputs(tmp_path).items():
        with pytest.raises(Unreadable):
            inspect_package(path)
        result = runner.invoke(cli, ["validate", str(path)])
        assert result.exit_code == 2, label
        assert "Error: cannot validate:" in result.output, label
        assert "Traceback" not in result.output, label
        assert isinstance(result.exception, SystemExit), label  # a clean exit, not a crash
        as_json = runner.invoke(cli, ["validate", "--format", "json", str(path)])
        assert as_json.exit_code == 2
        doc = json.loads(as_json.stdout)
        assert doc["valid"] is False and doc["problems"][0]["rule"] == "unreadable"


def test_no_crash_on_damaged_members(tmp_path):
    """Flip bytes inside a good package: every outcome is a report or Unreadable."""
    good = scorm12(tmp_path, name="good.zip").read_bytes()
    for at in range(0, len(good), max(1, len(good) // 60)):
        damaged = bytearray(good)
        damaged[at] ^= 0xFF
        path = tmp_path / "damaged.zip"
        path.write_bytes(bytes(damaged))
        try:
            report = inspect_package(path)
        except Unreadable:
            continue
        assert all(p.rule in RULES for p in report.problems)


# --- nothing written, nothing fetched --------------------------------------------------------


def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))}


def test_validation_writes_nothing(tmp_path, runner, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paths = []
    for case, (make, _) in sorted(CORPUS.items()):
        folder = corpus / case
        folder.mkdir()
        paths.append(make(folder))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for name in ("mkdtemp", "mkstemp", "NamedTemporaryFile", "TemporaryDirectory"):
        monkeypatch.setattr(tempfile, name, _forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "extract", _forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", _forbidden)
    before, cwd_before = _tree(tmp_path), os.listdir(cwd)
    for path in paths:
        result = runner.invoke(cli, ["validate", str(path)])
        assert result.exit_code in (0, 1), (path, result.output)
    assert _tree(tmp_path) == before
    assert os.listdir(cwd) == cwd_before == []


def test_schemas_never_come_from_the_network(monkeypatch):
    """Without the local mapping of xml.xsd, the 2004 schema cannot compile: nothing is
    fetched as a fallback."""
    xsd.scorm2004_schema.cache_clear()
    monkeypatch.setattr(xsd, "_REMOTE", {})
    try:
        with pytest.raises(Exception, match="xml.xsd|base|resolve"):
            xsd.scorm2004_schema()
    finally:
        xsd.scorm2004_schema.cache_clear()
    monkeypatch.undo()
    assert xsd.validate_scorm2004((PACKAGES / "scorm2004_4th_valid_imsmanifest.xml")
                                  .read_bytes()) == []


def test_entities_are_not_expanded(tmp_path):
    manifest = MANIFEST12.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    ).replace("<title>Course</title>", "<title>&x;</title>")
    report = inspect_package(scorm12(tmp_path, manifest))
    assert [p.rule for p in report.problems] == ["xsd", "xml-entity"]  # xml-entity: a warning
    assert "root:" not in json.dumps(report.as_dict())


# --- the schema copies and the documentation -----------------------------------------------------

SHA256 = {  # from shared/schemas/SOURCES.md
    "cmi5/CourseStructure.xsd": "6a0b04962f5baa4603ee28e84ce4c74a122f322a548c8fdc14d93b2a23781d75",
    "cmi5/LICENSE.Apache-2.0.txt":
        "2feefabf95200867ecd02c95e90a550398d3ed115aeb4d8b23b8896ed11e4d07",
    "cmi5/examples/simple-cmi5.xml":
        "b923f103c12dcf1af2e1e7f4e7fecd928408a110cb4061c3d1c609762eb11b51",
    "scorm2004_4th/imscp_v1p1.xsd":
        "37d9a70b8b9b0303cdee1af5839fe8b32c2724c39d8124e714af650da4a08cdb",
    "scorm2004_4th/adlcp_v1p3.xsd":
        "87cefec31b160a1ecc9ffd1475bee6cb0e2d71b2bcd76ba1a08df0ac90cf8f7d",
    "scorm2004_4th/imsss_v1p0.xsd":
        "53565d8b23842d5b667beffa4ed100e3e06cdd778b60b85efc38e7a9a1f52a90",
    "scorm2004_4th/lom.xsd": "c75cc4b226826e0532597b2fb62487b8c942fc5b6119d12d55798eb4c30c004a",
    "scorm2004_4th/xml.xsd": "95907dad3dea7debdd26bddeab77e3946b95370329994beefa74253be105c3e2",
    "scorm2004_4th/XMLSchema.dtd":
        "c69f01c9bc174fef53908e322e8e294b1f54f9f3430242b02ad8237322eae4b1",
    "scorm2004_4th/vocab/adlmd_vocabv1p0.xsd":
        "b62cfc60fb7e719dcde49f05216f727e31d3cb286a40a3756b6183bce1726f9e",
}


def test_shipped_2004_and_cmi5_schemas_are_verbatim():
    for name, digest in SHA256.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name
    assert len(list((SCHEMAS / "scorm2004_4th").rglob("*.*"))) == 36
    shared = Path("/work/shared/schemas")
    if shared.is_dir():  # the project's reference copies, when present
        for folder in ("scorm2004_4th", "cmi5"):
            for src in (shared / folder).rglob("*"):
                if src.is_file():
                    dest = SCHEMAS / src.relative_to(shared)
                    assert dest.read_bytes() == src.read_bytes(), dest


def test_docs_list_every_rule():
    text = (REPO / "docs" / "qa.md").read_text(encoding="utf-8")
    # the rules' table: a rule, then its level (other tables list learners, options...)
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \| (?:error|warning)", text, flags=re.M))
    assert documented == set(RULES)
