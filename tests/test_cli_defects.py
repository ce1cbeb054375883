"""The command-line defects a new user found (issue 19), each as a test: the default
targets told the same everywhere, `new` giving a command that works, every problem at
once without follow-ons, a language without a catalogue, `validate` on a web zip, and a
comma in flow-style YAML."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from builder.build import build, check
from builder.cli import cli
from builder.errors import BuildAborted
from builder.packagers import DEFAULT_TARGETS, TARGET_NAMES, TARGETS
from tests.conftest import FIXTURES, REPO


def project(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", root)
    return root


def test_one_source_of_truth_for_the_default_targets(runner, tmp_path):
    build_help = " ".join(runner.invoke(cli, ["build", "--help"]).output.split())
    assert "else " + " ".join(DEFAULT_TARGETS) + "." in build_help
    top = " ".join(runner.invoke(cli, ["--help"]).output.split())
    assert "(" + ", ".join(TARGET_NAMES[t] for t in TARGETS) + ")" in top
    assert "(SCORM 1.2)" not in top
    # the README says all five, and so does the loader
    readme = " ".join((REPO / "README.md").read_text().split())
    assert "(all five when the list is left out)" in readme
    assert DEFAULT_TARGETS == TARGETS and len(TARGETS) == 5
    root = project(tmp_path)
    assert "targets:" not in (root / "course.yaml").read_text()
    course, _ = check(root)
    assert course.targets == DEFAULT_TARGETS


def test_new_says_a_command_that_works_after_make_build(tmp_path):
    """After `make build` coursepack is .venv/bin/coursepack, not on PATH."""
    exe = Path(sys.executable).parent / "coursepack"
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([str(exe), "new", "demo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    [next_line] = [line for line in done.stdout.splitlines() if line.startswith("Next: ")]
    command = shlex.split(next_line[len("Next: "):])
    assert command[-2:] == ["preview", "demo"]
    assert command[0] != "coursepack"  # not on this PATH
    # the command given runs from where the user is (build instead of the endless preview)
    ran = subprocess.run(command[:-2] + ["build", "demo"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr


def test_every_problem_at_once_and_no_follow_ons_of_an_unknown_type(tmp_path):
    root = project(tmp_path)
    (root / "scenarios" / "scen.yaml").write_text("""title: A scenario
objectives: [obj-one]
start: one
nodes:
  - id: one
    text: First situation.
    choices:
      - {id: a, text: Good move, score: 2, feedback: Helps., next: two}
      - {id: b, text: Stop here, feedback: Hm., next: stuck}
  - id: two
    text: Second situation.
    choices:
      - {id: a, text: Back, score: 1, feedback: Again., next: one}
  - id: stuck
    text: A node with no choices that is no ending.
  - id: lost
    ending: true
    text: Nobody gets here.
""")
    yaml = root / "course.yaml"
    yaml.write_text(yaml.read_text().replace("  - quiz\n", "  - quiz\n  - scen\n").replace(
        "    text: Apply the second idea.\n",
        "    text: Apply the second idea.\n  - id: obj-three\n    text: Never taught.\n"))
    refs = root / "references.yaml"
    refs.write_text(refs.read_text() + "- id: ref-c\n  short: C, 2022\n  text: C. Unused.\n")
    quiz = root / "scenarios" / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("    type: multiple\n", "    type: ordering\n", 1))
    try:
        build(root, ("scorm12",), tmp_path / "dist")
        raise AssertionError("the build should fail")
    except BuildAborted as exc:
        problems = [p for p in exc.problems if p.level == "error"]
    text = "\n".join(p.format() for p in problems)
    for says in ("the scenario loops: one -> two -> one", "node 'lost' cannot be reached",
                 "'stuck'", "objective 'obj-three' is not taught",
                 "reference 'ref-c' is never cited"):
        assert says in text, says
    [typo] = [p for p in problems if "unknown question type 'ordering'" in p.message]
    assert "did you mean 'sequencing'?" in typo.message
    # one error for the question, no follow-on ("single choice but marks 2 correct")
    assert [p for p in problems if "q-both" in p.message] == []
    assert not (tmp_path / "dist").exists()


def test_a_language_without_a_catalogue_warns_and_lists_the_languages(tmp_path, runner):
    root = project(tmp_path)
    yaml = root / "course.yaml"
    yaml.write_text(yaml.read_text().replace("language: en", "language: fr"))
    _, warnings = check(root)
    [w] = [w for w in warnings if w.key == "language"]
    assert w.level == "warning" and w.file == "course.yaml" and w.line == 4
    assert "no interface catalogue for language 'fr'" in w.message
    assert "Languages with one: en, es" in w.message
    yaml.write_text(yaml.read_text().replace("language: fr", "language: es-MX"))
    _, warnings = check(root)
    assert [w for w in warnings if w.key == "language"] == []


def test_validate_says_a_web_zip_is_a_web_package(runner, tmp_path):
    [web] = [p for p in build(FIXTURES / "minimal", ("web",), tmp_path).written
             if p.suffix == ".zip"]
    result = runner.invoke(cli, ["validate", str(web)])
    assert result.exit_code == 0, result.output
    assert "NOT valid" not in result.output
    assert "web (a site, not for an LMS) package" in result.output
    assert "WARNING web-package" in result.output


def test_a_comma_in_flow_style_text_hints_at_quoting(tmp_path):
    root = project(tmp_path)
    quiz = root / "scenarios" / "quiz.yaml"
    text = quiz.read_text()
    old = "      - id: b\n        text: The second idea\n    feedback:"
    assert old in text
    quiz.write_text(text.replace(old, "      - {id: b, text: Sadly, the second idea}\n"
                                      "    feedback:", 1))
    try:
        check(root)
        raise AssertionError("the check should fail")
    except BuildAborted as exc:
        [p] = [p for p in exc.problems if "unknown key" in p.message]
    assert p.message == "unknown key 'the second idea'"
    assert "put the text in quotes" in p.hint
    assert 'text: "Sadly, the second idea"' in p.hint
