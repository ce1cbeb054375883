"""The large build's memory and speed paths keep their promises (issue 18): what they
save never changes what a course gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.token import Token

from builder.deferred import rendering
from builder.markdown import Links, MarkdownRenderer


def _holds_tokens(later) -> bool:
    make = later._make
    cells = [c.cell_contents for c in (make.__closure__ or ())] if make else []
    return any(isinstance(c, list) and any(isinstance(t, Token) for t in c) for c in cells)


def test_a_text_read_once_links_are_known_keeps_no_tokens(tmp_path: Path):
    links = Links(terms={"sro": "sro"}, notes={"S1": (1, "A source.", "")},
                  references={"S1": "Source 1"})
    text = "An [[SRO]] cites [@S1].\n\n- one *item*\n- two\n"
    lazy = MarkdownRenderer(tmp_path, links)
    lazy.add_definition("sro", lazy.read_inline("A *program*."))
    first = lazy.read(text, file="m.md", first_line=1, scope="p")
    assert _holds_tokens(first.blocks[0])  # the two passes: tokens kept until render_all
    lazy.render_all()

    eager = MarkdownRenderer(tmp_path, Links(terms={"sro": "sro"}, notes=links.notes,
                                             references=links.references))
    eager.add_definition("sro", eager.read_inline("A *program*."))
    eager.links_known()
    second = eager.read(text, file="m.md", first_line=1, scope="p")
    assert not _holds_tokens(second.blocks[0])
    with pytest.raises(RuntimeError, match="reading pass"):
        str(second.html)  # made already, but handed out in the render pass only
    eager.render_all()
    with rendering():
        assert str(second.html) == str(first.html)
        assert "A <em>program</em>." in str(second.html) and 'id="cite-p-2"' in str(second.html)
