"""Republishing a course never costs a learner an answer, a score or a status (issue 21).

One learner's stored data (SCORM 1.2 and 2004, scorm-again as the LMS) meets nine
republished packages, each built with ``--previous`` (the package the learner has); then
damaged, cut, foreign and out-of-range resume state; then a passed learner who retakes
a changed quiz and fails. The resume state's worst case at 10,000 pages with 2,000
single-choice questions is measured against the build's figure.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder import state as cpstate
from builder.build import build
from builder.components.questions import QUESTIONS
from tests.conftest import FIXTURES
from tests.support.lms import safe_extract
from tests.support.resume_state import course_data

pytestmark = pytest.mark.browser

STATIC = Path(__file__).parent.parent / "templates/static"
#: every question type's runtime script: the codec unpacks answers by their type's form
TYPE_SCRIPTS = [qt.script.removeprefix("static/") for qt in QUESTIONS.values()]
LEARNER12 = {"core": {"student_id": "learner-1", "student_name": "Doe, Jane"},
             "student_data": {"mastery_score": "80"}}
LEARNER2004 = {"learner_id": "learner-3", "learner_name": "Poe, Alex"}

KC_SECOND = """
```question
id: kc-second
type: choice
prompt: Which idea builds on the other?
choices:
  - id: a
    text: The first idea
  - id: b
    text: The second idea
    correct: true
feedback:
  correct: Right.
  incorrect: The second one builds on the first.
```
"""

QUIZ2 = """title: Second Quiz
intro: One more.
questions:
  - id: q-extra
    type: true-false
    prompt: The course has two ideas.
    answer: true
    objectives: [obj-one]
    feedback:
      correct: Right.
      incorrect: It has two.
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def base(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "minimal", dest)
    edit(dest / "modules/02-basics.md", "The second idea builds on the first [@ref-b].\n",
         "The second idea builds on the first [@ref-b].\n" + KC_SECOND)
    return dest


def _insert_page(root: Path) -> None:
    edit(root / "modules/01-intro.md", "# The first idea {#first-idea}",
         "# An inserted page {#inserted}\n\nNew text.\n\n# The first idea {#first-idea}")


def _reorder(root: Path) -> None:
    edit(root / "course.yaml", "  - intro\n  - basics\n", "  - basics\n  - intro\n")


def _choice_added(root: Path) -> None:
    edit(root / "modules/01-intro.md", "    text: The idea after the first\n",
         "    text: The idea after the first\n  - id: c\n    text: No idea at all\n")


def _removed(root: Path) -> None:
    edit(root / "modules/02-basics.md", KC_SECOND, "\n")


def _renamed(root: Path) -> None:
    edit(root / "modules/02-basics.md", "id: kc-second\n", "id: kc-second-b\n")


def _type_and_key(root: Path) -> None:
    edit(root / "modules/01-intro.md", "id: kc-first\ntype: choice\n", "id: kc-first\ntype: multiple\n")
    edit(root / "modules/01-intro.md", "    text: The idea after the first\n",
         "    text: The idea after the first\n    correct: true\n")


def _assessment_added(root: Path) -> None:
    (root / "scenarios/quiz2.yaml").write_text(QUIZ2)
    edit(root / "course.yaml", "  - quiz\n", "  - quiz\n  - quiz2\n")


VISITED = {"intro/welcome", "intro/first-idea", "basics/second-idea", "quiz"}
BOTH = {"kc-first": "0", "kc-second": "1"}
#: name -> (change to the sources, answers kept per knowledge check id)
VARIANTS = {
    "unchanged": (lambda root: None, BOTH),
    "version-bump": (lambda root: edit(root / "course.yaml", "version: 1.0.0", "version: 1.0.1"),
                     BOTH),
    "page-inserted": (_insert_page, BOTH),
    "module-reordered": (_reorder, BOTH),
    "choice-added": (_choice_added, {"kc-first": "", "kc-second": "1"}),
    "question-removed": (_removed, {"kc-first": "0"}),
    "question-renamed": (_renamed, {"kc-first": "0", "kc-second-b": ""}),
    "type-and-key-changed": (_type_and_key, {"kc-first": "", "kc-second": "1"}),
    "assessment-added": (_assessment_added, BOTH),
}


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict:
    """The first release, and each republished one built with --previous."""
    tmp = tmp_path_factory.mktemp("republish")
    first = base(tmp / "first")
    [old12, old2004] = build(first, ("scorm12", "scorm2004")).written
    out = {"first": (old12, old2004)}
    for name, (change, _) in VARIANTS.items():
        root = base(tmp / name)
        change(root)
        result = build(root, ("scorm12", "scorm2004"), previous=old12)
        out[name] = tuple(result.written)
        out[name + ":losses"] = result.losses
    return out


def swap(player, package: Path) -> None:
    """The LMS now serves ``package`` to the same learner (the admin replaced it)."""
    shutil.rmtree(player.package_dir)
    safe_extract(package, player.package_dir)


def ready(frame) -> None:
    frame.wait_for_function("document.documentElement.hasAttribute('data-cp-ready')")


def page_locs(frame) -> list[str]:
    """The bookmark of every page of the package the frame shows, in order (the pages
    are in the unit scripts, which the runtime loads only when needed)."""
    import urllib.request

    from builder.state import package_data

    base = frame.url.split("?")[0].rsplit("/", 1)[0]

    def read(name: str) -> str:
        with urllib.request.urlopen(f"{base}/{name}") as r:
            return r.read().decode()

    return [p["loc"] for p in package_data(read)["pages"]]


def snapshot(frame) -> dict:
    """What the course holds now: landing page, answers by id, pages seen, attempts."""
    locs = page_locs(frame)
    s = frame.evaluate("""() => {
        const cp = window.coursepack, data = window.CoursepackData;
        const kc = {};
        data.kcs.forEach((q, i) => { kc[q.id] = cp.state.kc[i]; });
        const asmt = {};
        data.assessments.forEach((d, i) => {
            const a = cp.state.asmt[i];
            asmt[d.id] = {n: a.n, sub: a.sub, score: a.score};
        });
        return {page: document.querySelector('section.page:not([hidden])').id, kc: kc, asmt: asmt,
                visited: cp.state.visited.map((v, i) => v ? i : -1).filter(i => i >= 0),
                notice: document.querySelector('.cp-notice').textContent};
    }""")
    s["visited"] = [locs[i] for i in s["visited"]]
    return s


def learner_who_failed(player, preload) -> dict:
    """Answers both knowledge checks, fails the quiz (1 of 3 right, 33%), ends on the
    second idea with the summary page unseen."""
    player.open(preload)
    f = player.frame
    ready(f)
    f.locator(".cp-next").click()
    f.locator("input[name='kc-kc-first'][value='0']").check()
    f.locator(".cp-question[data-q='kc-first'] .cp-check").click()
    f.locator(".cp-next").click()
    f.locator("input[name='kc-kc-second'][value='1']").check()
    f.locator(".cp-question[data-q='kc-second'] .cp-check").click()
    f.locator(".cp-menu a", has_text="Final Quiz").click()
    f.locator("input[name='quiz-q-first'][value='0']").check()
    f.locator("input[name='quiz-q-both'][value='2']").check()
    f.locator("input[name='quiz-q-true'][value='1']").check()
    f.locator(".cp-submit").click()
    f.locator(".cp-result-text").wait_for()
    f.locator(".cp-menu a", has_text="Basics").click()
    player.close_page()
    return player.resume_preload()


def record12(player) -> tuple:
    core = player.cmi()["core"]
    return core["lesson_status"], core["score"]["raw"]


def record2004(player) -> tuple:
    cmi = player.cmi()
    return cmi["success_status"], cmi["completion_status"], cmi["score"]["scaled"]


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_republish_matrix(releases, scorm12_player, scorm2004_player, standard):
    make, learner, k = ((scorm12_player, LEARNER12, 0) if standard == "scorm12"
                        else (scorm2004_player, LEARNER2004, 1))
    record = record12 if standard == "scorm12" else record2004
    preload = learner_who_failed(make(releases["first"][k]), learner)
    before = ("failed", "33") if standard == "scorm12" else ("failed", "incomplete", "0.33")
    failures = []
    player = make(releases["first"][k])
    for name, (_, kept) in VARIANTS.items():
        swap(player, releases[name][k])
        player.open(json.loads(json.dumps(preload)))
        f = player.frame
        ready(f)
        s = snapshot(f)
        expect_asmt = {"quiz": {"n": 1, "sub": True, "score": 33}}
        if name == "assessment-added":
            expect_asmt["quiz2"] = {"n": 0, "sub": False, "score": None}
        got = (s["page"], s["kc"], set(s["visited"]), s["asmt"], record(player), s["notice"])
        want = ("pg-basics--second-idea", kept, VISITED, expect_asmt, before, "")
        if got != want:
            failures.append((name, got, want))
        player.close_page()
        exit_ = player.stored["core"]["exit"] if standard == "scorm12" else player.stored["exit"]
        if exit_ != "suspend":   # failed with an attempt left: not finished
            failures.append((name, "exit", exit_))
    assert failures == []
    losses = {name: releases[name + ":losses"] for name in VARIANTS}
    assert losses["unchanged"] == losses["version-bump"] == losses["module-reordered"] == []
    assert losses["choice-added"] == ["knowledge check kc-first: changed (its answer is dropped)"]
    assert losses["question-removed"] == ["knowledge check kc-second: removed (its answer is lost)"]
    assert losses["question-renamed"] == ["knowledge check kc-second: removed (its answer is lost)"]


def _crafted(frame, other_key: str) -> dict:
    """Damaged states made in the page from the real one: cut at every length (decoded
    in the page), another course with the same shape, out-of-range values."""
    return frame.evaluate("""(otherKey) => {
        const cp = window.coursepack, CS = window.CoursepackState;
        const real = cp.encode();
        const cut = [];
        for (let n = 0; n < real.length; n++) if (cp.codec.decode(real.slice(0, n)).ok) cut.push(n);
        const seal = body => body + '|' + CS.check(body);
        const body = real.slice(0, real.lastIndexOf('|'));
        const parts = body.split('|');
        const sameShape = seal(['2', otherKey + parts[1].slice(4), parts[2], parts[3], parts[4]].join('|'));
        const score = seal(body.replace(/=\\d+/, '=999'));
        const attempts = seal(parts.slice(0, 4).concat([parts[4].replace(/^([A-Za-z0-9_-]{8})\\d+/, '$10')]).join('|'));
        // knowledge check answer 3 of a 2-choice question (2 bits): out of range
        const kc = seal(['2', parts[1], parts[2], 'w:', parts[4]].join('|'));
        return {real: real, cut: cut, full: cp.codec.decode(real).ok,
                cases: {sameShape: sameShape, score: score, attempts: attempts, kc: kc,
                        garbage: 'x'.repeat(50) + '|' + real, truncated: real.slice(0, real.length - 1)},
                reasons: [sameShape, score, attempts, kc].map(t => cp.codec.decode(t).reason)};
    }""", other_key)


def test_damaged_state_is_refused_whole(releases, scorm12_player, browser, tmp_path):
    package = releases["first"][0]
    preload = learner_who_failed(scorm12_player(package), LEARNER12)
    player = scorm12_player(package)
    player.open(json.loads(json.dumps(preload)))
    ready(player.frame)
    made = _crafted(player.frame, cpstate.short_hash("course:another-course", 4))
    assert made["full"] and made["cut"] == []
    assert made["reasons"] == ["foreign", "range", "range", "range"]
    player.close_page()
    # another course's state: a state the alltypes course writes
    other = course_data(build(shutil.copytree(FIXTURES / "alltypes", tmp_path / "at"),
                              ("scorm12",)).written[0])
    page = browser.new_page()
    for name in ("cp-questions.js", *TYPE_SCRIPTS, "cp-state.js"):
        page.add_script_tag(content=(STATIC / name).read_text())
    foreign = page.evaluate("""(data) => {
        const shown = i => data.assessments[i].questions.map((q, k) => k);
        const codec = CoursepackState.codec(data, shown);
        return codec.encode({visited: data.pages.map(() => 1), kc: data.kcs.map(() => ''),
            asmt: data.assessments.map(() => ({n: 1, sub: true, score: 50, seed: '', answers: [], path: ''}))});
    }""", other)
    page.close()
    # launched: the LMS record after each; the other crafted cases are refused in the page
    cases = {name: made["cases"][name] for name in ("garbage", "truncated", "sameShape", "score")}
    cases["foreign"] = foreign
    assert foreign.startswith("2|")
    for name, text in cases.items():
        data = json.loads(json.dumps(preload))
        data["suspend_data"] = text
        player.open(data)
        f = player.frame
        ready(f)
        s = snapshot(f)
        assert s["asmt"] == {"quiz": {"n": 0, "sub": False, "score": None}}, name
        assert s["kc"] == {"kc-first": "", "kc-second": ""}, name
        assert "could not be read" in s["notice"], name
        assert record12(player) == ("failed", "33"), name   # no worse than before
        sets = [c["args"] for c in player.calls() if c["fn"] == "LMSSetValue"]
        assert not [a for a in sets if a[0] in ("cmi.core.lesson_status", "cmi.core.score.raw")], name
        player.close_page()
        assert player.stored["core"]["lesson_status"] == "failed", name
    assert player.errors() == []


def test_passed_learner_retakes_a_changed_quiz_and_fails(tmp_path, scorm12_player):
    first = base(tmp_path / "first")
    [old] = build(first, ("scorm12",)).written
    player = scorm12_player(old)
    player.open(LEARNER12)
    f = player.frame
    ready(f)
    for _ in range(4):
        f.locator(".cp-next").click()
    f.locator("input[name='quiz-q-first'][value='0']").check()
    f.locator("input[name='quiz-q-both'][value='0']").check()
    f.locator("input[name='quiz-q-both'][value='1']").check()
    f.locator("input[name='quiz-q-true'][value='0']").check()
    f.locator(".cp-submit").click()
    f.locator(".cp-result-text").wait_for()
    assert record12(player) == ("passed", "100")
    player.close_page()
    assert player.stored["core"]["exit"] == ""
    preload = player.resume_preload()
    # the republish changes a quiz question's key: the quiz's answers no longer apply
    second = base(tmp_path / "second")
    edit(second / "scenarios/quiz.yaml", "    answer: true\n", "    answer: false\n")
    result = build(second, ("scorm12",), previous=old)
    assert any(line.startswith("assessment quiz: changed (q-true)") for line in result.losses)
    new = scorm12_player(result.written[0])
    new.open(preload)
    f = new.frame
    ready(f)
    assert snapshot(f)["asmt"] == {"quiz": {"n": 1, "sub": False, "score": 100}}
    f.locator(".cp-menu a", has_text="Final Quiz").click()
    f.locator("input[name='quiz-q-first'][value='1']").check()
    f.locator("input[name='quiz-q-both'][value='2']").check()
    f.locator("input[name='quiz-q-true'][value='0']").check()
    f.locator(".cp-submit").click()
    f.locator(".cp-result-text").wait_for()
    assert snapshot(f)["asmt"] == {"quiz": {"n": 2, "sub": True, "score": 0}}
    assert record12(new) == ("passed", "100")
    sets = [c["args"] for c in new.calls() if c["fn"] == "LMSSetValue"]
    assert set(a[1] for a in sets if a[0] == "cmi.core.score.raw") <= {"100"}
    assert [a[1] for a in sets if a[0] == "cmi.core.lesson_status"] in ([], ["passed"])
    new.close_page()
    assert new.stored["core"]["exit"] == ""
    assert new.stored["core"]["lesson_status"] == "passed"
    assert new.stored["core"]["score"]["raw"] == "100"


def test_a_state_saved_in_format_1_is_resumed(releases, scorm12_player):
    """Format 1, written by 1.0.0's packages (``1|HASH|VISITED|KC|A;...``), is read."""
    package = releases["first"][0]
    data = course_data(package)
    # welcome, first idea, second idea and quiz seen (bits 0, 1, 2, 4: 23 = "X"); the
    # knowledge checks answered "0" and "1"; the quiz submitted once with 33%
    text = f"1|{data['hash']}|X|0,1|1!=33:0,2,1"
    player = scorm12_player(package)
    player.open({**LEARNER12, "core": {**LEARNER12["core"], "lesson_location": "basics/second-idea",
                                       "lesson_status": "failed", "entry": "resume",
                                       "score": {"raw": "33"}},
                 "suspend_data": text})
    f = player.frame
    ready(f)
    s = snapshot(f)
    assert (s["page"], s["kc"], set(s["visited"]), s["asmt"], s["notice"]) == (
        "pg-basics--second-idea", BOTH, VISITED, {"quiz": {"n": 1, "sub": True, "score": 33}}, "")
    assert f.locator("input[name='quiz-q-both'][value='2']").is_checked()
    assert player.cmi()["suspend_data"].startswith("2|")   # written back in format 2


def test_ten_thousand_pages_and_two_thousand_questions_fit_scorm12(browser):
    """The longest state of a 10,000-page course with 2,000 single-choice questions (in
    a quiz, and as knowledge checks) is what the build says, and fits in 4,096."""
    pages = [{"loc": f"m{i // 10:04d}/p{i % 10}", "unit": i // 10} for i in range(10_000)]
    choice = {"type": "choice", "n": 4, "maxLength": 0}
    quiz = {"key": "AAAA", "fp": "BBBB", "id": "quiz", "branching": False, "draw": 0,
            "shuffle": False, "attempts": 0, "questions": [choice] * 2000}
    page = browser.new_page()
    for name in ("cp-questions.js", *TYPE_SCRIPTS, "cp-state.js"):
        page.add_script_tag(content=(STATIC / name).read_text())
    for kcs, assessments in (([], [quiz]), ([choice] * 2000, [])):
        data = {"pages": pages, "pageCount": len(pages), "kcs": kcs, "assessments": assessments, "hash": "x",
                "state": {"v": 2, "course": "CCCC", "ref": "RRRRRR", "prev": {}}}
        worst = cpstate.worst_length(len(pages), [(3, 0)] * len(kcs),
                                     [cpstate.quiz_length([(3, 0)] * 2000, 2000, False)]
                                     if assessments else [])
        length, back = page.evaluate("""(data) => {
            const codec = CoursepackState.codec(data, i => data.assessments[i].questions.map((q, k) => k));
            // every other page seen (the bitset's worst case), every answer the last choice
            const S = {visited: data.pages.map((p, i) => i % 2), kc: data.kcs.map(() => '3'),
                       asmt: data.assessments.map(d => ({n: 9999, sub: true, score: 100, seed: '',
                                                        answers: d.questions.map(() => '3'), path: ''}))};
            const text = codec.encode(S);
            const r = codec.decode(text);
            return [text.length, r.ok && r.visited.join('') === S.visited.join('') &&
                                  r.kc.join('') === S.kc.join('') &&
                                  (!r.asmt.length || r.asmt[0].answers.join('') === S.asmt[0].answers.join(''))];
        }""", data)
        assert back
        assert length == worst <= 4096, (len(kcs), length, worst)
    # every question type packs and reads back, typed answers empty or not
    assert page.evaluate("""() => {
        const CS = CoursepackState;
        const shapes = [{type: 'numeric', n: 0, maxLength: 20}, {type: 'sequencing', n: 3},
                        {type: 'fill-in', n: 0, maxLength: 5}, {type: 'matching', n: 3},
                        {type: 'multiple', n: 4}, {type: 'likert', n: 5}, {type: 'true-false', n: 2}];
        return [['', '', '', '', '', '', ''], ['4.5', '102', 'a,%|', '-20', '13', '4', '1'],
                ['', '', 'x', '', '0', '', '']].every(ans =>
            JSON.stringify(CS.unpackAnswers(shapes, CS.packAnswers(shapes, ans))) === JSON.stringify(ans));
    }""")
    page.close()
    assert max(len(p["loc"]) for p in pages) <= 255


def test_build_previous_prints_what_learners_lose(releases, tmp_path):
    from click.testing import CliRunner

    from builder.cli import cli

    root = base(tmp_path / "renamed")
    _renamed(root)
    result = CliRunner().invoke(cli, ["build", str(root), "-t", "scorm12",
                                      "--previous", str(releases["first"][0])])
    assert result.exit_code == 0, result.output
    assert "Learners of minimal-course-1.0.0-scorm12.zip will lose:\n" \
           "  knowledge check kc-second: removed (its answer is lost)\n" in result.output
    same = base(tmp_path / "same")
    result = CliRunner().invoke(cli, ["build", str(same), "-t", "scorm12",
                                      "--previous", str(releases["first"][0])])
    assert "keep all their answers, visited pages and attempts" in result.output
    other = base(tmp_path / "bad")
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    result = CliRunner().invoke(cli, ["build", str(other), "--previous", str(tmp_path / "bad.zip")])
    assert result.exit_code == 1 and "--previous" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (other / "dist").exists()


def test_finished_learner_with_damaged_state_leaves_with_exit_empty(releases, scorm12_player):
    player = scorm12_player(releases["first"][0])
    player.open({**LEARNER12, "core": {**LEARNER12["core"], "lesson_status": "passed",
                                       "entry": "resume", "score": {"raw": "90"}},
                 "suspend_data": "2|garbage"})
    ready(player.frame)
    assert snapshot(player.frame)["asmt"]["quiz"]["n"] == 0
    player.frame.locator(".cp-next").click()
    player.close_page()
    core = player.stored["core"]
    assert (core["lesson_status"], core["score"]["raw"], core["exit"]) == ("passed", "90", "")
    assert player.errors() == []


def test_a_format_1_state_survives_a_republish(releases, scorm12_player, tmp_path):
    """A learner of a release that wrote format 1 (its course data has no fingerprints
    and no ``state``, as 1.0.0's packages) meets a republish that inserts a page and adds
    a choice to one knowledge check: built with --previous that release, the package maps
    the old positions to ids."""
    import zipfile

    data = course_data(releases["first"][0])
    old = {k: v for k, v in data.items() if k != "state"}
    old["kcs"] = [{k: v for k, v in q.items() if k != "fp"} for q in data["kcs"]]
    old["assessments"] = [{k: v for k, v in a.items() if k not in ("fp", "key")}
                          for a in data["assessments"]]
    v1 = tmp_path / "release-1.0.0.zip"
    with zipfile.ZipFile(v1, "w") as z:
        z.writestr("index.html", '<script type="application/json" id="cp-data">'
                   + json.dumps(old) + "</script>")
    root = base(tmp_path / "next")
    _insert_page(root)
    _choice_added(root)
    result = build(root, ("scorm12",), previous=v1)
    assert result.losses == ["knowledge check kc-first: changed (its answer is dropped)"]
    player = scorm12_player(result.written[0])
    player.open({**LEARNER12, "core": {**LEARNER12["core"], "lesson_location": "basics/second-idea",
                                       "lesson_status": "failed", "entry": "resume",
                                       "score": {"raw": "33"}},
                 "suspend_data": f"1|{data['hash']}|X|0,1|1!=33:0,2,1"})
    f = player.frame
    ready(f)
    s = snapshot(f)
    assert (s["page"], s["kc"], set(s["visited"]), s["asmt"], s["notice"]) == (
        "pg-basics--second-idea", {"kc-first": "", "kc-second": "1"}, VISITED,
        {"quiz": {"n": 1, "sub": True, "score": 33}}, "")
    assert f.locator("input[name='quiz-q-both'][value='2']").is_checked()
