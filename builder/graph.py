"""Branching scenarios as graphs: their longest path (the resume state's and the score's
limits), and views a designer can read: plain text or Graphviz DOT."""

from __future__ import annotations

import json

from markupsafe import Markup

from builder.model import Assessment


def _text(html: str, limit: int = 60) -> str:
    text = " ".join(Markup(html).striptags().split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_text(a: Assessment) -> str:
    lines = [f"{a.id}: {a.title} (start: {a.start})"]
    for node in a.nodes:
        lines.append(f"{node.id}{'  [ending]' if node.ending else ''}")
        for c in node.choices:
            lines.append(f"  {c.id} (+{c.score}) -> {c.next}  {_text(c.html)}")
    return "\n".join(lines) + "\n"


def as_dot(a: Assessment) -> str:
    def q(text: str) -> str:  # DOT strings: double-quoted, backslash escapes, as in JSON
        return json.dumps(text, ensure_ascii=False)

    lines = [f"digraph {q(a.id)} {{", "  rankdir=TB;",
             '  node [shape=box, fontname="sans-serif"];', f"  label={q(a.title)}; labelloc=t;"]
    for node in a.nodes:
        shape = "doubleoctagon" if node.ending else "box"
        style = ", style=bold" if node.id == a.start else ""
        lines.append(f"  {q(node.id)} [label={q(node.id + chr(10) + _text(node.html, 40))}, "
                     f"shape={shape}{style}];")
    for node in a.nodes:
        for c in node.choices:
            label = f"{c.id} (+{c.score})"
            lines.append(f"  {q(node.id)} -> {q(c.next)} [label={q(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def longest_path(a: Assessment) -> tuple[int, int]:
    """(most decisions on any path, most points on any path) from the start node.

    Iterative (scenarios can be long chains). The validator rejects loops and dangling
    links; should one slip through, a node already on the current path counts as an
    ending, so this always terminates.
    """
    nodes = {n.id: n for n in a.nodes}
    memo: dict[str, tuple[int, int]] = {}

    def leaf(nid: str | None) -> bool:
        node = nodes.get(nid or "")
        return node is None or node.ending or not node.choices

    if a.start is None or leaf(a.start):
        return 0, 0
    on_path = {a.start}
    stack = [a.start]
    while stack:
        nid = stack[-1]
        pending = [c.next for c in nodes[nid].choices
                   if not leaf(c.next) and c.next not in memo and c.next not in on_path]
        if pending:
            on_path.add(pending[0])
            stack.append(pending[0])
            continue
        best = [memo.get(c.next, (0, 0)) if not leaf(c.next) and c.next not in on_path
                else (0, 0) for c in nodes[nid].choices]
        memo[nid] = (1 + max(b[0] for b in best),
                     max(b[1] + c.score for b, c in zip(best, nodes[nid].choices, strict=True)))
        on_path.discard(nid)
        stack.pop()
    return memo[a.start]
