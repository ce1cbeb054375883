"""HTML as the one line of plain text that tracking data carries."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser


class _PlainText(HTMLParser):
    """The text a reader of the page sees in the flow, for tracking data (interaction
    descriptions, xAPI names and descriptions): glossary definitions, citations and other
    screen-reader-only or hidden markup are left out."""

    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
    SKIP = frozenset(("term-def", "term-more", "cite", "visually-hidden", "sr-only"))
    BLOCK = frozenset("p div li ul ol br tr td th table blockquote h1 h2 h3 h4 h5 h6".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0  # depth inside an element left out

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCK:
            self.parts.append(" ")
        if tag in self.VOID:
            return
        a = dict(attrs)
        if self.skipping or "hidden" in a or self.SKIP & set((a.get("class") or "").split()):
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCK:
            self.parts.append(" ")
        if self.skipping and tag not in self.VOID:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


@lru_cache(maxsize=65536)  # each target's data asks for the same texts
def plain_text(html: str) -> str:
    """HTML as one line of plain text, without glossary definitions and citations (one
    place for every target's tracking data: SCORM 2004 descriptions, xAPI and cmi5)."""
    parser = _PlainText()
    parser.feed(str(html))
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return re.sub(r" ([.,;:!?)])", r"\1", text)  # no space left where a citation was
