"""Rules across the whole loaded course. Each rule adds :class:`Problem`s; none stops early.

The loader has checked the shape of each file; here we check that the pieces fit:
ids are unique and every reference resolves, every question can be answered, every
branching scenario ends, every objective is taught and assessed, and the resume state
fits the standard's limits, and the theme's colours are readable.
"""

from __future__ import annotations

from collections import Counter

from builder import runtime
from builder import theme as looks
from builder.components.questions import question_type
from builder.errors import Problem, did_you_mean
from builder.model import Assessment, Course, Module, Question
from builder.packagers import PACKAGERS, packager


def validate(course: Course, targets: tuple[str, ...] = (), *,
             complete: bool = True) -> list[Problem]:
    """Every rule's problems. ``complete`` is False when some source files could not be
    loaded: the rules across files then stay quiet, since they would only report what is
    missing because of those files (an objective "not taught" by the module that failed)."""
    problems: list[Problem] = []
    rules = ((unique_ids, tracking, questions, branching, objectives, citations, glossary,
              theme) if complete else (unique_ids, questions, branching, theme))
    for rule in rules:
        rule(course, problems)
    limits(course, targets or course.targets, problems)
    return problems


def unique_ids(course: Course, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for o in course.objectives:
        if o.id in seen:
            problems.append(Problem("course.yaml", o.source.line, "objectives",
                                    f"objective id '{o.id}' is used twice"))
        seen[o.id] = o.source.file
    qids: dict[str, str] = {}
    for q in all_questions(course):
        if q.id in qids:
            problems.append(Problem(q.source.file, q.source.line, "id", f"question id '{q.id}' "
                                    f"is already used in {qids[q.id]}",
                                    "question ids must be unique across the course"))
        else:
            qids[q.id] = f"{q.source.file}:{q.source.line}"
        for cid, n in Counter(c.id for c in q.choices).items():
            if n > 1:
                problems.append(Problem(q.source.file, q.source.line, "choices",
                                        f"choice id '{cid}' appears {n} times in question "
                                        f"'{q.id}'"))
    problems.extend(_used_twice(course.references, "reference"))
    problems.extend(_used_twice(course.glossary, "glossary"))


def _used_twice(entries, what: str) -> list[Problem]:
    """One problem per id used more than once among ``entries``, at its first use."""
    counts = Counter(e.id for e in entries)
    out = []
    for e in entries:
        if counts[e.id] > 1:
            out.append(Problem(e.source.file, e.source.line, "id",
                               f"{what} id '{e.id}' is used twice"))
            counts[e.id] = 0
    return out


def all_questions(course: Course) -> list[Question]:
    out = []
    for unit in course.outline:
        if isinstance(unit, Module):
            for page in unit.pages:
                out += page.questions
        else:
            out += unit.questions
    return out


def tracking(course: Course, problems: list[Problem]) -> None:
    t = course.tracking
    line = t.source.line
    if t.assessment is not None:
        unit = course.unit(t.assessment)
        if unit is None:
            problems.append(Problem("course.yaml", line, "tracking.assessment",
                                    f"'{t.assessment}' is not an assessment in the outline",
                                    did_you_mean(t.assessment, [a.id for a in course.assessments])
                                    or "add it to the outline"))
        elif not isinstance(unit, Assessment):
            problems.append(Problem("course.yaml", line, "tracking.assessment",
                                    f"'{t.assessment}' is a module, not an assessment",
                                    "name a file from scenarios/"))
    for i, rid in enumerate(t.require):
        unit = course.unit(rid)
        key = f"tracking.require[{i}]"
        if not isinstance(unit, Assessment):
            problems.append(Problem("course.yaml", line, key, f"'{rid}' is not an assessment "
                                    "in the outline", did_you_mean(rid, [a.id for a in
                                                                       course.assessments])
                                    or "name a file from scenarios/ that the outline lists"))
        elif rid == t.assessment or t.require.index(rid) != i:
            problems.append(Problem("course.yaml", line, key, f"'{rid}' is counted twice",
                                    "list each assessment once"))
        elif unit.mastery_score is not None and unit.mastery_score != t.mastery_score:
            problems.append(Problem(unit.source.file, 1, "mastery_score", f"'{rid}' counts "
                                    "towards the course result, so it uses the course's pass "
                                    f"mark ({t.mastery_score}), not {unit.mastery_score}",
                                    "drop its mastery_score: the course score is the lowest "
                                    "of the counted assessments' scores, judged by one pass "
                                    "mark"))
    if t.require and t.completion not in ("passed", "both"):
        problems.append(Problem("course.yaml", line, "tracking.require", "'require' needs "
                                "completion 'passed' or 'both'", "or drop 'require'"))
    if t.completion in ("passed", "both"):
        if t.assessment is None:
            problems.append(Problem("course.yaml", line, "tracking.assessment",
                                    f"completion '{t.completion}' needs an assessment to pass",
                                    "add 'assessment: <scenario id>' under tracking, or use "
                                    "'completion: viewed'"))
        if t.mastery_score is None:
            problems.append(Problem("course.yaml", line, "tracking.mastery_score",
                                    f"completion '{t.completion}' needs a pass mark",
                                    "add 'mastery_score: 80' (percent) under tracking"))


def questions(course: Course, problems: list[Problem]) -> None:
    for q in all_questions(course):
        where = (q.source.file, q.source.line)
        if q.scored and not (q.feedback_correct_html and q.feedback_incorrect_html):
            missing = " and ".join(k for k, v in (("correct", q.feedback_correct_html),
                                                   ("incorrect", q.feedback_incorrect_html))
                                   if not v)
            problems.append(Problem(*where, "feedback", f"question '{q.id}' has no feedback "
                                    f"for {'an' if missing[0] == 'i' else 'a'} {missing} answer",
                                    "add feedback: {correct: ..., incorrect: ...} that "
                                    "explains why"))
        question_type(q.type).check(q, problems)  # the type's own rules
    for a in course.assessments:
        if not a.draw:
            continue
        pooled = sorted({o for q in a.questions for o in q.objectives})
        if len(pooled) > a.draw:
            problems.append(Problem(a.source.file, 1, "draw", f"draw {a.draw} cannot show "
                                    f"every one of the pool's {len(pooled)} objectives in "
                                    "every attempt", f"draw at least {len(pooled)} questions, "
                                    "or assess fewer objectives in this pool (each drawn "
                                    "question covers at least one objective not yet covered)"))
    tracked = course.unit(course.tracking.assessment or "")
    if isinstance(tracked, Assessment) and not tracked.branching and \
            not any(q.scored for q in tracked.questions):
        problems.append(Problem("course.yaml", course.tracking.source.line,
                                "tracking.assessment", f"'{tracked.id}' has no scored "
                                "questions (likert questions are not scored), so it cannot "
                                "give a pass mark", "track another assessment"))


def branching(course: Course, problems: list[Problem]) -> None:
    for a in course.assessments:
        if not a.branching:
            continue
        file = a.source.file
        nodes = {}
        for n in a.nodes:
            if n.id in nodes:
                problems.append(Problem(file, n.source.line, "id", f"node id '{n.id}' is used "
                                        "twice"))
            nodes[n.id] = n
        if a.start and a.start not in nodes:
            continue  # the loader reported it, with the line of 'start'
        broken = False
        for n in a.nodes:
            if n.ending and n.choices:
                problems.append(Problem(file, n.source.line, "choices", f"node '{n.id}' is an "
                                        "ending but has choices", "remove 'ending: true' or "
                                        "the choices"))
            if not n.ending and not n.choices:
                problems.append(Problem(file, n.source.line, "choices", f"node '{n.id}' is a "
                                        "dead end: it has no choices and is not an ending",
                                        "add choices, or mark it 'ending: true'"))
            for c in n.choices:
                if not c.feedback_html:
                    problems.append(Problem(file, c.source.line, "feedback", f"choice "
                                            f"'{c.id}' of node '{n.id}' has no feedback",
                                            "say what happens and why, so the learner "
                                            "learns from the choice"))
                if c.next and c.next not in nodes:
                    broken = True
                    problems.append(Problem(file, c.source.line, "next", f"choice '{c.id}' of "
                                            f"node '{n.id}' leads to '{c.next}', which does "
                                            "not exist", did_you_mean(c.next, nodes)))
        if broken or not a.start:
            continue
        reachable: set[str] = set()
        stack = [a.start]
        while stack:
            nid = stack.pop()
            if nid in reachable:
                continue
            reachable.add(nid)
            stack += [c.next for c in nodes[nid].choices if c.next]
        for n in a.nodes:
            if n.id not in reachable:
                problems.append(Problem(file, n.source.line, "id", f"node '{n.id}' cannot be "
                                        f"reached from the start node '{a.start}'",
                                        "link to it from a choice, or delete it"))
        cycle = _find_cycle(nodes, a.start)
        if cycle:
            first = nodes[cycle[0]]
            problems.append(Problem(file, first.source.line, "next", "the scenario loops: "
                                    + " -> ".join(cycle), "every path must move forward to "
                                    "an ending; branch to a new node instead of going back"))


def _find_cycle(nodes: dict, start: str) -> list[str] | None:
    """The first loop found on a walk from ``start``, as node ids, or None.

    Depth first without recursion, so a scenario of any length cannot overflow the stack.
    """
    done: set[str] = set()
    path: list[str] = [start]
    on_path = {start}
    todo = [iter(nodes[start].choices)]
    while todo:
        c = next(todo[-1], None)
        if c is None:
            todo.pop()
            done.add(path[-1])
            on_path.discard(path.pop())
            continue
        if not c.next or c.next not in nodes or c.next in done:
            continue
        if c.next in on_path:
            return path[path.index(c.next):] + [c.next]
        path.append(c.next)
        on_path.add(c.next)
        todo.append(iter(nodes[c.next].choices))
    return None


def objectives(course: Course, problems: list[Problem]) -> None:
    known = {o.id for o in course.objectives}
    taught: set[str] = set()
    assessed: set[str] = set()

    def check(ids, file, line, key):
        for oid in ids:
            if oid not in known:
                problems.append(Problem(file, line, key, f"unknown objective '{oid}'",
                                        did_you_mean(oid, known) or
                                        "objectives are declared in course.yaml"))

    for unit in course.outline:
        if isinstance(unit, Module):
            check(unit.objectives, unit.source.file, 2, "objectives")
            taught.update(unit.objectives)
        else:
            check(unit.objectives, unit.source.file, 0, "objectives")
            assessed.update(unit.objectives)
            for n in unit.nodes:
                check(n.objectives, n.source.file, n.source.line, "objectives")
                if n.choices:
                    assessed.update(n.objectives)
            for q in unit.questions:
                check(q.objectives, q.source.file, q.source.line, "objectives")
                if q.scored:
                    assessed.update(q.objectives)
    for unit in course.modules:
        for page in unit.pages:
            for q in page.questions:
                check(q.objectives, q.source.file, q.source.line, "objectives")
    for o in course.objectives:
        if o.id not in taught:
            problems.append(Problem("course.yaml", o.source.line, "objectives",
                                    f"objective '{o.id}' is not taught by any module",
                                    "list it under 'objectives:' in the front matter of the "
                                    "module that teaches it"))
        if o.id not in assessed and course.assessments:
            problems.append(Problem("course.yaml", o.source.line, "objectives",
                                    f"objective '{o.id}' is not assessed by any question",
                                    "add it to 'objectives:' of an assessment question"))


def coverage(course: Course) -> list[tuple[str, list[str], list[str]]]:
    """For each objective: the modules that teach it and the questions that assess it."""
    out = []
    for o in course.objectives:
        taught = [m.id for m in course.modules if o.id in m.objectives]
        assessed = []
        for a in course.assessments:
            if o.id in a.objectives or any(o.id in n.objectives for n in a.nodes):
                assessed.append(a.id)
            assessed += [f"{a.id}/{q.id}" for q in a.questions
                         if o.id in q.objectives and q.scored]
        out.append((o.id, taught, assessed))
    return out


def citations(course: Course, problems: list[Problem]) -> None:
    refs = {r.id for r in course.references}
    cited: set[str] = set()
    for text in course.texts:
        for c in text.citations:
            cited.add(c.ref)
            if c.ref not in refs:
                problems.append(Problem(c.source.file, c.source.line, "", f"citation [@{c.ref}] "
                                        "has no entry in references.yaml",
                                        did_you_mean(c.ref, refs) or "add the source to "
                                        "references.yaml"))
    for g in course.glossary:
        if g.source_ref:
            cited.add(g.source_ref)
            if g.source_ref not in refs:
                problems.append(Problem(g.source.file, g.source.line, "source",
                                        f"source '{g.source_ref}' has no entry in "
                                        "references.yaml", did_you_mean(g.source_ref, refs)))
    for r in course.references:
        if r.id not in cited:
            problems.append(Problem(r.source.file, r.source.line, "id", f"reference '{r.id}' "
                                    "is never cited", "cite it with [@" + r.id + "] where it "
                                    "supports a statement, or remove it"))


def glossary(course: Course, problems: list[Problem]) -> None:
    names = {}
    for g in course.glossary:
        for name in (g.id, g.term, *g.aliases):
            names[name.lower()] = g.id
    for text in course.texts:
        for t in text.terms:
            if t.term.lower() not in names:
                problems.append(Problem(t.source.file, t.source.line, "", f"glossary term "
                                        f"[[{t.term}]] is not in glossary.yaml",
                                        did_you_mean(t.term.lower(), names) or
                                        "add it to glossary.yaml (id, term or alias)"))


def theme(course: Course, problems: list[Problem]) -> None:
    """The theme's text, brand text and link colours need a contrast of 4.5:1 (WCAG 2.1 AA)
    on their backgrounds, in each colour scheme the theme sets."""
    th = course.theme
    if th is None:
        return
    for prefix, colours, scheme in (("", th.light, "light"), ("dark.", th.dark, "dark")):
        if colours is None or not colours.given():
            continue  # the default theme's colours
        values = looks.effective(colours, scheme)
        for fg, bg, ratio in looks.low_contrast(values):
            own = {k for k in (fg, bg) if getattr(colours, k) is not None}
            key = fg if fg in own or bg not in own else bg
            label = looks.LABELS
            message = (f"{label[fg]} {values[fg]} on {label[bg]} {values[bg]} has a contrast "
                       f"ratio of {looks.ratio_text(ratio)}; WCAG 2.1 AA needs at least "
                       f"{looks.MIN_CONTRAST}:1")
            if fg == "link" and colours.link is None:
                message += " (the link colour defaults to the brand colour)"
            hint = (f"for example {prefix}{fg}: '{looks.suggest(values[fg], values[bg])}', or "
                    f"another {label[bg]}; check pairs at https://webaim.org/resources/"
                    "contrastchecker/")
            problems.append(Problem("course.yaml", th.line_of(prefix + key),
                                    f"theme.{prefix}{key}", message, hint))


def limits(course: Course, targets: tuple[str, ...], problems: list[Problem]) -> None:
    """The bookmark and the resume state must fit what each target's standard stores."""
    worst = runtime.worst_case_suspend(course)
    for target in targets:
        standard = packager(target)
        location_limit = standard.location_limit
        for p in runtime.pages(course):
            if location_limit and len(p.location) > location_limit:
                problems.append(Problem("course.yaml", 0, "outline", f"the bookmark "
                                        f"'{p.location}' is longer than the {location_limit} "
                                        f"characters {target} allows",
                                        "use shorter module and page ids"))
        suspend_limit = standard.suspend_limit
        if suspend_limit and worst > suspend_limit:
            roomiest = max((p for p in PACKAGERS.values() if p.suspend_limit),
                           key=lambda p: p.suspend_limit or 0)
            problems.append(Problem("course.yaml", 0, "outline", f"the resume state can grow "
                                    f"to {worst} characters, more than {standard.standard}'s "
                                    f"{suspend_limit}", "split the course into several "
                                    "packages, use fewer questions and choices, or build "
                                    f"another target ({roomiest.name} stores "
                                    f"{roomiest.suspend_limit} characters)"))
