"""Flip cards: cards with a short text on the front and more on the back.

::

    ::: flipcards
    ### MOU
    A memorandum of understanding: what each agency agrees to do.

    ### SART
    A sexual assault response team.
    :::

A heading is a card's front, the text under it its back. A button on each card turns it
over and back (a disclosure: ``aria-expanded`` says which side shows). In print both
sides are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Item, register
from builder.deferred import Later


@dataclass(frozen=True)
class FlipCards:
    intro_html: Later
    cards: tuple[Item, ...]


@register
class FlipCardsBlock(BlockType):
    names = ("flipcards",)
    template = "components/flipcards.html"
    script = "static/blocks/flipcards.js"
    style = "static/blocks/flipcards.css"

    def read(self, block: BlockSource) -> FlipCards | None:
        if not block.items_needed(1, "card", "### Front of the card"):
            return None
        for item in block.items:
            if not item.parts:
                block.problem(f"the card '{item.title}' has nothing on its back",
                              "write the back's text under the heading", line=item.line)
        return FlipCards(block.intro_html, block.items)
