"""Question types, one module per type, registered by name in :data:`QUESTIONS`.

Each module declares its source keys, reads them, checks them, hands the runtime its data,
gives its correct-response patterns in the SCORM 1.2, SCORM 2004 and xAPI formats, and
names its template partial and its runtime script (see :class:`.base.QuestionType`, and
docs/development.md for adding a type).
"""

from __future__ import annotations

from builder.components.questions.base import QUESTIONS, QuestionType

# the types register as their modules are imported: this order is the order the docs, the
# editor schemas and messages list them in
# isort: off
from builder.components.questions import choice  # noqa: E402, F401
from builder.components.questions import multiple  # noqa: E402, F401
from builder.components.questions import true_false  # noqa: E402, F401
from builder.components.questions import matching  # noqa: E402, F401
from builder.components.questions import sequencing  # noqa: E402, F401
from builder.components.questions import fill_in  # noqa: E402, F401
from builder.components.questions import numeric  # noqa: E402, F401
from builder.components.questions import likert  # noqa: E402, F401
# isort: on

__all__ = ["QUESTIONS", "QUESTION_TYPES", "QuestionType", "question_type"]

#: the ``type:`` values a question may have
QUESTION_TYPES: tuple[str, ...] = QUESTIONS.names()


def question_type(name: str) -> QuestionType:
    """The registered type ``name`` (a value of :data:`QUESTION_TYPES`)."""
    return QUESTIONS[name]
