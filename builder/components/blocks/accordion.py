"""Accordion: sections that open and close, per the WAI-ARIA Authoring Practices'
accordion pattern.

::

    ::: accordion
    ### What a SART does
    Text of the first section.

    ### Who takes part
    Text of the second section.
    :::

Each heading is a section's button (Enter or Space opens and closes it; Up, Down, Home
and End move between the buttons); every section starts closed, and all are open in
print.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Item, register
from builder.deferred import Later

#: more sections than this are not landmarks (the pattern's advice against too many regions)
MAX_REGIONS = 6


@dataclass(frozen=True)
class Accordion:
    intro_html: Later
    sections: tuple[Item, ...]
    regions: bool  #: each panel a region named by its button


@register
class AccordionBlock(BlockType):
    names = ("accordion",)
    template = "components/accordion.html"
    script = "static/blocks/accordion.js"
    style = "static/blocks/accordion.css"

    def read(self, block: BlockSource) -> Accordion | None:
        sections = block.button_items("section", 1)
        if sections is None:
            return None
        return Accordion(block.intro_html, sections, len(sections) <= MAX_REGIONS)
