"""Synthetic courses for the benchmarks: any number of modules, pages and questions.

``make_course(dest, modules, pages_per_module, questions)`` writes a complete course folder
that ``coursepack build`` accepts (see docs/authoring.md for the format):

- ``course.yaml``: objectives, outline, tracking (``both``, 80%, the first quiz);
- ``modules/NNNN-mN.md``: ``pages_per_module`` pages, each with a few paragraphs (with a
  citation and a glossary term), a bulleted list; the first page of a module shows one small
  SVG (``modules/fig-mN.svg``), the last page has a table; ``kc_per_module`` knowledge
  checks spread over the pages;
- ``scenarios/quiz.yaml`` (or ``quiz-1.yaml`` ... with ``quizzes > 1``): ``questions``
  questions cycling through single choice (4 choices), multiple choice (4 choices, 2
  correct) and true-false. By default (``quizzes=None``) a quiz holds at most
  ``QUIZ_MAX`` questions (about 1 MB of YAML; the builder refuses a text file over 2 MB):
  more questions are split over as many quizzes as that takes;
- ``glossary.yaml`` and ``references.yaml`` with a few entries, all used.

Objectives are wired so the build's coverage rule holds: there are
``min(modules, questions, 50)`` objectives (``modules`` and at most 50 when there is no
quiz); module ``i`` teaches objective ``i mod n``, quiz question ``k`` assesses objective
``k mod n``, so every objective is taught by a module and assessed by a question.

All text comes from ``random.Random(seed)``: the same arguments give the same bytes.

SCORM 1.2 limits the resume state (``cmi.suspend_data``) to 4096 characters. The builder
refuses a course whose worst-case state could exceed it. ``suspend_estimate`` mirrors the
format documented in ``builder/state.py`` (a visited-pages bitset of one character per 6
pages, then the knowledge checks' and each quiz's answers packed as bit fields: 3 bits a
single-choice answer, 4 a multiple-choice one, 2 a true-false one) so the benchmark can
pick the largest question count that still builds. Splitting questions over several
quizzes never helps the resume state: each extra quiz adds its own header (key,
fingerprint, attempts, flags, score: 18 characters) and a separator; the split by
``QUIZ_MAX`` is there for the builder's file size limit, and the estimate counts it.
"""

from __future__ import annotations

import math
import random
import shutil
from pathlib import Path

import yaml

SUSPEND_LIMIT = 4096
#: a quiz's entry: key, fingerprint, attempts (4 digits), "!", "=score", ":"
QUIZ_HEAD = 4 + 4 + 4 + 1 + len("=100") + 1
TYPES = ("choice", "multiple", "true-false")
CHOICES = 4  # choices per choice / multiple question
#: the most questions one quiz file holds when ``quizzes`` is not given: about 530 bytes of
#: YAML a question, so about 1 MB a file (the builder refuses text files over 2 MB)
QUIZ_MAX = 2000

WORDS = """school program officer student teacher community safety plan policy review
partner agency training report data record meeting district parent counselor principal
campus incident response support guidance practice standard outcome resource method role
duty measure trust respect process evidence example summary goal skill approach context
schedule budget audit survey feedback team leader network service region local state
national local annual monthly weekly clear careful simple shared written formal informal
early later central common useful known specific general""".split()

GLOSSARY = [
    ("widget", "Widget", ["widgets"]),
    ("rubric", "Rubric", ["rubrics"]),
    ("cohort", "Cohort", ["cohorts"]),
    ("baseline", "Baseline", ["baselines"]),
    ("pilot", "Pilot program", ["pilot", "pilots"]),
    ("charter", "Charter", ["charters"]),
]
N_REFERENCES = 8


def answer_bits(qtype: str) -> int:
    """Bits one packed answer takes in the resume state (see builder/state.py): single
    choice 0..4 (3 bits), multiple choice one bit a choice, true-false 0..2 (2 bits)."""
    return {"choice": 3, "multiple": CHOICES, "true-false": 2}[qtype]


def qtype(k: int, mix: str = "mixed") -> str:
    return "choice" if mix == "choice" else TYPES[k % len(TYPES)]


def _answers(n: int, mix: str, offset: int = 0) -> int:
    """Characters of ``n`` packed answers (base64url bit field, then ":")."""
    return math.ceil(sum(answer_bits(qtype(offset + k, mix)) for k in range(n)) / 6) + 1


def quiz_count(questions: int, quizzes: int | None = None) -> int:
    """``quizzes``, or when None as many as ``QUIZ_MAX`` questions a quiz takes."""
    return quizzes if quizzes is not None else max(1, math.ceil(questions / QUIZ_MAX))


def quiz_sizes(questions: int, quizzes: int | None = None) -> list[int]:
    quizzes = quiz_count(questions, quizzes)
    quizzes = max(1, min(quizzes, questions)) if questions else 0
    return [questions // quizzes + (1 if i < questions % quizzes else 0) for i in range(quizzes)]


def suspend_estimate(modules: int, pages_per_module: int, questions: int,
                     kc_per_module: int = 0, quizzes: int | None = None,
                     mix: str = "mixed") -> int:
    """The worst-case resume state the builder will compute for ``make_course(...)``."""
    sizes = quiz_sizes(questions, quizzes)
    pages = modules * pages_per_module + len(sizes)
    kcs = modules * kc_per_module
    total = len("2|") + 10 + 1 + 1 + math.ceil(pages / 6) + 1 + _answers(kcs, mix) + 1
    offset = 0
    for n in sizes:
        total += QUIZ_HEAD + _answers(n, mix, offset)
        offset += n
    return total + max(len(sizes) - 1, 0) + len("|") + 4


def largest_fitting(modules: int, pages_per_module: int, kc_per_module: int = 0,
                    quizzes: int | None = None, mix: str = "mixed", limit: int = SUSPEND_LIMIT) -> int:
    """The most quiz questions a course of this shape can hold within ``limit`` (with
    ``quizzes=None``, split as :func:`make_course` splits them)."""
    lo, hi = 0, 10 * limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if suspend_estimate(modules, pages_per_module, mid, kc_per_module, quizzes, mix) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


# -- text -------------------------------------------------------------------------------

class _Text:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def sentence(self, lo: int = 8, hi: int = 16) -> str:
        s = self.words(self.rng.randint(lo, hi))
        return s[0].upper() + s[1:] + "."

    def title(self, lo: int = 2, hi: int = 5) -> str:
        return self.words(self.rng.randint(lo, hi)).capitalize()

    def paragraph(self, extra: str = "") -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(3, 5))]
        if extra:
            sentences[-1] = sentences[-1][:-1] + " " + extra + "."
        return " ".join(sentences)


def _svg(label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" '
            f'viewBox="0 0 240 80" role="img"><title>{label}</title>'
            f'<rect x="1" y="1" width="110" height="78" fill="#fff" stroke="#000"/>'
            f'<rect x="129" y="1" width="110" height="78" fill="#eee" stroke="#000"/>'
            f'<path d="M111 40h18" stroke="#000"/>'
            f'<text x="12" y="45" font-size="14">Input</text>'
            f'<text x="140" y="45" font-size="14">Outcome</text></svg>\n')


def _question(t: _Text, qid: str, k: int, mix: str, objective: str | None) -> dict:
    kind = qtype(k, mix)
    q: dict = {"id": qid, "type": kind, "prompt": t.sentence(8, 14)[:-1] + "?"}
    if objective:
        q["objectives"] = [objective]
    if kind == "true-false":
        q["answer"] = k % 2 == 0
    else:
        correct = {t.rng.randrange(CHOICES)}
        if kind == "multiple":
            correct.add((min(correct) + 1 + t.rng.randrange(CHOICES - 1)) % CHOICES)
        q["choices"] = []
        for c in range(CHOICES):
            choice = {"id": "abcdefgh"[c], "text": t.sentence(4, 9)}
            if c in correct:
                choice["correct"] = True
            q["choices"].append(choice)
    q["feedback"] = {"correct": "Right. " + t.sentence(5, 9),
                     "incorrect": "Not quite. " + t.sentence(5, 9)}
    return q


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def make_course(dest: Path, modules: int, pages_per_module: int, questions: int,
                kc_per_module: int = 0, images: bool = True, *, paragraphs: int = 3,
                quizzes: int | None = None, mix: str = "mixed", seed: int = 1) -> Path:
    """Write a synthetic course folder at ``dest`` (replaced if it exists); return it.

    ``paragraphs`` per page; ``quizzes`` splits the questions over that many assessment
    files (None: as many as it takes to hold at most ``QUIZ_MAX`` each); ``mix`` is ``mixed`` (choice / multiple / true-false in turn) or ``choice``
    (single choice only, the smallest resume state per question).
    """
    if modules < 1 or pages_per_module < 1:
        raise ValueError("a course needs at least one module with one page")
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "modules").mkdir(parents=True)
    t = _Text(seed)
    width = max(2, len(str(modules)))
    sizes = quiz_sizes(questions, quizzes)
    n_obj = max(1, min(modules, questions, 50) if questions else min(modules, 50))
    objectives = [f"obj-{i + 1}" for i in range(n_obj)]
    refs = [f"ref-{i + 1}" for i in range(N_REFERENCES)]
    quiz_ids = ["quiz"] if len(sizes) == 1 else [f"quiz-{i + 1}" for i in range(len(sizes))]

    # references.yaml and glossary.yaml
    (dest / "references.yaml").write_text(_dump([
        {"id": r, "short": f"Author {chr(65 + i)}, {2010 + i}",
         "text": f"Author {chr(65 + i)}. {t.title(3, 6)}. Publisher, {2010 + i}.",
         "url": f"https://example.org/{r}"} for i, r in enumerate(refs)]), "utf-8")
    (dest / "glossary.yaml").write_text(_dump([
        {"id": gid, "term": term, "aliases": aliases, "definition": t.sentence(8, 14),
         "source": refs[i % len(refs)]} for i, (gid, term, aliases) in enumerate(GLOSSARY)]),
        "utf-8")

    # modules
    module_ids = []
    kc_counter = 0
    for m in range(1, modules + 1):
        mid = f"m{m}"
        module_ids.append(mid)
        objective = objectives[(m - 1) % n_obj]
        out = ["---", f"title: {t.title(2, 4)}", f"duration: {5 + m % 20}",
               f"objectives: [{objective}]", "---", ""]
        kcs_on_page: dict[int, int] = {}
        for j in range(kc_per_module):
            page = j * pages_per_module // kc_per_module if kc_per_module else 0
            kcs_on_page[page] = kcs_on_page.get(page, 0) + 1
        for p in range(pages_per_module):
            out += [f"# {t.title()} {{#p{p + 1}}}", ""]
            for i in range(paragraphs):
                extra = ""
                if i == 0:
                    extra = f"[@{refs[(m + p) % len(refs)]}]"
                elif i == 1:
                    gid, term, aliases = GLOSSARY[(m * 7 + p) % len(GLOSSARY)]
                    extra = f"as the [[{aliases[0]}]] shows"
                out += [t.paragraph(extra), ""]
            if p == 0 and images:
                out += [f"![Diagram for module {m}: how an input leads to an outcome]"
                        f"(fig-{mid}.svg)", ""]
            out += [f"- {t.sentence(4, 8)}" for _ in range(4)] + [""]
            if p == pages_per_module - 1:
                out += ["| Item | Who | When |", "| --- | --- | --- |"]
                out += [f"| {t.title(1, 3)} | {t.title(1, 2)} | {t.title(1, 2)} |"
                        for _ in range(4)]
                out += [""]
            for _ in range(kcs_on_page.get(p, 0)):
                kc_counter += 1
                q = _question(t, f"kc-{mid}-{kc_counter}", kc_counter - 1, mix, objective)
                out += ["```question", _dump(q).rstrip("\n"), "```", ""]
        name = f"{m:0{width}d}-{mid}.md"
        (dest / "modules" / name).write_text("\n".join(out), "utf-8")
        if images:
            (dest / "modules" / f"fig-{mid}.svg").write_text(
                _svg(f"Module {m}: input and outcome"), "utf-8")

    # scenarios
    if sizes:
        (dest / "scenarios").mkdir()
    k = 0
    for qi, (quiz_id, n) in enumerate(zip(quiz_ids, sizes, strict=True)):
        qs = []
        for _ in range(n):
            qs.append(_question(t, f"q-{k + 1}", k, mix, objectives[k % n_obj]))
            k += 1
        title = "Final Quiz" if len(sizes) == 1 else f"Quiz {qi + 1}"
        (dest / "scenarios" / f"{quiz_id}.yaml").write_text(_dump(
            {"title": title, "intro": f"Answer all {n} questions. You need 80% to pass.",
             "attempts": 0, "questions": qs}), "utf-8")

    # course.yaml
    course = {
        "id": f"synth-{modules}x{pages_per_module}-q{questions}",
        "title": f"Synthetic Course: {modules} modules, {modules * pages_per_module} pages",
        "version": "1.0.0",
        "language": "en",
        "description": "A generated course for benchmarks. Sources: "
                       + "".join(f"[@{r}]" for r in refs) + "\n",
        "audience": ["Benchmark runners"],
        "objectives": [{"id": o, "text": t.sentence(5, 10)} for o in objectives],
        "outline": module_ids + quiz_ids,
        "tracking": ({"completion": "both", "mastery_score": 80, "assessment": quiz_ids[0]}
                     if sizes else {"completion": "viewed"}),
    }
    (dest / "course.yaml").write_text(_dump(course), "utf-8")
    return dest


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write one synthetic course folder.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--modules", type=int, default=10)
    parser.add_argument("--pages", type=int, default=10, help="pages per module")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--kc", type=int, default=0, help="knowledge checks per module")
    parser.add_argument("--quizzes", type=int, default=None,
                        help=f"default: one per {QUIZ_MAX} questions")
    parser.add_argument("--no-images", action="store_true")
    a = parser.parse_args()
    make_course(a.dest, a.modules, a.pages, a.questions, a.kc, not a.no_images,
                quizzes=a.quizzes)
    print(f"wrote {a.dest}; resume state at most "
          f"{suspend_estimate(a.modules, a.pages, a.questions, a.kc, a.quizzes)} characters")
