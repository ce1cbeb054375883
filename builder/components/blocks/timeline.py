"""Timeline: dated events in order, shown as a list along a line.

::

    ::: timeline
    ### 1984
    The Victims of Crime Act creates the Crime Victims Fund.

    ### 1994
    The Violence Against Women Act.
    :::

Each heading is a date (or period), the text under it the event. Nothing to open: it
reads, prints and reflows as the ordered list it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Item, register
from builder.deferred import Later


@dataclass(frozen=True)
class Timeline:
    intro_html: Later
    events: tuple[Item, ...]


@register
class TimelineBlock(BlockType):
    names = ("timeline",)
    template = "components/timeline.html"
    style = "static/blocks/timeline.css"

    def read(self, block: BlockSource) -> Timeline | None:
        if not block.items_needed(2, "event", "### 1998"):
            return None
        return Timeline(block.intro_html, block.items)
