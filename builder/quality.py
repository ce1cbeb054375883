"""Item quality and reading level: the findings a reviewer would make before learners do.

Every rule gives warnings (``--strict`` makes them errors), each with file, line, the
question and a hint. The rules, their ids (:data:`builder.model.QUALITY_RULES`) and the
thresholds below are documented in docs/authoring.md ("Item quality"). A rule is switched
off for the whole course (``quality: {ignore: {rule: reason}}`` in course.yaml), for one
module or assessment, or for one question (``quality_ignore: {rule: reason}``); a question
switched off is left out of the rules over its group, too.

Rules over a group of questions (an assessment's pool, a module's knowledge checks, and
all the knowledge checks of the course together) use exact tests: under chance, a right
answer is at each of an item's n positions with probability 1/n, so the count at one
position follows a Poisson binomial distribution, whose tail is computed exactly.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from math import comb

from builder import readability
from builder.components.questions import question_type
from builder.errors import Problem
from builder.model import Assessment, Course, Module, Question

#: the significance level of the key-position tests (Bonferroni-corrected over the
#: positions): a fair key is flagged at most once in 1,000 by chance, an all-A key of
#: 6 four-option items already is
ALPHA = 0.001
#: item forms whose options the author writes (see QuestionType.quality_form)
WRITTEN = ("single", "select-all")
TRUE_FALSE_MIN = 4  #: true/false items that all go one way: flagged from this many
SELECT_ALL_MIN = 3  #: select-all items that all key the first k (or the same k): from this many
LENGTH_MIN = 4  #: the length cue needs at least this many single-choice items...
LENGTH_SHARE = 0.5  #: ...and the right answer longest (alone) in more than this share
NEAR_DUPLICATE = 0.9  #: difflib ratio of two normalised options (or option and question)
QUESTION_MINUTES = 1.0  #: time for a knowledge check or quiz question, on top of reading
DECISION_MINUTES = 0.5  #: time for a scenario decision, on top of reading its text
DURATION_TOLERANCE = 0.30  #: a module's duration may differ this much from its estimate...
DURATION_SLACK = 1.0  #: ...or this many minutes (durations are whole minutes)

GIVEAWAY = re.compile(
    r"\b(?:all|none|neither|any) of the (?:above|below|preceding|previous|options|answers|"
    r"choices|these|those)\b|\b(?:all|none) of these\b|\bboth (?:\(?[a-f1-6]\)? )?(?:and|&) "
    r"|\bboth \(?[a-f1-6]\)? (?:and|&) \(?[a-f1-6]\)?|^\(?[a-f]\)? (?:and|&) \(?[a-f]\)?$|"
    r"\b(?:todas|ninguna|ninguno) de las? (?:anteriores|opciones)\b|\btodas las anteriores\b")
ABSOLUTE = {
    "en": ("always", "never", "all", "any", "only", "none", "every", "everyone",
           "everything", "nobody", "nothing"),
    "es": ("siempre", "nunca", "jamás", "todo", "todos", "toda", "todas", "ninguno",
           "ninguna", "nadie", "nada", "solo", "sólo", "solamente", "cualquier"),
}
STOP_WORDS = {
    "en": set("""a about above after again against all also am an and any are as at be
        because been before being below between both but by can could did do does doing
        down during each either few for from further had has have having he her here hers
        him his how however i if in into is it its itself just least less many may me
        might more most much must my neither no nor not of off on once one only or other
        our out over own same she should so some such than that the their them then there
        these they this those through to too under until up upon very was we were what
        when where whether which while who whom whose why will with within without would
        you your yours true false following best most likely example examples describe
        describes described statement time times keep keeps kept sets make makes made take
        takes taken used need needs part parts kind ways thing things good well know knows
        says said give gives given show shows help helps work works often each every others
        same like case cases fact point right wrong""".split()),
    "es": set("""a al algo algún alguna alguno ante antes como con contra cual cuales cuando
        de del desde donde dos el ella ellas ellos en entre era es esa ese eso esta este
        esto fue ha han hasta hay la las le les lo los más me mi muy no nos o otra otro
        para pero por porque que qué quien se ser si sí sin sobre son su sus también
        tiene un una uno unos y ya""".split()),
}


@dataclass(frozen=True)
class Reading:
    """The reading figures of one module (or, with ``unit`` "", of the course)."""

    unit: str
    stats: readability.Stats
    questions: int  #: knowledge checks (or quiz questions shown)
    minutes: float  #: the estimate: reading time plus time for questions and decisions
    duration: int | None  #: what the module's front matter says


def check(course: Course) -> list[Problem]:
    """Every item-quality and reading-level finding of ``course``."""
    checker = _Checker(course)
    checker.run()
    return checker.problems


def reading(course: Course) -> tuple[list[Reading], Reading]:
    """The reading figures of each module, and of the course (modules and assessments)."""
    rows = [_module_reading(m, course.language) for m in course.modules]
    total = readability.measure("", course.language)
    for r in rows:
        total = total.add(r.stats)
    minutes = sum(r.minutes for r in rows) + sum(_assessment_minutes(a, course.language)
                                                  for a in course.assessments)
    questions = sum(r.questions for r in rows) + sum(
        a.draw or len(a.questions) for a in course.assessments if not a.branching)
    durations = [m.duration for m in course.modules]
    declared = sum(d for d in durations if d) if any(durations) else None
    return rows, Reading("", total, questions, minutes, declared)


# -- the rules ---------------------------------------------------------------------------

def check_group(questions: Iterable[Question], what: str = "the questions") -> list[Problem]:
    """The findings of the rules over a group (key position, length cue) for
    ``questions`` alone: for tests of a key, and for courses' own tests."""
    checker = _Checker(None)
    checker.group([(q, "") for q in questions], {}, what)
    return checker.problems


def _form(q: Question) -> str:
    """The item form the rules judge ``q`` as (its type's ``quality_form``)."""
    return question_type(q.type).quality_form


def profile(questions: Iterable[Question]) -> dict:
    """The key of ``questions`` in figures, for tests with thresholds of their own:
    right answers per position of single-choice items (A, B, ...), the true/false split,
    how many single-choice items have the right answer as their longest option, and how
    many select-all items key exactly their first options."""
    qs = list(questions)
    single = [q for q in qs if _form(q) == "single" and len(q.correct_ids) == 1]
    widest = max((len(q.choices) for q in single), default=0)
    tf = [q for q in qs if _form(q) == "true-false"]
    multi = [q for q in qs if _form(q) == "select-all" and q.correct_ids]
    longest = 0
    for q in single:
        sizes = [len(readability.words(readability.plain_text(c.html))) for c in q.choices]
        right = next(i for i, c in enumerate(q.choices) if c.correct)
        longest += sizes[right] == max(sizes) and sizes.count(max(sizes)) == 1
    return {
        "single_choice": len(single),
        "positions": {chr(ord("A") + i): sum(1 for q in single if q.choices[i:i + 1]
                                             and q.choices[i].correct) for i in range(widest)},
        "longest": longest,
        "true": sum(1 for q in tf if q.correct_ids == ("true",)),
        "false": sum(1 for q in tf if q.correct_ids == ("false",)),
        "select_all": len(multi),
        "select_all_first": sum(1 for q in multi
                                if all(c.correct for c in q.choices[:len(q.correct_ids)])),
        "select_all_counts": sorted(len(q.correct_ids) for q in multi),
    }


def _similar(a: str, b: str) -> bool:
    """``a`` and ``b`` at least NEAR_DUPLICATE alike. The cheap upper bounds of difflib's
    ratio come first: most pairs of options are ruled out without the full comparison."""
    total = len(a) + len(b)  # real_quick_ratio, from the lengths: no matcher built yet
    if total and 2.0 * min(len(a), len(b)) / total < NEAR_DUPLICATE:
        return False
    # quick_ratio, from the characters both share (counted in C, no matcher built)
    if total and 2.0 * sum((_chars(a) & _chars(b)).values()) / total < NEAR_DUPLICATE:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= NEAR_DUPLICATE


@lru_cache(maxsize=4096)  # an option is compared with the question and each other option
def _chars(text: str) -> Counter:
    return Counter(text)


class _Checker:
    def __init__(self, course: Course | None):
        self.course = course
        language = course.language if course else "en"
        self.lang = language.split("-")[0].lower()
        self.course_off = dict(course.quality.ignore) if course else {}
        self.problems: list[Problem] = []

    def warn(self, rule: str, file: str, line: int, key: str, message: str, hint: str) -> None:
        self.problems.append(Problem(file, line, key, message, hint + f" (rule {rule}: "
                                     f"switch it off with quality_ignore: {{{rule}: reason}})",
                                     level="warning", rule=rule))

    def run(self) -> None:
        assert self.course is not None
        flagged: set[str] = set()  #: group rules a module's knowledge checks already tripped
        checks: list[tuple[Question, str, dict]] = []  #: every knowledge check, with its off
        for unit in self.course.outline:
            off = {**self.course_off, **dict(unit.quality_ignore)}
            if isinstance(unit, Module):
                keyed = [(q, "question") for page in unit.pages for q in page.questions]
                self.items(keyed, off)
                before = len(self.problems)
                self.group(keyed, off, f"the knowledge checks of module '{unit.id}'")
                flagged.update(p.rule for p in self.problems[before:])
                checks += [(q, k, off) for q, k in keyed]
                self.module_reading(unit, off)
            elif not unit.branching:
                keyed = [(q, f"questions[{i}]") for i, q in enumerate(unit.questions)]
                self.items(keyed, off)
                self.group(keyed, off, f"the quiz '{unit.id}'")
                self.coverage(unit, off)
                self.shuffle(unit, off)
        # all the knowledge checks together, for a bias no module shows on its own
        if len({q.source.file for q, _, _ in checks}) > 1:
            for rule in ("key_position", "length_cue"):
                if rule not in flagged:
                    self.group([(q, k) for q, k, off in checks if rule not in off],
                               self.course_off, "the knowledge checks of the course",
                               only=rule)

    # -- per question ----------------------------------------------------------------
    def items(self, keyed: list[tuple[Question, str]], off: dict) -> None:
        for q, key in keyed:
            if _form(q) not in WRITTEN or len(q.choices) < 2:
                continue
            skip = {**off, **dict(q.quality_ignore)}
            texts = [_norm(readability.plain_text(c.html)) for c in q.choices]
            stem = _norm(readability.plain_text(q.prompt_html))
            where = (q.source.file, q.source.line, key)
            if "giveaway" not in skip:
                for c, text in zip(q.choices, texts, strict=True):
                    m = GIVEAWAY.search(text)
                    if m:
                        self.warn("giveaway", c.source.file, c.source.line, key,
                                  f"question '{q.id}': option '{c.id}' says \"{m.group(0)}\", "
                                  "which test-wise learners pick (or rule out) without "
                                  "knowing the content",
                                  "write a full, plausible option instead; to ask about "
                                  "several options, use a select-all item (type: multiple)")
            if "absolute_words" not in skip and q.correct_ids:
                absolutes = set(ABSOLUTE.get(self.lang, ()))
                right = [t for c, t in zip(q.choices, texts, strict=True) if c.correct]
                wrong = [(c, t) for c, t in zip(q.choices, texts, strict=True)
                         if not c.correct]
                hits = [(c, w) for c, t in wrong for w in _words(t) if w in absolutes]
                if hits and not any(w in absolutes for t in right for w in _words(t)):
                    c, word = hits[0]
                    self.warn("absolute_words", c.source.file, c.source.line, key,
                              f"question '{q.id}': only wrong options use absolute words "
                              f"('{word}' in option '{c.id}'), a cue that they are wrong",
                              "qualify the wrong options as carefully as the right one, "
                              "or use an absolute word in a right option too")
            if "stem_cue" not in skip and _form(q) == "single" and len(q.correct_ids) == 1:
                word = self.stem_cue(q, stem, texts)
                if word:
                    self.warn("stem_cue", *where,
                              f"question '{q.id}': the right option repeats '{word}' from "
                              "the question, and no wrong option does",
                              f"use '{word}' in a wrong option too, or reword the right "
                              "option")
            if "duplicate_choices" not in skip:
                self.duplicates(q, key, stem, texts)

    def stem_cue(self, q: Question, stem: str, texts: list[str]) -> str:
        stops = STOP_WORDS.get(self.lang, set())

        def content(text: str) -> list[str]:
            return [w for w in _words(text) if len(w) >= 4 and w not in stops]

        in_stem = {_stem(w) for w in content(stem)}
        wrong = {_stem(w) for c, t in zip(q.choices, texts, strict=True) if not c.correct
                 for w in content(t)}
        right = next(t for c, t in zip(q.choices, texts, strict=True) if c.correct)
        for w in content(right):
            if _stem(w) in in_stem and _stem(w) not in wrong:
                return w
        return ""

    def duplicates(self, q: Question, key: str, stem: str, texts: list[str]) -> None:
        for i, (c, t) in enumerate(zip(q.choices, texts, strict=True)):
            if not t:
                continue
            if t == stem or _similar(t, stem):
                self.warn("duplicate_choices", c.source.file, c.source.line, key,
                          f"question '{q.id}': option '{c.id}' repeats the question",
                          "an option answers the question; rewrite it")
            for d, u in zip(q.choices[:i], texts[:i], strict=True):
                if not u:
                    continue
                if t == u or _similar(t, u):
                    same = "says the same as" if t == u else "is nearly the same as"
                    self.warn("duplicate_choices", c.source.file, c.source.line, key,
                              f"question '{q.id}': option '{c.id}' {same} option '{d.id}'",
                              "make every option say something different, or remove one")
                    break

    # -- over a group of questions ---------------------------------------------------
    def group(self, keyed: list[tuple[Question, str]], off: dict, what: str, *,
              only: str = "") -> None:
        """The rules over a group of questions (``only``: just that one)."""
        for rule in ("key_position", "length_cue"):
            if rule in off or (only and rule != only):
                continue
            items = [(q, k) for q, k in keyed if rule not in dict(q.quality_ignore)]
            if rule == "key_position":
                self.positions(items, what)
                self.true_false(items, what)
                self.select_all(items, what)
            else:
                self.length(items, what)

    def positions(self, keyed: list[tuple[Question, str]], what: str) -> None:
        items = [(q, k) for q, k in keyed if _form(q) == "single" and len(q.choices) >= 2
                 and len(q.correct_ids) == 1]
        if not items:
            return
        widest = max(len(q.choices) for q, _ in items)
        worst = None
        for pos in range(widest):
            probs = [1 / len(q.choices) for q, _ in items if len(q.choices) > pos]
            at = [(q, k) for q, k in items if q.choices[pos:pos + 1]
                  and q.choices[pos].correct]
            p = min(1.0, tail(probs, len(at)) * widest)
            if worst is None or p < worst[0]:
                worst = (p, pos, at, sum(probs))
        p, pos, at, expected = worst
        if p >= ALPHA:
            return
        letter = chr(ord("A") + pos)
        spread = ", ".join(f"{chr(ord('A') + i)} {_count(items, i)}" for i in range(widest))
        first_q, first_key = at[0]
        self.warn("key_position", first_q.source.file, first_q.source.line, first_key,
                  f"in {what}, the right answer is option {letter} in {len(at)} of "
                  f"{len(items)} single-choice items; chance gives about {expected:.1f} "
                  f"(p = {p:.2g}): a learner who always picks {letter} scores "
                  f"{len(at) / len(items):.0%} on them (right answers: {spread})",
                  "spread the right answers evenly over the positions (shuffle: true hides "
                  "the written order from learners, not from reviewers or print-outs)")

    def true_false(self, keyed: list[tuple[Question, str]], what: str) -> None:
        items = [(q, k) for q, k in keyed if _form(q) == "true-false"]
        n = len(items)
        trues = sum(1 for q, _ in items if q.correct_ids == ("true",))
        if not n:
            return
        falses = n - trues
        p = min(1.0, 2 * tail([0.5] * n, max(trues, falses)))
        if (n >= TRUE_FALSE_MIN and not (trues and falses)) or p < ALPHA:
            major = "true" if trues > falses else "false"
            q, key = next((q, k) for q, k in items if q.correct_ids == (major,))
            every = "all" if not (trues and falses) else f"{max(trues, falses)} of"
            self.warn("key_position", q.source.file, q.source.line, key,
                      f"in {what}, {every} {n} true/false items are {major} (true {trues}, "
                      f"false {falses}; chance gives about {n / 2:g} each way): a learner "
                      f"who always answers {major} scores {max(trues, falses) / n:.0%} on "
                      "them", f"make about half of them {'false' if major == 'true' else 'true'}"
                      ", at least a third each way")

    def select_all(self, keyed: list[tuple[Question, str]], what: str) -> None:
        items = [(q, k) for q, k in keyed if _form(q) == "select-all" and len(q.choices) >= 3
                 and q.correct_ids]
        if not items:
            return
        first = [(q, k) for q, k in items
                 if all(c.correct for c in q.choices[:len(q.correct_ids)])]
        probs = [1 / comb(len(q.choices), len(q.correct_ids)) for q, _ in items]
        p = tail(probs, len(first))
        if first and ((len(items) >= SELECT_ALL_MIN and len(first) == len(items))
                      or p < ALPHA):
            q, key = first[0]
            self.warn("key_position", q.source.file, q.source.line, key,
                      f"in {what}, {len(first)} of {len(items)} select-all items key "
                      f"exactly the first options (chance gives about {sum(probs):.1f}): "
                      "a learner who ticks the first few options scores on them without "
                      "knowing the content", "mix the right options among the wrong ones")
        counts = {len(q.correct_ids) for q, _ in items}
        if len(items) >= SELECT_ALL_MIN and len(counts) == 1:
            q, key = items[0]
            k = counts.pop()
            self.warn("key_position", q.source.file, q.source.line, key,
                      f"in {what}, all {len(items)} select-all items have exactly {k} right "
                      f"answer{'s' if k > 1 else ''}", "vary the number of right answers "
                      "(one, several, all but one), so counting them gives nothing away")

    def length(self, keyed: list[tuple[Question, str]], what: str) -> None:
        items = [(q, k) for q, k in keyed if _form(q) == "single" and len(q.choices) >= 2
                 and len(q.correct_ids) == 1]
        longest = []
        for q, k in items:
            sizes = [len(readability.words(readability.plain_text(c.html))) for c in q.choices]
            top = max(sizes)
            right = next(i for i, c in enumerate(q.choices) if c.correct)
            if sizes[right] == top and sizes.count(top) == 1:
                longest.append((q, k))
        if len(items) < LENGTH_MIN or len(longest) <= LENGTH_SHARE * len(items):
            return
        expected = sum(1 / len(q.choices) for q, _ in items)
        q, key = longest[0]
        ids = ", ".join(q.id for q, _ in longest[:6]) + (", ..." if len(longest) > 6 else "")
        self.warn("length_cue", q.source.file, q.source.line, key,
                  f"in {what}, the right answer is the longest option (in words) in "
                  f"{len(longest)} of {len(items)} single-choice items; chance gives about "
                  f"{expected:.1f}: {ids}", "make the wrong options as full and specific as "
                  "the right one, or tighten the right one")

    # -- per assessment -----------------------------------------------------------------
    def coverage(self, a: Assessment, off: dict) -> None:
        """The runtime's draw is stratified by objective (``draw`` in cp-questions.js): it
        first takes, in a random order, each question that assesses an objective not yet
        covered, then fills the draw. A pool with no more objectives than its draw so
        shows every objective in every attempt (with more, the build refuses the pool:
        validate.questions). What a draw can still miss is an objective that only
        unscored questions (likert) carry: it is drawn, but no attempt scores it."""
        if "objective_coverage" in off or not a.draw or a.draw >= len(a.questions):
            return
        pooled = list(dict.fromkeys(o for q in a.questions for o in q.objectives))
        if len(pooled) > a.draw:
            return  # refused by the build already
        for o in pooled:
            if any(o in q.objectives and q.scored for q in a.questions):
                continue
            ids = ", ".join(q.id for q in a.questions if o in q.objectives)
            self.warn("objective_coverage", a.source.file, a.line_of("draw"), "draw",
                      f"the quiz '{a.id}' draws {a.draw} of its {len(a.questions)} questions "
                      f"so that each shows every objective, but objective '{o}' is only on "
                      f"unscored questions ({ids}): no draw assesses it",
                      f"add a scored question on '{o}', or take '{o}' off these questions")

    def shuffle(self, a: Assessment, off: dict) -> None:
        if "shuffle" in off or a.shuffle:
            return
        graded = [q for q in a.questions if q.scored and _form(q) in WRITTEN
                  and "shuffle" not in dict(q.quality_ignore)]
        if not graded:
            return
        self.warn("shuffle", a.source.file, a.line_of("shuffle"), "shuffle",
                  f"the graded quiz '{a.id}' shows the choices of its {len(graded)} choice "
                  "questions in the written order every attempt",
                  "set shuffle: true, or say why the order matters")

    # -- reading -----------------------------------------------------------------------
    def module_reading(self, m: Module, off: dict) -> None:
        assert self.course is not None
        r = _module_reading(m, self.course.language)
        if "duration" not in off and m.duration and r.minutes:
            gap = abs(m.duration - r.minutes)
            if gap > DURATION_TOLERANCE * r.minutes and gap > DURATION_SLACK:
                checks = (f", plus {QUESTION_MINUTES:g} a question for {r.questions} "
                          f"knowledge check{'s' if r.questions != 1 else ''}"
                          if r.questions else "")
                self.warn("duration", m.source.file, m.line_of("duration"), "duration",
                          f"module '{m.id}' says it takes {m.duration} minute"
                          f"{'s' if m.duration != 1 else ''}, but its content takes about "
                          f"{r.minutes:.1f} ({r.stats.words} words at "
                          f"{readability.WORDS_PER_MINUTE} a minute{checks})",
                          f"set duration: {max(1, round(r.minutes))}, or change the content")
        target = self.course.quality.reading_grade
        grade = r.stats.grade
        if "reading_grade" not in off and target is not None and grade is not None \
                and grade > target:
            st = r.stats
            self.warn("reading_grade", m.source.file, 1, "",
                      f"module '{m.id}' reads at Flesch-Kincaid grade {grade:.1f}, above the "
                      f"course's reading_grade {target:g} ({st.letter_words / st.sentences:.0f} "
                      f"words a sentence, {st.syllables / st.letter_words:.2f} syllables a "
                      "word)", "shorten sentences, prefer common short words, "
                      "and explain jargon where it first appears")


#: id(module) -> (module, language, its figures): what a child process found
#: (builder.background), or what the reading of a large course measured as it read
#: (builder.loadfork), for the course built last
_FOUND: dict[int, tuple[Module, str, Reading]] = {}


def remember_readings(course: Course, readings: list[Reading]) -> None:
    """The reading figures of ``course``'s modules, found elsewhere (builder.background):
    the printed table takes them instead of measuring again."""
    _FOUND.clear()
    for m, r in zip(course.modules, readings, strict=True):
        _FOUND[id(m)] = (m, course.language, r)


def remember_reading(m: Module, language: str, reading: Reading) -> None:
    """The reading figures of module ``m``, measured before its HTML was in place
    (:func:`measure_module`): the checks take them instead of measuring again."""
    _FOUND[id(m)] = (m, language, reading)


def module_reading_of(m: Module, language: str) -> Reading:
    """The reading figures of module ``m``."""
    return _module_reading(m, language)


#: id(module) -> what fetches its figures, being measured in another process
#: (:func:`coming`)
_COMING: dict[int, Callable[[], None]] = {}


def unmeasured(modules: Iterable[Module], language: str) -> list[Module]:
    """Those of ``modules`` whose reading figures were not measured yet."""
    out = []
    for m in modules:
        found = _FOUND.get(id(m))
        if found is None or found[0] is not m or found[1] != language:
            out.append(m)
    return out


def coming(modules: list[Module], language: str,
           take: Callable[[], object]) -> Callable[[], None]:
    """The reading figures of ``modules`` are being measured elsewhere (a child process:
    :mod:`builder.background`): ``take()`` gives them (a list in their order; anything
    else, and they are measured here), asked the first time one of them is wanted.
    Returns what takes them (called again, it does nothing more): for the caller's
    clean-up."""
    def fetch() -> None:
        for m in modules:
            _COMING.pop(id(m), None)
        got = take()
        if isinstance(got, list) and len(got) == len(modules):
            for m, r in zip(modules, got, strict=True):
                if isinstance(r, Reading) and r.unit == m.id:
                    remember_reading(m, language, r)
    for m in modules:
        _COMING[id(m)] = fetch
    return fetch


def _module_reading(m: Module, language: str) -> Reading:
    fetch = _COMING.get(id(m))
    if fetch is not None:
        fetch()
    found = _FOUND.get(id(m))
    if found is not None and found[0] is m and found[1] == language:
        return found[2]
    return _measure_module(m, language)


@lru_cache(maxsize=1024)  # the rules and the printed table both read it
def _measure_module(m: Module, language: str) -> Reading:
    return measure_module(m, language)


def measure_module(m: Module, language: str,
                   html: Callable[[object], str] = str) -> Reading:
    """The reading figures of module ``m``. ``html`` gives a block's HTML: a module just
    read holds placeholders (measured in the render pass, builder.loadfork)."""
    stats = readability.measure("", language)
    questions = 0
    for page in m.pages:
        stats = stats.add(readability.measure(page.title + ".", language))
        for block in page.blocks:
            if isinstance(block, Question):
                questions += 1
            else:
                stats = stats.add(readability.measure_html(html(block), language))
    minutes = stats.minutes + QUESTION_MINUTES * questions
    return Reading(m.id, stats, questions, minutes, m.duration)


def _assessment_minutes(a: Assessment, language: str) -> float:
    """A quiz: a question's time for each question shown. A branching scenario: the
    longest path from the start, reading each node plus a decision's time at each choice
    (without recursion, and each node once: scenarios may be long or, when broken, loop)."""
    if not a.branching:
        return QUESTION_MINUTES * (a.draw or len(a.questions))
    nodes = {n.id: n for n in a.nodes}
    best: dict[str, float] = {}
    on_path: set[str] = set()
    stack: list[tuple[str, bool]] = [(a.start or "", False)]
    while stack:
        nid, done = stack.pop()
        node = nodes.get(nid)
        if node is None or (nid in best and not done):
            continue
        nexts = [c.next for c in node.choices if c.next in nodes and c.next not in on_path]
        if not done:
            on_path.add(nid)
            stack.append((nid, True))
            stack += [(n, False) for n in nexts if n not in best]
            continue
        on_path.discard(nid)
        here = readability.measure_html(node.html, language).minutes
        if not node.ending:
            here += DECISION_MINUTES + max((best.get(n, 0.0) for n in nexts), default=0.0)
        best[nid] = here
    return best.get(a.start or "", 0.0)


def tail(probs: list[float], k: int) -> float:
    """P(X >= k) where X is the number of successes of independent trials with the
    success probabilities ``probs`` (the Poisson binomial distribution), exactly."""
    return min(1.0, sum(_distribution(tuple(probs))[k:]))


@lru_cache(maxsize=64)  # a group's positions ask for the same distribution
def _distribution(probs: tuple[float, ...]) -> tuple[float, ...]:
    """P(X = i) for each i: one trial at a time, each count's probability the sum of
    staying (1 - p) and moving up from the count below (p), the same floating-point
    operations in the same order as adding them one by one."""
    dist = [1.0]
    for p in probs:
        q = 1 - p
        dist = [b * p + a * q for a, b in zip([*dist, 0.0], [0.0, *dist], strict=True)]
    return tuple(dist)


def _count(items: list[tuple[Question, str]], pos: int) -> int:
    return sum(1 for q, _ in items if q.choices[pos:pos + 1] and q.choices[pos].correct)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def _stem(word: str) -> str:
    """A crude stem, enough to match 'officer' with 'officers'."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


# -- reporting -----------------------------------------------------------------------------

def reading_lines(course: Course, *, full: bool) -> list[str]:
    """The reading figures as a table: per module and for the course. ``full`` adds the
    knowledge checks, the estimate and the declared duration (``check``); ``build``
    prints the short form."""
    rows, total = reading(course)
    formula = total.stats.formula
    name = formula or f"no readability formula for '{course.language}' (English and Spanish)"
    width = max([len(r.unit) for r in rows] + [6])
    out = [f"Reading level ({readability.WORDS_PER_MINUTE} words a minute; {name}):"]
    if full:
        out.append(f"  {'module':<{width}}  {'words':>6}  {'read':>5}  {'checks':>6}  "
                   f"{'est.':>5}  {'says':>5}  {'figure':>6}")

    def line(label: str, r: Reading, minutes: float) -> str:
        fig = r.stats.figure
        figure = "-" if fig is None else f"{fig:.1f}"
        if full:
            says = "-" if not r.duration else f"{r.duration}m"
            return (f"  {label:<{width}}  {r.stats.words:>6,}  {r.stats.minutes:>4.0f}m  "
                    f"{r.questions:>6}  {minutes:>4.0f}m  {says:>5}  {figure:>6}")
        return (f"  {label:<{width}}  {r.stats.words:>6,} words  {r.stats.minutes:>3.0f} min"
                + (f"  {formula.split()[-1]} {figure}" if formula else ""))

    for r in rows:
        out.append(line(r.unit, r, r.minutes))
    out.append(line("course", total, total.minutes))
    if full:
        out.append("  (read: words at the reading speed; est.: with "
                   f"{QUESTION_MINUTES:g} min a question and {DECISION_MINUTES:g} a scenario "
                   "decision, quizzes and scenarios included for the course; says: duration)")
    if formula and formula.startswith("Fernández"):
        out.append("  (Fernández Huerta: 0-100, higher is easier; reading_grade is checked "
                   "for English courses only)")
    return out


def summary(findings: list[Problem]) -> str:
    """One line for ``build``: how many item-quality findings of each rule."""
    counts: dict[str, int] = {}
    for p in findings:
        counts[p.rule] = counts.get(p.rule, 0) + 1
    if not counts:
        return "Item quality: no findings."
    parts = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    total = sum(counts.values())
    return (f"Item quality: {total} warning{'s' if total != 1 else ''} ({parts}); "
            "coursepack check lists each with its place and a fix.")


def as_json(course: Course | None, problems: list[Problem], *, strict: bool,
            coverage: list | None = None) -> dict:
    """Everything ``check`` finds, for CI and editors (``check --format json``)."""
    errors = sum(1 for p in problems if p.level == "error")
    out: dict = {
        "ok": errors == 0, "strict": strict, "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [p.as_dict() for p in sorted(problems)],
        "course": None, "reading": None, "coverage": None,
    }
    if course is None:
        return out
    out["course"] = {"id": course.id, "title": course.title, "version": course.version,
                     "language": course.language}
    rows, total = reading(course)

    def row(r: Reading) -> dict:
        st = r.stats
        return {"unit": r.unit or None, "words": st.words, "sentences": st.sentences,
                "syllables": st.syllables, "reading_minutes": round(st.minutes, 1),
                "questions": r.questions, "estimated_minutes": round(r.minutes, 1),
                "duration": r.duration,
                "grade": None if st.grade is None else round(st.grade, 1),
                "ease": None if st.ease is None else round(st.ease, 1)}

    out["reading"] = {"words_per_minute": readability.WORDS_PER_MINUTE,
                      "formula": total.stats.formula or None,
                      "modules": [row(r) for r in rows], "course": row(total)}
    if coverage is not None:
        out["coverage"] = [{"objective": o, "taught_by": list(t), "assessed_by": list(a)}
                           for o, t, a in coverage]
    return out
