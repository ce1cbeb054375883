"""Questions and assessments: the part of the loader that reads the ```question blocks
of modules and the quizzes and branching scenarios of scenarios/*.yaml.

:class:`AssessmentReader` is a base of :class:`builder.loaders.Loader` and works with the
loader's state: ``problems`` and ``unusable`` (see there), ``markdown()`` to read text (its
HTML a placeholder until the render pass: :mod:`builder.deferred`),
``read_yaml()`` to read a file and ``rel()`` to name it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.components.questions import QUESTIONS, question_type
from builder.errors import Problem, did_you_mean
from builder.formats import ASSESSMENT, KNOWLEDGE_CHECK, NODE, QUESTION
from builder.markdown import QuestionBlock
from builder.model import (
    QUALITY_RULES,
    Assessment,
    Choice,
    Node,
    Question,
    Source,
)
from builder.yamlfile import Fields, LList, parse_yaml

if TYPE_CHECKING:
    from builder.deferred import Later


class AssessmentReader:
    """Reads questions, quizzes and branching scenarios into the model."""

    problems: list[Problem]
    unusable: list[str]
    #: what the runtime says before feedback (messages ``correct`` and ``incorrect``)
    verdicts: tuple[str, ...] = ("Correct.", "Not quite.")

    if TYPE_CHECKING:  # provided by the Loader
        def markdown(self, text: str, file: str, line: int, scope: str, *,
                     inline: bool = False) -> Later: ...
        def read_yaml(self, path: Path) -> Any: ...
        def rel(self, path: Path) -> str: ...

    def quality_ignore(self, f: Fields) -> tuple[tuple[str, str], ...]:
        """The ``quality_ignore`` mapping of ``f``: (rule, reason) pairs."""
        off = f.fields("quality_ignore")
        if off is None:
            return ()
        pairs = [(rule, off.get(rule)) for rule in QUALITY_RULES]
        off.done()
        return tuple((rule, reason) for rule, reason in pairs if reason)

    def inline_question(self, block: QuestionBlock, rel: str) -> Question | None:
        data, problems = parse_yaml(block.text, rel, first_line=block.line)
        self.problems.extend(problems)
        if data is None:
            return None
        return self.question(data, rel, "question", block.line, inline=True)

    def question(self, data, rel: str, key: str, line: int = 0, *,
                 inline: bool = False) -> Question | None:
        """One question of any type; ``inline`` for knowledge checks in modules. A question
        of an unknown type gives that one error: it is read as a choice question, and what
        reading it so finds wrong (keys of its real type, a choice count) is not reported,
        here or by the rules later (``follow_ons``)."""
        raw = data.get("type") if isinstance(data, dict) else None
        if not (isinstance(raw, str) and raw.strip() and raw not in QUESTIONS):
            return self._question(data, rel, key, line, inline=inline)
        kept, self.problems = self.problems, []
        try:
            q = self._question(data, rel, key, line, inline=inline)
        finally:
            found, self.problems = self.problems, kept
            self.problems += [p for p in found if "unknown question type" in p.message]
        if q is not None:
            self.follow_ons.add((rel, q.id))
        return q

    def _question(self, data, rel: str, key: str, line: int = 0, *,
                  inline: bool = False) -> Question | None:
        f = Fields(data, KNOWLEDGE_CHECK if inline else QUESTION, rel, key, self.problems, line)
        if not f.ok:
            return None
        qid = f.get("id")
        qtype = f.get("type", default=QUESTIONS.names()[0])
        f.select(qtype)
        kind = question_type(qtype)
        prompt = f.get("prompt", default="")
        objectives = f.get_list("objectives")
        weight = f.get("weight")
        graded = (f.get("graded") if inline else True) and kind.scored
        extra: dict = {}
        choices: list[Choice] = kind.read(self, f, rel, qid, extra)
        ff = f.fields("feedback")
        fb_correct = fb_incorrect = ""
        if ff is not None:
            fb_correct = ff.get("correct")
            fb_incorrect = ff.get("incorrect")
            ff.done()
            fb_correct = self.markdown(without_verdict(fb_correct, self.verdicts), rel,
                                       ff.line_of("correct"), f"{qid}-ok")
            fb_incorrect = self.markdown(without_verdict(fb_incorrect, self.verdicts), rel,
                                         ff.line_of("incorrect"), f"{qid}-no")
        quality_ignore = self.quality_ignore(f)
        f.done()
        return Question(qid or "question", qtype,
                        self.markdown(prompt, rel, f.line_of("prompt"), f"{qid}-prompt",
                                      inline=True),
                        tuple(choices), tuple(objectives), float(weight), fb_correct,
                        fb_incorrect, Source(rel, f.line), graded=graded,
                        quality_ignore=quality_ignore, **extra)

    def options(self, f: Fields, rel: str, qid: str, key: str, *,
                 with_correct: bool) -> list[Choice]:
        """A list of ``{id, text, ...}`` mappings under ``key`` as choices."""
        out = []
        for i, c in enumerate(f.each(key)):
            cid = c.get("id")
            text = c.get("text", default="")
            correct = c.get("correct") if with_correct else False
            feedback = c.get("feedback") if with_correct else ""
            c.done()
            out.append(Choice(
                cid or f"choice-{i}",
                self.markdown(text, rel, c.line_of("text"), f"{qid}-{cid}-text", inline=True),
                correct, self.markdown(without_verdict(feedback, self.verdicts), rel,
                                       c.line_of("feedback"), f"{qid}-{cid}")
                if feedback else "", source=Source(rel, c.line)))
        return out

    def assessment(self, path: Path, uid: str) -> Assessment | None:
        data = self.read_yaml(path)
        if data is None:
            return None
        rel = self.rel(path)
        f = Fields(data, ASSESSMENT, rel, "", self.problems)
        if not f.ok:
            return None
        aid = f.get("id", default=uid)
        if aid != uid:
            f.error("id", f"the id '{aid}' differs from the file name's '{uid}'",
                    "the outline refers to scenarios by file name: rename the file or drop "
                    "the id")
        title = f.get("title", default=uid)
        intro = f.get("intro")
        attempts = f.get("attempts")
        objectives = f.get_list("objectives")
        raw_questions = f.get("questions")
        draw = f.get("draw")
        shuffle = f.get("shuffle")
        show_correct = f.get("show_correct")
        mastery = f.get("mastery_score")
        start = f.get("start")
        raw_nodes = f.get("nodes")
        feedback = f.get("feedback")
        quality_ignore = self.quality_ignore(f)
        f.done()
        if raw_nodes is None and feedback == "immediate":
            f.error("feedback", "a quiz shows its feedback once the attempt is submitted",
                    "write 'feedback: after-submit', or leave it out")
        if raw_questions is not None and draw > len(raw_questions):
            f.error("draw", f"draw {draw} is more than the {len(raw_questions)} questions",
                    "lower it, or add questions")
        if raw_nodes is not None:
            for name, value in (("draw", draw), ("shuffle", shuffle),
                                ("show_correct", show_correct)):
                if value:
                    f.error(name, f"'{name}' applies to quizzes, not branching scenarios")
        questions: list[Question] = []
        nodes: list[Node] = []
        if (raw_questions is None) == (raw_nodes is None):
            self.problems.append(Problem(rel, f.line, "", "an assessment has either "
                                         "'questions' (a quiz) or 'nodes' (a branching "
                                         "scenario)", "see docs/authoring.md"))
        for i, item in enumerate(raw_questions or []):
            q = self.question(item, rel, f"questions[{i}]", raw_questions.line_of(i)
                              if isinstance(raw_questions, LList) else 0)
            if q:
                questions.append(q)
            else:
                self.unusable.append(f"{rel}: questions[{i}]")
        if raw_questions is not None and not raw_questions:
            f.error("questions", "the quiz has no questions")
        if raw_questions is not None and objectives:
            f.error("objectives", "a quiz lists objectives on each question",
                    "move them to the questions")
        if raw_nodes is not None:
            if not start:
                f.error("start", "a branching scenario needs 'start': the id of its first node")
            for i, item in enumerate(raw_nodes):
                node = self.node(item, rel, f"nodes[{i}]", raw_nodes.line_of(i)
                                 if isinstance(raw_nodes, LList) else 0)
                if node:
                    nodes.append(node)
            ids = [n.id for n in nodes]
            if start and start not in ids:
                f.error("start", f"start node '{start}' does not exist",
                        did_you_mean(start, ids) or "name the id of one of the nodes")
        return Assessment(aid, title, self.markdown(intro, rel, f.line_of("intro") + 1, aid)
                          if intro else "", attempts, tuple(questions), start, tuple(nodes),
                          tuple(objectives), Source(rel, 1), draw=draw, shuffle=shuffle,
                          show_correct=show_correct,
                          mastery_score=None if mastery is None else round(mastery),
                          feedback=feedback or ("immediate" if raw_nodes is not None
                                                else "after-submit"),
                          key_lines=tuple(f.data.key_lines.items()),
                          quality_ignore=quality_ignore)

    def node(self, data, rel: str, key: str, line: int) -> Node | None:
        f = Fields(data, NODE, rel, key, self.problems, line)
        if not f.ok:
            return None
        nid = f.get("id")
        text = f.get("text", default="")
        ending = f.get("ending")
        raw_choices = f.each("choices")
        objectives = f.get_list("objectives")
        f.done()
        choices = []
        for i, c in enumerate(raw_choices):
            cid = c.get("id")
            ctext = c.get("text", default="")
            score = c.get("score")
            feedback = c.get("feedback")
            nxt = c.get("next")
            c.done()
            choices.append(Choice(cid or f"choice-{i}",
                                  self.markdown(ctext, rel, c.line_of("text"), f"{nid}-{cid}-t",
                                                inline=True), False,
                                  self.markdown(feedback, rel, c.line_of("feedback") + 1,
                                                f"{nid}-{cid}") if feedback else "",
                                  score, nxt, Source(rel, c.line)))
        return Node(nid or "node", self.markdown(text, rel, f.line_of("text") + 1, nid or "n"),
                    ending, tuple(choices), Source(rel, f.line), tuple(objectives))


def without_verdict(text: str, verdicts: tuple[str, ...]) -> str:
    """Feedback without a leading verdict ("Correct. The law says ..."): the runtime owns
    the verdict and says it before the feedback, so learners would read and hear it twice.
    Only the verdict words followed by punctuation go ("Correct answers are ..." stays)."""
    for verdict in verdicts:
        word = verdict.strip().rstrip(".!")
        m = re.match(rf"\s*{re.escape(word)}\s*[.!,:;\u2013\u2014-]+\s+", text or "", re.I) \
            if word else None
        if m:
            rest = text[m.end():]
            return rest[:1].upper() + rest[1:]
    return text
