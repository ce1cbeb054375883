"""Figure: an image with a caption and a credit line, that opens full-screen with zoom.

::

    ::: figure
    ![The SRO triad: advocate, prosecutor and officer around the victim](triad.svg)

    The three roles meet every month.

    Credit: Office for Victims of Crime, 2020.
    :::

The first paragraph is the image (alt text required: it names the full-screen view), the
following ones its caption; a last paragraph starting ``Credit:`` is the credit line
(shown with the word for "Credit" in the course's language). Pressing the image opens it
in a modal dialog with Zoom in, Zoom out and Close (Escape closes it, focus returns to
the image); the dialog's picture scrolls, with the keyboard too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.components.blocks import BlockSource, BlockType, Image, register
from builder.deferred import Later, concat

CREDIT_RE = re.compile(r"^\s*<p>\s*credit:\s*(.*?)</p>\s*$", re.I | re.S)
#: a paragraph that starts with "Credit:" is the credit line
LEAD_RE = re.compile(r"^\s*credit:", re.I)


@dataclass(frozen=True)
class Figure:
    image: Image
    caption_html: Later
    credit_html: Later | str


def image_of(block: BlockSource, what: str) -> Image | None:
    """The image a block's intro starts with, checked: reported when missing, decorative or
    not first (``what`` names the block: "figure")."""
    images = [p for p in block.intro if p.image]
    if not images or block.intro[0].image is None:
        block.problem(f"a {what} starts with an image", "write the image first, on its "
                      "own line: ![What the picture shows](picture.svg)",
                      line=images[0].line if images else None)
        return None
    if len(images) > 1:
        block.problem(f"a {what} holds one image, not {len(images)}", "give each image "
                      f"its own ::: {block.name} block", line=images[1].line)
    image = images[0].image
    assert image is not None
    if image.decorative:
        block.problem(f"the image of a {what} cannot be decorative", "write what it shows "
                      "between the brackets: learners open it to read it", line=image.line)
    return image


@register
class FigureBlock(BlockType):
    names = ("figure",)
    template = "components/figure.html"
    script = "static/blocks/figure.js"
    style = "static/blocks/figure.css"

    def read(self, block: BlockSource) -> Figure | None:
        image = image_of(block, "figure")
        if block.items:
            block.problem("a figure has no headings inside", "its caption is the text "
                          "under the image, without a heading", line=block.items[0].line)
        if image is None:
            return None
        rest = [p for p in block.intro[1:] if not p.image]
        credit: Later | str = ""
        if rest and LEAD_RE.match(rest[-1].lead):
            last = rest[-1].html
            credit, rest = Later(lambda: _credit(str(last))), rest[:-1]
        return Figure(image, concat(p.html for p in rest), credit)


def _credit(html: str) -> str:
    m = CREDIT_RE.match(html)
    return m.group(1) if m else ""
