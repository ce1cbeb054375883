"""The source formats, declared once: every key of every mapping a course is written in.

The loader reads each mapping through its declaration here (:class:`builder.yamlfile.Fields`
takes type, required-ness, allowed values and the allowed keys from it), and
:mod:`builder.schemas` turns the same declarations into the JSON Schemas that editors use.
A key is therefore named, typed and described in this module only.

What a declaration cannot say stays in :mod:`builder.loaders` and :mod:`builder.course_rules`:
rules across keys (a quiz has questions, a branching scenario nodes and a start), across
files (objectives, references and glossary terms resolve) and about the files themselves
(images and the logo exist inside the project).
"""

from __future__ import annotations

import re

from builder.components.questions import QUESTIONS
from builder.errors import did_you_mean
from builder.keys import (  # noqa: F401 - the declaration language, for formats' readers
    FLAG,
    ID,
    ID_HINT,
    LIST,
    MAPPING,
    NUMBER,
    TEXT,
    WHOLE,
    Document,
    Key,
    Mapping,
    Variants,
)
from builder.keys import id_key as _id
from builder.model import (
    COMPLETION_RULES,
    FEEDBACK_TIMES,
    QUALITY_RULES,
)
from builder.packagers import TARGETS

#: the whole value must match these (they read the same in Python and in JSON Schema)
REFERENCE_ID = r"^[A-Za-z][A-Za-z0-9_.-]*$"
VERSION = r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$"
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
#: an absolute IRI that xs:anyURI (cmi5.xml, tincan.xml) also accepts: percent signs only
#: as %HH, no brackets, one fragment at most, a port of 1-5 digits
_IRI_CHAR = r'(?:[^\s<>"{}|\\^`\[\]%#]|%[0-9A-Fa-f]{2})'
IRI = (r"^[A-Za-z][A-Za-z0-9+.-]*:(?!//(?:[^/?#@]*@)?[^/?#:]*:(?![0-9]{1,5}(?:[/?#]|$)))"
       + _IRI_CHAR + "+(?:#" + _IRI_CHAR + "*)?$")
WEB_ADDRESS = r"^https?://\S+$"
COLOUR = r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"


def _percent(description: str) -> Key:
    return Key("mastery_score", NUMBER, description, minimum=0, maximum=100,
               message="mastery_score is a percentage from 0 to 100, not {value}")


def _colour(name: str, description: str) -> Key:
    return Key(name, TEXT, description, pattern=COLOUR,
               message="'{value}' is not a colour: write it as '#rrggbb' or '#rgb'",
               empty=(f"'{name}' is empty: in YAML, '#' starts a comment",
                      f"quote the colour: {name}: '#1d4f91'"))


def _objectives(description: str) -> Key:
    return Key("objectives", LIST, description, default=[], items=TEXT)


def _quality_ignore(where: str) -> Key:
    return Key("quality_ignore", MAPPING, f"Item-quality rules switched off for {where}, each "
               "with the reason (see 'Item quality' in docs/authoring.md).", mapping=QUALITY_IGNORE)


# -- item quality (builder/quality.py) ----------------------------------------------------

QUALITY_IGNORE = Mapping("Rules switched off", "Item-quality rules that do not apply here: the "
                      "rule's name, and why it does not apply.", tuple(
    Key(rule, TEXT, f"Why this is not a problem here: {what}.",
        empty=(f"switching off '{rule}' needs a reason",
               f"say why it does not apply: {rule}: \"...\""))
    for rule, what in QUALITY_RULES.items()))

QUALITY = Mapping("Quality", "The item-quality and reading-level checks of coursepack check "
                  "and build.", (
    Key("reading_grade", NUMBER, "Warn when a module's Flesch-Kincaid grade is above this "
        "(English courses).", minimum=0, maximum=20,
        message="reading_grade is a school grade from 0 to 20, not {value}"),
    Key("ignore", MAPPING, "Rules switched off for the whole course, each with the reason.",
        mapping=QUALITY_IGNORE),
))

# -- course.yaml -------------------------------------------------------------------------

MEDIA = Mapping("Media limits", "Limits on the video and audio files of the course (checked "
                "when building, printed in the build summary).", (
    Key("max_file_mb", NUMBER, "The largest media file, in MB.", default=100, above=0,
        message="max_file_mb is a size in MB above 0, not {value}"),
    Key("max_package_mb", NUMBER, "All the media of one package together, in MB.",
        default=250, above=0, message="max_package_mb is a size in MB above 0, not {value}"),
))


OBJECTIVE = Mapping("Learning objective", "A learning objective of the course.", (
    _id("id", "Stable id of the objective; modules and questions name it."),
    Key("text", TEXT, "What the learner will be able to do.", required=True),
))

TRACKING = Mapping("Tracking", "How the LMS learns that the course is completed or passed.", (
    Key("completion", TEXT, "viewed: every page seen; passed: the assessment passed; both: "
        "both of them.", default="viewed", enum=COMPLETION_RULES),
    _percent("The pass mark in percent (0-100); needed with completion passed or both."),
    _id("assessment", "The id of the assessment whose score is reported to the LMS.",
        required=False),
    Key("require", LIST, "Other assessments (graded scenarios) the learner must also pass; "
        "the course score is then the lowest of their scores.", default=[], items=TEXT),
))

COLOURS = (
    _colour("brand", "Header, buttons, progress bar and selected answers, as '#rrggbb' or "
            "'#rgb' in quotes."),
    _colour("brand_text", "Text on the brand colour (default: white or the text colour, "
            "whichever reads better)."),
    _colour("text", "Body text colour."),
    _colour("background", "Page background colour."),
    _colour("link", "Links and outlined buttons (default: the brand colour)."),
)

DARK = Mapping("Dark colours", "The colour keys for learners whose device prefers a dark "
               "colour scheme; what is left out keeps the default dark colours.", COLOURS)

THEME = Mapping("Theme", "Colours (checked for a WCAG contrast of 4.5:1), logo and fonts.", (
    *COLOURS,
    Key("dark", MAPPING, "The same colour keys for the dark colour scheme.", mapping=DARK),
    Key("logo", TEXT, "Path of an image in assets/ or modules/, shown before the course "
        "title."),
    Key("logo_alt", TEXT, "Text alternative of the logo; without it the logo is decorative.",
        default=""),
    Key("font", TEXT, "Font families installed on learners' devices, separated by commas; "
        "the system fonts always follow.", default=""),
))

COVER = Mapping("Cover", "The course's cover: its first page opens with the course title, the "
                 "theme's logo and colours, an optional image, the description, the duration, the "
                 "objectives and a Start (or Resume) button. 'cover: {}' gives a cover without "
                 "an image.", (
    Key("image", TEXT, "Path of an image in assets/ or modules/, shown on the cover."),
    Key("image_alt", TEXT, "Text alternative of the cover image; without it the image is "
        "decorative.", default=""),
    Key("duration", TEXT, "How long the course takes, as the cover says it (default: the "
        "modules' minutes added up, e.g. 'About 80 minutes')."),
))

CERTIFICATE = Mapping("Certificate", "A printable certificate of completion, offered on the "
                      "result screen once the course is passed (or completed, when nothing "
                      "is graded). 'certificate: {}' gives one without issuer or signature.", (
    Key("issuer", TEXT, "Who issues the certificate (an organisation), printed on it."),
    Key("signer", TEXT, "The name printed under the signature line (e.g. 'Jane Smith, "
        "Training Director')."),
    Key("signature", TEXT, "Path of a signature image in assets/ or modules/; its text "
        "alternative says whose signature it is (needs signer)."),
))

COURSE = Mapping("Course", "course.yaml: what the course is, its objectives, its outline and "
                 "its tracking rules.", (
    _id("id", "The course id: package file names and tracking ids start from it."),
    Key("title", TEXT, "The course title.", required=True),
    Key("version", TEXT, "The version; it goes into the package file name.", required=True,
        pattern=VERSION, message="version '{value}' must be letters, digits, '.', '-', '+' "
        "or '_' (it becomes part of the package file name)"),
    Key("language", TEXT, "BCP 47 language tag (en, en-US, es); picks the interface strings.",
        default="en", pattern=LANGUAGE,
        message="'{value}' is not a language tag (examples: en, en-US, es)"),
    Key("description", TEXT, "Markdown shown on the course's first screen.", default=""),
    Key("audience", LIST, "Who the course is for, as a list of plain strings.", default=[],
        items=TEXT),
    Key("objectives", LIST, "The learning objectives, each with a stable id.", default=[],
        items=OBJECTIVE),
    Key("outline", LIST, "The order of units: ids of modules (modules/*.md) and assessments "
        "(scenarios/*.yaml).", required=True, items=TEXT),
    Key("tracking", MAPPING, "How completion and success are judged (default: completed when "
        "every page is seen).", mapping=TRACKING),
    Key("targets", LIST, "The packages coursepack build makes (default: all of them).",
        default=list(TARGETS), items=TEXT, item_enum=TARGETS,
        message="unknown target '{value}' (targets[{index}])",
        hint=lambda v: did_you_mean(v, TARGETS) or "available: " + ", ".join(TARGETS)),
    Key("activity_id", TEXT, "xAPI and cmi5 activity IRI of the course (default: "
        "urn:coursepack:<id>).", pattern=IRI, message="'{value}' is not an IRI (for example "
        "https://example.org/courses/sro or urn:example:sro)"),
    Key("theme", MAPPING, "Colours, logo and fonts (default: the built-in theme).",
        mapping=THEME),
    Key("quality", MAPPING, "Item-quality and reading-level checks: the reading grade "
        "wanted, and rules switched off.", mapping=QUALITY),
    Key("cover", MAPPING, "A cover page that opens the course (default: none).",
        mapping=COVER, empty=("'cover' is empty", "write 'cover: {}' for a cover without an "
                              "image, or give its keys (image, image_alt, duration)")),
    Key("certificate", MAPPING, "A printable certificate of completion (default: none).",
        mapping=CERTIFICATE, empty=("'certificate' is empty", "write 'certificate: {}' for a "
                                    "certificate without issuer or signature, or give its "
                                    "keys (issuer, signer, signature)")),
    Key("media", MAPPING, "Size limits on video and audio files (default: 100 MB a file, "
        "250 MB a package).", mapping=MEDIA),
))

# -- modules/*.md front matter ---------------------------------------------------------

MODULE = Mapping("Module front matter", "The YAML between the two '---' lines at the top of "
                 "a module (modules/*.md).", (
    _id("id", "The module id (default: the file name without its NN- prefix); it must match "
        "the file name.", required=False),
    Key("title", TEXT, "The module title, shown in the course menu.", required=True),
    Key("duration", WHOLE, "Estimated learner minutes.", minimum=1,
        message="duration is the estimated number of minutes, a whole number above 0"),
    _objectives("Ids of the objectives this module teaches."),
    Key("image", TEXT, "Path of an image in assets/ or modules/ that opens the module (shown "
        "at the top of its first page)."),
    Key("image_alt", TEXT, "Text alternative of the opening image; without it the image is "
        "decorative.", default=""),
    _quality_ignore("this module (its knowledge checks, duration and reading level)"),
))

# -- questions ---------------------------------------------------------------------------

FEEDBACK = Mapping("Feedback", "What the learner reads after answering.", (
    Key("correct", TEXT, "After a right answer (Markdown).", default=""),
    Key("incorrect", TEXT, "After a wrong answer (Markdown).", default=""),
))

#: the keys of each question type, declared in its module (builder/components/questions/);
#: the types registered when this module is first imported
QUESTION_KEYS = Variants("type", {name: qt.keys for name, qt in QUESTIONS.items()})
QUESTION_TYPES = tuple(QUESTION_KEYS.cases)


#: what authors coming from other tools call coursepack's question types (each type's
#: ``aliases``)
QUESTION_TYPE_ALIASES = {alias: name for name, qt in QUESTIONS.items() for alias in qt.aliases}


def did_you_mean_type(word: str) -> str:
    """ "did you mean 'sequencing'?" for a question type another tool's name for it."""
    alias = QUESTION_TYPE_ALIASES.get(str(word).strip().lower().replace(" ", "-"))
    return f"did you mean '{alias}'?" if alias else ""


def _question(title: str, description: str, *, knowledge_check: bool) -> Mapping:
    graded = (Key("graded", FLAG, "true to count this knowledge check towards its objectives' "
                  "scores.", default=False),) if knowledge_check else ()
    return Mapping(title, description, (
        _id("id", "Stable id of the question, unique across the course."),
        Key("type", TEXT, "The kind of question; it decides the other keys.", required=True,
            enum=QUESTION_TYPES, message=lambda v: f"unknown question type '{v}'. " + (
                did_you_mean(v, QUESTION_TYPES) or did_you_mean_type(v)
                or "Types: " + ", ".join(QUESTION_TYPES))),
        Key("prompt", TEXT, "The question as the learner sees it (Markdown).", required=True),
        _objectives("Ids of the learning objectives this question assesses."),
        Key("weight", NUMBER, "How much the question counts in the score.", default=1,
            above=0, message="weight must be above 0"),
        *graded,
        QUESTION_KEYS,
        Key("feedback", MAPPING, "Feedback after a right and a wrong answer (required for "
            "every scored question).", mapping=FEEDBACK),
        _quality_ignore("this question"),
    ))


QUESTION = _question("Question", "One question of a quiz (scenarios/*.yaml).",
                     knowledge_check=False)
KNOWLEDGE_CHECK = _question("Knowledge check", "The YAML inside a ```question block of a "
                            "module: one ungraded question.", knowledge_check=True)

# -- scenarios/*.yaml --------------------------------------------------------------------

NODE_CHOICE = Mapping("Scenario choice", "A decision the learner can take at a node.", (
    _id("id", "Stable id of the choice, unique in its node."),
    Key("text", TEXT, "The decision as the learner sees it (Markdown).", required=True),
    Key("score", WHOLE, "Points for taking this choice.", default=0, minimum=0,
        message="score is 0 or more points"),
    Key("feedback", TEXT, "What happens and why (Markdown); required.", default=""),
    _id("next", "The id of the node this choice leads to."),
))

NODE = Mapping("Node", "A situation of a branching scenario, or an ending.", (
    _id("id", "Stable id of the node, unique in the scenario."),
    Key("text", TEXT, "The situation (Markdown); for an ending, the debrief.", required=True),
    Key("ending", FLAG, "true for an ending: the scenario stops here.", default=False),
    Key("choices", LIST, "The decisions the learner can take here.", default=[],
        items=NODE_CHOICE),
    _objectives("The objectives this node's decision assesses (default: the scenario's)."),
))

ASSESSMENT = Mapping("Assessment", "scenarios/*.yaml: a quiz (questions) or a branching "
                     "scenario (start and nodes).", (
    _id("id", "The assessment id (default: the file name); it must match the file name.",
        required=False),
    Key("title", TEXT, "The title, shown in the course menu.", required=True),
    Key("intro", TEXT, "Markdown shown before the first question or situation.", default=""),
    Key("attempts", WHOLE, "How many attempts a learner has; 0 = unlimited.", default=0,
        minimum=0, message="attempts is 0 (unlimited) or more"),
    _objectives("Branching scenarios: the objectives the scenario assesses (quizzes list "
                "them on each question)."),
    Key("questions", LIST, "A quiz: its questions.", items=QUESTION),
    Key("draw", WHOLE, "Quizzes: questions drawn at random per attempt; 0 = all, in order.",
        default=0, minimum=0, message="draw is the number of questions per attempt (0 = all)"),
    Key("shuffle", FLAG, "Quizzes: shuffle the choices of each question per attempt.",
        default=False),
    Key("show_correct", FLAG, "Quizzes: after submitting, show the right answers of wrong "
        "ones.", default=False),
    Key("feedback", TEXT, "When feedback shows: immediate (scenarios: after each decision) or "
        "after-submit (quizzes always; scenarios: every decision's feedback at the ending).",
        enum=FEEDBACK_TIMES),
    _percent("This assessment's pass mark in percent (default: the course's)."),
    _id("start", "Branching scenarios: the id of the first node.", required=False),
    Key("nodes", LIST, "A branching scenario: its situations and endings.", items=NODE),
    _quality_ignore("this assessment"),
))

# -- glossary.yaml and references.yaml ---------------------------------------------------

GLOSSARY_ENTRY = Mapping("Glossary entry", "A term learners can look up in place.", (
    _id("id", "Stable id of the entry; [[shown text|id]] links it."),
    Key("term", TEXT, "The term as shown in the glossary.", required=True),
    Key("aliases", LIST, "Other spellings that [[...]] also finds.", default=[], items=TEXT),
    Key("definition", TEXT, "The definition (Markdown, one paragraph).", required=True),
    Key("source", TEXT, "The id of the reference the definition comes from."),
))

REFERENCE = Mapping("Reference", "A source that pages cite as [@id].", (
    Key("id", TEXT, "The id that citations use: [@id].", required=True, pattern=REFERENCE_ID,
        message="'{value}' is not a valid reference id (letters, digits, '.', '_', '-', "
        "starting with a letter)"),
    Key("short", TEXT, "The short citation shown on the page.", required=True),
    Key("text", TEXT, "The full reference on the references page.", required=True),
    Key("url", TEXT, "A web address for the source (http:// or https://).", default="",
        pattern=WEB_ADDRESS, message="'{value}' is not a web address (http:// or https://)"),
))

DOCUMENTS = (
    Document("course", "coursepack course.yaml", COURSE.description, COURSE,
             files=("course.yaml",)),
    Document("module", "coursepack module front matter", MODULE.description, MODULE),
    Document("question", "coursepack knowledge check", KNOWLEDGE_CHECK.description,
             KNOWLEDGE_CHECK),
    Document("assessment", "coursepack assessment", ASSESSMENT.description, ASSESSMENT,
             files=("scenarios/*.yaml", "scenarios/*.yml")),
    Document("glossary", "coursepack glossary.yaml", "glossary.yaml: the terms learners can "
             "look up in place, as a list.", GLOSSARY_ENTRY, is_list=True,
             files=("glossary.yaml",)),
    Document("references", "coursepack references.yaml", "references.yaml: the sources that "
             "pages cite, as a list.", REFERENCE, is_list=True, files=("references.yaml",)),
)


def matches(pattern: str, text: str) -> bool:
    """Does the whole of ``text`` match ``pattern``, as JSON Schema reads it?"""
    return re.fullmatch(pattern, text) is not None
