"""`coursepack play`: every learner on every package, one browser for all of them."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from builder.play import learners as L
from builder.play.browser import Browser, Lms
from builder.play.expect import compare, expected, recorded
from builder.play.package import Package, load
from builder.play.session import Session
from builder.play.standards import standard

LEARNERS = ("pass", "fail", "first-option", "random", "resume", "paths", "all")


@dataclass
class Result:
    package: str
    target: str
    learner: str
    recorded: dict = field(default_factory=dict)
    expected: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lms_errors: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.problems or self.lms_errors or self.js_errors)

    def as_json(self) -> dict:
        return {"package": self.package, "target": self.target, "learner": self.learner,
                "ok": self.ok, "recorded": self.recorded, "expected": self.expected,
                "problems": self.problems, "lms_errors": self.lms_errors,
                "js_errors": self.js_errors, "warnings": self.warnings,
                "seconds": round(self.seconds, 2)}


def packages_of(source: Path, targets: tuple[str, ...], work: Path) -> list[Path]:
    """The zips to play: ``source`` itself, or the course in it built into ``work``."""
    if source.is_file():
        return [source]
    from builder.build import build

    result = build(source, targets, work)
    return [p for p in result.written if p.suffix == ".zip"]


def expand(learners: tuple[str, ...]) -> list[str]:
    names = []
    for name in learners or ("all",):
        names += ["pass", "fail", "first-option", "random", "resume", "paths"] \
            if name == "all" else [name]
    return list(dict.fromkeys(names))


def play(source: Path, targets: tuple[str, ...] = (), learners: tuple[str, ...] = (),
         random_count: int = 3, seed: int = 1, trace: Path | None = None) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="coursepack-play-") as tmp:
        zips = packages_of(source, targets, Path(tmp))
        browser = Browser()
        try:
            results = []
            for path in zips:
                package = load(path)
                lms = Lms(package)
                session = None
                try:
                    session = Session(browser, lms)
                    for name in expand(learners) if package.coursepack else ["generic"]:
                        results += run_learner(session, package, name, random_count,
                                               seed, trace)
                finally:
                    if session is not None:
                        session.close()
                    lms.close()
            return results
        finally:
            browser.close()


def run_learner(session: Session, package: Package, name: str, count: int,
                seed: int, trace: Path | None) -> list[Result]:
    data = package.data
    if name == "generic":
        return [one(session, package, "generic", trace, generic)]
    if name == "random":
        return [one(session, package, f"random-{seed + k}", trace,
                    lambda s, r, k=k: scripted(s, r, data, L.Random(seed + k)))
                for k in range(count)]
    if name == "paths":
        # every ending of every scenario once: learner k takes each scenario's k-th ending
        scenarios = [(i, L.ending_paths(a)) for i, a in enumerate(data["assessments"])
                     if a["branching"]]
        most = max((len(p) for _, p in scenarios), default=0)
        return [one(session, package, f"endings-{k + 1}", trace,
                    lambda s, r, k=k: scenario_paths(
                        s, r, data, [(i, p[k]) for i, p in scenarios if k < len(p)]))
                for k in range(most)]
    if name == "resume":
        return [one(session, package, "resume", trace,
                    lambda s, r: resume(s, r, data))]
    strategy = {"pass": L.Strategy(), "fail": L.Fail(), "first-option": L.FirstOption()}[name]
    return [one(session, package, name, trace,
                lambda s, r: scripted(s, r, data, strategy))]


def one(session: Session, package: Package, learner: str, trace: Path | None,
        script) -> Result:
    """A fresh learner: their own stored data and a new LRS registration; ``script``
    plays and fills in the result; LMS errors and JS errors are added after."""
    started = time.monotonic()
    result = Result(package.name, package.standard, learner)
    session.lms.reset_lrs()
    session.begin(f"play-{learner}")
    try:
        script(session, result)
    except Exception as exc:  # noqa: BLE001 - a learner that got stuck is a finding
        result.problems.append(f"the learner got stuck: {_first_line(exc)}")
        try:
            session.leave()
        except Exception:  # noqa: BLE001
            pass
    result.lms_errors = session.lms_errors()
    result.js_errors = list(session.js_errors)
    if trace is not None and not result.ok:
        session.trace(trace, f"{package.standard}-{learner}")
    result.seconds = time.monotonic() - started
    return result


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def start(session: Session, result: Result) -> bool:
    ready = session.launch()
    want = standard(session.package.standard).adapter
    if ready != want:
        result.problems.append(f"the course ran as '{ready}', not with the {want} LMS: it "
                               "found no LMS to report to")
        return False
    return True


def finish(session: Session, result: Result, data: dict, out: L.Outcome) -> None:
    session.leave()
    name = session.package.standard
    std = standard(name)
    if std.lrs and not session.lms.settle():
        result.problems.append("the session did not end with a terminated statement")
    got = recorded(name, session.stored(), session.lms.preview.statements,
                   session.lms.preview.state)
    want = expected(data, name, out)
    result.recorded, result.expected = got, want
    result.problems += out.notes + compare(data, name, want, got)
    if std.scorm:
        limit = std.limit(data)
        longest = max((len(str(c["args"][1])) for c in session.calls()
                       if c["fn"].endswith("SetValue") and c["args"]
                       and c["args"][0] == "cmi.suspend_data"), default=0)
        if longest > limit:
            result.problems.append(f"the course wrote suspend_data of {longest} characters, "
                                   f"over the limit of {limit}")
        # every session's interaction records (a SCORM 1.2 LMS may keep a journal)
        got["interactions"] = sum(
            1 for c in session.calls() if c["fn"].endswith("SetValue") and c["error"] == "0"
            and re.fullmatch(r"cmi\.interactions\.\d+\.id", str(c["args"][0])))
    if out.answers and std.scored and got.get("interactions", 0) < out.answers:
        result.problems.append(f"{got.get('interactions', 0)} interactions recorded for "
                               f"{out.answers} answers")


def scripted(session: Session, result: Result, data: dict, strategy: L.Strategy) -> None:
    """Every page in order with Next, every question and scenario as the strategy says."""
    out = L.Outcome()
    if not start(session, result):
        return
    L.Walker(session, data, strategy, out).walk()
    finish(session, result, data, out)
    if strategy.name == "first-option":
        j_passed = result.expected.get("score") is not None and all(
            (out.scores.get(i) or [0])[-1] is not None
            and (out.scores.get(i) or [0])[-1] >= (data["assessments"][i].get("mastery") or 101)
            for i in data["tracking"]["counted"])
        if j_passed:
            result.warnings.append("always choosing the first option passes the assessment "
                                   "(see `coursepack check`: item quality)")


def scenario_paths(session: Session, result: Result, data: dict,
                   paths: list[tuple[int, dict[str, int]]]) -> None:
    """Straight to each scenario through the menu, along the given path to its ending."""
    out = L.Outcome()
    if not start(session, result):
        return
    walker = L.Walker(session, data, L.Strategy(), out)
    walker.out.visited.add(walker.current())
    for i, path in paths:
        walker.strategy = L.Route(path, "path")
        walker.goto_unit(data["assessments"][i]["unit"])
        walker.scenario(i)
    finish(session, result, data, out)
    result.recorded["endings"] = [out.paths[i][-1] for i, _ in paths if out.paths.get(i)]


def resume(session: Session, result: Result, data: dict) -> None:
    """Leaves mid-module, mid-scenario and mid-quiz, relaunching each time, and checks the
    course comes back where it was with the answers kept; then finishes as `pass`."""
    out = L.Outcome()
    strategy = L.Strategy()
    if not start(session, result):
        return
    walker = L.Walker(session, data, strategy, out)
    stops = []
    # mid-module: the second page of the first module with two pages or more
    module = next((u for u in data["units"] if u["kind"] == "module" and u["count"] > 1), None)
    if module:
        stops.append(("mid-module", module["first"] + 1, None))
    for i, a in enumerate(data["assessments"]):
        kind = "mid-scenario" if a["branching"] else "mid-quiz"
        if not any(s[0] == kind for s in stops):
            stops.append((kind, data["units"][a["unit"]]["first"], i))
    stops.sort(key=lambda s: s[1])
    for kind, page, i in stops:
        walker.walk(stop=lambda p, page=page: p == page)
        where = walker.current()
        if i is None:
            walker.play_page(where)
        elif data["assessments"][i]["branching"]:
            walker.scenario(i, steps=1)
        else:
            walker.quiz(i, submit=False)
        before = kept(session, walker, i)
        session.leave()
        std = standard(session.package.standard)
        if std.scorm:
            stored = session.stored() or {}
            if stored.get("exit") != "suspend":
                out.notes.append(f"{kind}: the course left with exit '{stored.get('exit')}',"
                                 " not 'suspend'")
        if not start(session, result):
            return
        entry = session.dump().get(std.entry_element) if std.scorm else None
        if std.scorm and entry != "resume":
            out.notes.append(f"{kind}: relaunched with entry '{entry}', not 'resume'")
        walker = L.Walker(session, data, strategy, out)
        walker.done_kcs = set()
        landed = walker.current()
        if data.get("cover") and landed == 0 != where:
            # a course with a cover opens on it: its Resume button goes back to the page
            walker.frame.locator(".cp-start").click()
            walker.frame.locator("section.page[data-page]:not([hidden]):not([data-page='0'])"
                                 ).first.wait_for()
            landed = walker.current()
        if landed != where:
            out.notes.append(f"{kind}: left on page {where + 1} "
                             f"({data['pages'][where]['loc']}), came back on page "
                             f"{landed + 1} ({data['pages'][landed]['loc']})")
            continue
        after = kept(session, walker, i)
        if after != before:
            out.notes.append(f"{kind}: the answers were not kept ({before} before leaving, "
                             f"{after} after)")
    walker.walk()
    finish(session, result, data, out)
    result.recorded["resumed"] = [s[0] for s in stops]


def kept(session: Session, walker: L.Walker, i: int | None) -> object:
    """What the learner entered on the page shown: checked inputs, selected values, text;
    for a scenario the node shown."""
    page = walker.section(walker.current())
    if i is not None and walker.data["assessments"][i]["branching"]:
        return page.locator(".cp-node:not([hidden])").first.get_attribute("data-node")
    return page.evaluate("""s => Array.from(s.querySelectorAll('input, select')).map(el =>
        el.type === 'radio' || el.type === 'checkbox' ? (el.checked ? el.id : '') : el.value)
        .filter(Boolean).join(' ')""")


def generic(session: Session, result: Result) -> None:
    """A foreign package: launch, let it initialise and settle, leave; the LMS's record
    and every error. No answers: nothing about the content is known."""
    session.launch()
    try:
        session.page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:  # noqa: BLE001 - a page that keeps polling is still played
        pass
    calls = session.calls()
    session.leave()
    calls = session.calls()
    names = [c["fn"] for c in calls]
    std = standard(session.package.standard)
    finish_fn = std.finish_fn or "Terminate"
    commit_fn = std.commit_fn or "Commit"
    got = recorded(std.name, session.stored(), [], {})
    got["calls"] = len(calls)
    got["committed"] = commit_fn in names
    got["finished"] = finish_fn in names
    result.recorded = got
    if finish_fn not in names:
        result.problems.append(f"{finish_fn} was never called: the LMS cannot tell the "
                               "session ended")
    status = got.get(std.status_field or "completion")
    if status in ("not attempted", "unknown"):
        result.problems.append("the status was never set (the LMS keeps "
                               f"'{status}')")
