"""The course as typed, immutable data. Only the loader sees raw YAML; everything after
it works on these classes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

COMPLETION_RULES = ("viewed", "passed", "both")
#: when an assessment shows its feedback (``feedback:`` of scenarios/*.yaml)
FEEDBACK_TIMES = ("immediate", "after-submit")
#: the item-quality and reading-level rules of `coursepack check` (builder/quality.py), each
#: with what it finds; a rule is switched off with ``quality_ignore: {rule: reason}``
QUALITY_RULES = {
    "key_position": "the right answers sit at one position (or true/false keys go one way, or "
                    "select-all items always key the first options) far more often than "
                    "chance gives",
    "length_cue": "the right answer is the longest option in most items",
    "giveaway": "an option such as 'all of the above', 'none of the above' or 'both a and b'",
    "absolute_words": "absolute words (always, never, all, any, only...) in wrong options "
                      "only",
    "stem_cue": "a word of the right option repeats the question and no wrong option",
    "duplicate_choices": "two options that say the same, or an option that repeats the "
                         "question",
    "objective_coverage": "a quiz that draws questions can leave out an objective",
    "shuffle": "a graded quiz that does not shuffle its choices",
    "duration": "a module's duration differs from what its content takes by more than 30%",
    "reading_grade": "a module reads above the course's reading_grade",
}


@dataclass(frozen=True)
class Source:
    """Where something was written: file relative to the project, and line."""

    file: str
    line: int = 0


@dataclass(frozen=True)
class Objective:
    id: str
    text: str
    source: Source


@dataclass(frozen=True)
class Tracking:
    completion: str  #: one of COMPLETION_RULES
    mastery_score: int | None  #: percent 0-100; None when nothing is graded
    assessment: str | None  #: id of the assessment whose score is reported
    source: Source
    #: other assessments the learner must also pass (graded scenarios); the course score is
    #: then the lowest score of ``assessment`` and these
    require: tuple[str, ...] = ()

    @property
    def counted(self) -> tuple[str, ...]:
        """Every assessment that decides pass or fail: the tracked one, then ``require``."""
        return ((self.assessment,) if self.assessment else ()) + self.require

    @property
    def graded(self) -> bool:
        """Is pass/fail judged by score (so manifests carry the pass mark)?"""
        return self.completion in ("passed", "both") and self.mastery_score is not None


@dataclass(frozen=True)
class Choice:
    id: str
    html: str
    correct: bool = False
    feedback_html: str = ""
    score: int = 0  #: branching scenarios: points for taking this choice
    next: str | None = None  #: branching scenarios: the node this choice leads to
    source: Source = Source("")


@dataclass(frozen=True)
class Question:
    """One question. Its type (a module of :mod:`builder.components.questions`) reads it,
    checks it and decides what the runtime gets. What ``choices`` holds depends on the type:

    - choice, multiple, true-false: the options (``correct`` marks the right ones);
    - matching: the sources, with ``targets`` the matching targets in the same order;
    - sequencing: the items in their correct order;
    - likert: the points of the scale;
    - fill-in and numeric: nothing (see ``accepted`` and ``numeric_min``/``numeric_max``).
    """

    id: str
    type: str  #: a name registered in builder.components.questions
    prompt_html: str
    choices: tuple[Choice, ...]
    objectives: tuple[str, ...]
    weight: float
    feedback_correct_html: str
    feedback_incorrect_html: str
    source: Source
    targets: tuple[Choice, ...] = ()
    accepted: tuple[str, ...] = ()  #: fill-in: the accepted answers
    case_sensitive: bool = False  #: fill-in
    max_length: int = 0  #: fill-in and numeric: longest answer a learner may type
    numeric_min: float | None = None
    numeric_max: float | None = None
    #: counts towards scores (never for a type that is not scored, such as likert)
    graded: bool = True
    #: item-quality rules switched off for this question: (rule, reason) pairs
    quality_ignore: tuple[tuple[str, str], ...] = ()

    @property
    def correct_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices if c.correct)

    @property
    def scored(self) -> bool:
        return self.graded


@dataclass(frozen=True)
class Citation:
    """A ``[@id]`` in some Markdown text."""

    ref: str
    source: Source


@dataclass(frozen=True)
class TermUse:
    """A ``[[term]]`` glossary link in some Markdown text."""

    term: str
    source: Source


@dataclass(frozen=True)
class Asset:
    """A file a page uses (an image): its path in the project and in the package."""

    project_path: Path
    package_path: str
    source: Source


@dataclass(frozen=True)
class Html:
    """Rendered Markdown plus what it refers to."""

    html: str
    citations: tuple[Citation, ...] = ()
    terms: tuple[TermUse, ...] = ()
    assets: tuple[Asset, ...] = ()
    media: tuple = ()  #: builder.media.Media of its ```video and ```audio blocks


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    blocks: tuple[str | Question, ...]  #: HTML fragments and inline knowledge checks
    source: Source

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Question))


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    duration: int | None  #: estimated minutes
    objectives: tuple[str, ...]
    pages: tuple[Page, ...]
    source: Source
    kind: str = field(default="module", init=False)
    key_lines: tuple[tuple[str, int], ...] = ()  #: front matter key -> line, for problems
    #: item-quality rules switched off for this module: (rule, reason) pairs
    quality_ignore: tuple[tuple[str, str], ...] = ()
    image: Asset | None = None  #: the opening image, shown at the top of the first page
    image_alt: str = ""  #: "" when the opening image is decorative

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.source.line)


@dataclass(frozen=True)
class Node:
    """One situation in a branching scenario."""

    id: str
    html: str
    ending: bool
    choices: tuple[Choice, ...]
    source: Source
    objectives: tuple[str, ...] = ()  #: what its decision assesses (empty: the scenario's)


@dataclass(frozen=True)
class Assessment:
    """A graded quiz (``questions``) or branching scenario (``nodes``)."""

    id: str
    title: str
    intro_html: str
    attempts: int  #: 0 = unlimited
    questions: tuple[Question, ...]
    start: str | None
    nodes: tuple[Node, ...]
    objectives: tuple[str, ...]  #: branching: objectives the scenario as a whole assesses
    source: Source
    draw: int = 0  #: quiz: questions drawn at random per attempt (0 = all, in order)
    shuffle: bool = False  #: quiz: shuffle the choices of each question per attempt
    show_correct: bool = False  #: quiz: mark the correct answers after submitting
    mastery_score: int | None = None  #: pass mark of this assessment (default: the course's)
    #: "immediate" (scenarios: after each decision) or "after-submit" (quizzes always;
    #: scenarios: every decision's feedback at the ending)
    feedback: str = "immediate"
    kind: str = field(default="assessment", init=False)
    key_lines: tuple[tuple[str, int], ...] = ()  #: top-level key -> line, for problems
    #: item-quality rules switched off for this assessment: (rule, reason) pairs
    quality_ignore: tuple[tuple[str, str], ...] = ()

    @property
    def branching(self) -> bool:
        return bool(self.nodes)

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.source.line)


Unit = Module | Assessment


@dataclass(frozen=True)
class Reference:
    id: str
    short: str
    text: str
    url: str
    source: Source


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: str
    aliases: tuple[str, ...]
    html: str
    source_ref: str | None
    source: Source


@dataclass(frozen=True)
class Colours:
    """The colours a theme sets for one colour scheme, as ``#rrggbb``; None keeps the
    default theme's colour (see :mod:`builder.theme` for how the rest is derived)."""

    brand: str | None = None  #: header, buttons, progress bar
    brand_text: str | None = None  #: text on the brand colour
    text: str | None = None
    background: str | None = None
    link: str | None = None  #: default: the brand colour

    def given(self) -> bool:
        return any(v is not None for v in (self.brand, self.brand_text, self.text,
                                            self.background, self.link))


@dataclass(frozen=True)
class Theme:
    """The ``theme:`` of course.yaml: colours, logo and fonts, rendered as CSS custom
    properties. ``dark`` holds the colours for learners whose device prefers a dark colour
    scheme (None: the default dark colours)."""

    light: Colours
    dark: Colours | None
    logo: Asset | None  #: an image in assets/ or modules/
    logo_alt: str  #: "" when the logo is decorative (the course title stands next to it)
    font: tuple[str, ...]  #: font families, tried before the system fonts
    source: Source  #: where ``theme:`` starts
    key_lines: tuple[tuple[str, int], ...] = ()  #: ``dark.text`` -> line, for problems

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.source.line)


@dataclass(frozen=True)
class Quality:
    """The ``quality:`` settings of course.yaml (see :mod:`builder.quality`)."""

    reading_grade: float | None = None  #: the highest Flesch-Kincaid grade wanted
    ignore: tuple[tuple[str, str], ...] = ()  #: rules switched off course-wide: (rule, reason)
    source: Source = Source("course.yaml")


@dataclass(frozen=True)
class Cover:
    """The ``cover:`` of course.yaml: the course's first page opens with it."""

    image: Asset | None = None
    image_alt: str = ""  #: "" when the image is decorative
    duration: str = ""  #: "" : the modules' minutes added up


@dataclass(frozen=True)
class Certificate:
    """The ``certificate:`` of course.yaml: printed once the course is passed."""

    issuer: str = ""
    signer: str = ""
    signature: Asset | None = None


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    version: str
    language: str
    description_html: str
    audience: tuple[str, ...]
    objectives: tuple[Objective, ...]
    outline: tuple[Unit, ...]
    tracking: Tracking
    references: tuple[Reference, ...]
    glossary: tuple[GlossaryEntry, ...]
    root: Path
    targets: tuple[str, ...] = ()  #: what `coursepack build` makes by default
    activity_id: str = ""  #: the course's xAPI activity IRI (sub-activities extend it)
    texts: tuple[Html, ...] = ()  #: every rendered Markdown text, for cross-checks
    theme: Theme | None = None  #: None: the default theme's look
    quality: Quality = Quality()  #: item-quality and reading-level settings
    cover: Cover | None = None  #: None: no cover page
    certificate: Certificate | None = None  #: None: no certificate
    #: course.yaml media: (largest media file, all media of a package), in MB
    media_limits: tuple[float, float] = (100, 250)

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(u for u in self.outline if isinstance(u, Module))

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        return tuple(u for u in self.outline if isinstance(u, Assessment))

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.outline if u.id == unit_id), None)
