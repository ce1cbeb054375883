"""Loading is two passes: reading parses each text once and checks it (file and line),
rendering turns every text into HTML once everything is read (builder/deferred.py,
builder/markdown.py). The preview's cache skips both passes for a text that did not
change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from builder import mdfast
from builder.deferred import Later, rendering
from builder.loaders import Loader
from builder.markdown import Links, MarkdownRenderer, RenderCache
from tests.support.model import values

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def blocks_course(tmp_path: Path) -> Path:
    dest = tmp_path / "course"
    shutil.copytree(FIXTURES / "blocks", dest)
    return dest


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The texts markdown-it parses, in order (through builder.mdfast, which parses one
    line of prose without markdown-it's block parser, and every other text with it)."""
    seen: list[str] = []
    parse = mdfast.parse

    def counting(md: MarkdownIt, src, env):
        seen.append(src)
        return parse(md, src, env)
    monkeypatch.setattr(mdfast, "parse", counting)
    return seen



def test_each_text_is_parsed_once_and_the_model_holds_only_html(blocks_course, parses):
    loader = Loader(blocks_course)
    course = loader.load()
    assert not [p for p in loader.problems if p.level == "error"]
    # every text of the course (pages, description, questions' texts) parsed once
    assert len(parses) == len(course.texts)
    assert [v for v in values(course) if isinstance(v, Later)] == []
    page = course.outline[0].pages[0]
    assert all(isinstance(b, str) or hasattr(b, "prompt") for b in page.blocks)
    assert "<" in course.description_html
    # a content block's HTML, made in the render pass
    assert any('data-cp-block="' in t.html for t in course.texts)


def test_html_is_made_in_the_render_pass_only(tmp_path):
    renderer = MarkdownRenderer(tmp_path, Links())
    read = renderer.read("Some *text* with [[nothing]].\n\n::: note Title\nInside.\n:::\n",
                         file="x.md", first_line=1, scope="p")
    with pytest.raises(RuntimeError, match="reading pass"):
        str(read.html)
    renderer.render_all()
    with rendering():
        html = str(read.html)
    assert "<em>text</em>" in html and 'data-cp-block="note"' in html


def test_a_term_links_a_definition_whatever_the_order_of_reading(tmp_path):
    """The popover of a glossary term carries the definition, and its number (its id) is
    given when the text is read."""
    links = Links(terms={"sro": "sro"})
    renderer = MarkdownRenderer(tmp_path, links)
    page = renderer.read("An [[SRO]] and an [[SRO]].", file="m.md", first_line=1, scope="p")
    definition = renderer.read_inline("A *program*.")
    renderer.add_definition("sro", definition)
    renderer.render_all()
    with rendering():
        html = str(page.html)
    assert 'id="term-p-1"' in html and 'id="term-p-2"' in html
    assert "A <em>program</em>." in html


def test_an_unchanged_project_is_neither_parsed_nor_rendered_again(blocks_course, parses):
    cache = RenderCache()
    first = Loader(blocks_course, cache).load()
    cache.prune()
    texts = len(parses)
    parses.clear()
    again = Loader(blocks_course, cache).load()
    assert cache.misses == 0 and cache.hits == texts == len(first.texts)
    assert parses == []
    assert [t.html for t in again.texts] == [t.html for t in first.texts]
    cache.prune()
    # a sentence added at the end of a module: its last page alone is read again
    path = blocks_course / first.outline[0].source.file
    path.write_text(path.read_text() + "\nA new sentence.\n")
    parses.clear()
    Loader(blocks_course, cache).load()
    assert cache.misses == 1 and len(parses) == 1 and "A new sentence." in parses[0]
    assert cache.hits == texts - 1
