"""Reveal: a reflection question whose suggested answer opens on request.

::

    ::: reveal
    What would you tell a victim who asks whether the exam costs anything?

    ### Show a suggested answer
    The exam is free to the victim: ...
    :::

The text before the heading is the question; the heading is the button's label, the text
under it the answer (hidden until the button is pressed; shown in print).
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Item, register
from builder.deferred import Later


@dataclass(frozen=True)
class Reveal:
    prompt_html: Later
    answer: Item


@register
class RevealBlock(BlockType):
    names = ("reveal",)
    template = "components/reveal.html"
    script = "static/blocks/reveal.js"
    style = "static/blocks/reveal.css"

    def read(self, block: BlockSource) -> Reveal | None:
        example = ("::: reveal / What would you do? / ### Show a suggested answer / "
                   "The answer. / :::")
        ok = True
        if not block.intro:
            block.problem("the reveal has no question", "write the question before the "
                          "heading: " + example)
            ok = False
        if len(block.items) != 1:
            block.problem(f"a reveal holds one answer under one heading, not "
                          f"{len(block.items)}", "the heading is the button's label, the "
                          "text under it the answer: " + example)
            return None
        block.plain_titles("reveal button")
        if not block.items[0].parts:
            block.problem("the reveal's answer is empty", "write it under the heading",
                          line=block.items[0].line)
        return Reveal(block.intro_html, block.items[0]) if ok else None
