"""The ``coursepack`` command line. Each command parses options, calls one function and
prints the result; the work happens in :mod:`builder.build`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from builder import __version__
from builder.lms_quirks import LMS_QUIRKS
from builder.packagers import DEFAULT_TARGETS, PACKAGERS, TARGET_NAMES, TARGETS

#: the targets `coursepack preview` can play, the default first
PREVIEWED = [name for name, p in PACKAGERS.items() if p.preview]


def _rel(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute."""
    path = path.resolve()
    cwd = Path(os.getcwd()).resolve()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else str(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=(
    "Build e-learning packages (" + ", ".join(TARGET_NAMES[t] for t in TARGETS)
    + ") from a course written as plain files: course.yaml, modules/*.md and "
    "scenarios/*.yaml.\n\nRun `coursepack build` in a course folder; see README.md and "
    "docs/authoring.md."))
@click.version_option(__version__, prog_name="coursepack")
def cli() -> None:
    pass


@cli.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (item quality among them) as "
              "errors: exit code 1 when there are any.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json prints every problem, the reading figures and "
              "the objective coverage as one document, for CI and editors.")
@click.pass_context
def check(ctx: click.Context, project_dir: Path, strict: bool, fmt: str) -> None:
    """Check the course in PROJECT_DIR without building it: every problem, the item-quality
    findings (biased answer keys, cued items; see "Item quality" in docs/authoring.md),
    the reading level of each module, and which module teaches and which questions assess
    each learning objective.

    Exits with code 1 (and lists every problem) when the sources have errors, or with
    --strict any warnings.
    """
    import json

    from builder.build import as_errors
    from builder.build import check as run_check
    from builder.course_rules import coverage
    from builder.errors import BuildAborted
    from builder.quality import as_json, reading_lines

    if not project_dir.is_dir():
        raise click.BadParameter(f"'{project_dir}' is not a folder", param_hint="PROJECT_DIR")
    try:
        course, warnings = run_check(project_dir)
    except BuildAborted as exc:
        if fmt != "json":
            raise
        click.echo(json.dumps(as_json(None, exc.problems, strict=strict), indent=2))
        ctx.exit(1)
    if fmt == "json":
        found = as_errors(warnings) if strict else warnings
        click.echo(json.dumps(as_json(course, found, strict=strict,
                                      coverage=coverage(course)), indent=2, ensure_ascii=False))
        ctx.exit(1 if found and strict else 0)
    if strict and warnings:
        raise BuildAborted(as_errors(warnings))
    for w in warnings:
        click.echo("warning: " + w.format(), err=True)
    for line in reading_lines(course, full=True):
        click.echo(line)
    click.echo(f"Objective coverage of {course.title}:")
    for oid, taught, assessed in coverage(course):
        click.echo(f"  {oid}")
        click.echo(f"    taught by:   {', '.join(taught) or '-'}")
        click.echo(f"    assessed by: {', '.join(assessed) or '-'}")
    click.echo(f"No problems found ({len(warnings)} warnings).")


@cli.command()
@click.argument("scenario")
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "dot"]), default="text",
              show_default=True, help="text to read, dot for Graphviz (dot -Tsvg).")
def graph(scenario: str, project_dir: Path, fmt: str) -> None:
    """Print the branching scenario SCENARIO (its id) of the course in PROJECT_DIR as a
    graph: every node and the choices that lead on from it.

    Problems in the scenario (unreachable nodes, dead ends, loops) are listed after it,
    and make the command exit with code 1.
    """
    from builder.course_rules import validate
    from builder.errors import BuilderError, did_you_mean
    from builder.graph import as_dot, as_text
    from builder.loaders import load_course
    from builder.model import Assessment

    course, problems = load_course(project_dir)
    unit = course.unit(scenario)
    if not isinstance(unit, Assessment) or not unit.branching:
        names = [a.id for a in course.assessments if a.branching]
        raise BuilderError(f"'{scenario}' is not a branching scenario of this course. "
                           + (did_you_mean(scenario, names) or
                              "Scenarios: " + (", ".join(names) or "none")))
    click.echo(as_dot(unit) if fmt == "dot" else as_text(unit), nl=False)
    own = [p for p in problems + validate(course) if p.file == unit.source.file]
    for p in own:
        click.echo(p.format(), err=True)
    if any(p.level == "error" for p in own):
        raise SystemExit(1)


@cli.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-t", "--target", "targets", multiple=True, type=click.Choice(TARGETS),
              help="Package to build; repeat for several. Default: the `targets` list in "
                   "course.yaml, else " + " ".join(DEFAULT_TARGETS) + ".")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the packages. Default: dist/ inside PROJECT_DIR. Only the "
                   "package files being built are replaced; nothing else there is touched.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--previous", type=click.Path(exists=True, path_type=Path), default=None,
              help="The package learners have now (zip, its folder or index.html): print "
                   "what they lose, and carry their resume state over (docs/lms-admin.md). "
                   "Needed only for a release state-history.json does not list (one "
                   "built elsewhere); it is added to that file.")
@click.option("--no-history", is_flag=True,
              help="Neither read nor update state-history.json, the project's record of "
                   "its releases (learners of earlier releases then keep only what "
                   "--previous carries over).")
def build(project_dir: Path, targets: tuple[str, ...], out: Path | None, strict: bool,
          previous: Path | None, no_history: bool) -> None:
    """Build the course in PROJECT_DIR (default: the current folder) into zip packages.

    Every problem in the sources is reported at once, with file, line and a hint; then
    the command exits with code 1 and writes nothing. Set SOURCE_DATE_EPOCH to choose the
    timestamp stored in the zips (the same sources always give the same bytes).

    The build reads state-history.json in PROJECT_DIR, the tables of the course's earlier
    releases, so that their learners keep their answers and visited pages, prints what
    learners of the most recent different release lose, and records this release there
    (created on the first build; commit it with the course).
    """
    from builder.build import build as run_build
    from builder.gcmode import one_shot

    if not project_dir.is_dir():
        raise click.BadParameter(f"'{project_dir}' is not a folder", param_hint="PROJECT_DIR")
    from builder.quality import reading_lines, summary

    with one_shot():  # fewer garbage collections while it builds (builder/gcmode.py)
        result = run_build(project_dir, tuple(dict.fromkeys(targets)), out, strict,
                           previous, history="off" if no_history else "write")
    # item-quality findings as one line (check lists them): the summary stays readable
    for w in result.warnings:
        if not w.rule:
            click.echo("warning: " + w.format(), err=True)
    course = result.course
    pages = sum(len(m.pages) for m in course.modules) + len(course.assessments)
    click.echo(f"{course.title} {course.version}: {len(course.outline)} units, {pages} pages, "
               f"{len(course.objectives)} objectives")
    for line in reading_lines(course, full=False):
        click.echo(line)
    click.echo(summary([w for w in result.warnings if w.rule]))
    click.echo(f"Resume state: at most {result.worst_suspend} characters (SCORM 1.2 allows "
               "4096, SCORM 2004 64000)")
    if result.losses is not None:
        if result.losses:
            click.echo(f"Learners of {previous.name} will lose:")
            for line in result.losses:
                click.echo("  " + line)
        else:
            click.echo(f"Learners of {previous.name} keep all their answers, visited pages "
                       "and attempts.")
    if result.history_losses is not None:
        source = f"version {result.history_version} (state-history.json)"
        if result.history_losses:
            click.echo(f"Learners of {source} will lose:")
            for line in result.history_losses:
                click.echo("  " + line)
        else:
            click.echo(f"Learners of {source} keep all their answers, visited pages and "
                       "attempts.")
    from builder.components.blocks.media import summary as media_summary

    if media_line := media_summary(course, course.media_limits[1]):
        click.echo(media_line)
    for path in result.written:
        click.echo(f"Wrote {_rel(path)} ({path.stat().st_size / 1024:.0f} KB)")
    for path in result.folders:
        click.echo(f"Wrote {_rel(path)}/ (open index.html in a browser)")
    if result.history_written:
        click.echo(f"Recorded this release in {_rel(result.history_written)} (commit it with "
                   "the course)")


@cli.command("validate")
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json prints one document for CI pipelines.")
@click.option("--strict", is_flag=True, help="Count warnings as problems (exit code 1).")
@click.pass_context
def validate_command(ctx: click.Context, package: Path, fmt: str, strict: bool) -> None:
    """Check PACKAGE, any SCORM 1.2, SCORM 2004, xAPI (tincan.xml) or cmi5 zip, and say
    which standard it follows. Nothing is unpacked or written.

    Exit codes: 0 valid (warnings allowed unless --strict), 1 problems found, 2 the file
    is not a readable zip. See docs/qa.md for every rule.
    """
    from builder.validator import Unreadable, inspect_package
    from builder.validator.output import format_json, format_text, unreadable_json

    try:
        report = inspect_package(package, display=str(package))
    except Unreadable as exc:
        if fmt == "json":
            click.echo(unreadable_json(str(package), str(exc)))
        click.echo(f"Error: cannot validate: {exc}", err=True)
        ctx.exit(2)
    click.echo(format_json(report, strict) if fmt == "json" else format_text(report, strict))
    ctx.exit(0 if report.valid(strict) else 1)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--id", "course_id", default=None,
              help="The course id (default: made from the folder name).")
def new(directory: Path, course_id: str | None) -> None:
    """Create a new course project in DIRECTORY: course.yaml, one module, one assessment,
    a README and schemas/ for editors. It builds and validates as it is, so you start from
    something that works.
    """
    from builder.new import create

    files = create(directory, course_id)
    for path in files:
        click.echo(f"Created {_rel(path)}")
    import shlex  # only `new` and its hints need it (about 3 ms to import)

    click.echo(f"Next: {_command()} preview {shlex.quote(str(directory))}")


def _command() -> str:
    """How to run this coursepack from the current folder: ``coursepack`` when that name
    on PATH is this one, else the path it was started by (after ``make build`` it is
    .venv/bin/coursepack, not on PATH), or ``python -m builder``."""
    import shlex
    import shutil
    import sys

    started = Path(sys.argv[0])
    if started.name == "__main__.py":
        return f"{shlex.quote(_rel(Path(sys.executable)))} -m builder"
    found = shutil.which("coursepack")
    if found and started.exists() and Path(found).resolve() == started.resolve():
        return "coursepack"
    if started.name == "coursepack" and started.exists():
        rel = _rel(started)
        return shlex.quote(rel if "/" in rel else "./" + rel)
    return "coursepack"


@cli.command()
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("schemas"), show_default=True,
              help="Folder for the schema files; created when missing.")
def schema(out: Path) -> None:
    """Write the JSON Schemas of course.yaml, module front matter, questions, assessments,
    glossary.yaml and references.yaml, for editors that complete and check YAML as you
    type. See "Editor support" in docs/authoring.md.
    """
    from builder.schemas import write_schemas

    try:
        paths = write_schemas(out)
    except OSError as exc:
        raise click.ClickException(f"cannot write the schemas into '{out}': "
                                   f"{exc.strerror}") from None
    for path in paths:
        click.echo(f"Wrote {_rel(path)}")


@cli.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-p", "--port", default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("-t", "--target", type=click.Choice(PREVIEWED), default=PREVIEWED[0],
              show_default=True, help="Which package to preview.")
@click.option("--lms-quirks", "quirks", metavar="QUIRK[,QUIRK...]", default=None,
              help="Make the SCORM preview LMS behave like real ones, to see the course "
              "survive them (see docs/qa.md): " + "; ".join(
                  f"{name}: {text}" for name, text in LMS_QUIRKS.items()) + ".")
def preview(project_dir: Path, port: int, target: str, quirks: str | None) -> None:
    """Serve the course in PROJECT_DIR in a test LMS on 127.0.0.1, with live reload.

    Saving a module, scenario, template or course.yaml rebuilds the course and reloads it
    in the browser (resuming where the learner was). A build error is shown in the page;
    the server keeps running. The page shows every LMS call (SCORM 1.2, checked against
    the data model) or statement (xAPI, cmi5), the data model and the resume data.
    Nothing is written to dist/. Stop with Ctrl+C.
    """
    from builder.lms_quirks import parse_quirks
    from builder.preview import PreviewServer

    try:
        quirk_names = parse_quirks(quirks)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--lms-quirks") from None
    if quirk_names and not PACKAGERS[target].lms_quirks:
        quirky = " or ".join(n for n, p in PACKAGERS.items() if p.lms_quirks)
        raise click.BadParameter(f"LMS quirks apply to the SCORM preview only (--target "
                                 f"{quirky})", param_hint="--lms-quirks")
    if not (project_dir / "course.yaml").is_file():
        raise click.BadParameter(f"no course.yaml in '{project_dir}'", param_hint="PROJECT_DIR")
    try:
        server = PreviewServer(project_dir, target, port, quirk_names)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}. "
                                   "Try another --port (0 picks a free one).") from None
    server.start()
    click.echo(f"Previewing {project_dir.resolve()} ({target}) at {server.url}"
               + (f" with LMS quirks: {', '.join(quirk_names)}" if quirk_names else ""))
    click.echo("Press Ctrl+C to stop.")
    try:
        while True:
            import time

            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.stop()


@cli.command()
@click.argument("source", default=".", metavar="[PROJECT_DIR | PACKAGE.zip]",
                type=click.Path(exists=True, path_type=Path))
@click.option("-t", "--target", "targets", multiple=True, type=click.Choice(TARGETS),
              help="Package to build and play (a project only); repeat for several. "
                   "Default: as for build.")
@click.option("--learner", "learners", multiple=True, default=("all",), show_default=True,
              type=click.Choice(["pass", "fail", "first-option", "random", "resume", "paths",
                                 "all"]),
              help="Who plays; repeat for several. paths: every ending of every scenario once.")
@click.option("--random", "random_count", type=click.IntRange(min=1), default=3,
              show_default=True, help="How many random learners.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The first random learner's seed (the next ones count up).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="json and junit (JUnit XML) for CI systems.")
@click.option("--trace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for a screenshot and the call log of each learner with problems.")
@click.pass_context
def play(ctx: click.Context, source: Path, targets: tuple[str, ...],
         learners: tuple[str, ...], random_count: int, seed: int, fmt: str,
         trace: Path | None) -> None:
    """Play the course in PROJECT_DIR (built in memory) or a PACKAGE.zip in headless
    Chromium inside a strict test LMS, as scripted learners, and print what the LMS
    recorded: status, score, time, interactions, objectives, resume data, bookmark,
    statements; every LMS error and JS error.

    Exits with code 1 when anything differs from what the course's tracking rules say.
    A foreign SCORM zip is played as a generic learner (launch, initialise, finish).
    Needs `pip install 'coursepack[play]'` and a Chromium (CHROMIUM= chooses one).
    See "coursepack play" in docs/qa.md.
    """
    import time

    from builder.play.browser import BrowserMissing
    from builder.play.output import as_json, as_junit, as_text
    from builder.play.package import PackageError
    from builder.play.run import play as run_play

    if source.is_dir() and not (source / "course.yaml").is_file():
        raise click.BadParameter(f"no course.yaml in '{source}'", param_hint="PROJECT_DIR")
    if source.is_file() and targets:
        raise click.BadParameter("a package is played as it is; --target is for a project",
                                 param_hint="--target")
    started = time.monotonic()
    try:
        results = run_play(source, tuple(dict.fromkeys(targets)), learners, random_count,
                           seed, trace)
    except BrowserMissing as exc:
        raise click.ClickException(str(exc)) from None
    except PackageError as exc:
        raise click.ClickException(f"cannot play: {exc}") from None
    seconds = time.monotonic() - started
    render = {"text": as_text, "json": as_json, "junit": as_junit}[fmt]
    click.echo(render(results, seconds), nl=False)
    ctx.exit(0 if results and all(r.ok for r in results) else 1)


@cli.command()
@click.option("--endpoint", required=True, help="The LRS's xAPI endpoint, e.g. "
              "https://lrs.example.org/xAPI/.")
@click.option("--user", required=True, help="LRS user name (key).")
@click.option("--password", envvar="COURSEPACK_LRS_PASSWORD", prompt=True, hide_input=True,
              help="LRS password (secret). Better left out: it is read from "
              "COURSEPACK_LRS_PASSWORD, else asked for (a command line is visible to "
              "other users and kept in shell history).")
@click.option("--course-id", default=None, help="Only this course: its activity IRI "
              "(activity_id in course.yaml). Default: every course found.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
              show_default=True, help="A table to read, or CSV for a spreadsheet.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30,
              show_default=True, help="Seconds to wait for each answer of the LRS.")
def report(endpoint: str, user: str, password: str, course_id: str | None, fmt: str,
           timeout: float) -> None:
    """Pull the statements of a course from an LRS and print, per learner: completion,
    success, score, time spent, and the answer to each question.

    The password is read from COURSEPACK_LRS_PASSWORD, else asked for.
    """
    from builder.lrs_report import ReportError, as_csv, as_table, fetch, redact, summarise

    try:
        statements = fetch(endpoint, user, password, timeout=timeout)
    except ReportError as exc:
        raise click.ClickException(f"cannot read statements from {redact(endpoint)}: {exc}"
                                   ) from None
    rows = summarise(statements, course_id)
    if not rows:
        click.echo("No statements found" + (f" for {course_id}." if course_id else "."))
        return
    click.echo(as_csv(rows) if fmt == "csv" else as_table(rows), nl=False)
