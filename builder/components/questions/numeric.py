"""``type: numeric``: a typed number, right when it lies in a range."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from builder.components.questions.base import QUESTIONS, QuestionType, number_text
from builder.keys import LIST, NUMBER, Key


@QUESTIONS.register
class Numeric(QuestionType):
    name = "numeric"
    aliases = ("number",)
    interaction = "numeric"
    keys = (
        Key("answer", NUMBER, "The right number (or give range instead)."),
        Key("tolerance", NUMBER, "Answers within answer ± tolerance are right.", default=0,
            minimum=0, message="tolerance is 0 or more"),
        Key("range", LIST, "[min, max]: any number from min to max is right (instead of "
            "answer).", items=NUMBER),
    )
    options = ""
    template = "partials/questions/text.html"
    script = "static/questions/numeric.js"
    #: the longest number a learner may type
    max_length = 20

    def read(self, reader, f, rel, qid, extra):
        answer = f.get("answer")
        tolerance = f.get("tolerance")
        bounds = f.get_list("range")
        given = f.data.get("range")
        if isinstance(given, list) and len(given) != len(bounds):
            return []  # items that are not numbers: reported by get_list
        if answer is None and not bounds:
            f.error("answer", "a numeric question needs 'answer' (with an optional "
                    "'tolerance') or 'range: [min, max]'")
        elif answer is not None and bounds:
            f.error("range", "give either 'answer' or 'range', not both")
        elif bounds and (len(bounds) != 2 or bounds[0] > bounds[1]):
            f.error("range", "range is [min, max] with min <= max")
        elif answer is not None:
            # decimal arithmetic on the numbers as written: 2.9 - 0.2 is 2.7, not
            # 2.6999999999999997 (repr gives back the shortest text of the YAML number)
            exact, spread = Decimal(repr(answer)), Decimal(repr(tolerance))
            extra["numeric_min"] = float(exact - spread)
            extra["numeric_max"] = float(exact + spread)
        else:
            extra["numeric_min"], extra["numeric_max"] = float(bounds[0]), float(bounds[1])
        extra["max_length"] = self.max_length
        return []

    def runtime_data(self, q):
        return {"min": q.numeric_min, "max": q.numeric_max, "maxLength": q.max_length}

    answer_form = "text"

    def answer_length(self, q):
        return q.max_length  # only valid numbers are kept: no separators to encode

    def state_text_length(self, max_length):
        return max_length

    def pattern12(self, q):
        if q.numeric_min is not None and q.numeric_min == q.numeric_max:
            value = q.numeric_min
            return str(int(value)) if value.is_integer() else repr(value)
        return ""

    def pattern2004(self, q):
        if q.numeric_min is not None:
            return [f"{number_text(q.numeric_min)}[:]{number_text(q.numeric_max)}"]
        return None

    def xapi_components(self, q):
        return {}

    def template_data(self, q):
        return {"inputmode": "decimal"}

    def answer_key(self, q, labels):
        if q.numeric_min is None:
            return Markup("")
        if q.numeric_min == q.numeric_max:
            return Markup("{}").format(number_text(q.numeric_min))
        return Markup("{} &ndash; {}").format(number_text(q.numeric_min),
                                              number_text(q.numeric_max))
