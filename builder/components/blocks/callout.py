"""Callouts: a note, a tip or a warning set apart from the text.

::

    ::: warning Check the date first
    A protective order expires; an expired one cannot be enforced.
    :::

The name is the kind (``note``, ``tip``, ``warning``); the words after it are an optional
title. The callout is a ``role="note"`` box whose first line says its kind in the
course's language ("Warning", "Advertencia"), so colour is never the only sign.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, register
from builder.deferred import Later, concat


@dataclass(frozen=True)
class Callout:
    kind: str  #: note, tip or warning
    title: str
    html: Later


@register
class CalloutBlock(BlockType):
    names = ("note", "tip", "warning")
    template = "components/callout.html"
    style = "static/blocks/callout.css"

    def read(self, block: BlockSource) -> Callout | None:
        if block.items:
            block.problem(f"a '{block.name}' callout has no headings inside",
                          "write its title after the name: ::: "
                          f"{block.name} {block.items[0].title}", line=block.items[0].line)
        if not block.intro and not block.items:
            block.problem(f"the '{block.name}' callout is empty",
                          "write its text between the ::: lines")
            return None
        html = concat([block.intro_html, *(piece for i in block.items for piece in (
            "<p><strong>", i.title_html, "</strong></p>", i.html))])
        return Callout(block.name, block.args, html)
