"""Tabs: panels of which one shows at a time, per the WAI-ARIA Authoring Practices' tabs
pattern (automatic activation).

::

    ::: tabs The four roles
    ### Advocate
    What the advocate does.

    ### Prosecutor
    What the prosecutor does.
    :::

The words after ``tabs`` name the tab list for screen readers (optional). Left and Right
arrows move between tabs (and wrap), Home and End go to the first and last, Tab moves
into the panel. In print every panel is shown under its title.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Item, register
from builder.deferred import Later


@dataclass(frozen=True)
class Tabs:
    label: str
    intro_html: Later
    tabs: tuple[Item, ...]


@register
class TabsBlock(BlockType):
    names = ("tabs",)
    template = "components/tabs.html"
    script = "static/blocks/tabs.js"
    style = "static/blocks/tabs.css"

    def read(self, block: BlockSource) -> Tabs | None:
        tabs = block.button_items("tab", 2)
        if tabs is None:
            return None
        for item in tabs:
            if not item.parts:
                block.problem(f"the tab '{item.title}' is empty", "write its text under "
                              "its heading", line=item.line)
        return Tabs(block.args, block.intro_html, tabs)
