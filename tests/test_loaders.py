"""The loader and the validator: one test per rule, asserting the message the author sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import check
from builder.errors import BuildAborted
from builder.model import Assessment, Module


def problems(root: Path) -> str:
    """The formatted problems of a project that must fail."""
    with pytest.raises(BuildAborted) as info:
        check(root)
    return info.value.format_message()


def replace(root: Path, name: str, old: str, new: str) -> Path:
    path = root / name
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return root


def test_minimal_course_loads_into_the_model(minimal):
    course, warnings = check(minimal)
    assert warnings == []
    assert course.id == "minimal-course"
    assert [u.id for u in course.outline] == ["intro", "basics", "quiz"]
    intro, basics, quiz = course.outline
    assert isinstance(intro, Module) and isinstance(quiz, Assessment)
    assert [p.id for p in intro.pages] == ["welcome", "first-idea"]
    assert intro.pages[1].questions[0].id == "kc-first"
    assert [q.type for q in quiz.questions] == ["choice", "multiple", "true-false"]
    assert quiz.questions[2].correct_ids == ("true",)
    assert course.tracking.mastery_score == 80
    welcome = "".join(b for b in intro.pages[0].blocks if isinstance(b, str))
    assert 'src="media/diagram.svg"' in welcome
    assert 'href="#ref-ref-a"' in welcome and 'aria-label="Source 1: Author A, 2020">1<' in welcome
    assert 'class="term-button pop-button"' in welcome


def test_model_is_immutable(minimal):
    course, _ = check(minimal)
    with pytest.raises(AttributeError):
        course.title = "x"  # type: ignore[misc]


def test_missing_course_yaml(tmp_path):
    assert "course.yaml: no course.yaml in" in problems(tmp_path)


def test_yaml_syntax_error_names_file_and_line(project):
    root = project({"course.yaml": "id: x\ntitle: [unclosed\nversion: 1\n"})
    msg = problems(root)
    assert "course.yaml:3: YAML syntax error" in msg
    assert "hint: check the indentation" in msg


def test_unknown_key_is_an_error_with_did_you_mean(project):
    root = replace(project(), "course.yaml", "language: en", "langauge: en")
    assert "course.yaml:4: [langauge] unknown key 'langauge'" in problems(root)
    assert "did you mean 'language'?" in problems(root)


def test_duplicate_key(project):
    root = replace(project(), "course.yaml", "language: en", "language: en\nlanguage: fr")
    assert "course.yaml:5: [language] duplicate key 'language'" in problems(root)


def test_wrong_type(project):
    root = replace(project(), "course.yaml", "  - Testers", "  - {who: Testers}")
    assert "[audience[0]] expected a string, got a mapping" in problems(root)


def test_missing_required_key(project):
    root = replace(project(), "course.yaml", "title: A Minimal Course\n", "")
    assert "[title] missing required key 'title'" in problems(root)


def test_invalid_id(project):
    root = replace(project(), "course.yaml", "id: minimal-course", "id: Minimal Course")
    assert "'Minimal Course' is not a valid id" in problems(root)


def test_mastery_score_out_of_range(project):
    root = replace(project(), "course.yaml", "mastery_score: 80", "mastery_score: 140")
    assert ("[tracking.mastery_score] mastery_score is a percentage from 0 to 100, not 140"
            in problems(root))


def test_unknown_completion_rule(project):
    root = replace(project(), "course.yaml", "completion: both", "completion: finished")
    assert "completion must be one of viewed, passed, both, not 'finished'" in problems(root)


def test_outline_names_a_missing_module(project):
    root = replace(project(), "course.yaml", "  - basics\n", "  - basic\n")
    msg = problems(root)
    assert "[outline] no module or scenario file for 'basic'" in msg
    assert "did you mean 'basics'?" in msg


def test_file_not_in_outline_is_a_warning(project):
    root = replace(project(), "course.yaml", "  - basics\n", "")
    root = replace(root, "modules/01-intro.md", "objectives: [obj-one]", "objectives: [obj-one, obj-two]")
    root = replace(root, "modules/01-intro.md", "[@ref-a]", "[@ref-a][@ref-b]")
    course, warnings = check(root)
    assert [w.format() for w in warnings] == [
        "modules/02-basics.md: 'basics' is not in the outline of course.yaml, so it is not "
        "built\n    hint: add it to 'outline', or delete the file"]


def test_duplicate_objective_id(project):
    root = replace(project(), "course.yaml", "  - id: obj-two", "  - id: obj-one")
    assert "objective id 'obj-one' is used twice" in problems(root)


def test_unknown_objective_on_module(project):
    root = replace(project(), "modules/02-basics.md", "[obj-two]", "[obj-too]")
    msg = problems(root)
    assert "modules/02-basics.md:2: [objectives] unknown objective 'obj-too'" in msg
    assert "did you mean 'obj-two'" in msg


def test_objective_not_taught(project):
    root = replace(project(), "modules/02-basics.md", "objectives: [obj-two]", "objectives: []")
    assert "objective 'obj-two' is not taught by any module" in problems(root)


def test_objective_not_assessed(project):
    root = project()
    for _ in range(2):
        replace(root, "scenarios/quiz.yaml", "objectives: [obj-two]", "objectives: [obj-one]")
    assert "objective 'obj-two' is not assessed by any question" in problems(root)


def test_module_without_front_matter(project):
    root = project({"modules/02-basics.md": "# A page\n\nText.\n"})
    assert "modules/02-basics.md:1: a module starts with YAML front matter" in problems(root)


def test_text_before_first_page(project):
    root = replace(project(), "modules/02-basics.md", "# The second idea", "Stray text.\n\n# The second idea")
    assert "modules/02-basics.md:6: text before the first page heading" in problems(root)


def test_duplicate_page_id(project):
    root = replace(project(), "modules/02-basics.md", "{#summary}", "{#second-idea}")
    assert "two pages have the id 'second-idea' (the other is on line 7)" in problems(root)


def test_image_without_alt_text(project):
    root = replace(project(), "modules/01-intro.md", "![A square diagram with one label]", "![]")
    assert "modules/01-intro.md:11: image 'diagram.svg' has no alt text" in problems(root)


def test_image_missing(project):
    root = replace(project(), "modules/01-intro.md", "(diagram.svg)", "(missing.svg)")
    assert "modules/01-intro.md:11: image file 'missing.svg' not found" in problems(root)


def test_image_outside_the_project(project):
    root = replace(project(), "modules/01-intro.md", "(diagram.svg)", "(../../etc/passwd.svg)")
    assert "image '../../etc/passwd.svg' is outside the modules/ folder" in problems(root)


def test_remote_image_refused(project):
    root = replace(project(), "modules/01-intro.md", "(diagram.svg)", "(https://example.org/x.png)")
    assert "image 'https://example.org/x.png' is not a file in the project" in problems(root)


def test_question_without_correct_answer(project):
    root = replace(project(), "scenarios/quiz.yaml", "        correct: true\n      - id: b\n        text: The second idea\n    feedback:",
                   "      - id: b\n        text: The second idea\n    feedback:")
    assert "question 'q-first' has no correct answer" in problems(root)


def test_single_choice_with_two_correct(project):
    root = replace(project(), "scenarios/quiz.yaml", "    type: multiple", "    type: choice")
    assert "question 'q-both' is single choice but marks 2 choices correct" in problems(root)


def test_duplicate_question_id(project):
    root = replace(project(), "scenarios/quiz.yaml", "id: q-both", "id: q-first")
    assert "question id 'q-first' is already used in scenarios/quiz.yaml:5" in problems(root)


def test_duplicate_question_id_across_files(project):
    root = replace(project(), "scenarios/quiz.yaml", "id: q-first", "id: kc-first")
    assert "question id 'kc-first' is already used in modules/01-intro.md" in problems(root)


def test_unknown_question_type(project):
    root = replace(project(), "scenarios/quiz.yaml", "type: multiple", "type: multiple-choice")
    msg = problems(root)
    assert "unknown question type 'multiple-choice'" in msg


def test_true_false_needs_answer(project):
    root = replace(project(), "scenarios/quiz.yaml", "    answer: true\n", "")
    assert "[questions[2].answer] missing required key 'answer'" in problems(root)


def test_inline_question_yaml_error_has_the_module_line(project):
    root = replace(project(), "modules/01-intro.md", "prompt: Which idea comes first?",
                   "prompt: [Which idea")
    msg = problems(root)
    assert "modules/01-intro.md:21: YAML syntax error: while parsing a flow sequence (from " \
        "line 20)" in msg
    assert "expected ',' or ']'" in msg


def test_citation_without_reference(project):
    root = replace(project(), "modules/02-basics.md", "[@ref-b]", "[@ref-c]")
    msg = problems(root)
    assert "modules/02-basics.md:9: citation [@ref-c] has no entry in references.yaml" in msg
    assert "reference 'ref-b' is never cited" in msg


def test_unknown_glossary_term(project):
    root = replace(project(), "modules/01-intro.md", "[[widget]]", "[[gadget]]")
    assert "glossary term [[gadget]] is not in glossary.yaml" in problems(root)


def test_tracking_assessment_must_exist(project):
    root = replace(project(), "course.yaml", "assessment: quiz", "assessment: quizz")
    msg = problems(root)
    assert "[tracking.assessment] 'quizz' is not an assessment in the outline" in msg
    assert "did you mean 'quiz'?" in msg


def test_passed_completion_needs_mastery(project):
    root = replace(project(), "course.yaml", "  mastery_score: 80\n", "")
    assert "completion 'both' needs a pass mark" in problems(root)


def test_not_utf8(project):
    root = project()
    (root / "modules/02-basics.md").write_bytes(b"---\ntitle: B\n---\n# P\n\ncaf\xe9\n")
    assert "modules/02-basics.md:6: the file is not valid UTF-8 text" in problems(root)


def test_empty_scenario_file(project):
    root = project({"scenarios/quiz.yaml": ""})
    assert "scenarios/quiz.yaml:1: the file is empty" in problems(root)


BRANCHING = """
title: A scenario
start: one
nodes:
  - id: one
    text: First situation.
    choices:
      - id: a
        text: Good move
        score: 2
        feedback: That helps.
        next: two
      - id: b
        text: Bad move
        feedback: That hurts.
        next: bad-end
  - id: two
    text: Second situation.
    choices:
      - id: a
        text: Finish
        score: 1
        feedback: Done.
        next: good-end
  - id: good-end
    ending: true
    text: Well done.
  - id: bad-end
    ending: true
    text: Debrief.
"""


def branching_project(project, text: str) -> Path:
    root = project({"scenarios/quiz.yaml": text})
    # the scenario assesses both objectives as a whole
    replace(root, "scenarios/quiz.yaml", "start: one", "objectives: [obj-one, obj-two]\nstart: one")
    return root


def test_branching_scenario_loads(project):
    course, _ = check(branching_project(project, BRANCHING))
    quiz = course.outline[2]
    assert quiz.branching and quiz.start == "one"
    assert [n.id for n in quiz.nodes] == ["one", "two", "good-end", "bad-end"]


def test_branching_unreachable_node(project):
    text = BRANCHING + "  - id: lost\n    ending: true\n    text: Nobody gets here.\n"
    assert "node 'lost' cannot be reached from the start node 'one'" in problems(
        branching_project(project, text))


def test_branching_dead_end(project):
    text = BRANCHING.replace("    ending: true\n    text: Debrief.", "    text: Debrief.")
    assert "node 'bad-end' is a dead end" in problems(branching_project(project, text))


def test_branching_dangling_next(project):
    text = BRANCHING.replace("next: good-end", "next: good-ending")
    msg = problems(branching_project(project, text))
    assert "leads to 'good-ending', which does not exist" in msg
    assert "did you mean 'good-end'?" in msg


def test_branching_cycle(project):
    text = BRANCHING.replace("next: good-end", "next: one")
    assert "the scenario loops: one -> two -> one" in problems(branching_project(project, text))


def fill_in_quiz(n: int) -> str:
    """A quiz of ``n`` fill-in questions: their answers are stored as text (up to 100
    characters each by default), the bulkiest part of the resume state."""
    return "title: Big\nquestions:" + "".join(f"""
  - id: q{i}
    type: fill-in
    prompt: Question {i}
    objectives: [obj-one, obj-two]
    feedback: {{correct: Yes., incorrect: No.}}
    answers: [sure]
""" for i in range(n))


def test_resume_state_over_the_scorm12_limit(project):
    """Typed answers are kept as text: 60 of them can outgrow SCORM 1.2's 4096 characters,
    and the build says by how much (the figure is the format's exact worst case)."""
    from builder.runtime import worst_case_suspend

    fits, _ = check(project({"scenarios/quiz.yaml": fill_in_quiz(5)}))
    per_question = (worst_case_suspend(fits) - worst_case_suspend(
        check(project({"scenarios/quiz.yaml": fill_in_quiz(4)}))[0]))
    msg = problems(project({"scenarios/quiz.yaml": fill_in_quiz(60)}))
    grown = worst_case_suspend(fits) + 55 * per_question
    assert grown > 4096
    assert f"the resume state can grow to {grown} characters, more than SCORM 1.2's 4096" in msg


def test_every_problem_reported_at_once(project):
    root = replace(project(), "course.yaml", "language: en", "langauge: en")
    replace(root, "modules/02-basics.md", "[@ref-b]", "[@ref-c]")
    replace(root, "scenarios/quiz.yaml", "type: multiple", "type: choice")
    msg = problems(root)
    assert "unknown key 'langauge'" in msg
    assert "citation [@ref-c]" in msg
    assert "single choice but marks 2" in msg
    assert msg.strip().endswith("Aborted with 4 errors. Nothing was written.")


def test_branching_choice_needs_feedback(project):
    text = BRANCHING.replace("        feedback: Done.\n", "")
    assert "choice 'a' of node 'two' has no feedback" in problems(branching_project(project, text))


def test_question_needs_feedback(project):
    root = replace(project(), "scenarios/quiz.yaml", "      incorrect: It does.\n", "")
    assert "question 'q-true' has no feedback for an incorrect answer" in problems(root)


def quiz_of(n: int, choices: int) -> str:
    return "title: Big\nquestions:" + "".join(
        f"""
  - id: q{i}
    type: choice
    prompt: Question {i}
    objectives: [obj-one, obj-two]
    feedback: {{correct: Yes., incorrect: No.}}
    choices:
""" + "".join(f"      - {{id: c{c}, text: Choice {c}, correct: {'true' if c == 0 else 'false'}}}\n"
              for c in range(choices)) for i in range(n))


def test_three_hundred_questions_fit_in_scorm12(project):
    from builder.runtime import worst_case_suspend, worst_case_suspend_v1

    root = project({"scenarios/quiz.yaml": quiz_of(300, 4)})
    course, _ = check(root)
    # format 1 stored a character and a comma per answer; format 2 (builder/state.py)
    # packs each answer of a four-choice question in 3 bits: 150 characters for 300
    assert worst_case_suspend_v1(course) == 2 + 8 + 1 + 1 + 1 + 1 + 1 + (10 + 300 + 299)
    assert worst_case_suspend(course) == 193


def test_a_thousand_select_all_questions_do_not_fit(project):
    """Packed answers take a bit per choice: 1,000 select-all questions of 30 choices
    (5 characters each) do not fit in SCORM 1.2."""
    questions = "".join(f"""
  - id: q{i}
    type: multiple
    prompt: Question {i}
    objectives: [obj-one, obj-two]
    choices:
""" + "".join(f"      - {{id: c{c}, text: C{c}, correct: true}}\n" for c in range(30))
        for i in range(1000))
    root = project({"scenarios/quiz.yaml": "title: Big\nquestions:" + questions})
    assert "more than SCORM 1.2's 4096" in problems(root)


def test_a_number_given_as_text_is_checked_like_text(project):
    """`text: 2.5` is read as the text '2.5', and text must still pass its key's check
    (it once skipped the check and crashed the contrast rule)."""
    root = project()
    path = root / "course.yaml"
    path.write_text(path.read_text("utf-8").replace("id: minimal-course", "id: 5")
                    + "theme:\n  text: 2.5\n", "utf-8")
    msg = problems(root)
    assert "course.yaml:1: [id] '5' is not a valid id" in msg
    assert "course.yaml:23: [theme.text] '2.5' is not a colour" in msg
    assert "Traceback" not in msg


def test_a_number_as_version_is_text(project):
    root = replace(project(), "course.yaml", "version: 1.0.0", "version: 1.0")
    course, _ = check(root)
    assert course.version == "1.0"
