"""Markdown to HTML, with the three things courses add to CommonMark.

- ``[@S2]`` cites a reference: a numbered note marker ("[2]", its number the reference's
  place in references.yaml and on the references page) that opens the reference in place;
- ``[[term]]`` / ``[[shown text|glossary-id]]`` links a glossary entry that opens in place;
- a fenced block marked ``question`` holds an inline knowledge check (YAML), which the
  caller turns into a :class:`~builder.model.Question`;
- a ``:::`` container is a content block (tabs, accordion, ...): see
  :mod:`builder.components.blocks`.

Images are checked (alt text, file exists inside the project) and rewritten to their path
inside the package. An image whose title is ``decorative`` (``![](border.svg "decorative")``)
has no alt text on purpose: it is rendered with ``alt=""`` and ``role="presentation"``.
Raw HTML is off: course text is Markdown, and the theme owns markup.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin

from builder import mdfast
from builder.components.blocks import Expander, plain
from builder.deferred import Later, concat, rendering
from builder.errors import Problem
from builder.model import Asset, Citation, Source, TermUse

CITE_RE = re.compile(r"\[@([A-Za-z0-9][A-Za-z0-9_.:-]*)\]")
TERM_RE = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]|\n]+?))?\]\]")
IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
MAX_IMAGE = 20 * 1024 * 1024  #: bytes; checked before the file is read
DECORATIVE = "decorative"  #: the image title that marks a picture as decoration


def _cite_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    m = CITE_RE.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"ref": m.group(1)}
    state.pos = m.end()
    return True


def _term_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    m = TERM_RE.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("glossary_term", "", 0)
        shown = m.group(1).strip()
        token.meta = {"shown": shown, "term": (m.group(2) or shown).strip()}
    state.pos = m.end()
    return True


#: link brackets nested deeper than this are text: markdown-it tries a link at every
#: '[' and rescans the brackets inside it, so deep nesting costs time squared
MAX_BRACKET_DEPTH = 4  # a link label holding a [[term]] is 3 deep
_BRACKET = re.compile(r"\\.|[\[\]]", re.S)
#: stand-ins for the brackets set aside (private-use characters: plain text to the parser)
_OPEN, _CLOSE = "\ue000", "\ue001"


def flatten_brackets(text: str) -> str:
    """``text`` with the brackets nested more than :data:`MAX_BRACKET_DEPTH` deep set
    aside as plain characters (:func:`restore_brackets` puts them back in the tokens), so
    that parsing stays linear in the size of the text. Links cannot nest, so only text
    that was never a link is concerned; lines stay where they were."""
    if text.count("[") <= MAX_BRACKET_DEPTH or _OPEN in text or _CLOSE in text:
        return text
    chars = list(text)
    stack: list[bool] = []
    for m in _BRACKET.finditer(text):
        if m.group() == "[":
            deep = len(stack) >= MAX_BRACKET_DEPTH
            stack.append(deep)
            if deep:
                chars[m.start()] = _OPEN
        elif m.group() == "]" and stack and stack.pop():
            chars[m.start()] = _CLOSE
    return "".join(chars)


def restore_brackets(tokens: list) -> None:
    for token in tokens:
        if _OPEN in token.content or _CLOSE in token.content:
            token.content = token.content.replace(_OPEN, "[").replace(_CLOSE, "]")
        if token.children:
            restore_brackets(token.children)


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(admon_plugin).use(deflist_plugin)
    # every ::: line opens a content block; an unknown name is reported, not shown as text
    md.use(container_plugin, "block", validate=lambda *_: True)
    md.inline.ruler.before("link", "citation", _cite_rule)
    md.inline.ruler.before("link", "glossary_term", _term_rule)
    md.core.ruler.push("align_classes", _align_classes)
    return md


def _align_classes(state) -> None:
    """A table column's alignment as a class (``cp-align-right``), not a style attribute:
    packages allow no inline style (their Content-Security-Policy)."""
    for token in state.tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if isinstance(style, str) and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "cp-align-" + style.split(":", 1)[1])


@dataclass(frozen=True)
class QuestionBlock:
    """The YAML text of a ```question block and the line where it starts."""

    text: str
    line: int


@dataclass
class Links:
    """What the Markdown points at, for rendering: reference short texts, glossary entries."""

    references: dict[str, str] = field(default_factory=dict)  #: id -> short citation
    #: id -> (number, full text, URL): what a citation marker shows and opens
    notes: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)  #: lowercased term/alias/id -> entry id
    definitions: dict[str, str] = field(default_factory=dict)  #: entry id -> inline HTML
    #: interface words inside rendered Markdown, from the message catalogue
    labels: dict[str, str] = field(default_factory=lambda: {
        "source": "Source", "glossary_link": "Glossary", "table": "Table",
        "references": "References"})
    #: the whole message catalogue of the course's language (content blocks' strings)
    messages: dict[str, str] = field(default_factory=dict)


@dataclass
class Rendered:
    """One Markdown text after the reading pass: its HTML pieces (placeholders until the
    render pass, :mod:`builder.deferred`) with the question blocks between them, and what
    reading found in it."""

    blocks: list[Later | QuestionBlock]
    citations: list[Citation]
    terms: list[TermUse]
    assets: list[Asset]
    media: list = field(default_factory=list)  #: builder.media.Media of its media blocks

    @property
    def html(self) -> Later:
        return concat(b for b in self.blocks if isinstance(b, Later))


class RenderCache:
    """Rendered texts kept from one load of a project to the next (``coursepack preview``
    rebuilds on every save): a text is read and rendered again only when it, or anything
    its rendering depends on, changed. A load keeps only the entries it used."""

    def __init__(self) -> None:
        #: key -> (rendered, popover count after it, the images it checked)
        self.entries: dict[tuple, tuple[Rendered, int, tuple]] = {}
        self.used: set[tuple] = set()
        self.hits = self.misses = 0

    def prune(self) -> None:
        """Drop what the last load did not use; count afresh."""
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.used = set()
        self.hits = self.misses = 0


class MarkdownRenderer:
    """Reads and renders the Markdown of one project, resolving links against its
    references, glossary and files.

    Two passes. :meth:`read` (and :meth:`read_inline`) parse a text once and do every
    check that needs the parse (images, citations, glossary terms, content blocks, media,
    where questions may sit), with file and line, and number the citation and glossary
    popovers; the HTML they return is a placeholder. Once the whole course is read,
    :meth:`render_all` renders every text from its tokens (so every link target is
    known), and keeps the texts in the :class:`RenderCache`.
    """

    def __init__(self, root: Path, links: Links, cache: RenderCache | None = None,
                 definitions: tuple[str, ...] = ()):
        self.root = root
        self.links = links
        self.cache = cache
        #: what a cached text depends on besides its own source: the links, and the
        #: glossary's definitions (their sources: they render before every other text)
        self._links_key = hashlib.sha256(repr((
            str(root), links.references, links.notes, links.terms, definitions,
            links.labels)).encode()).hexdigest() if cache is not None else None
        #: the images a read checked: (path as written, path it leads to, size, time)
        self._images: list[tuple[Path, Path, int, int]] = []
        self.md = make_parser()
        # markdown-it binds render rules to its renderer: adapt our bound methods.
        self.md.add_render_rule("citation", lambda _r, *args: self._render_cite(*args))
        self.md.add_render_rule("glossary_term", lambda _r, *args: self._render_term(*args))
        # a wide table scrolls inside its own box (reachable by keyboard), not the page
        self.md.add_render_rule("table_open", lambda _r, *args: self._render_table(*args))
        self.md.add_render_rule("table_close", lambda *_: "</table>\n</div>\n")
        # a blank header cell is no header: a <td> (an empty <th> names nothing)
        self.md.add_render_rule("th_open", lambda r, *args: self._render_cell(r, *args))
        self.md.add_render_rule("th_close", lambda r, *args: self._render_cell(r, *args))
        #: popovers numbered so far: their ids run through the course (``term-page-7``)
        self._term_count = 0
        self._templates = theme_templates(root)
        #: reads ```video and ```audio blocks (a builder.media.Reader, set by the loader)
        self.media = None
        #: (cache key or None, text) of every text read, in reading order
        self._read: list[tuple[tuple | None, Rendered, int, tuple]] = []
        #: (entry id, inline HTML) of the glossary's definitions, in glossary order
        self._definitions: list[tuple[str, Later]] = []
        #: set by :meth:`links_known`: each text is rendered as soon as it is read
        self._eager = False
        #: set in a process that reads part of the course (builder.loadfork): a mark
        #: before each popover number, the number then counted from where that process
        #: started; the parent makes them the course's numbers
        self.marks: str | None = None

    def _popover(self, n: int) -> str:
        """A popover's number as its id shows it."""
        return f"{self.marks}{n}" if self.marks else str(n)

    # -- numbering (reading pass) ------------------------------------------------------
    def number(self, tokens: list) -> None:
        """Number the citation and glossary popovers in ``tokens`` (block tokens), in
        order: each known one takes the next number, which its id carries."""
        for token in tokens:
            if token.type == "inline" and token.children:
                self.number_inline(token.children)

    def number_inline(self, children: list) -> None:
        for child in children:
            if child.type == "citation" and child.meta["ref"] in self.links.notes:
                self._term_count += 1
                child.meta["n"] = self._term_count
            elif (child.type == "glossary_term"
                  and child.meta["term"].lower() in self.links.terms):
                self._term_count += 1
                child.meta["n"] = self._term_count

    def controls(self, children: list) -> bool:
        """Whether these inline tokens render a link or a button (a known glossary term or
        citation, a link)."""
        return any(c.type == "link_open"
                   or (c.type == "citation" and c.meta["ref"] in self.links.notes)
                   or (c.type == "glossary_term"
                       and c.meta["term"].lower() in self.links.terms) for c in children)

    # -- rendering of our tokens (render pass) -----------------------------------------
    def _render_cite(self, tokens, idx, options, env) -> str:
        """A numbered note marker: a disclosure button named after the source ("Source 2:
        Pub. L. 105-302, 1998"), opening the full reference in place (a popover that does
        not reflow the text). No visually hidden text: nothing positioned escapes a table."""
        ref = tokens[idx].meta["ref"]
        note = self.links.notes.get(ref)
        short = self.links.references.get(ref, ref)
        if note is None:  # an unknown id (the validator reports it): the short text
            return f'<span class="cite">[{_esc(short)}]</span>'
        number, text, url = note
        note_id = f"cite-{env['scope']}-{self._popover(tokens[idx].meta['n'])}"
        label = f'{self.links.labels["source"]} {number}: {short}'
        body = _esc(text)
        if url:
            link = (f'<a href="{_esc(url)}" target="_blank" rel="noopener">{_esc(url)}</a>')
            body = body.replace(_esc(url), link, 1) if _esc(url) in body else f"{body} {link}"
        return (f'<span class="cite"><button type="button" class="cite-button pop-button" '
                f'aria-expanded="false" aria-controls="{note_id}" data-cite="{_esc(ref)}" '
                f'aria-label="{_esc(label)}">{number}</button>'
                f'<span class="cite-def pop" id="{note_id}" role="note" hidden>'
                f'<span class="cite-num">{number}.</span> {body} '
                f'<a href="#ref-{_esc(ref)}" class="term-more">'
                f'{_esc(self.links.labels["references"])}</a></span></span>')

    def _render_table(self, tokens, idx, options, env) -> str:
        """A wide table scrolls inside its own box, reachable by keyboard. The box is a
        region named after the nearest heading above it (``label`` set by ``read``);
        with no heading it is a focusable box without a landmark."""
        label = tokens[idx].meta.get("label") if tokens[idx].meta else None
        named = f' role="region" aria-label="{_esc(label)}"' if label else ""
        return f'<div class="cp-table"{named} tabindex="0">\n<table>\n'

    @staticmethod
    def _render_cell(renderer, tokens, idx, options, env) -> str:
        token = tokens[idx]
        inline = tokens[idx + 1] if token.nesting == 1 else tokens[idx - 1]
        if inline.type == "inline" and not inline.content.strip():
            return renderer.renderToken(tokens, idx, options, env).replace("<th", "<td", 1) \
                .replace("</th", "</td", 1)
        return renderer.renderToken(tokens, idx, options, env)

    def _render_term(self, tokens, idx, options, env) -> str:
        meta = tokens[idx].meta
        entry = self.links.terms.get(meta["term"].lower())
        if entry is None:
            return _esc(meta["shown"])
        def_id = f"term-{env['scope']}-{self._popover(meta['n'])}"
        definition = self.links.definitions.get(entry, "")
        return (f'<span class="term"><button type="button" class="term-button pop-button" '
                f'aria-expanded="false" aria-controls="{def_id}">{_esc(meta["shown"])}</button>'
                f'<span class="term-def pop" id="{def_id}" role="note" hidden>{definition} '
                f'<a href="#gloss-{_esc(entry)}" class="term-more">'
                f'{_esc(self.links.labels["glossary_link"])}</a></span></span>')

    def later(self, tokens: list, env: dict) -> Later:
        """The HTML of ``tokens`` (a slice of a read text), made in the render pass."""
        def make() -> str:
            for t in tokens:  # content blocks and media, read into placeholders
                if t.type == "html_block" and isinstance(t.content, Later):
                    t.content = str(t.content)
            return self.md.renderer.render(tokens, self.md.options, env)
        return self._made(make) if self._eager else Later(make)

    def later_inline(self, children: list, env: dict) -> Later:
        make = lambda: self.md.renderer.renderInline(children, self.md.options, env)  # noqa: E731
        return self._made(make) if self._eager else Later(make)

    @staticmethod
    def _made(make: Callable[[], str]) -> Later:
        """The HTML made now, its tokens let go; still handed out in the render pass only."""
        with rendering():
            html = make()
        return Later(lambda: html)

    def links_known(self) -> None:
        """Every link target is known (the loader calls this once the glossary's
        definitions are read, before any other text): the definitions are rendered now,
        and from now on each text is rendered as soon as it is read and numbered, so its
        tokens are not kept until :meth:`render_all` (a 10,000-page course's tokens took
        about half the build's memory). The HTML is the same; it is still handed out in
        the render pass only."""
        with rendering():
            for entry, html in self._definitions:
                self.links.definitions[entry] = str(html)
        self._eager = True

    # -- the reading pass --------------------------------------------------------------
    def read(self, text: str, *, file: str, first_line: int, scope: str,
             base_dir: Path | None = None, problems: list[Problem] | None = None,
             allow_questions: bool = True) -> Rendered:
        """Read ``text`` (which starts at ``first_line`` of ``file``): parse it, check it,
        number its popovers. Its HTML comes in the render pass (:meth:`render_all`).

        ``base_dir`` is the folder image paths are relative to; ``scope`` makes element
        ids unique in the page (e.g. the page id).

        With a :class:`RenderCache`, a text read before with the same everything (the
        numbering of glossary and citation popovers runs through the course, so where
        it starts is part of that) is taken from it, HTML and all. Texts with problems
        are never kept; a kept text's images must still be the same files.
        """
        problems = [] if problems is None else problems
        if self.cache is None:
            got = self._parse(text, file, first_line, scope, base_dir, problems,
                              allow_questions)
            self._read.append((None, got, 0, ()))
            return got
        key = (text, file, first_line, scope, str(base_dir), allow_questions,
               self._term_count, self._links_key)
        found = self.cache.entries.get(key)
        if found is not None and all(_same_image(*seen) for seen in found[2]):
            self.cache.hits += 1
            self.cache.used.add(key)
            self._term_count = found[1]
            return found[0]
        self.cache.misses += 1
        before = len(problems)
        images, self._images = self._images, []
        got = self._parse(text, file, first_line, scope, base_dir, problems, allow_questions)
        self._read.append((key if len(problems) == before else None, got,
                           self._term_count, tuple(self._images)))
        self._images = images + self._images  # a transcript's images count for its text
        return got

    def read_inline(self, text: str) -> Later:
        """Inline Markdown without checks (a glossary definition)."""
        env = {"scope": "inline"}
        tokens = self.md.parseInline(text, env)
        self.number(tokens)
        return self.later(tokens, env)

    def add_definition(self, entry: str, html: Later) -> None:
        """A glossary definition: rendered first in the render pass, in glossary order
        (a term in a definition shows the definitions before it)."""
        self._definitions.append((entry, html))

    def _parse(self, text: str, file: str, first_line: int, scope: str,
               base_dir: Path | None, problems: list[Problem],
               allow_questions: bool) -> Rendered:
        env = {"scope": scope}
        flat = flatten_brackets(text)
        tokens = mdfast.parse(self.md, flat, env)  # md.parse, one-line prose shortcut
        if flat is not text:  # brackets were set aside: put them back
            restore_brackets(tokens)
        citations: list[Citation] = []
        terms: list[TermUse] = []
        assets: list[Asset] = []
        heading: str | None = None
        named: dict[str, int] = {}
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                heading = plain(tokens[i + 1]) or None
            if token.type == "table_open" and heading:
                named[heading] = named.get(heading, 0) + 1  # two tables: "Title (2)"
                token.meta = {"label": heading if named[heading] == 1
                              else f"{heading} ({named[heading]})"}
            if token.type != "inline" or not token.children:
                continue
            line = first_line + (token.map[0] if token.map else 0)
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "citation":
                    citations.append(Citation(child.meta["ref"], Source(file, line)))
                elif child.type == "glossary_term":
                    terms.append(TermUse(child.meta["term"], Source(file, line)))
                elif child.type == "image":
                    asset = self._image(child, file, line, base_dir, problems)
                    if asset:
                        assets.append(asset)
                elif child.type == "link_open":
                    href = child.attrGet("href") or ""
                    if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
                        child.attrSet("target", "_blank")
                        child.attrSet("rel", "noopener")
        # popovers are numbered: inside content blocks first, then the rest in order with
        # each media transcript where its block is (their ids are what they always were)
        if any(t.type == "container_block_open" for t in tokens):
            tokens = Expander(self, env, file, first_line, text, problems,
                              self._messages(), self._templates).expand(tokens)
        blocks: list[Later | QuestionBlock] = []
        media: list = []
        start = 0
        for i, token in enumerate(tokens):
            if token.type == "fence" and self.media and token.info.strip() in self.media.KINDS:
                line = first_line + (token.map[0] if token.map else 0)
                got = self.media.block(token.info.strip(), token.content, file, line + 1,
                                       base_dir, problems, self._transcript(scope, problems))
                token.type, token.content = "html_block", got.html
                assets += got.assets
                media += [got.media] if got.media else []
                continue
            if token.type == "fence" and token.info.strip() == "question":
                line = first_line + (token.map[0] if token.map else 0)
                if not allow_questions:
                    problems.append(Problem(file, line, "", "a question block is not "
                                            "allowed here", "put knowledge checks in module "
                                            "pages, and assessment questions in scenarios/"))
                else:
                    self.number(tokens[start:i])
                    if i > start:
                        blocks.append(self.later(tokens[start:i], env))
                    blocks.append(QuestionBlock(token.content, line + 1))
                start = i + 1
        self.number(tokens[start:])
        if start < len(tokens):
            blocks.append(self.later(tokens[start:], env))
        return Rendered(blocks, citations, terms, assets, media)

    def _transcript(self, scope: str, problems: list[Problem]):
        """Reads a media block's transcript file: (its HTML later, its images)."""
        def read(text: str, file: str, base_dir: Path):
            got = self.read(text, file=file, first_line=1, scope=scope + "-tr",
                            base_dir=base_dir, problems=problems, allow_questions=False)
            return got.html, got.assets
        return read

    # -- the render pass ---------------------------------------------------------------
    def render_all(self) -> None:
        """Render every text read (the glossary's definitions first), and keep those
        read without problems in the cache."""
        with rendering():
            for entry, html in self._definitions:
                self.links.definitions[entry] = str(html)
            for key, got, count, images in self._read:
                got.blocks = [Later.done(str(b)) if isinstance(b, Later) else b
                              for b in got.blocks]
                if key is not None and self.cache is not None:
                    self.cache.entries[key] = (got, count, images)
                    self.cache.used.add(key)
        self._read = []

    def _messages(self) -> dict[str, str]:
        if not self.links.messages:  # no catalogue given: the theme's English
            from builder.render import messages, theme_dir
            self.links.messages = messages([theme_dir()], "en")
        return self.links.messages

    def _image(self, token: Token, file: str, line: int, base_dir: Path | None,
               problems: list[Problem]) -> Asset | None:
        src = token.attrGet("src") or ""
        alt = token.content.strip()
        decorative = (token.attrGet("title") or "").strip().lower() == DECORATIVE
        if decorative:
            token.attrs.pop("title", None)
            token.attrSet("role", "presentation")
            if alt:
                problems.append(Problem(file, line, "", f"image '{src}' is marked decorative "
                                        "but has alt text", "remove the alt text, or the "
                                        "\"decorative\" title if the picture teaches something"))
        elif not alt:
            problems.append(Problem(file, line, "", f"image '{src}' has no alt text",
                                    "write what the picture shows between the brackets: "
                                    "![The three roles of the triad](triad.svg); a picture "
                                    "that is only decoration is marked "
                                    "![](border.svg \"decorative\")"))
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
            problems.append(Problem(file, line, "", f"image '{src}' is not a file in the "
                                    "project", "packages must work offline: save the image "
                                    "next to the module and link it by its file name"))
            return None
        if base_dir is None:
            problems.append(Problem(file, line, "", f"image '{src}' is not allowed here",
                                    "images belong in module pages"))
            return None
        root = self.root.resolve()
        try:
            path = (base_dir / src).resolve()
            if not path.is_relative_to(root / "modules"):
                inside = Path(os.path.normpath(base_dir / src)).is_relative_to(root / "modules")
                problems.append(Problem(file, line, "", f"image '{src}' is " + (
                    "a link to a place outside the modules/ folder" if inside else
                    "outside the modules/ folder"), "keep images inside modules/ and link "
                    "them with a relative path" + (" (copy the file, do not link to it)"
                                                   if inside else "")))
                return None
            if not path.is_file():
                problems.append(Problem(file, line, "", f"image file '{src}' not found",
                                        f"expected it at {path.relative_to(root).as_posix()}"))
                return None
            info = path.stat()
            size = info.st_size
            self._images.append((base_dir / src, path, size, info.st_mtime_ns))
        except (OSError, ValueError, RuntimeError) as exc:  # a name too long, a NUL byte,
            # a link loop (RuntimeError from Path.resolve on Python 3.11)
            problems.append(Problem(file, line, "", f"image '{src}' cannot be read: "
                                    f"{getattr(exc, 'strerror', None) or _loop(exc)}"))
            return None
        if size > MAX_IMAGE:
            problems.append(Problem(file, line, "", f"image '{src}' is too large ({size:,} "
                                    f"bytes; the limit is {MAX_IMAGE:,})", "scale it down or "
                                    "compress it: learners download every image"))
            return None
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            problems.append(Problem(file, line, "", f"'{src}' is not an image type browsers "
                                    "show", "use " + ", ".join(sorted(IMAGE_SUFFIXES))))
            return None
        package_path = "media/" + path.relative_to(root / "modules").as_posix()
        token.attrSet("src", package_path)
        return Asset(path, package_path, Source(file, line))


def theme_templates(root: Path) -> Callable[[], Any]:
    """A function giving (once made) the Jinja environment of ``root``'s templates."""
    env: list = []

    def get():
        if not env:
            from builder import render
            env.append(render.make_env(render.template_dirs(root)))
        return env[0]
    return get


def _same_image(written: Path, path: Path, size: int, mtime_ns: int) -> bool:
    """Whether an image a cached render checked is still the same file, where it was."""
    try:
        info = path.stat()
        return (written.resolve() == path and info.st_size == size
                and info.st_mtime_ns == mtime_ns)
    except (OSError, ValueError, RuntimeError):
        return False


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


HEADING_RE = re.compile(r"^#[ \t]")  #: a level-1 ATX heading; parsed by parse_heading
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class PageSource:
    id: str | None
    title: str
    body: str
    line: int  #: line of the heading
    body_line: int  #: line where the body starts


def parse_heading(line: str) -> tuple[str, str | None] | None:
    """(title, id or None) of a level-1 heading line ``# Title {#id}``, else None.

    String operations, not one regular expression: the expression this replaces
    backtracked for minutes on a heading with a long run of spaces.
    """
    if not HEADING_RE.match(line):
        return None
    text = line[1:].strip()
    bare = text.rstrip("#")  # an optional closing sequence: "# Title ##"
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip()
    pid = None
    start = text.rfind("{#")
    if text.endswith("}") and start > 0 and text[start - 1] in " \t":
        candidate = text[start + 2:-1]
        if not any(c.isspace() or c == "}" for c in candidate):
            pid, text = candidate, text[:start].rstrip()
    return text, pid


def split_pages(text: str, first_line: int) -> tuple[str, list[PageSource]]:
    """Split module Markdown at level-1 headings (outside code fences).

    Returns the text before the first heading (should be blank) and the pages.
    """
    lines = text.split("\n")
    preamble: list[str] = []
    pages: list[tuple[str | None, str, int, list[str]]] = []
    fence: str | None = None
    for n, raw in enumerate(lines):
        m = FENCE_RE.match(raw)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence) and raw.strip() == marker:
                fence = None
        heading = parse_heading(raw) if fence is None else None
        if heading:
            pages.append((heading[1], heading[0], first_line + n, []))
        elif pages:
            pages[-1][3].append(raw)
        else:
            preamble.append(raw)
    return "\n".join(preamble), [
        PageSource(pid, title, "\n".join(body), line, line + 1)
        for pid, title, line, body in pages
    ]


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "page-" + slug
    return slug[:60].rstrip("-")


def posix(path: Path, root: Path) -> str:
    try:
        return PurePosixPath(path.relative_to(root)).as_posix()
    except ValueError:
        return path.as_posix()



def _loop(exc: Exception) -> str:
    return "it is a link that loops back on itself" if isinstance(exc, RuntimeError) else str(exc)
