"""``type: fill-in``: a short typed answer, compared with the accepted answers."""

from __future__ import annotations

from markupsafe import Markup

from builder.components.questions.base import QUESTIONS, QuestionType
from builder.errors import Problem
from builder.keys import FLAG, LIST, TEXT, WHOLE, Key


@QUESTIONS.register
class FillIn(QuestionType):
    name = "fill-in"
    aliases = ("short-answer", "text", "fill-in-the-blank", "cloze")
    interaction = "fill-in"
    keys = (
        Key("answers", LIST, "The accepted answers (compared after trimming and folding "
            "white space).", required=True, items=TEXT),
        Key("case_sensitive", FLAG, "true when case counts.", default=False),
        Key("max_length", WHOLE, "The longest answer a learner may type (1-250).",
            default=100, minimum=1, maximum=250,
            message="max_length is 1 to 250 characters"),
    )
    options = ""
    template = "partials/questions/text.html"
    script = "static/questions/fill-in.js"

    def read(self, reader, f, rel, qid, extra):
        accepted = f.get_list("answers")
        extra["accepted"] = tuple(a.strip() for a in accepted)
        extra["case_sensitive"] = f.get("case_sensitive")
        extra["max_length"] = f.get("max_length")
        for a in accepted:
            if len(a.strip()) > extra["max_length"]:
                f.error("answers", f"the accepted answer '{a}' is longer than max_length "
                        f"({extra['max_length']})")
        return []

    def check(self, q, problems):
        if not q.accepted:
            problems.append(Problem(q.source.file, q.source.line, "answers", f"question "
                                    f"'{q.id}' has no accepted answer", "list them: answers: "
                                    "[SRO, school resource officer]"))

    def runtime_data(self, q):
        return {"accepted": list(q.accepted), "caseSensitive": q.case_sensitive,
                "maxLength": q.max_length}

    answer_form = "text"

    def answer_length(self, q):
        return 3 * q.max_length  # every character could be percent-encoded

    def state_text_length(self, max_length):
        return 3 * max_length  # every character could be percent-encoded

    def pattern12(self, q):
        return q.accepted[0][:255] if q.accepted else ""

    def pattern2004(self, q):
        case = "true" if q.case_sensitive else "false"
        return [f"{{case_matters={case}}}{a}" for a in q.accepted]

    def xapi_components(self, q):
        return {}

    def template_data(self, q):
        return {"inputmode": ""}

    def answer_key(self, q, labels):
        return Markup("{}").format(q.accepted[0] if q.accepted else "")
