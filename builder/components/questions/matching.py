"""``type: matching``: match each source with its target (shown shuffled)."""

from __future__ import annotations

from markupsafe import Markup

from builder.components.questions.base import CHOICE_CHARS, QUESTIONS, QuestionType
from builder.keys import LIST, TEXT, Key, Mapping, id_key
from builder.model import Choice, Source

PAIR = Mapping("Pair", "One pair of a matching question.", (
    id_key("id", "Stable id of the pair, unique in its question."),
    Key("source", TEXT, "What the learner matches (Markdown).", required=True),
    Key("target", TEXT, "What it matches with (Markdown); targets are shown shuffled.",
        required=True),
))


@QUESTIONS.register
class Matching(QuestionType):
    name = "matching"
    aliases = ("match", "pairs", "drag-and-drop")
    interaction = "matching"
    keys = (Key("pairs", LIST, "The pairs to match, each a source with its target.",
                required=True, items=PAIR),)
    options = "pairs"
    answer_form = "pairs"
    template = "partials/questions/matching.html"
    script = "static/questions/matching.js"

    def read(self, reader, f, rel, qid, extra):
        sources, targets = [], []
        for i, c in enumerate(f.each("pairs")):
            cid = c.get("id") or f"pair-{i}"
            source = c.get("source", default="")
            target = c.get("target", default="")
            c.done()
            sources.append(Choice(cid, reader.markdown(source, rel, c.line_of("source"),
                                                       f"{qid}-{cid}-s", inline=True),
                                  True, source=Source(rel, c.line)))
            targets.append(Choice(cid, reader.markdown(target, rel, c.line_of("target"),
                                                       f"{qid}-{cid}-t", inline=True),
                                  True, source=Source(rel, c.line)))
        extra["targets"] = tuple(targets)
        return sources

    def answer_length(self, q):
        return len(q.choices)

    def pattern12(self, q):
        return ",".join(f"{CHOICE_CHARS[i]}.{CHOICE_CHARS[i]}" for i in range(len(q.choices)))

    def pattern2004(self, q):
        ids, targets = self.component_ids(q)
        return ["[,]".join(f"{s}[.]{t}" for s, t in zip(ids, targets, strict=True))]

    def xapi_components(self, q):
        ids, targets = self.component_ids(q)
        return {"source": (ids, q.choices), "target": (targets, q.targets)}

    def answer_key(self, q, labels):
        return Markup("; ").join(Markup("{} &rarr; {}").format(Markup(s.html), Markup(t.html))
                                 for s, t in zip(q.choices, q.targets, strict=True))
