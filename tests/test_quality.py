"""Item-quality and reading-level checks (builder/quality.py, builder/readability.py).

Every rule has a fixture that trips it, asserting the exact message, file and line, and a
near miss that does not.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from builder import quality, readability
from builder.build import check
from builder.cli import cli
from builder.errors import BuildAborted
from builder.model import Choice, Question, Source

REPO = Path(__file__).resolve().parents[1]
OFF = "(rule {rule}: switch it off with quality_ignore: {{{rule}: reason}})"


# -- helpers -------------------------------------------------------------------------------

def findings(root: Path, rule: str | None = None) -> list:
    _, warnings = check(root)
    return [w for w in warnings if w.rule and (rule is None or w.rule == rule)]


def line_of(root: Path, name: str, text: str, after: str = "") -> int:
    """The line of ``root/name`` that holds ``text`` (after the line holding ``after``)."""
    lines = (root / name).read_text("utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def choice_q(qid: str, texts: list[str], right: int | list[int], *, prompt: str = "",
             kind: str = "choice", extra: str = "") -> str:
    """A question as YAML (indented for a quiz's list)."""
    rights = {right} if isinstance(right, int) else set(right)
    out = [f"  - id: {qid}", f"    type: {kind}",
           f"    prompt: {prompt or f'Question {qid} asks something?'}",
           "    objectives: [obj-one]", "    choices:"]
    for i, text in enumerate(texts):
        out += [f"      - id: c{i}", f"        text: {text}"]
        if i in rights:
            out.append("        correct: true")
    out.append("    feedback: {correct: Right., incorrect: Not quite.}")
    if extra:
        out.append(extra)
    return "\n".join(out)


def tf_q(qid: str, answer: bool) -> str:
    return "\n".join([f"  - id: {qid}", "    type: true-false",
                      f"    prompt: Statement {qid} is true.", f"    answer: {str(answer).lower()}",
                      "    objectives: [obj-one]",
                      "    feedback: {correct: Right., incorrect: Not quite.}"])


def with_quiz(root: Path, questions: list[str], head: str = "shuffle: true\n") -> Path:
    """Add scenarios/extra.yaml, a quiz of ``questions``, to the outline."""
    (root / "scenarios" / "extra.yaml").write_text(
        "title: Extra\n" + head + "questions:\n" + "\n".join(questions) + "\n", "utf-8")
    course = root / "course.yaml"
    course.write_text(course.read_text("utf-8").replace("  - quiz\n", "  - quiz\n  - extra\n"),
                      "utf-8")
    return root


OPTIONS = ["Sworn officer", "Security guard", "School counselor", "Bus driver"]


def q(qid: str, right: int, n: int = 4) -> Question:
    """A single-choice question of ``n`` same-length options, right at ``right``."""
    return Question(qid, "choice", "Which one?", tuple(
        Choice(f"c{i}", f"option {i}", i == right) for i in range(n)), (), 1.0, "ok", "no",
        Source("x.yaml", 1))


# -- the minimal fixture and the SRO course -------------------------------------------------

def test_the_minimal_fixture_passes_check_strict(runner, minimal):
    result = runner.invoke(cli, ["check", str(minimal), "--strict"])
    assert result.exit_code == 0, result.output
    assert "No problems found (0 warnings)." in result.output


def test_the_sro_course_passes_check_strict(runner):
    # issue 14 (the course 1.1)
    result = runner.invoke(cli, ["check", str(REPO), "--strict"])
    assert result.exit_code == 0, result.output
    assert "No problems found (0 warnings)." in result.output


# -- key position ------------------------------------------------------------------------

def test_key_position_all_a_in_a_quiz(minimal):
    root = with_quiz(minimal, [choice_q(f"k{i}", OPTIONS, 0) for i in range(6)])
    [f] = findings(root, "key_position")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", line_of(root, "scenarios/extra.yaml",
                                                                        "id: k0"), "questions[0]")
    assert f.message == ("in the quiz 'extra', the right answer is option A in 6 of 6 "
                         "single-choice items; chance gives about 1.5 (p = 0.00098): a learner "
                         "who always picks A scores 100% on them (right answers: A 6, B 0, C 0, "
                         "D 0)")
    assert f.hint.endswith(OFF.format(rule="key_position"))


def test_key_position_near_miss(minimal):
    # five of six at A: p = 0.018 after the correction, not far enough above chance
    root = with_quiz(minimal, [choice_q(f"k{i}", OPTIONS, 0 if i < 5 else 2) for i in range(6)])
    assert findings(root, "key_position") == []


def test_key_position_fair_keys_are_never_flagged_and_all_a_always_is():
    rng = random.Random(20261205)
    for n in range(1000):
        key = [rng.randrange(4) for _ in range(20)]
        assert quality.check_group([q(f"q{i}", r) for i, r in enumerate(key)]) == [], (n, key)
    for n in range(200):  # items of 3 to 5 options
        sizes = [rng.randrange(3, 6) for _ in range(20)]
        qs = [q(f"q{i}", rng.randrange(size), size) for i, size in enumerate(sizes)]
        assert quality.check_group(qs) == [], n
    [f] = quality.check_group([q(f"q{i}", 0) for i in range(20)])
    assert f.rule == "key_position" and "option A in 20 of 20" in f.message
    # also when the all-A key hides among items of other lengths
    [f] = quality.check_group([q(f"q{i}", 0, 3 + i % 3) for i in range(20)])
    assert "option A in 20 of 20" in f.message


def test_key_position_over_a_modules_knowledge_checks(minimal):
    body = "".join(f"\n```question\n{choice_q(f'kc{i}', OPTIONS, 1)[4:].replace(chr(10) + '    ', chr(10))}\n```\n"
                   for i in range(6))
    (minimal / "modules" / "02-basics.md").write_text(
        "---\ntitle: Basics\nduration: 6\nobjectives: [obj-two]\n---\n\n# Checks {#checks}\n"
        "\nIt builds on the first [@ref-b].\n" + body, "utf-8")
    [f] = findings(minimal, "key_position")
    assert (f.file, f.line, f.key) == ("modules/02-basics.md",
                                       line_of(minimal, "modules/02-basics.md", "id: kc0"),
                                       "question")
    assert f.message.startswith("in the knowledge checks of module 'basics', the right answer "
                                "is option B in 6 of 6 single-choice items")


def test_key_position_over_all_the_knowledge_checks_of_the_course(minimal):
    # three checks keyed A in each of two modules: no module shows it, the course does
    for name, title in (("01-intro.md", "Introduction"), ("02-basics.md", "Basics")):
        body = "".join(f"\n```question\n{choice_q(f'm{name[:2]}-{i}', OPTIONS, 0)[4:].replace(chr(10) + '    ', chr(10))}\n```\n"
                       for i in range(3))
        (minimal / "modules" / name).write_text(
            f"---\ntitle: {title}\nobjectives: [obj-one, obj-two]\n---\n\n# Checks {{#checks}}\n"
            "\nIt builds on the first [@ref-a][@ref-b] [[widget]].\n" + body, "utf-8")
    [f] = findings(minimal, "key_position")
    assert (f.file, f.line) == ("modules/01-intro.md", line_of(minimal, "modules/01-intro.md",
                                                               "id: m01-0"))
    assert f.message.startswith("in the knowledge checks of the course, the right answer is "
                                "option A in 6 of 6 single-choice items")


def test_key_position_question_switched_off_is_not_counted(minimal):
    off = "    quality_ignore: {key_position: The options follow the steps of the procedure.}"
    qs = [choice_q(f"k{i}", OPTIONS, 0, extra=off if i == 0 else "") for i in range(6)]
    assert findings(with_quiz(minimal, qs), "key_position") == []


def test_true_false_all_one_way(minimal):
    root = with_quiz(minimal, [tf_q(f"t{i}", False) for i in range(4)])
    [f] = findings(root, "key_position")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", 4, "questions[0]")
    assert f.message == ("in the quiz 'extra', all 4 true/false items are false (true 0, false "
                         "4; chance gives about 2 each way): a learner who always answers false "
                         "scores 100% on them")
    assert f.hint.startswith("make about half of them true, at least a third each way")


def test_true_false_near_miss(minimal):
    root = with_quiz(minimal, [tf_q(f"t{i}", i == 3) for i in range(4)])
    assert findings(root, "key_position") == []


def test_select_all_always_the_first_options(minimal):
    texts = ["Teach", "Counsel", "Enforce the law", "Coach the team", "Drive the bus"]
    root = with_quiz(minimal, [choice_q("m0", texts, [0, 1], kind="multiple"),
                               choice_q("m1", texts, [0, 1, 2], kind="multiple"),
                               choice_q("m2", texts, [0], kind="multiple")])
    [f] = findings(root, "key_position")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", 4, "questions[0]")
    assert f.message == ("in the quiz 'extra', 3 of 3 select-all items key exactly the first "
                         "options (chance gives about 0.4): a learner who ticks the first few "
                         "options scores on them without knowing the content")


def test_select_all_same_number_of_right_answers(minimal):
    texts = ["Teach", "Counsel", "Enforce the law", "Coach the team"]
    root = with_quiz(minimal, [choice_q("m0", texts, [1, 2], kind="multiple"),
                               choice_q("m1", texts, [0, 3], kind="multiple"),
                               choice_q("m2", texts, [2, 3], kind="multiple")])
    [f] = findings(root, "key_position")
    assert (f.file, f.line) == ("scenarios/extra.yaml", 4)
    assert f.message == "in the quiz 'extra', all 3 select-all items have exactly 2 right answers"


def test_select_all_near_miss(minimal):
    texts = ["Teach", "Counsel", "Enforce the law", "Coach the team"]
    root = with_quiz(minimal, [choice_q("m0", texts, [1, 2], kind="multiple"),
                               choice_q("m1", texts, [0, 1, 3], kind="multiple"),
                               choice_q("m2", texts, [0, 1], kind="multiple")])
    assert findings(root, "key_position") == []


# -- length cue ---------------------------------------------------------------------------

LONG = "A sworn officer assigned under a written agreement"


def test_length_cue(minimal):
    qs = [choice_q(f"l{i}", [OPTIONS[1], OPTIONS[2], LONG, OPTIONS[3]] if i < 3 else
                   OPTIONS, 2 if i < 3 else 1) for i in range(4)]
    [f] = findings(with_quiz(minimal, qs), "length_cue")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", 4, "questions[0]")
    assert f.message == ("in the quiz 'extra', the right answer is the longest option (in "
                         "words) in 3 of 4 single-choice items; chance gives about 1.0: l0, l1, "
                         "l2")


def test_length_cue_near_miss(minimal):
    qs = [choice_q(f"l{i}", [OPTIONS[1], OPTIONS[2], LONG, OPTIONS[3]] if i < 2 else
                   [LONG, OPTIONS[2], OPTIONS[1], OPTIONS[3]], 2 if i < 2 else 1)
          for i in range(4)]
    assert findings(with_quiz(minimal, qs), "length_cue") == []


# -- per question --------------------------------------------------------------------------

def test_giveaway(minimal):
    root = with_quiz(minimal, [choice_q("g", ["Teach", "Counsel", "All of the above."], 2)])
    [f] = findings(root, "giveaway")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml",  # the line of the option
                                       line_of(root, "scenarios/extra.yaml", "id: c2"),
                                       "questions[0]")
    assert f.message == ("question 'g': option 'c2' says \"all of the above\", which test-wise "
                         "learners pick (or rule out) without knowing the content")


@pytest.mark.parametrize("text", ["Both A and B", "None of these", "A and B"])
def test_giveaway_variants(minimal, text):
    root = with_quiz(minimal, [choice_q("g", ["Teach", "Counsel", text], 0)])
    assert [f.rule for f in findings(root, "giveaway")] == ["giveaway"]


def test_giveaway_near_miss(minimal):
    root = with_quiz(minimal, [choice_q("g", ["Teach", "Counsel", "Above all, keep students safe"],
                                        2)])
    assert findings(root, "giveaway") == []


def test_absolute_words_in_wrong_options_only(minimal):
    root = with_quiz(minimal, [choice_q("a", ["Usually under an agreement",
                                              "Never under an agreement", "On weekends"], 0)])
    [f] = findings(root, "absolute_words")
    assert (f.file, f.line) == ("scenarios/extra.yaml",
                                line_of(root, "scenarios/extra.yaml", "id: c1"))
    assert f.message == ("question 'a': only wrong options use absolute words ('never' in "
                         "option 'c1'), a cue that they are wrong")


def test_absolute_words_near_miss(minimal):
    root = with_quiz(minimal, [choice_q("a", ["Only under an agreement",
                                              "Never under an agreement", "On weekends"], 0)])
    assert findings(root, "absolute_words") == []


def test_stem_cue(minimal):
    root = with_quiz(minimal, [choice_q(
        "s", ["Staff responding to the emergency", "Any teacher", "A parent volunteer"], 0,
        prompt="Who may share records in a health or safety emergency?")])
    [f] = findings(root, "stem_cue")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", 4, "questions[0]")
    assert f.message == ("question 's': the right option repeats 'emergency' from the question, "
                         "and no wrong option does")


def test_stem_cue_near_miss(minimal):
    root = with_quiz(minimal, [choice_q(
        "s", ["Staff responding to the emergency", "Any teacher who hears of the emergency later",
              "A parent volunteer"], 0,
        prompt="Who may share records in a health or safety emergency?")])
    assert findings(root, "stem_cue") == []


def test_duplicate_choices(minimal):
    root = with_quiz(minimal, [choice_q("d", ["The school district", "The school districts",
                                              "The state", "the state!"], 0,
                                        prompt="Who employs the officer?"),
                               choice_q("e", ["Who employs the officer?", "The state"], 1,
                                        prompt="Who employs the officer?")])
    found = findings(root, "duplicate_choices")
    assert [(f.line, f.message) for f in found] == [
        (line_of(root, "scenarios/extra.yaml", "id: c1"),
         "question 'd': option 'c1' is nearly the same as option 'c0'"),
        (line_of(root, "scenarios/extra.yaml", "id: c3"),
         "question 'd': option 'c3' says the same as option 'c2'"),
        (line_of(root, "scenarios/extra.yaml", "id: c0", after="id: e"),
         "question 'e': option 'c0' repeats the question"),
    ]


def test_duplicate_choices_near_miss(minimal):
    root = with_quiz(minimal, [choice_q("d", ["The school district", "The police department",
                                              "The state"], 0, prompt="Who employs the officer?")])
    assert findings(root, "duplicate_choices") == []


# -- per assessment ------------------------------------------------------------------------

LIKERT = "\n".join(["  - id: opinion", "    type: likert", "    prompt: I can explain the idea.",
                    "    objectives: [obj-two]"])


def test_objective_coverage_only_unscored_questions(minimal):
    # the draw is stratified by objective: obj-two is drawn every time, but never scored
    qs = [choice_q(f"c{i}", OPTIONS, i % 4) for i in range(4)] + [LIKERT]
    root = with_quiz(minimal, qs, head="shuffle: true\ndraw: 3\n")
    [f] = findings(root, "objective_coverage")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", 3, "draw")
    assert f.message == ("the quiz 'extra' draws 3 of its 5 questions so that each shows every "
                         "objective, but objective 'obj-two' is only on unscored questions "
                         "(opinion): no draw assesses it")


def test_objective_coverage_near_miss(minimal):
    # one scored question on obj-two of five, draw 2: the stratified draw shows it every time
    qs = [choice_q(f"c{i}", OPTIONS, i % 4) for i in range(5)]
    qs[0] = qs[0].replace("objectives: [obj-one]", "objectives: [obj-two]")
    root = with_quiz(minimal, qs + [LIKERT], head="shuffle: true\ndraw: 2\n")
    assert findings(root, "objective_coverage") == []


def test_shuffle_off_on_a_graded_quiz(minimal):
    root = with_quiz(minimal, [choice_q("x", OPTIONS, 1)], head="shuffle: false\n")
    [f] = findings(root, "shuffle")
    assert (f.file, f.line, f.key) == ("scenarios/extra.yaml", 2, "shuffle")
    assert f.message == ("the graded quiz 'extra' shows the choices of its 1 choice questions "
                         "in the written order every attempt")


def test_shuffle_off_with_a_reason(minimal):
    root = with_quiz(minimal, [choice_q("x", OPTIONS, 1)],
                     head="quality_ignore:\n  shuffle: The options are points of a scale.\n")
    assert findings(root, "shuffle") == []


def test_a_rule_switched_off_for_the_course(minimal):
    root = with_quiz(minimal, [choice_q("g", ["Teach", "Counsel", "All of the above."], 2)])
    course = root / "course.yaml"
    course.write_text(course.read_text("utf-8") + "quality:\n  ignore:\n    giveaway: The items "
                      "quote a published test.\n", "utf-8")
    assert findings(root, "giveaway") == []


def test_switching_off_needs_a_reason_and_a_known_rule(minimal):
    root = with_quiz(minimal, [choice_q("x", OPTIONS, 1)],
                     head="quality_ignore:\n  shuffle:\n  lenght_cue: Long.\n")
    with pytest.raises(BuildAborted) as info:
        check(root)
    text = info.value.format_message()
    assert "scenarios/extra.yaml:3: [quality_ignore.shuffle] switching off 'shuffle' needs a " \
           "reason" in text
    assert "scenarios/extra.yaml:4: [quality_ignore.lenght_cue] unknown key 'lenght_cue'\n" \
           "    hint: did you mean 'length_cue'?" in text


# -- reading level -------------------------------------------------------------------------

def write_module(root: Path, body: str, *, duration: int | None = None,
                 name: str = "02-basics.md") -> None:
    front = "title: Basics\nobjectives: [obj-two]\n" + (
        f"duration: {duration}\n" if duration else "")
    (root / "modules" / name).write_text(f"---\n{front}---\n\n# Page {{#page}}\n\n{body}\n\n"
                                         "It builds on the first [@ref-b].\n", "utf-8")


def test_duration_that_disagrees_with_the_content(minimal):
    write_module(minimal, "Word " * 399 + "word.", duration=5)  # 400 words: 2 minutes
    [f] = findings(minimal, "duration")
    assert (f.file, f.line, f.key) == ("modules/02-basics.md", 4, "duration")
    assert f.message == ("module 'basics' says it takes 5 minutes, but its content takes about "
                         "2.0 (406 words at 200 a minute)")
    assert f.hint.startswith("set duration: 2, or change the content")


def test_duration_near_miss(minimal):
    write_module(minimal, "Word " * 599 + "word.", duration=4)  # 3 minutes: 33% but 1 minute
    assert findings(minimal, "duration") == []
    write_module(minimal, "Word " * 599 + "word.", duration=3)
    assert findings(minimal, "duration") == []


HARD = ("The institutionalization of comprehensive interdisciplinary collaboration "
        "necessitates considerable organizational commitment. ")
EASY = "The cat sat on the mat. The dog ran to the park. "


def test_reading_grade_above_the_target(minimal):
    write_module(minimal, HARD * 3)
    course = minimal / "course.yaml"
    course.write_text(course.read_text("utf-8") + "quality:\n  reading_grade: 8\n", "utf-8")
    [f] = findings(minimal, "reading_grade")
    assert (f.file, f.line) == ("modules/02-basics.md", 1)
    # 3 sentences of 10 long words, the page title and one short sentence: 36 words, 5
    # sentences, 138 syllables
    assert f.message == ("module 'basics' reads at Flesch-Kincaid grade 32.5, above the course's "
                         "reading_grade 8 (7 words a sentence, 3.83 syllables a word)")
    write_module(minimal, EASY * 3)  # near miss
    assert findings(minimal, "reading_grade") == []


def test_build_prints_reading_figures_and_one_line_of_findings(runner, minimal, tmp_path):
    root = with_quiz(minimal, [choice_q(f"k{i}", OPTIONS, 0, prompt="Pick one?")
                               for i in range(6)], head="")
    result = runner.invoke(cli, ["build", str(root), "-t", "scorm12", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "A Minimal Course 1.0.0: 4 units, 6 pages, 2 objectives"
    assert lines[1] == "Reading level (200 words a minute; Flesch-Kincaid grade):"
    assert lines[2].split() == ["intro", "21", "words", "0", "min", "grade", "2.9"]
    assert lines[4].split()[0] == "course"
    assert lines[5] == ("Item quality: 2 warnings (key_position 1, shuffle 1); coursepack "
                        "check lists each with its place and a fix.")
    assert "warning:" not in result.output
    result = runner.invoke(cli, ["check", str(root)])
    assert result.exit_code == 0
    assert "warning: scenarios/extra.yaml:3: [questions[0]] in the quiz 'extra'" in result.output
    assert "No problems found (2 warnings)." in result.output
    assert runner.invoke(cli, ["check", str(root), "--strict"]).exit_code == 1


def test_check_format_json(runner, minimal):
    root = with_quiz(minimal, [choice_q("g", ["Teach", "Counsel", "All of the above."], 2)])
    result = runner.invoke(cli, ["check", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True and data["warnings"] == 1
    assert data["problems"] == [{
        "file": "scenarios/extra.yaml", "line": line_of(root, "scenarios/extra.yaml", "id: c2"),
        "key": "questions[0]", "level": "warning", "rule": "giveaway",
        "message": "question 'g': option 'c2' says \"all of the above\", which test-wise "
                   "learners pick (or rule out) without knowing the content",
        "hint": "write a full, plausible option instead; to ask about several options, use a "
                "select-all item (type: multiple) " + OFF.format(rule="giveaway")}]
    assert [m["unit"] for m in data["reading"]["modules"]] == ["intro", "basics"]
    assert data["reading"]["course"]["words"] == 36
    assert data["coverage"][0]["objective"] == "obj-one"
    strict = runner.invoke(cli, ["check", str(root), "--format", "json", "--strict"])
    assert strict.exit_code == 1
    assert json.loads(strict.output)["problems"][0]["level"] == "error"
    (root / "scenarios" / "extra.yaml").write_text("title: [\n", "utf-8")
    broken = runner.invoke(cli, ["check", str(root), "--format", "json"])
    assert broken.exit_code == 1
    data = json.loads(broken.output)
    assert data["ok"] is False and data["problems"][0]["file"] == "scenarios/extra.yaml"


# -- readability -----------------------------------------------------------------------------
# Published values: Wikipedia, "Flesch-Kincaid readability tests"
# (https://en.wikipedia.org/wiki/Flesch%E2%80%93Kincaid_readability_tests): "The cat sat on
# the mat." has a reading ease of 116; "The Australian platypus is seemingly a hybrid of a
# mammal and reptilian creature." a grade level of 13.1. Their counts (6 words, 6 syllables;
# 13 words, 26 syllables) as given in the README of the npm package `flesch` (wooorm).
# Tolerance: 0.5 on the ease, 0.1 on the grade (the published figures are rounded).

def test_published_reference_sentences():
    cat = readability.measure("The cat sat on the mat.")
    assert (cat.letter_words, cat.syllables, cat.sentences) == (6, 6, 1)
    assert cat.ease == pytest.approx(116, abs=0.5)
    platypus = readability.measure("The Australian platypus is seemingly a hybrid of a mammal "
                                   "and reptilian creature.")
    assert (platypus.letter_words, platypus.syllables, platypus.sentences) == (13, 26, 1)
    assert platypus.grade == pytest.approx(13.1, abs=0.1)


# hand-counted (Merriam-Webster's syllabification)
ENGLISH = {"school": 1, "resource": 2, "officer": 3, "officers": 3, "program": 2,
           "students": 2, "enforcement": 3, "education": 4, "juvenile": 3, "community": 4,
           "relationship": 4, "arrested": 3, "minority": 4, "discipline": 3, "suspension": 3,
           "federal": 3, "definition": 4, "table": 2, "make": 1, "makes": 1, "played": 1,
           "wanted": 2, "boxes": 2, "judges": 2, "lonely": 2, "statement": 2, "criticism": 4,
           "radio": 3, "violin": 3, "nation": 2, "special": 2, "usual": 3, "actual": 3,
           "video": 3, "people": 2, "create": 2, "agreement": 3, "memorandum": 4,
           "understanding": 4, "safety": 2, "police": 2, "yes": 1, "you": 1}
SPANISH = {"perro": 2, "escuela": 3, "país": 2, "leer": 2, "aire": 2, "ciudad": 2, "que": 1,
           "guerra": 2, "hoy": 1, "muy": 1, "policía": 4, "educación": 4, "estudiantes": 4,
           "oficial": 3, "comunidad": 4, "seguridad": 4}


def test_syllable_counts():
    assert {w: readability.syllables_en(w) for w in ENGLISH} == ENGLISH
    assert {w: readability.syllables_es(w) for w in SPANISH} == SPANISH


def test_spanish_gets_fernandez_huerta_and_no_grade():
    st = readability.measure("El perro corre en el parque. La niña lee un libro.", "es")
    assert (st.letter_words, st.sentences, st.syllables) == (11, 2, 17)
    # 206.84 - 60 * 17/11 - 102 * 2/11
    assert st.ease == pytest.approx(206.84 - 60 * 17 / 11 - 102 * 2 / 11)
    assert st.grade is None and st.figure == st.ease
    assert st.formula == "Fernández Huerta ease"


def test_only_learner_facing_text_counts():
    html = ('<p>Read the law <a class="cite" href="#ref-s2"><span class="visually-hidden">'
            'Source: </span>(Statute, 2020)</a> at https://example.org/law today.</p>\n'
            '<pre><code>coursepack build .</code></pre>\n<ul>\n<li>First point</li>\n'
            '<li>Second <span class="term"><button>SRO</button><span class="term-def" '
            'hidden>A sworn officer assigned to a school.</span></span></li>\n</ul>')
    text = readability.plain_text(html)
    assert readability.words(text) == ["Read", "the", "law", "at", "today", "First", "point",
                                       "Second", "SRO"]
    assert readability.sentences(text) == ["Read the law  at   today.", "First point",
                                           "Second SRO"]
