"""``type: true-false``: a statement that is true or false."""

from __future__ import annotations

from builder.components.questions.base import QUESTIONS, QuestionType
from builder.keys import FLAG, Key
from builder.model import Choice, Source


@QUESTIONS.register
class TrueFalse(QuestionType):
    name = "true-false"
    aliases = ("boolean", "truefalse", "true_false", "yes-no")
    interaction = "true-false"
    keys = (Key("answer", FLAG, "The right answer: true or false.", required=True),)
    options = ""
    quality_form = "true-false"
    script = "static/questions/true-false.js"

    def read(self, reader, f, rel, qid, extra):
        answer = f.get("answer", default=True)
        return [Choice("true", "", answer is True, source=Source(rel, f.line)),
                Choice("false", "", answer is False, source=Source(rel, f.line))]

    def pattern12(self, q):
        return "t" if q.correct_ids == ("true",) else "f"

    def pattern2004(self, q):
        return ["true" if q.correct_ids == ("true",) else "false"]

    def xapi_components(self, q):
        return {}

    def label(self, c, t):
        return t[c.id]  # "True" and "False" in the course's language

    def template_data(self, q):
        return {"input": "radio", "scale": False}
