"""``type: choice``: one right option among several."""

from __future__ import annotations

from builder.components.questions.base import QUESTIONS, QuestionType
from builder.errors import Problem
from builder.keys import FLAG, LIST, TEXT, Key, Mapping, id_key
from builder.model import Question

CHOICE = Mapping("Choice", "One option of a choice or multiple question.", (
    id_key("id", "Stable id of the choice, unique in its question."),
    Key("text", TEXT, "The option as the learner sees it (Markdown).", required=True),
    Key("correct", FLAG, "true for a right answer.", default=False),
    Key("feedback", TEXT, "Shown when the learner picks this choice.", default=""),
))

CHOICES = Key("choices", LIST, "The options; mark the right one (choice) or ones (multiple) "
              "with correct: true.", required=True, items=CHOICE)


@QUESTIONS.register
class Choice(QuestionType):
    name = "choice"
    aliases = ("single", "single-choice", "multiple-choice", "mcq", "radio")
    interaction = "choice"
    keys = (CHOICES,)
    script = "static/questions/choice.js"
    #: may several options be right?
    several = False
    quality_form = "single"

    def read(self, reader, f, rel, qid, extra):
        return reader.options(f, rel, qid, "choices", with_correct=True)

    def check(self, q: Question, problems: list[Problem]) -> None:
        super().check(q, problems)
        where = (q.source.file, q.source.line)
        correct = len(q.correct_ids)
        if correct == 0:
            problems.append(Problem(*where, "choices", f"question '{q.id}' has no correct "
                                    "answer", "mark the right choice with 'correct: true'"))
        elif correct > 1 and not self.several:
            problems.append(Problem(*where, "choices", f"question '{q.id}' is single choice "
                                    f"but marks {correct} choices correct",
                                    "use 'type: multiple', or mark only one choice correct"))

    def template_data(self, q):
        return {"input": "checkbox" if self.several else "radio", "scale": False}
