"""The command line through click's CliRunner: exit codes and messages."""

from __future__ import annotations

from builder import __version__
from builder.cli import cli


def test_help_explains_every_option(runner):
    result = runner.invoke(cli, ["build", "--help"])
    assert result.exit_code == 0
    for option in ("--target", "--out", "--strict", "PROJECT_DIR", "SOURCE_DATE_EPOCH"):
        assert option in result.output


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_build_good_project(runner, minimal, tmp_path):
    result = runner.invoke(cli, ["build", str(minimal), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "A Minimal Course 1.0.0: 3 units, 5 pages, 2 objectives" in result.output
    assert "Resume state: at most 45 characters (SCORM 1.2 allows 4096" in result.output
    assert "minimal-course-1.0.0-scorm12.zip" in result.output
    assert (tmp_path / "out/minimal-course-1.0.0-scorm12.zip").is_file()


def test_build_defaults_to_the_current_folder(runner, minimal, monkeypatch):
    monkeypatch.chdir(minimal)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert (minimal / "dist/minimal-course-1.0.0-scorm12.zip").is_file()


def test_build_bad_project_exits_1_without_traceback(runner, minimal):
    path = minimal / "course.yaml"
    path.write_text(path.read_text().replace("language: en", "langauge: en"))
    result = runner.invoke(cli, ["build", str(minimal)])
    assert result.exit_code == 1
    assert "course.yaml:4: [langauge] unknown key 'langauge'" in result.output
    assert "did you mean 'language'?" in result.output
    assert "Aborted with 1 error. Nothing was written." in result.output
    assert "Traceback" not in result.output
    assert not (minimal / "dist").exists()


def test_build_missing_folder(runner, tmp_path):
    result = runner.invoke(cli, ["build", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output or "does not exist" in result.output


def test_unknown_target(runner, minimal):
    result = runner.invoke(cli, ["build", str(minimal), "--target", "scrom12"])
    assert result.exit_code == 2
    assert "Invalid value for '-t' / '--target': 'scrom12'" in result.output


def test_strict_turns_warnings_into_errors(runner, minimal):
    (minimal / "modules/99-extra.md").write_text("---\ntitle: Extra\n---\n# Page\n")
    result = runner.invoke(cli, ["build", str(minimal)])
    assert result.exit_code == 0
    assert "warning: modules/99-extra.md: 'extra' is not in the outline" in result.output
    result = runner.invoke(cli, ["build", str(minimal), "--strict"])
    assert result.exit_code == 1
    assert "Aborted with 1 error" in result.output


def test_python_dash_m_builder(minimal, tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "builder", "build", str(minimal), "-o",
                           str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Wrote" in proc.stdout


def test_check_prints_objective_coverage(runner, minimal):
    result = runner.invoke(cli, ["check", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "  obj-one\n    taught by:   intro\n    assessed by: quiz/q-first\n" in result.output
    assert "  obj-two\n    taught by:   basics\n    assessed by: quiz/q-both, quiz/q-true\n" in (
        result.output)
    assert not (minimal / "dist").exists()


def test_check_reports_problems(runner, minimal):
    path = minimal / "modules/02-basics.md"
    path.write_text(path.read_text().replace("objectives: [obj-two]", "objectives: []"))
    result = runner.invoke(cli, ["check", str(minimal)])
    assert result.exit_code == 1
    assert "objective 'obj-two' is not taught by any module" in result.output


def test_graph_text_and_dot(runner, tmp_path):
    from tests.conftest import FIXTURES

    result = runner.invoke(cli, ["graph", "scenario", str(FIXTURES / "alltypes")])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "scenario: A Decision (start: start)\n"
        "start\n"
        "  good (+2) -> end-good  Do the right thing\n"
        "  bad (+0) -> end-bad  Do the wrong thing\n"
        "end-good  [ending]\n"
        "end-bad  [ending]\n")
    result = runner.invoke(cli, ["graph", "scenario", str(FIXTURES / "alltypes"), "-f", "dot"])
    assert result.exit_code == 0
    assert result.output.startswith('digraph "scenario" {')
    assert '"start" -> "end-good" [label="good (+2)"];' in result.output
    assert 'shape=doubleoctagon' in result.output


def test_graph_reports_scenario_problems(runner, tmp_path):
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path / "c"
    shutil.copytree(FIXTURES / "alltypes", root)
    path = root / "scenarios/scenario.yaml"
    path.write_text(path.read_text() + "  - id: orphan\n    ending: true\n    text: Lost.\n")
    result = runner.invoke(cli, ["graph", "scenario", str(root)])
    assert result.exit_code == 1
    assert "orphan  [ending]" in result.output
    assert "node 'orphan' cannot be reached from the start node 'start'" in result.output


def test_graph_unknown_scenario(runner):
    from tests.conftest import FIXTURES

    result = runner.invoke(cli, ["graph", "quiz", str(FIXTURES / "alltypes")])
    assert result.exit_code == 1
    assert "'quiz' is not a branching scenario of this course. Scenarios: scenario" in (
        result.output)
