"""``type: sequencing``: put the items in the right order (shown scrambled)."""

from __future__ import annotations

from markupsafe import Markup

from builder.components.questions.base import CHOICE_CHARS, OPTION, QUESTIONS, QuestionType
from builder.keys import LIST, Key


@QUESTIONS.register
class Sequencing(QuestionType):
    name = "sequencing"
    aliases = ("ordering", "order", "sort", "sorting", "ranking")
    interaction = "sequencing"
    keys = (Key("items", LIST, "The items in the right order; they are shown scrambled.",
                required=True, items=OPTION),)
    options = "items"
    answer_form = "order"
    template = "partials/questions/sequencing.html"
    script = "static/questions/sequencing.js"

    def read(self, reader, f, rel, qid, extra):
        return reader.options(f, rel, qid, "items", with_correct=False)

    def answer_length(self, q):
        return len(q.choices)

    def pattern12(self, q):
        return ",".join(CHOICE_CHARS[i] for i in range(len(q.choices)))

    def pattern2004(self, q):
        return ["[,]".join(self.component_ids(q)[0])]

    def answer_key(self, q, labels):
        return Markup(", ").join(Markup("{}. {}").format(n, Markup(h))
                                 for n, h in enumerate(labels, 1))
