"""``type: likert``: a rating on a scale; a survey question, never scored."""

from __future__ import annotations

from markupsafe import Markup

from builder.components.questions.base import OPTION, QUESTIONS, QuestionType
from builder.keys import LIST, Key
from builder.model import Choice, Source


@QUESTIONS.register
class Likert(QuestionType):
    name = "likert"
    aliases = ("scale", "rating", "survey")
    interaction = "likert"
    keys = (Key("scale", LIST, "The points of the scale (default: five points from "
                "Strongly disagree to Strongly agree).", items=OPTION),)
    scored = False
    options = "scale points"
    script = "static/questions/likert.js"
    kc_label = "self_rating"
    check_label = "save_rating"

    def read(self, reader, f, rel, qid, extra):
        scale = reader.options(f, rel, qid, "scale", with_correct=False)
        if not scale:  # the theme's five-point agreement scale (labels from i18n)
            scale = [Choice(f"likert-{n}", "", source=Source(rel, f.line))
                     for n in range(1, 6)]
        return scale

    def pattern12(self, q):
        return ""

    def pattern2004(self, q):
        return None

    def xapi_components(self, q):
        return {"scale": (self.component_ids(q)[0], q.choices)}

    def label(self, c, t):
        return Markup(c.html) if c.html else t[c.id]

    def template_data(self, q):
        return {"input": "radio", "scale": True}

    def answer_key(self, q, labels):
        return Markup("")
