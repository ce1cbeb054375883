"""Branching scenarios as graphs a designer can read: plain text or Graphviz DOT."""

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
