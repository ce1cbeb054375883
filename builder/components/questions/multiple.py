"""``type: multiple``: select all that apply (any number of right options)."""

from __future__ import annotations

from builder.components.questions.base import QUESTIONS
from builder.components.questions.choice import Choice


@QUESTIONS.register
class Multiple(Choice):
    name = "multiple"
    aliases = ("checkbox", "checkboxes", "multiple-response", "multi")
    several = True
    quality_form = "select-all"
    answer_form = "options"
    script = "static/questions/multiple.js"

    def answer_length(self, q):
        return len(q.choices)
