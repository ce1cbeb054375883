"""Labelled graphic: an image with numbered points that open descriptions.

::

    ::: labelled-graphic
    ![Floor plan of the courthouse's victim services wing](plan.svg)

    ### Waiting room {x=20 y=35}
    A separate room, so victims do not meet the accused.

    ### Advocate's office {x=70 y=60}
    ...
    :::

Each heading names a point; ``x`` and ``y`` place it, in percent of the image's width
and height from its top-left corner; the text under it is the description. The points
are numbered buttons on the image; a description opens under the image (Escape or its
Close button closes it and puts focus back on its point). Pressing the image opens it
full-screen with zoom, as a figure's does (the figure's script and style come along).
Without the script and in print the descriptions are a numbered list.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Image, Item, register
from builder.components.blocks.figure import image_of
from builder.deferred import Later, concat


@dataclass(frozen=True)
class Spot:
    item: Item
    x: float
    y: float


@dataclass(frozen=True)
class Graphic:
    image: Image
    caption_html: Later
    spots: tuple[Spot, ...]


def _percent(block: BlockSource, item: Item, key: str) -> float | None:
    raw = item.attrs.get(key)
    try:
        value = float((raw or "").rstrip("%"))
    except ValueError:
        value = -1.0
    if raw is None or not 0 <= value <= 100:
        block.problem(f"the point '{item.title}' needs {key} between 0 and 100 (got "
                      f"{'nothing' if raw is None else repr(raw)})", "place it with "
                      "{x=20 y=35} at the end of its heading: percent of the image's "
                      "width (x) and height (y) from the top-left corner",
                      line=item.line, key=key)
        return None
    return value


@register
class GraphicBlock(BlockType):
    names = ("labelled-graphic", "labeled-graphic")
    template = "components/graphic.html"
    script = "static/blocks/graphic.js"
    style = "static/blocks/graphic.css"
    uses = ("figure",)   # its image opens full-screen with the figure's zoom

    def read(self, block: BlockSource) -> Graphic | None:
        image = image_of(block, "labelled graphic")
        block.items_needed(1, "point", "### Waiting room {x=20 y=35}")
        spots = []
        for item in block.items:
            x, y = _percent(block, item, "x"), _percent(block, item, "y")
            if x is not None and y is not None:
                spots.append(Spot(item, x, y))
        if image is None or not spots:
            return None
        caption = concat(p.html for p in block.intro[1:] if not p.image)
        return Graphic(image, caption, tuple(spots))
