"""Steps: a process shown one step at a time, with Previous and Next buttons.

::

    ::: steps
    ### Report
    The victim reports the assault.

    ### Examination
    A forensic examiner ...
    :::

The steps are an ordered list; the script shows one step at a time and says "Step 2 of
5" in a live region (focus stays on the button pressed). Without the script and in print
every step is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Item, register
from builder.deferred import Later


@dataclass(frozen=True)
class Steps:
    intro_html: Later
    steps: tuple[Item, ...]


@register
class StepsBlock(BlockType):
    names = ("steps",)
    template = "components/steps.html"
    script = "static/blocks/steps.js"
    style = "static/blocks/steps.css"

    def read(self, block: BlockSource) -> Steps | None:
        if not block.items_needed(2, "step", "### Step title"):
            return None
        return Steps(block.intro_html, block.items)
