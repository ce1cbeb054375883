"""The scripted learners of `coursepack play`.

A learner plays a coursepack package from the course data its shell carries (pages,
knowledge checks and quiz questions with their answers, scenario graphs), never by
guessing at the page: it moves with the course's own Next button and menu, waits for a
page to show (pages may be inserted into the DOM only when their module opens), answers
the questions the data names, and notes what it did so that the expected outcome can be
computed from the tracking rules (builder/play/expect.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# -- what a learner did -----------------------------------------------------------------


@dataclass
class Outcome:
    """What one learner did, for the expectations."""

    visited: set[int] = field(default_factory=set)
    scores: dict[int, list[int]] = field(default_factory=dict)   #: assessment -> attempts
    answers: int = 0               #: questions answered and checked, submitted or chosen
    paths: dict[int, list[str]] = field(default_factory=dict)    #: scenario -> endings
    points: dict[int, int] = field(default_factory=dict)         #: scenario -> so far
    notes: list[str] = field(default_factory=list)               #: resume checks that failed


def js_round(x: float) -> int:
    """Math.round, as the course rounds its scores."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


# -- strategies -------------------------------------------------------------------------


class Strategy:
    """How a learner answers. ``answer(q)`` gives (what to enter, right or not)."""

    name = "pass"

    def retry(self, attempts: int, used: int) -> bool:
        """Try a failed assessment again (``attempts`` 0: unlimited)?"""
        return False

    def answer(self, q: dict) -> tuple[object, bool]:
        return right_answer(q), True

    def choose(self, scenario: dict, node: str) -> int:
        choices = scenario["nodes"][node]["choices"]
        return max(range(len(choices)), key=lambda i: best_points(scenario, choices[i]["next"])
                   + choices[i]["score"])


class Fail(Strategy):
    name = "fail"

    def retry(self, attempts: int, used: int) -> bool:
        return used < (attempts or 2)     # until attempts run out; unlimited: fail twice

    def answer(self, q: dict) -> tuple[object, bool]:
        if not q.get("scored"):
            return right_answer(q), True
        return wrong_answer(q), False

    def choose(self, scenario: dict, node: str) -> int:
        choices = scenario["nodes"][node]["choices"]
        return min(range(len(choices)), key=lambda i: worst_points(scenario, choices[i]["next"])
                   + choices[i]["score"])


class FirstOption(Strategy):
    """Always the first option as written (index 0): a course whose assessment this passes
    has an answer key a guesser can beat. Types without options are answered wrongly."""

    name = "first-option"

    def answer(self, q: dict) -> tuple[object, bool]:
        if q["type"] in ("choice", "true-false", "likert", "multiple"):
            return [0], q["type"] == "likert" or q.get("correct") == [0]
        return wrong_answer(q), False

    def choose(self, scenario: dict, node: str) -> int:
        return 0


class Random(Strategy):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.name = f"random-{seed}"

    def answer(self, q: dict) -> tuple[object, bool]:
        if q["type"] in ("choice", "true-false", "likert"):
            pick = [self.rng.randrange(q["n"])]
            return pick, q["type"] == "likert" or pick == sorted(q["correct"])
        if q["type"] == "multiple":
            pick = sorted(i for i in range(q["n"]) if self.rng.random() < 0.5) or [0]
            return pick, pick == sorted(q["correct"])
        right = self.rng.random() < 0.5
        return (right_answer(q) if right else wrong_answer(q)), right

    def choose(self, scenario: dict, node: str) -> int:
        return self.rng.randrange(len(scenario["nodes"][node]["choices"]))


class Route(Strategy):
    """Plays one given path through each scenario (choice positions by node)."""

    def __init__(self, choices: dict[str, int], name: str) -> None:
        self.choices = choices
        self.name = name

    def choose(self, scenario: dict, node: str) -> int:
        return self.choices.get(node, 0)


def best_points(s: dict, node: str, memo: dict | None = None) -> int:
    """The most points from ``node`` to an ending (the graph has no loops: validated)."""
    return _points(s, node, max, {} if memo is None else memo)


def worst_points(s: dict, node: str, memo: dict | None = None) -> int:
    return _points(s, node, min, {} if memo is None else memo)


def _points(s: dict, node: str, pick, memo: dict) -> int:
    if node not in memo:
        n = s["nodes"][node]
        memo[node] = 0 if n["ending"] else pick(
            c["score"] + _points(s, c["next"], pick, memo) for c in n["choices"])
    return memo[node]


def ending_paths(s: dict) -> list[dict[str, int]]:
    """One path (node -> choice position) to each ending of a scenario, the shortest."""
    nodes = s["nodes"]
    queue, seen, paths = [(s["start"], {})], {s["start"]}, {}
    while queue:
        node, steps = queue.pop(0)
        if nodes[node]["ending"]:
            paths.setdefault(node, steps)
            continue
        for i, c in enumerate(nodes[node]["choices"]):
            if c["next"] not in seen:
                seen.add(c["next"])
                queue.append((c["next"], {**steps, node: i}))
    return [paths[n] for n in nodes if n in paths]


def right_answer(q: dict) -> object:
    kind = q["type"]
    if kind in ("choice", "true-false", "multiple"):
        return sorted(q["correct"])
    if kind == "likert":
        return [0]
    if kind == "matching":
        return {int(a): int(b) for a, b in (p.split(".") for p in q["pattern"].split(","))}
    if kind == "sequencing":
        order = [int(i) for i in q["pattern"].split(",")]
        return {item: position + 1 for position, item in enumerate(order)}
    if kind == "fill-in":
        return q["accepted"][0]
    if kind == "numeric":
        return _number(q["min"])
    raise ValueError(f"unknown question type {kind!r}")


def wrong_answer(q: dict) -> object:
    kind = q["type"]
    n = q.get("n", 0)
    if kind in ("choice", "true-false", "likert"):
        wrong = [i for i in range(n) if i not in q.get("correct", [])]
        return [wrong[0] if wrong else 0]
    if kind == "multiple":
        wrong = [i for i in range(n) if i not in q["correct"]]
        return [wrong[0]] if wrong else [q["correct"][0]]
    if kind == "matching":
        right = right_answer(q)
        return {c: (t + 1) % n for c, t in right.items()}
    if kind == "sequencing":
        right = right_answer(q)
        return {item: n + 1 - position for item, position in right.items()}
    if kind == "fill-in":
        return "not-" + q["accepted"][0].replace(" ", "-") + "-zz"
    if kind == "numeric":
        return _number(q["max"] + 1 + abs(q["max"]))
    raise ValueError(f"unknown question type {kind!r}")


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# -- playing ----------------------------------------------------------------------------


NEXT = """({page, ms}) => new Promise((resolve, reject) => {
  const next = document.querySelector('.cp-next');
  if (!next || next.disabled || !next.getClientRects().length || next.closest('[inert]'))
    return reject(new Error('the Next button is not there to click'));
  next.click();
  const until = Date.now() + ms;
  (function poll() {
    const s = document.querySelector(`section.page[data-page="${page}"]`);
    if (s && !s.hidden) return resolve(true);
    if (Date.now() > until) return reject(new Error(`page ${page + 1} did not show after Next`));
    setTimeout(poll, 5);
  })();
})"""


# Enters answers into question fieldsets and clicks a button, then waits for what shows:
# one round trip per knowledge check or quiz attempt. Inputs are found by the values the
# course data names (choice index, select data-i); the events are those a learner's
# clicks and typing fire (click on a radio or checkbox, input + change on a select or a
# text field), so the course's own handlers run.
ANSWER = """({root, items, button, wait, ms}) => new Promise((resolve, reject) => {
  const box = document.querySelector(root);
  if (!box) return reject(new Error(`${root} is not in the page`));
  const fire = (el) => { el.dispatchEvent(new Event('input', {bubbles: true}));
                         el.dispatchEvent(new Event('change', {bubbles: true})); };
  for (const {q, type, answer} of items) {
    const fs = box.querySelector(`.cp-question[data-q="${q}"]`);
    if (!fs) return reject(new Error(`question ${q} is not in the page`));
    if (type === 'text') {
      const input = fs.querySelector('input[type="text"]');
      input.value = answer; fire(input);
    } else if (type === 'select') {
      for (const [i, v] of Object.entries(answer)) {
        const sel = fs.querySelector(`select[data-i="${i}"]`);
        if (!sel) return reject(new Error(`question ${q} has no item ${i}`));
        sel.value = String(v); fire(sel);
      }
    } else {
      for (const input of fs.querySelectorAll('input[type="radio"], input[type="checkbox"]')) {
        const want = answer.includes(+input.value);
        if (input.checked !== want) input.click();
      }
    }
  }
  const b = button && box.querySelector(button);
  if (button && (!b || b.disabled || !b.getClientRects().length))
    return reject(new Error(`${button} is not there to click`));
  if (b) b.click();
  const until = Date.now() + ms;
  (function poll() {
    const w = wait ? box.querySelector(wait) : box;
    if (w && !w.hidden && w.getClientRects().length) return resolve(true);
    if (Date.now() > until) return reject(new Error(`${wait} did not show`));
    setTimeout(poll, 5);
  })();
})"""


CHOOSE = """({root, path, last, ended, ms}) => new Promise((resolve, reject) => {
  const box = document.querySelector(root);
  const until = Date.now() + ms;
  const shown = (sel) => { const el = box.querySelector(sel);
                           return el && !el.hidden && el.getClientRects().length ? el : null; };
  let k = 0;
  (function step() {
    if (k === path.length) {
      if (shown(ended ? '.cp-result' : `.cp-node[data-node="${last}"]`)) return resolve(true);
    } else {
      const node = shown(`.cp-node[data-node="${path[k].node}"]`);
      if (node) {
        const input = node.querySelector(`input[value="${path[k].pick}"]`);
        if (!input) return reject(new Error(`node ${path[k].node} has no choice ${path[k].pick}`));
        input.click();
        node.querySelector('.cp-choose').click();
        k += 1;
        return step();
      }
    }
    if (Date.now() > until) return reject(new Error(k === path.length ?
      `the scenario did not reach ${last}` : `scenario node ${path[k].node} did not show`));
    setTimeout(step, 5);
  })();
})"""


def item(q: dict, answer) -> dict:
    kind = "text" if q["type"] in ("fill-in", "numeric") else \
        "select" if q["type"] in ("matching", "sequencing") else "choice"
    if kind == "select":
        answer = {str(k): v for k, v in answer.items()}
    return {"q": q["id"], "type": kind, "answer": answer}


class Walker:
    """Plays a coursepack package in a session (builder/play/session.py) as a strategy."""

    def __init__(self, session, data: dict, strategy: Strategy, outcome: Outcome) -> None:
        self.s = session
        self.data = data
        self.strategy = strategy
        self.out = outcome
        self.units = data["units"]
        self.by_unit = {a["unit"]: i for i, a in enumerate(data["assessments"])}
        self.done_kcs: set[int] = set()

    @property
    def frame(self):
        return self.s.frame

    def section(self, page: int):
        return self.frame.locator(f"section.page[data-page='{page}']")

    def current(self) -> int:
        loc = self.frame.locator("section.page[data-page]:not([hidden])")
        loc.first.wait_for()
        return int(loc.first.get_attribute("data-page"))

    def wait_page(self, page: int) -> None:
        self.frame.locator(f"section.page[data-page='{page}']:not([hidden])").wait_for()
        self.out.visited.add(page)

    def next(self, page: int) -> None:
        """The course's Next button, clicked as a learner would (it must be shown and
        enabled), then the next page waited for: one round trip to the browser."""
        self.s.course_frame().evaluate(NEXT, {"page": page + 1, "ms": 15000})
        self.out.visited.add(page + 1)

    def goto_unit(self, u: int) -> None:
        if not self.frame.locator("#cp-menu").is_visible():
            self.frame.locator(".cp-menu-toggle").click()
        link = self.frame.locator(f".cp-menu li[data-unit='{u}'] a")
        if not link.count():  # a long course's menu lists units in groups: open u's
            self.frame.locator(f"xpath=//li[@data-first<={u} and @data-last>={u}]"
                               "/button").click()
        link.click()
        self.wait_page(self.units[u]["first"])

    def walk(self, stop=None) -> None:
        """From the page shown to the last page, playing each page; ``stop(page)`` true
        stops there (before the page is played)."""
        page = self.current()
        self.out.visited.add(page)
        last = len(self.data["pages"]) - 1
        while True:
            if stop and stop(page):
                return
            self.play_page(page)
            if page >= last:
                return
            self.next(page)
            page += 1

    def play_page(self, page: int) -> None:
        for k, q in enumerate(self.data["kcs"]):
            if q["page"] == page and k not in self.done_kcs:
                self.knowledge_check(page, q)
                self.done_kcs.add(k)
        unit = self.data["pages"][page]["unit"]
        if page == self.units[unit]["first"] and unit in self.by_unit:
            i = self.by_unit[unit]
            if self.data["assessments"][i]["branching"]:
                self.scenario(i)
            else:
                self.quiz(i)

    # -- questions ---------------------------------------------------------------------
    def knowledge_check(self, page: int, q: dict) -> None:
        fs = self.section(page).locator(f".cp-question[data-kind='kc'][data-q='{q['id']}']")
        if fs.locator(".cp-feedback").is_visible():
            return                           # checked before (a resumed learner)
        answer, _ = self.strategy.answer(q)
        root = f"section.page[data-page='{page}']"
        self.s.course_frame().evaluate(ANSWER, {
            "root": root, "items": [item(q, answer)],
            "button": f".cp-question[data-q='{q['id']}'] .cp-check",
            "wait": f".cp-question[data-q='{q['id']}'] .cp-feedback", "ms": 15000})
        self.out.answers += 1

    def quiz(self, i: int, submit: bool = True) -> None:
        """One assessment: every attempt the strategy wants (``submit`` False fills the
        answers in and leaves without submitting)."""
        a = self.data["assessments"][i]
        section = self.section(self.units[a["unit"]]["first"])
        result, retry = section.locator(".cp-result"), section.locator(".cp-retry")
        while True:
            if result.is_visible():
                used = len(self.out.scores.get(i, [])) or 1
                if not (self.strategy.retry(a["attempts"], used) and retry.is_visible()):
                    return
                retry.click()
                section.locator("form.cp-quiz .cp-submit").wait_for()
            questions = {q["id"]: q for q in a["questions"]}
            shown = section.locator("form.cp-quiz .cp-question[data-kind='quiz']:not([hidden])")
            ids = [fs.get_attribute("data-q") for fs in shown.all()]
            total = got = 0.0
            items = []
            for qid in ids:
                q = questions[qid]
                answer, right = self.strategy.answer(q)
                items.append(item(q, answer))
                if q["scored"]:
                    total += q["weight"]
                    got += q["weight"] if right else 0
            page = self.units[a["unit"]]["first"]
            self.s.course_frame().evaluate(ANSWER, {
                "root": f"section.page[data-page='{page}']", "items": items,
                "button": "form.cp-quiz .cp-submit" if submit else None,
                "wait": ".cp-result" if submit else None, "ms": 15000})
            if not submit:
                return
            self.out.answers += len(ids)
            self.out.scores.setdefault(i, []).append(
                js_round(100 * got / total) if total else None)

    def scenario(self, i: int, steps: int | None = None) -> None:
        """One scenario on the strategy's path (``steps`` choices at most, then leave).
        The path is worked out from the scenario graph, then chosen in one round trip."""
        s = self.data["assessments"][i]
        page = self.units[s["unit"]]["first"]
        box = self.section(page).locator(".cp-scenario")
        if box.locator(".cp-result").is_visible():
            return
        el = box.locator(".cp-node:not([hidden])").first
        el.wait_for()
        node = el.get_attribute("data-node")
        if node == s["start"]:
            self.out.points[i] = 0
        path = []
        while not s["nodes"][node]["ending"] and (steps is None or len(path) < steps):
            pick = self.strategy.choose(s, node)
            path.append({"node": node, "pick": pick})
            choice = s["nodes"][node]["choices"][pick]
            self.out.points[i] = self.out.points.get(i, 0) + choice["score"]
            node = choice["next"]
        ended = s["nodes"][node]["ending"]
        self.s.course_frame().evaluate(CHOOSE, {
            "root": f"section.page[data-page='{page}'] .cp-scenario", "path": path,
            "last": node, "ended": ended, "ms": 15000})
        self.out.answers += len(path)
        if not ended:
            return
        points = self.out.points.get(i, 0)
        self.out.scores.setdefault(i, []).append(
            js_round(100 * points / s["maxPoints"]) if s["maxPoints"] else 100)
        self.out.paths.setdefault(i, []).append(node)
