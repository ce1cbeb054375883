'''Content blocks: the registry of what a designer can put on a page besides prose.

A block is written in Markdown as a ``:::`` container (mdit-py-plugins' container plugin)::

    ::: tabs                              <- the block's name, then optional words (its args)
    Text before the first heading is the block's intro.

    ### First tab {key=value}             <- a heading starts an item: its title, its attrs
    The item's body, any Markdown.

    ### Second tab
    ...
    :::

Items start at the headings of the shallowest level written directly in the block (deeper
headings stay inside the item's body). ``{key=value key2="two words"}`` at the end of an
item heading gives the item attributes (a hotspot's position). A block inside another
block needs a longer fence around the outer one (``::::`` ... ``::::``), as a closing
``:::`` always closes the nearest open block.

Adding a block (one module in this package; it is found and imported automatically, and
registered in :data:`BLOCKS`, a :class:`builder.components.Registry` as the question types'
one is)::

    from builder.components.blocks import BlockSource, BlockType, register

    @register
    class Reveal(BlockType):
        names = ("reveal",)                          # what follows ::: in Markdown
        template = "components/reveal.html"          # Jinja partial, in templates/
        script = "static/blocks/reveal.js"           # or None: no runtime code
        style = "static/blocks/reveal.css"           # or None

        def read(self, block: BlockSource):
            """Check ``block`` and return the typed model the template gets as ``b``
            (a dataclass of the module), or None when it cannot be shown. Report every
            problem at once with ``block.problem(message, hint, line=..., key=...)``."""

``block.intro`` (the parts before the first item heading) and ``block.items`` (each an
:class:`Item`: ``title``, ``title_html``, ``level``, ``attrs``, ``parts``, ``html``,
``line``) are tuples of :class:`Part` (one paragraph, list, ... as ``html``, with ``image``
set when it is a paragraph holding only an image, ``text`` its plain words and ``lead``
the text it starts with). ``read`` runs in the reading pass: the HTML of parts and titles
is made later, in the render pass (:mod:`builder.deferred`), so ``read`` passes it on or
joins it with ``concat(...)``, never looks into it (``has_controls`` and ``lead`` say what
a check needs to know).
``block.items_needed(least, what, example)`` and ``block.plain_titles(what)`` are the
common checks.

The template gets ``b`` (what ``read`` returned), ``block`` (the :class:`BlockSource`:
``name``, ``args``, ``id`` unique in the page, ``source``) and ``t`` (the interface
strings of the course's language, templates/i18n/*.yaml). Its root element carries
``data-cp-block="{{ block.name }}"`` (that is how a package knows the block is used),
and ids inside it start with ``block.id``. HTML from Markdown is already HTML (print it
with ``|safe``); everything else is escaped by Jinja.

The script registers with the runtime (templates/static/cp-blocks.js)::

    window.CoursepackBlocks.register("reveal", function init(root) { ... });

``init(root)`` sets up every block of its kind under ``root`` and is idempotent (it skips
elements it already set up): it runs for the document at start-up and again for every
page inserted later (``CoursepackBlocks.init(root)``; with pages loaded on demand it is a
content hook, ``CP.onContent``). The partial shows everything (every panel, answer, card
back) and the script closes what starts closed: the words count in the reading figures,
which leave hidden elements out. A block's script and style ship only in packages whose
course uses the block (render.py asks :func:`scripts`, :func:`styles` and
:func:`static_files`). Packages allow no inline script or style
(the Content-Security-Policy of builder/render.py): position things from the script
(``el.style.left = ...``) or with classes, never with a ``style`` attribute.
'''

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from markupsafe import Markup

from builder.components import Registry
from builder.deferred import Later, concat
from builder.errors import Problem
from builder.model import Source

#: the block name and arguments on an opening ``:::`` line
NAME_RE = re.compile(r"^([a-z][a-z0-9-]*)(?:\s+(.*))?$")
#: ``{x=20 y="a b"}`` at the end of an item heading
ATTRS_RE = re.compile(r"\s*\{([^{}]*)\}\s*$")
ATTR_RE = re.compile(r'([A-Za-z][\w-]*)=(?:"([^"]*)"|(\S+))')
FENCE_CLOSE_RE = re.compile(r"^\s{0,3}:{3,}\s*$")


@dataclass(frozen=True)
class Image:
    """An image written in a block (its ``src`` is already the path inside the package)."""

    src: str
    alt: str
    decorative: bool
    line: int


@dataclass(frozen=True)
class Part:
    """One top-level piece of Markdown (a paragraph, a list, ...) as HTML; ``image`` when
    the piece is a paragraph holding only an image."""

    html: Later  #: made in the render pass: join it with concat(), never look into it
    line: int
    image: Image | None = None
    text: str = ""  #: the plain text of a paragraph ("" for other pieces)
    lead: str = ""  #: the text a paragraph starts with, before any markup


@dataclass(frozen=True)
class Item:
    """What a heading inside a block starts."""

    title: str  #: plain text of the heading
    title_html: Later  #: inline HTML of the heading (render pass)
    level: int  #: heading level, 1-6
    attrs: dict[str, str]  #: from ``{key=value}`` at the end of the heading
    parts: tuple[Part, ...]
    line: int
    #: does the title hold a link or a button (a glossary term, a citation)? Such a
    #: title cannot be the label of a button.
    has_controls: bool = False

    @property
    def html(self) -> Later:
        return concat(p.html for p in self.parts)


@dataclass
class BlockSource:
    """A block as read from Markdown, before its module checks it."""

    name: str
    args: str  #: the words after the name on the opening line
    intro: tuple[Part, ...]  #: what comes before the first item heading
    items: tuple[Item, ...]
    id: str  #: unique in the page: prefix every id inside the block with it
    source: Source
    problems: list[Problem] = field(repr=False, default_factory=list)

    @property
    def intro_html(self) -> Later:
        return concat(p.html for p in self.intro)

    @property
    def line(self) -> int:
        return self.source.line

    def items_needed(self, least: int, what: str, example: str) -> bool:
        """Report a block with fewer than ``least`` items (``what`` names one: "tab");
        True when there are enough."""
        if len(self.items) >= least:
            return True
        self.problem(f"the '{self.name}' block has {len(self.items)} {what}s; it needs "
                     f"at least {least}", f"start each {what} with a heading inside the "
                     f"block: {example}")
        return False

    def button_items(self, what: str, least: int) -> tuple[Item, ...] | None:
        """The items of a block whose titles become buttons (accordion sections, tabs):
        titles without terms, citations or links, at least ``least`` of them (``what``
        names one: "tab"); None when there are too few."""
        self.plain_titles(what)
        if not self.items_needed(least, what, f"### {what.capitalize()} title"):
            return None
        return self.items

    def plain_titles(self, what: str) -> None:
        """Report item titles that hold a glossary term or a citation (they become
        buttons, which cannot sit inside another button)."""
        for item in self.items:
            if item.has_controls:
                self.problem(f"the {what} title '{item.title}' holds a glossary term, a "
                             "citation or a link", f"a {what} title is itself a button: "
                             "move the term or citation into the text below it",
                             line=item.line)

    def problem(self, message: str, hint: str = "", *, line: int | None = None,
                key: str = "") -> None:
        """Report a problem in this block (at its opening line unless ``line`` is given)."""
        self.problems.append(Problem(self.source.file, line or self.source.line, key,
                                     message, hint))


class BlockType:
    """A kind of block. Subclass it in a module of this package and decorate it with
    :func:`register`."""

    names: ClassVar[tuple[str, ...]] = ()
    template: ClassVar[str] = ""
    script: ClassVar[str | None] = None
    style: ClassVar[str | None] = None
    #: may another block sit inside this one's items
    nestable: ClassVar[bool] = True
    #: other blocks whose script and style this one's needs too (the labelled graphic
    #: opens its image with the figure's zoom)
    uses: ClassVar[tuple[str, ...]] = ()

    def read(self, block: BlockSource) -> Any:
        raise NotImplementedError


#: the block types, each filed under each of its ``names``
BLOCKS: Registry[BlockType] = Registry("content block")
#: class decorator: make ``cls`` the block for each of its ``names``
register = BLOCKS.register


def _discover() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def names() -> list[str]:
    return sorted(BLOCKS)


def kinds() -> list[BlockType]:
    """Every registered block type, once, in name order."""
    return sorted(BLOCKS.values(), key=lambda k: min(k.names))


def static_files() -> frozenset[str]:
    """Every script and style sheet of every block, and the runtime's block registry:
    packages carry only those of the blocks their course uses."""
    out = {RUNTIME_SCRIPT}
    for kind in kinds():
        out.update(f for f in (kind.script, kind.style) if f)
    return frozenset(out)


#: the runtime's registry of block scripts (CoursepackBlocks)
RUNTIME_SCRIPT = "static/cp-blocks.js"
USED_RE = re.compile(r'data-cp-block="([a-z][a-z0-9-]*)"')


def used(html: list[str]) -> list[BlockType]:
    """The block types whose blocks appear in these HTML fragments, in name order."""
    found = {n for h in html for n in USED_RE.findall(h)}
    found |= {u for k in kinds() if any(n in found for n in k.names) for u in k.uses}
    return [k for k in kinds() if any(n in found for n in k.names)]


def scripts(html: list[str]) -> tuple[str, ...]:
    """The runtime scripts these fragments' blocks need, in load order (the registry
    first)."""
    own = [k.script for k in used(html) if k.script]
    return (RUNTIME_SCRIPT, *own) if own else ()


def styles(html: list[str]) -> tuple[str, ...]:
    return tuple(k.style for k in used(html) if k.style)


# -- reading Markdown -------------------------------------------------------------------

class Expander:
    """Reads the ``:::`` containers of one parsed Markdown text (the reading pass: each
    block's module checks it, problems are reported) into a single ``html_block`` token
    each, whose HTML the render pass makes. Used by
    :class:`builder.markdown.MarkdownRenderer`; nothing else needs it."""

    def __init__(self, renderer, env: dict, file: str, first_line: int, text: str,
                 problems: list[Problem], messages: dict[str, str],
                 templates: Callable[[], Any]):
        self.renderer, self.md = renderer, renderer.md
        self.env, self.file, self.first_line = env, file, first_line
        self.lines = text.split("\n")
        self.problems, self.messages, self.templates = problems, messages, templates

    def expand(self, tokens: list) -> list:
        from markdown_it.token import Token

        out = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type != "container_block_open":
                out.append(tok)
                i += 1
                continue
            j = i + 1
            while not (tokens[j].type == "container_block_close"
                       and tokens[j].level == tok.level):
                j += 1
            inner = self.expand(tokens[i + 1:j])
            html = self.block(tok, inner)
            new = Token("html_block", "", 0, content=html, block=True, level=tok.level,
                        map=tok.map)
            out.append(new)
            i = j + 1
        return out

    def _line(self, tok) -> int:
        return self.first_line + (tok.map[0] if tok.map else 0)

    def block(self, tok, inner: list) -> Later | str:
        line = self._line(tok)
        info = tok.info.strip()
        m = NAME_RE.match(info)
        name, args = (m.group(1), (m.group(2) or "").strip()) if m else (info, "")
        # the plugin's map ends at the closing line; an unclosed block runs to the end
        if tok.map and not (tok.map[1] < len(self.lines)
                            and FENCE_CLOSE_RE.match(self.lines[tok.map[1]])):
            self.problems.append(Problem(self.file, line, "", f"the block '{tok.markup} "
                                         f"{info}' is not closed", f"end it with a line "
                                         f"holding only {tok.markup}"))
        kind = BLOCKS.get(name) if m else None
        if kind is None:
            if not info:
                self.problems.append(Problem(self.file, line, "", f"a '{tok.markup}' line "
                                             "opens a block but names none", "write the "
                                             f"block's name after the colons ({tok.markup} "
                                             f"tabs), one of: {', '.join(names())}; a "
                                             f"nested block needs a longer fence around "
                                             f"the outer one (::::)"))
            else:
                self.problems.append(Problem(self.file, line, "", f"unknown block "
                                             f"'{tok.markup} {info}'", "blocks are: "
                                             + ", ".join(names())))
            self.renderer.number(inner)
            return self.renderer.later(inner, self.env)
        for t in inner:
            if t.type == "fence" and t.info.strip() == "question":
                self.problems.append(Problem(self.file, self._line(t), "", "a question "
                                             f"block cannot sit inside a '{name}' block",
                                             "put the knowledge check after the block's "
                                             f"closing {tok.markup}"))
        n = self.env["cp_blocks"] = self.env.get("cp_blocks", 0) + 1
        source = BlockSource(name=name, args=args, intro=(), items=(),
                             id=f"{self.env.get('scope', 'b')}-b{n}",
                             source=Source(self.file, line), problems=self.problems)
        source.intro, source.items = self.split(inner, tok.level + 1)
        model = kind.read(source)
        if model is None:
            return ""
        return Later(lambda: self.templates().get_template(kind.template).render(
            b=model, block=source, t=self.messages).strip() + "\n")

    def split(self, tokens: list, level: int) -> tuple[tuple[Part, ...], tuple[Item, ...]]:
        heads = [i for i, t in enumerate(tokens)
                 if t.type == "heading_open" and t.level == level]
        if heads:
            top = min(int(tokens[i].tag[1]) for i in heads)
            heads = [i for i in heads if int(tokens[i].tag[1]) == top]
        intro = self.parts(tokens[:heads[0]] if heads else tokens, level)
        items = []
        for k, h in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else len(tokens)
            inline = tokens[h + 1]
            attrs = self.attrs(inline)
            children = inline.children or []
            self.renderer.number_inline(children)
            items.append(Item(title=plain(inline),
                              title_html=self.renderer.later_inline(children, self.env),
                              level=int(tokens[h].tag[1]), attrs=attrs,
                              parts=self.parts(tokens[h + 3:end], level),
                              line=self._line(tokens[h]),
                              has_controls=self.renderer.controls(children)))
        return intro, tuple(items)

    @staticmethod
    def attrs(inline) -> dict[str, str]:
        m = ATTRS_RE.search(inline.content)
        children = inline.children or []
        if not m or not children or children[-1].type != "text" \
                or not ATTRS_RE.search(children[-1].content):
            return {}
        children[-1].content = ATTRS_RE.sub("", children[-1].content)
        inline.content = inline.content[:m.start()]
        return {a.group(1): a.group(2) if a.group(2) is not None else a.group(3)
                for a in ATTR_RE.finditer(m.group(1))}

    def parts(self, tokens: list, level: int) -> tuple[Part, ...]:
        out = []
        i = 0
        while i < len(tokens):
            start = i
            if tokens[i].nesting == 1:
                while not (tokens[i].nesting == -1 and tokens[i].level == level):
                    i += 1
            i += 1
            chunk = tokens[start:i]
            self.renderer.number(chunk)
            html = self.renderer.later(chunk, self.env)
            image, text, lead = None, "", ""
            if chunk[0].type == "paragraph_open" and len(chunk) == 3:
                kids = [c for c in chunk[1].children or []
                        if not (c.type == "text" and not c.content.strip())]
                if len(kids) == 1 and kids[0].type == "image":
                    img = kids[0]
                    image = Image(img.attrGet("src") or "", img.content.strip(),
                                  img.attrGet("role") == "presentation",
                                  self._line(chunk[0]))
                text = plain(chunk[1])
                first = (chunk[1].children or [None])[0]
                lead = first.content if first is not None and first.type == "text" else ""
            out.append(Part(html, self._line(chunk[0]), image, text, lead))
        return tuple(out)


def plain(inline) -> str:
    """The words of an inline token, without markup."""
    words = []
    for child in inline.children or []:
        if child.type == "glossary_term":
            words.append(child.meta["shown"])
        elif child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return " ".join("".join(words).split())


def markup(html: str) -> Markup:
    return Markup(html)


_discover()
