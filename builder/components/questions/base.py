"""What every question type provides (:class:`QuestionType`), with the defaults most types
share. A type overrides what differs; see docs/development.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup

from builder.components import Registry
from builder.errors import Problem
from builder.keys import TEXT, Key, Mapping, id_key
from builder.model import Choice, Question

if TYPE_CHECKING:
    from builder.assessments import AssessmentReader
    from builder.yamlfile import Fields

#: an answer in the resume state and in SCORM 1.2 responses: one character per position
CHOICE_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
#: the most options a question can have (SCORM 1.2 records a position as one character)
MAX_CHOICES = len(CHOICE_CHARS)


def _bits(values: int) -> int:
    """Bits for a number in ``0 .. values - 1``."""
    return max(1, (values - 1).bit_length())


def number_text(x: float | None) -> str:
    """A number as a pattern or answer key writes it: 3, not 3.0."""
    return str(int(x)) if x is not None and float(x).is_integer() else repr(x)


class QuestionType:
    """One kind of question. Subclasses set ``name`` and ``interaction`` and override what
    differs from these defaults (a single-answer choice among options)."""

    #: the value of ``type:`` in the source
    name: ClassVar[str] = ""
    #: the interaction type of SCORM 1.2, SCORM 2004 and xAPI (``cmi.interactions.n.type``,
    #: ``interactionType``)
    interaction: ClassVar[str] = "choice"
    #: the source keys of this type, besides the keys every question has (id, type, prompt,
    #: objectives, weight, feedback...)
    keys: ClassVar[tuple[Key, ...]] = ()
    #: what authors coming from other tools call this type: an unknown ``type:`` that is
    #: one of these gets "did you mean '<name>'?"
    aliases: ClassVar[tuple[str, ...]] = ()
    #: does the answer count towards scores? (a survey question does not)
    scored: ClassVar[bool] = True
    #: what the options are called in messages ("choices", "pairs"...); "" for a type
    #: without options to count (true-false, fill-in, numeric)
    options: ClassVar[str] = "choices"
    #: the template partial with the answer controls (inside the question's fieldset)
    template: ClassVar[str] = "partials/questions/options.html"
    #: the runtime script that reads, restores and scores answers of this type
    script: ClassVar[str] = ""
    #: the item form the item-quality rules of builder/quality.py judge: "single" (one
    #: right option among written ones), "select-all", "true-false" (options ``true`` and
    #: ``false``), or "" (none of those rules apply)
    quality_form: ClassVar[str] = ""
    #: message keys of the knowledge check's label and its button
    kc_label: ClassVar[str] = "knowledge_check"
    check_label: ClassVar[str] = "check"

    # -- reading --------------------------------------------------------------------------
    def read(self, reader: AssessmentReader, f: Fields, rel: str, qid: str,
             extra: dict[str, Any]) -> list[Choice]:
        """The question's options from its source mapping ``f``; fields of
        :class:`~builder.model.Question` other than the options go into ``extra``."""
        raise NotImplementedError

    # -- checks ---------------------------------------------------------------------------
    def check(self, q: Question, problems: list[Problem]) -> None:
        """Problems of one question of this type (rules across keys of the question)."""
        if not self.options:
            return
        where = (q.source.file, q.source.line)
        key = self.options.split()[0]
        if len(q.choices) < 2:
            problems.append(Problem(*where, key, f"question '{q.id}' needs at least two "
                                    f"{self.options}"))
        if len(q.choices) > MAX_CHOICES:
            problems.append(Problem(*where, key, f"question '{q.id}' has {len(q.choices)} "
                                    f"{self.options}; SCORM 1.2 can record at most "
                                    f"{MAX_CHOICES}", "split it into several questions"))

    # -- what the runtime gets ------------------------------------------------------------
    def runtime_data(self, q: Question) -> dict[str, Any]:
        """Fields the runtime needs for this type, besides those of every question."""
        return {}

    def answer_length(self, q: Question) -> int:
        """The longest answer to ``q`` in format 1 of the resume state (see
        :mod:`builder.runtime`)."""
        return 1

    #: how format 2 of the resume state packs an answer (builder/state.py, cp-state.js):
    #: "option" (one position), "options" (a set of positions), "pairs" (a target per
    #: source), "order" (the positions in the learner's order) or "text" (typed)
    answer_form: ClassVar[str] = "option"

    def state_bits(self, n: int) -> int:
        """Bits of one packed answer with ``n`` options (0: a typed answer, kept as text)."""
        form = self.answer_form
        if form == "text":
            return 0
        if form == "options":
            return n  # one bit per option
        if form == "pairs":  # an "answered" bit, then per source 0 (none) or target + 1
            return 1 + n * _bits(n + 1)
        if form == "order":  # an "answered" bit, then per place the item's position
            return 1 + n * _bits(n)
        return _bits(n + 1)  # 0 unanswered, else the position + 1

    def state_text_length(self, max_length: int) -> int:
        """The longest typed answer kept as text (0 for an answer packed as bits)."""
        return 0

    # -- interaction formats --------------------------------------------------------------
    def pattern12(self, q: Question) -> str:
        """``cmi.interactions.n.correct_responses.0.pattern`` in the SCORM 1.2 format, or
        "" when the type has no single correct response."""
        return ",".join(CHOICE_CHARS[i] for i, c in enumerate(q.choices) if c.correct)

    def pattern2004(self, q: Question) -> list[str] | None:
        """Correct-response patterns in the SCORM 2004 formats, which xAPI's
        correctResponsesPattern uses too; None when there is no right answer."""
        return ["[,]".join(c.id for c in q.choices if c.correct)]

    def component_ids(self, q: Question) -> tuple[list[str], list[str]]:
        """The interaction's component ids: options (or sources), and targets."""
        return [c.id for c in q.choices], [f"{c.id}-target" for c in q.targets]

    def xapi_components(self, q: Question) -> dict[str, tuple[list[str], tuple[Choice, ...]]]:
        """The component lists of the xAPI interaction definition: attribute
        (``choices``, ``scale``, ``source``, ``target``) -> (ids, options)."""
        return {"choices": (self.component_ids(q)[0], q.choices)}

    # -- rendering ------------------------------------------------------------------------
    def label(self, c: Choice, t: dict[str, str]) -> Markup:
        """An option's label as the learner reads it."""
        return Markup(c.html)

    def template_data(self, q: Question) -> dict[str, Any]:
        """What the type's template partial needs besides the question's common view."""
        return {}

    def answer_key(self, q: Question, labels: list[Markup]) -> Markup:
        """The correct answer in words, shown after submitting when ``show_correct`` is
        on; ``labels`` are the options' labels."""
        return Markup("; ").join(Markup(h) for h, c in zip(labels, q.choices, strict=True)
                                 if c.correct)



#: one item of a sequencing question or one point of a likert scale
OPTION = Mapping("Item", "One item of a sequencing question or one point of a likert "
                 "scale.", (
    id_key("id", "Stable id of the item, unique in its question."),
    Key("text", TEXT, "The item as the learner sees it (Markdown).", required=True),
))


#: every question type by name, in the order the docs, the editor schemas and messages
#: list them (the order :mod:`builder.components.questions` imports their modules)
QUESTIONS: Registry[QuestionType] = Registry("question type")
