"""Every target from the same sources: SCORM 2004 and xAPI manifests, the web site."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder import __version__, jsmin
from builder.build import build
from builder.bundle import BUNDLE, STYLES
from builder.packagers import TARGETS
from builder.render import _code_of
from builder.validator.inspect import inspect_package
from builder.xsd import validate_cmi5, validate_scorm2004
from tests.conftest import REPO
from tests.support.scripts import runtime_scripts, style_sheets
from tests.test_loaders import BRANCHING

#: compares two scripts' syntax trees, names by their declarations (acorn)
SAME_PROGRAM = REPO / "tests" / "js" / "same-program.js"

#: a matching knowledge check, appended to a module of the minimal course
MATCHING_CHECK = """
```question
id: kc-match
type: matching
prompt: Match each idea with its place.
objectives: [obj-two]
pairs:
  - {id: first, source: The first idea, target: Page one}
  - {id: second, source: The second idea, target: Page two}
feedback: {correct: Both right., incorrect: Page one holds the first idea.}
```
"""

NS = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
      "imsss": "http://www.imsglobal.org/xsd/imsss",
      "c5": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd",
      "tc": "http://projecttincan.com/tincan.xsd"}


def built(root: Path, target: str, out: Path | None = None) -> Path:
    return next(p for p in build(root, (target,), out).written if p.name.endswith(f"-{target}.zip"))


def read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def test_default_targets_are_all_of_them(minimal):
    result = build(minimal)
    assert [p.name for p in result.written] == [
        f"minimal-course-1.0.0-{t}.zip" for t in TARGETS]
    assert [p.name for p in result.folders] == ["minimal-course-1.0.0-web"]


@pytest.mark.parametrize("target", [t for t in TARGETS if t != "web"])
def test_our_packages_validate_clean(minimal, target):
    report = inspect_package(built(minimal, target))
    assert [p for p in report.problems] == []


def test_the_web_site_is_not_an_lms_package(minimal):
    report = inspect_package(built(minimal, "web"))
    assert [p.rule for p in report.problems] == ["web-package"]


def test_scorm2004_manifest(minimal):
    path = built(minimal, "scorm2004")
    manifest = read(path, "imsmanifest.xml")
    assert validate_scorm2004(manifest) == []
    root = etree.fromstring(manifest)
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "2004 4th Edition"
    [res] = root.iterfind(".//cp:resource[@adlcp:scormType='sco']", NS)
    assert res.get("href") == "index.html"
    threshold = root.find(".//cp:item/adlcp:completionThreshold", NS)
    assert threshold.get("completedByMeasure") == "true"
    assert root.findtext(".//imsss:primaryObjective/imsss:minNormalizedMeasure",
                         namespaces=NS) == "0.80"
    assert root.find(".//cp:organization/imsss:sequencing/imsss:controlMode", NS).get(
        "choice") == "true"
    listed = {f.get("href") for f in root.iterfind(".//cp:file", NS)}
    with zipfile.ZipFile(path) as zf:
        assert listed == set(zf.namelist()) - {"imsmanifest.xml"}


def test_cmi5_structure(minimal):
    xml = read(built(minimal, "cmi5"), "cmi5.xml")
    assert validate_cmi5(xml) == []
    au = etree.fromstring(xml).find("c5:au", NS)
    assert au.get("moveOn") == "CompletedAndPassed"
    assert au.get("masteryScore") == "0.8"
    assert au.findtext("c5:url", namespaces=NS) == "index.html"


def test_tincan_xml(minimal):
    root = etree.fromstring(read(built(minimal, "xapi"), "tincan.xml"))
    [launchable] = [a for a in root.iterfind(".//tc:activity", NS)
                    if a.find("tc:launch", NS) is not None]
    assert launchable.get("id") == "urn:coursepack:minimal-course"
    assert launchable.get("type") == "http://adlnet.gov/expapi/activities/course"


def test_no_credentials_in_xapi_packages(minimal):
    for target in ("xapi", "cmi5"):
        with zipfile.ZipFile(built(minimal, target)) as zf:
            blob = b"".join(zf.read(n) for n in zf.namelist()).lower()
        assert b"password" not in blob and b"authorization: basic" not in blob


def scripts_in(package: Path) -> list[str]:
    """The runtime scripts a package carries, in the order it runs them (the parts of its
    one script file, builder/bundle.py)."""
    with zipfile.ZipFile(package) as zf:
        return list(runtime_scripts(zf))


def test_packages_carry_only_their_runtime(minimal):
    # the question types the course uses, in the registry's order, after the registries
    common = ["static/cp-pages.js", "static/cp-questions.js", "static/cp-state.js",
              "static/cp-lms.js", "static/questions/choice.js", "static/questions/multiple.js",
              "static/questions/true-false.js"]
    adapters = {"scorm12": ["static/cp-scorm.js", "static/cp-scorm12.js"],
                "scorm2004": ["static/cp-scorm.js", "static/cp-scorm2004.js"],
                "xapi": ["static/cp-xapi.js"],
                "cmi5": ["static/cp-xapi.js", "static/cp-cmi5.js"], "web": []}
    for target in TARGETS:
        package = built(minimal, target)
        expected = [*common, *adapters[target], "static/coursepack.js"]
        assert scripts_in(package) == expected, target
        with zipfile.ZipFile(package) as zf:  # and no other script: one standard's code
            assert [n for n in zf.namelist() if n.endswith(".js")
                    and not n.startswith("content/")] == [BUNDLE]
            # the launch page loads the course data, the runtime, then the first unit
            assert re.findall(r'<script src="([^"]+)" defer></script>',
                              zf.read("index.html").decode()) == [
                "content/course.js", BUNDLE, "content/u0.js"]


def test_scenario_code_ships_only_with_a_scenario(minimal, tmp_path):
    assert "static/cp-scenario.js" not in scripts_in(built(minimal, "scorm12"))
    (minimal / "scenarios/quiz.yaml").write_text(
        BRANCHING.replace("start: one", "objectives: [obj-one, obj-two]\nstart: one"))
    scripts = scripts_in(built(minimal, "scorm12", tmp_path / "out"))
    assert "static/cp-scenario.js" in scripts
    # its decisions are reported as choice interactions: the choice type comes along
    assert "static/questions/choice.js" in scripts


def test_draw_code_ships_only_with_a_quiz_that_draws(minimal, tmp_path):
    assert "static/cp-draw.js" not in scripts_in(built(minimal, "scorm12"))
    quiz = minimal / "scenarios/quiz.yaml"
    quiz.write_text(quiz.read_text().replace("attempts: 2\n", "attempts: 2\ndraw: 2\n", 1))
    scripts = scripts_in(built(minimal, "scorm12", tmp_path / "out"))
    assert scripts.index("static/cp-draw.js") < scripts.index("static/coursepack.js")


def test_question_type_code_ships_only_when_used(minimal, tmp_path):
    assert "static/questions/matching.js" not in scripts_in(built(minimal, "scorm12"))
    module = minimal / "modules/02-basics.md"
    module.write_text(module.read_text() + MATCHING_CHECK)
    scripts = scripts_in(built(minimal, "scorm12", tmp_path / "out"))
    assert "static/questions/matching.js" in scripts
    assert scripts.index("static/questions/matching.js") > scripts.index("static/cp-questions.js")


def test_shipped_runtime_is_the_source_without_comments(minimal):
    """Packages carry the runtime's scripts as the same tokens in the same order, without
    comments or unneeded white space (builder/jsmin.py), and its style sheets without
    their whole-line comments, blank lines, indentation and the comments that end a line
    of code; the scripts still parse."""
    with zipfile.ZipFile(built(minimal, "cmi5")) as zf:
        shipped = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith((".js", ".css"))}
        content = {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("content/")}
        parts = runtime_scripts(zf)
        styles = style_sheets(zf)
    # the runtime's one script file is its parts, in order, nothing added; the style sheet
    # likewise (coursepack.css, then those of the blocks and screens the course uses)
    assert shipped.pop(BUNDLE) == "".join(parts.values())
    assert shipped.pop(STYLES) == "".join(styles.values())
    assert not (set(parts) | set(styles)) & set(shipped)
    shipped.update(parts)
    shipped.update(styles)
    scripts = 0
    for name, text in shipped.items():
        if name in content:
            continue  # the course's own pages and data (checked for parsing below)
        first, rest = text.split("\n", 1)
        assert first == f"/* coursepack {__version__} templates/{name} */"
        source_text = (REPO / "templates" / name).read_text()
        if name.endswith(".js"):
            scripts += 1
            assert "/*" not in rest and "\n\n" not in rest and len(text) < len(source_text)
            assert rest == jsmin.minify(source_text), name
            continue
        # each line of the source as shipped: without a /* comment */ that ends it
        source = [_code_of(line.strip()) for line in source_text.splitlines()]
        lines = rest.splitlines()
        it = iter(source)
        assert all(line in it for line in lines), f"{name}: a line was changed or reordered"
        dropped = len(source) - len(lines)
        assert dropped > 0 and not any(line.strip().startswith(("//", "/*")) for line in lines)
        assert all(_code_of(line) == line for line in lines), f"{name}: a comment ends a line"
    assert scripts >= 8
    node = shutil.which("node")
    if node:
        assert unparsed(node, {n: t for n, t in shipped.items() if n.endswith(".js")},
                        minimal / "check") == []


def test_every_runtime_script_parses_as_shipped(tmp_path):
    """Every script a package may carry (scenario, draw, screens, blocks, media, every
    adapter and question type), minified with its local names shortened (none falls back),
    still parses, and is the same program as its source (tests/js/same-program.js)."""
    from builder.render import RUNTIME, shipped_text

    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    names = sorted(n for n in RUNTIME if n.endswith(".js"))
    assert "static/cp-draw.js" in names and "static/cp-screens.js" in names
    scripts = {}
    for name in names:
        source = (REPO / "templates" / name).read_text()
        assert jsmin.minify(source) is not None, f"{name}: the minifier gave up"
        jsmin.rename_locals(jsmin.tokens(source))  # raises if it would leave names as written
        text = shipped_text(source, name)
        assert text.split("\n", 1)[1] == jsmin.minify(source), name
        scripts[name] = text
    assert unparsed(node, scripts, tmp_path / "shipped") == []
    # the check itself finds a broken script
    assert unparsed(node, {"broken.js": "function f( {"}, tmp_path / "broken") == [
        "broken.js: SyntaxError"]
    # the same syntax tree, each name referring to the same declaration (one node run)
    pairs = []
    for i, name in enumerate(names):
        original, script = tmp_path / f"source{i}.js", tmp_path / f"shipped{i}.js"
        original.write_text((REPO / "templates" / name).read_text())
        script.write_text(scripts[name])
        pairs += [str(original), str(script)]
    result = subprocess.run([node, str(SAME_PROGRAM), *pairs], capture_output=True, text=True)
    assert result.returncode == 0, f"{names}: {result.stdout}{result.stderr}"


def test_same_program_tells_a_wrong_renaming(tmp_path):
    """tests/js/same-program.js, which proves the shipped scripts right, can fail: a name
    that refers to another declaration, or a renamed property, is a difference."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    source = "var a = 0; (function () { function f(a) { var b = 1; return function () { return a.p + b; }; } })();"
    cases = {"function g(x) { var y = 1; return function () { return x.p + y; }; }": 0,
             "function f(x) { var b = 1; return function () { return a.p + b; }; }": 1,
             "function f(a) { var b = 1; return function () { return a.q + b; }; }": 1}
    original = tmp_path / "a.js"
    original.write_text(source)
    pairs = []
    for i, body in enumerate(cases):
        other = tmp_path / f"b{i}.js"
        other.write_text("var a = 0; (function () { " + body + " })();")
        pairs += [str(original), str(other)]
    # one node run for every case: a line for each pair that differs
    result = subprocess.run([node, str(SAME_PROGRAM), *pairs], capture_output=True, text=True)
    assert result.returncode == 1, (result.stdout, result.stderr)
    differ = {line.split()[2] for line in result.stdout.splitlines()
              if line.startswith("differ: ")}
    assert differ == {pairs[2 * i + 1] for i, code in enumerate(cases.values()) if code}, (
        result.stdout)


#: parses each file named on its command line as a classic script (what a browser's
#: <script> is) without running it; prints "<file>: <error name>" for each that fails
PARSE = """const vm = require("vm"), fs = require("fs");
for (const f of process.argv.slice(1)) {
  try { new vm.Script(fs.readFileSync(f, "utf8"), {filename: f}); }
  catch (e) { console.log(f + ": " + e.name + "\\t" + e.message); }
}"""


def unparsed(node: str, scripts: dict[str, str], folder: Path) -> list[str]:
    """The scripts that do not parse, as "name: SyntaxError" (one node process for all:
    a node --check per script cost a second or more each on a loaded machine)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for i, (name, text) in enumerate(sorted(scripts.items())):
        files[str(folder / f"s{i}.js")] = name
        (folder / f"s{i}.js").write_text(text)
    done = subprocess.run([node, "-e", PARSE, *files], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr
    bad = [line.split("\t")[0].split(": ", 1) for line in done.stdout.splitlines()]
    return [f"{files[f]}: {error}" for f, error in bad]


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_is_reproducible(minimal, tmp_path, target):
    assert built(minimal, target, tmp_path / "a").read_bytes() == (
        built(minimal, target, tmp_path / "b").read_bytes())


def test_web_folder_matches_the_zip(minimal):
    build(minimal, ("web",))
    folder = minimal / "dist/minimal-course-1.0.0-web"
    with zipfile.ZipFile(minimal / "dist/minimal-course-1.0.0-web.zip") as zf:
        for name in zf.namelist():
            assert (folder / name).read_bytes() == zf.read(name)
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert on_disk == set(zf.namelist())


def test_scorm2004_allows_a_longer_resume_state(project):
    from tests.test_loaders import quiz_of

    root = project({"scenarios/quiz.yaml": quiz_of(2100, 2)})
    [path] = build(root, ("scorm2004",)).written   # 4224 characters: over 1.2's limit only
    assert path.name.endswith("-scorm2004.zip")
