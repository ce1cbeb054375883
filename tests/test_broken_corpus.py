"""Broken courses through the command line: a clear error, exit code 1, nothing written.

The corpus is tests/broken: each case is the minimal course with one mistake, described
with its expected error in tests/broken/EXPECTED.yaml. Every case runs `coursepack build`
(click's CliRunner) into an output folder that already holds packages from a good build
and someone's own file; the folder must come out byte-for-byte as it went in.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import time
from pathlib import Path

import pytest
import yaml

from builder.build import build, check
from builder.cli import cli
from builder.errors import BuildAborted
from builder.packagers import TARGETS
from tests.conftest import FIXTURES

BROKEN = Path(__file__).parent / "broken"
CASES: dict[str, dict] = yaml.safe_load((BROKEN / "EXPECTED.yaml").read_text("utf-8"))
HUGE = 2 * 1024**3
PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_dist(tmp_path_factory) -> dict[str, bytes]:
    """The output folder of an earlier good build of every target, plus a file of the
    author's own."""
    root = tmp_path_factory.mktemp("good") / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    build(root, TARGETS)
    (root / "dist" / "notes.txt").write_text("the author's own file\n", "utf-8")
    return snapshot(root / "dist")


def make_case(name: str, tmp_path: Path) -> Path:
    """The project of one case: minimal + the case's folder + its ``make`` steps."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    if (BROKEN / name).is_dir():
        shutil.copytree(BROKEN / name, root, dirs_exist_ok=True)
    for kind, rel in CASES[name].get("make", {}).items():
        path = root / rel
        if kind == "delete":
            path.unlink()
        elif kind == "link-outside":
            outside = tmp_path / "outside" / path.name
            outside.parent.mkdir(exist_ok=True)
            shutil.move(path, outside)
            path.symlink_to(outside)
        elif kind == "sparse":
            path.unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                fh.truncate(HUGE)
        elif kind == "latin-1":
            text = path.read_text("utf-8").replace("A Minimal Course", "A Minimal Café Course")
            path.write_bytes(text.encode("latin-1"))
        elif kind == "binary":
            path.write_bytes(PNG_START + bytes(200))
        elif kind == "fifo":
            path.unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)
        elif kind == "loop":
            path.unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(path.name)
        else:
            raise ValueError(f"{name}: unknown make step {kind!r}")
    return root


@pytest.fixture
def no_huge_reads(monkeypatch):
    """Fail if anything reads a file of more than 64 MiB into memory."""
    original = Path.read_bytes

    def guarded(self: Path) -> bytes:
        assert self.stat().st_size <= 64 * 1024**2, f"{self} was read into memory"
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)


@contextlib.contextmanager
def deadline(seconds: int):
    """Raise TimeoutError in the block after ``seconds`` (SIGALRM, main thread only)."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_the_corpus_is_complete():
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    made = {name for name, case in CASES.items() if "make" in case}
    assert folders - set(CASES) == set(), "folders without an entry in EXPECTED.yaml"
    assert set(CASES) - folders - made == set(), "entries without a folder or make steps"
    assert len(CASES) >= 40
    for name, case in CASES.items():
        assert re.fullmatch(r"[^:]+(:\d+)?", case["at"]), name
        assert case["says"] and case["what"], name


@pytest.mark.parametrize("name", list(CASES))
def test_broken_course(name, tmp_path, runner, good_dist, no_huge_reads):
    case = CASES[name]
    root = make_case(name, tmp_path)
    out = tmp_path / "dist"
    out.mkdir()
    for rel, data in good_dist.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    rss_before, started = peak_rss_mib(), time.monotonic()

    with deadline(20):  # a hang (a FIFO read, say) fails the case instead of the run
        result = runner.invoke(cli, ["build", str(root), "--out", str(out)])

    assert time.monotonic() - started < 10, "the build took too long"
    assert peak_rss_mib() - rss_before < 200, "the build used too much memory"
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no crash
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output  # nothing raw
    errors = case.get("errors", 1)
    assert result.output.rstrip().endswith(
        f"Aborted with {errors} error{'s' if errors > 1 else ''}. Nothing was written."
    ), result.output
    lines = [line for line in result.output.splitlines() if line.startswith(case["at"] + ":")]
    # file:line, then the message (a bare file name is followed by ": " and the message)
    assert any(case["says"] in line for line in lines), (
        f"expected '{case['at']}: ... {case['says']}' in:\n{result.output}")
    assert snapshot(out) == good_dist


def test_bom_and_crlf_build_like_the_plain_course(minimal, tmp_path):
    """A byte-order mark and Windows line ends are fine: the package is the same."""
    [plain] = build(minimal, ("scorm12",), out=tmp_path / "plain").written
    for path in minimal.rglob("*"):
        if path.suffix in (".yaml", ".md"):
            text = path.read_text("utf-8")
            path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    [windows] = build(minimal, ("scorm12",), out=tmp_path / "windows").written
    assert windows.read_bytes() == plain.read_bytes()


PAYLOADS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_call [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!python/object/apply:os.system ['touch {marker}']",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("where", ["course.yaml", "modules/02-basics.md",
                                   "modules/01-intro.md", "scenarios/quiz.yaml"])
def test_python_tags_are_refused_and_never_run(project, tmp_path, payload, where):
    marker = tmp_path / "pwned"
    value = payload.format(marker=marker)
    old, new = {
        "course.yaml": ("title: A Minimal Course", f"title: {value}"),
        "modules/02-basics.md": ("title: Basics", f"title: {value}"),      # front matter
        "modules/01-intro.md": ("prompt: Which idea", f"hint: {value}\nprompt: Which idea"),
        "scenarios/quiz.yaml": ("title: Final Quiz", f"title: {value}"),
    }[where]
    root = project()
    path = root / where
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    with pytest.raises(BuildAborted) as info:
        check(root)
    message = info.value.format_message()
    assert re.search(rf"^{re.escape(where)}:\d+: YAML error: the tag '!+python/", message,
                     re.M), message
    assert "is not allowed" in message
    assert not marker.exists()


def test_yaml_bomb_in_front_matter_does_not_hang(project):
    """Front matter is walked to shift its line numbers: aliases must not multiply that."""
    bomb = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                   for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    root = project({"modules/02-basics.md": "---\ntitle: Basics\na: &a [x, x, x, x, x, x, "
                    "x, x, x]\n" + bomb + "---\n# Page\n"})
    started = time.monotonic()
    with pytest.raises(BuildAborted) as info:
        check(root)
    assert time.monotonic() - started < 5
    assert "modules/02-basics.md:9: YAML error: aliases expand this to more than" in (
        info.value.format_message())


def test_aliases_that_stay_small_are_fine(project):
    root = project()
    path = root / "scenarios/quiz.yaml"
    text = path.read_text("utf-8")
    text = text.replace("      correct: Right.\n      incorrect: The first idea comes first.",
                        "      &fb\n      correct: Right.\n      incorrect: Not quite.", 1)
    text = text.replace("      correct: Right.\n      incorrect: The course teaches two ideas.",
                        "      *fb", 1)
    path.write_text(text, "utf-8")
    course, _ = check(root)
    quiz = course.outline[2]
    assert quiz.questions[1].feedback_incorrect_html == "<p>Not quite.</p>\n"


def test_a_recursive_alias_is_refused(project):
    root = project({"glossary.yaml": "- &entry\n  id: widget\n  term: Widget\n"
                    "  definition: A small thing.\n  aliases: *entry\n"})
    with pytest.raises(BuildAborted) as info:
        check(root)
    assert "glossary.yaml:5: YAML error: an alias refers to the mapping or list that " \
        "contains it" in info.value.format_message()


def test_long_heading_lines_split_quickly(project):
    """A heading with a long run of spaces once took minutes (regex backtracking)."""
    root = project()
    path = root / "modules/02-basics.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("# Summary {#summary}",
                                 "# Summary" + " " * 200_000 + "of it all {#summary}"), "utf-8")
    started = time.monotonic()
    course, _ = check(root)
    assert time.monotonic() - started < 5
    assert course.outline[1].pages[1].title.startswith("Summary")


def test_image_names_the_file_system_refuses(project):
    root = project()
    path = root / "modules/01-intro.md"
    long_name = "x" * 300 + ".svg"
    path.write_text(path.read_text("utf-8").replace("(diagram.svg)", f"({long_name})"), "utf-8")
    with pytest.raises(BuildAborted) as info:
        check(root)
    assert f"modules/01-intro.md:11: image '{long_name}' cannot be read: File name too long" \
        in info.value.format_message()


def test_a_very_long_branching_scenario_does_not_overflow_the_stack(project):
    """The loop check walks the graph without recursion."""
    count = 400
    nodes = "".join(
        f"  - id: n{i}\n    text: Step {i}.\n    choices:\n      - id: go\n        text: Go on\n"
        f"        feedback: Onward.\n        next: n{i + 1}\n" for i in range(count))
    nodes += f"  - id: n{count}\n    text: Step {count}.\n    choices:\n      - id: go\n" \
             "        text: Back\n        feedback: Again.\n        next: n0\n"
    root = project({"scenarios/quiz.yaml": "title: Long\nobjectives: [obj-one, obj-two]\n"
                    "start: n0\nnodes:\n" + nodes})
    from builder.course_rules import branching
    from builder.loaders import Loader

    course = Loader(root).load()
    problems: list = []
    branching(course, problems)
    assert [p.message for p in problems] == [
        "the scenario loops: " + " -> ".join(f"n{i}" for i in range(count + 1)) + " -> n0"]


def test_dist_is_not_touched_by_a_failing_template(minimal, tmp_path, runner, good_dist):
    """Rendering fails after checking succeeded: still nothing is written."""
    out = tmp_path / "dist"
    for rel, data in good_dist.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    (minimal / "templates").mkdir()
    (minimal / "templates/index.html").write_text(  # fails for the second target only
        "{% if target == 'scorm12' %}{{ nope() }}{% else %}ok{% endif %}", "utf-8")
    result = runner.invoke(cli, ["build", str(minimal), "--out", str(out), "-t", "web",
                                 "-t", "scorm12"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert snapshot(out) == good_dist
    assert not [p for p in os.listdir(out) if p.startswith(".")]
