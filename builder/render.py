"""Render the course through Jinja into the files of a web site (path -> bytes).

Templates come from an ordered search path: the course's own ``templates/`` first, then
the default theme shipped with coursepack. Autoescape is on and undefined names are
errors. Python prepares a small view of the course for the templates (every id, index
and HTML fragment computed here), so templates only loop and print.
"""

from __future__ import annotations

import functools
import hashlib
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.sandbox
from markupsafe import Markup

from builder import __version__, bundle, chunks, jsmin, runtime, screens, state, usercache
from builder import theme as looks
from builder.components import blocks as content_blocks
from builder.components.questions import QUESTIONS, question_type
from builder.errors import BuildAborted, Problem
from builder.model import Assessment, Course, Module, Question
from builder.packagers import PACKAGERS, packager
from builder.yamlfile import parse_yaml


def theme_dir() -> Path:
    """The default theme: inside the installed wheel, or ``templates/`` of a source tree."""
    packaged = Path(__file__).parent / "_theme"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def template_dirs(root: Path) -> list[Path]:
    own = root / "templates"
    theme = theme_dir()
    if own.is_dir() and own.resolve() != theme.resolve():
        return [own, theme]
    return [theme]


def template_problems(root: Path) -> list[Problem]:
    """The course's ``templates/`` folder follows the rule of modules and assets: every
    file and folder in it (the folder itself too) lies inside the project, and only
    regular files and folders are there (a link out of the project, a link loop, a FIFO
    or a device is refused)."""
    root = root.resolve()
    own = root / "templates"
    if not own.exists() and not own.is_symlink():
        return []
    try:
        if own.resolve() == theme_dir().resolve():
            return []  # coursepack's own source tree: the theme itself
    except (OSError, RuntimeError):
        pass
    problems: list[Problem] = []
    seen: set[Path] = set()
    stack = [own]
    while stack:
        path = stack.pop()
        rel = path.relative_to(root).as_posix()
        try:
            real = path.resolve(strict=True)
            mode = real.stat().st_mode
        except (OSError, RuntimeError):  # RuntimeError: a link loop (Python 3.11)
            problems.append(Problem(rel, 0, "", "this is a link that leads nowhere (a link "
                                    "loop or a missing file)", "remove the link"))
            continue
        if not real.is_relative_to(root):
            problems.append(Problem(rel, 0, "", "this is a link to a place outside the "
                                    "project folder", "copy the files into the project "
                                    "instead of linking to them"))
        elif stat.S_ISDIR(mode):
            if real not in seen:
                seen.add(real)
                try:
                    stack.extend(sorted(path.iterdir(), reverse=True))
                except OSError as exc:
                    problems.append(Problem(rel, 0, "", f"cannot read the folder: "
                                            f"{exc.strerror}"))
        elif not stat.S_ISREG(mode):
            problems.append(Problem(rel, 0, "", "this is not a regular file (a FIFO, socket "
                                    "or device)", "templates are plain text files"))
    return problems


def make_env(dirs: list[Path]) -> jinja2.Environment:
    """The Jinja environment for ``dirs``. The theme shipped with coursepack is trusted;
    as soon as a course brings templates of its own, everything renders in Jinja's
    sandbox: a course's template can print and loop over what it is given, but cannot
    reach Python (no underscore attributes, no unsafe methods, no changing the data)."""
    trusted = [d.resolve() for d in dirs] == [theme_dir().resolve()]
    cls = jinja2.Environment if trusted else jinja2.sandbox.ImmutableSandboxedEnvironment
    return cls(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        bytecode_cache=_TemplateCache.open(),
    )


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates, kept between runs as Python keeps ``__pycache__``: compiling
    the theme takes longer than rendering a small course.

    A template is recompiled whenever its text changes (Jinja compares a checksum of the
    source), so the cache never changes what a build writes. It lives in
    ``$COURSEPACK_CACHE``, else ``$XDG_CACHE_HOME/coursepack`` or ``~/.cache/coursepack``,
    in a folder per coursepack and Jinja version; ``COURSEPACK_CACHE=off`` turns it off.
    A cache that cannot be read or written is skipped: builds never fail because of it.
    """

    @classmethod
    def open(cls) -> _TemplateCache | None:
        folder = usercache.cache_folder(f"templates-{__version__}-jinja{jinja2.__version__}")
        return cls(str(folder)) if folder else None

    def get_bucket(self, environment, name, filename, source):
        """Jinja's bucket, keyed also by the sandbox: a template compiles differently in
        it, and code compiled for one environment must never run in the other."""
        key = self.get_cache_key(name, filename) + ("-sandboxed" if environment.sandboxed
                                                    else "")
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged (cut short: pickle errors)
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def messages(dirs: list[Path], language: str) -> dict[str, str]:
    """Interface strings for ``language`` (falling back to its primary tag, then English),
    each key taken from the first folder on the search path that has it."""
    tags = [language, language.split("-")[0], "en"]
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for tag in reversed(list(dict.fromkeys(tags))):
        for d in reversed(dirs):
            path = d / "i18n" / f"{tag}.yaml"
            if not path.is_file():
                continue
            name = _template_name(str(path), dirs, dirs[0].parent)
            try:
                data, found = parse_yaml(path.read_text("utf-8"), name)
            except UnicodeDecodeError:
                data, found = None, [Problem(name, 0, "", "the file is not valid UTF-8 text")]
            problems += found
            if data is not None and not isinstance(data, dict):
                problems.append(Problem(name, 1, "", "a message catalogue is a mapping of "
                                        "keys to texts", "write one 'key: text' per line"))
            elif data:
                out.update({str(k): str(v) for k, v in data.items()})
    if problems:
        raise BuildAborted(problems)
    return out


# -- the view the templates see --------------------------------------------------------

@dataclass(frozen=True)
class Block:
    html: Markup


def _question(q: Question, index: int, t: dict[str, str]) -> dict[str, Any]:
    kind = question_type(q.type)
    choices = [{"id": c.id, "index": i, "html": kind.label(c, t), "label_key": "",
                "feedback_html": Markup(c.feedback_html)} for i, c in enumerate(q.choices)]
    targets = [{"id": c.id, "index": i, "text": Markup(c.html).striptags()}
               for i, c in enumerate(q.targets)]
    return {
        "id": q.id, "index": index, "type": q.type, "prompt_html": Markup(q.prompt_html),
        "feedback_correct_html": Markup(q.feedback_correct_html),
        "feedback_incorrect_html": Markup(q.feedback_incorrect_html),
        "choices": choices, "targets": targets, "max_length": q.max_length,
        "answer_key_html": answer_key(q, choices),
        # the type's template partial and what it needs
        "template": kind.template, "kc_label": kind.kc_label, "check_label": kind.check_label,
        **kind.template_data(q),
    }


def answer_key(q: Question, choices: list[dict]) -> Markup:
    """The correct answer in words, shown after submitting when ``show_correct`` is on."""
    return question_type(q.type).answer_key(q, [c["html"] for c in choices])


#: optional parts of the runtime, shipped only to courses that use them
FEATURES = {"scenario": "static/cp-scenario.js", "draw": "static/cp-draw.js",
            "screens": screens.SCRIPT, "menu-groups": "static/cp-menu-groups.js",
            "earlier": "static/cp-state-earlier.js"}
#: a course of more units than this lists them in groups in its menu (cp-menu-groups.js)
GROUP_AT = 40
#: the question types a branching scenario's decisions are reported as
SCENARIO_QUESTION_TYPES = ("choice",)
#: what every package carries: first the page loader, the question types' registry, the
#: resume state and the adapter registry, last the course logic (the question types the
#: course uses, adapters and features register with them in between)
FIRST = ("static/cp-pages.js", "static/cp-questions.js", "static/cp-state.js", "static/cp-lms.js")
LAST = "static/coursepack.js"
#: every file of the runtime: a package carries only the ones its ``scripts`` lists (each
#: target's packager names its adapter's scripts; cp-lms.js has the registry of adapters
#: and the standalone mode; each question type and content block names its files)
RUNTIME = frozenset([*FIRST, LAST, *FEATURES.values(), screens.STYLE,
                     *(s for p in PACKAGERS.values() for s in p.scripts),
                     *(qt.script for qt in QUESTIONS.values() if qt.script),
                     *content_blocks.static_files()])


def scripts(course: Course, target: str) -> tuple[str, ...]:
    """The runtime's scripts for ``course`` built for ``target``, in load order."""
    branching = any(a.branching for a in course.assessments)
    features = [FEATURES["scenario"]] if branching else []
    if any(a.draw for a in course.assessments):
        features.append(FEATURES["draw"])
    features += content_blocks.scripts([text.html for text in course.texts])
    if screens.used(course):
        features.append(FEATURES["screens"])
    if len(course.outline) > GROUP_AT:
        features.append(FEATURES["menu-groups"])
    earlier = state.course_state(course)["prev"]  # maps of earlier releases' tables
    if earlier:
        features.append(FEATURES["earlier"])
    used = {q.type for u in course.outline for q in
            (u.questions if isinstance(u, Assessment) else
             (q for p in u.pages for q in p.questions))}
    used |= set(SCENARIO_QUESTION_TYPES) if branching else set()
    used |= state.previous_types(course, earlier)  # their answers in an earlier release's state
    types = [qt.script for name, qt in QUESTIONS.items() if name in used and qt.script]
    return (*FIRST, *types, *packager(target).scripts, *features, LAST)


#: where a package's page may load from: only its own files, no inline script or style,
#: and (xAPI, cmi5) connections to the LRS, whose address comes with the launch
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "media-src 'self'; font-src 'self'; connect-src {connect}; object-src 'none'; "
       "base-uri 'none'; form-action 'none'")
#: the theme's colours and fonts, as a style sheet of the package (no inline style)
THEME_CSS = "static/theme.css"


def csp(target: str, frames: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of every page of a ``target`` package. The LRS
    endpoint of an xAPI or cmi5 launch is a launch parameter, unknown when building, so
    those packages may connect to any http(s) address; the others to their own origin.
    ``frames``: the origins of the hosted videos the course uses (frame-src), no others."""
    connect = "'self' https: http:" if packager(target).xapi else "'self'"
    policy = CSP.format(connect=connect)
    return policy + "; frame-src " + " ".join(frames) if frames else policy


CITED_RE = re.compile(r'data-cite="([^"]+)"')


def _cited(html_parts: list[str]) -> list[str]:
    """The reference ids cited in these HTML fragments, in order of first citation."""
    return list(dict.fromkeys(m for h in html_parts for m in CITED_RE.findall(h)))


def _html_parts(block: str | Question) -> list[str]:
    if isinstance(block, str):
        return [block]
    return [block.prompt_html, block.feedback_correct_html, block.feedback_incorrect_html,
            *(c.html for c in block.choices), *(c.feedback_html for c in block.choices)]


def page_dom_id(location: str) -> str:
    return "pg-" + location.replace("/", "--")


def view(course: Course, target: str, t: dict[str, str],
         shared: dict | None = None) -> dict[str, Any]:
    """What the templates see. Everything but the script list, the course data and the
    CSP is the same for every target: with ``shared`` (one dict per build) it is
    computed for the first target and reused by the others."""
    if shared is None:
        shared = {}
    if "view" not in shared:
        shared["view"] = _common_view(course, t)
    return {**shared["view"],
            # one script file: the runtime's, joined in their order (builder/bundle.py)
            "scripts": (bundle.BUNDLE,), "runtime_scripts": scripts(course, target),
            "data": runtime.course_data(course, target, shared.setdefault("data", {})),
            "csp": csp(target, _frames(course))}


def _common_view(course: Course, t: dict[str, str]) -> dict[str, Any]:
    units = []
    page_index = 0
    kc_index = 0
    refs = {r.id: r for r in course.references}
    numbers = {r.id: n for n, r in enumerate(course.references, 1)}
    for i, unit in enumerate(course.outline):
        entry: dict[str, Any] = {"index": i, "id": unit.id, "title": unit.title,
                                 "kind": unit.kind, "first": page_index}
        if isinstance(unit, Module):
            entry["duration"] = unit.duration
            entry["image"] = screens.module_image(unit)
            pages = []
            for n, page in enumerate(unit.pages):
                blocks = []
                for b in page.blocks:
                    if isinstance(b, Question):
                        blocks.append(_question(b, kc_index, t))
                        kc_index += 1
                    else:
                        blocks.append(Block(Markup(b)))
                pages.append({"index": page_index, "title": page.title, "first": n == 0,
                              "dom_id": page_dom_id(f"{unit.id}/{page.id}"), "blocks": blocks})
                page_index += 1
            entry["pages"] = pages
            entry["first_dom_id"] = pages[0]["dom_id"] if pages else ""
            # printed at the end of the module: the sources its pages cite, by number
            entry["print_refs"] = [
                {"number": numbers[r], "text": refs[r].text, "url": refs[r].url}
                for r in _cited([h for p in unit.pages for b in p.blocks
                                 for h in _html_parts(b)]) if r in refs]
        else:
            assert isinstance(unit, Assessment)
            entry.update(
                kind="branching" if unit.branching else "quiz", duration=None,
                first_dom_id=page_dom_id(unit.id), intro_html=Markup(unit.intro_html),
                assessment_index=course.assessments.index(unit),
                questions=[_question(q, n, t) for n, q in enumerate(unit.questions)],
                nodes=[{"id": n.id, "ending": n.ending, "html": Markup(n.html),
                        "choices": [{"id": c.id, "html": Markup(c.html),
                                     "feedback_html": Markup(c.feedback_html)}
                                    for c in n.choices]} for n in unit.nodes])
            page_index += 1
        units.append(entry)
    return {
        "units": units,
        "data_script": chunks.DATA,
        # the first unit's file loads with the runtime, right after the page loader that
        # takes it (its request is not left until the runtime has run; issue 18)
        "first_unit": chunks.unit_path(0) if units else "",
        "page_loader": bundle.BUNDLE,  # the runtime, cp-pages.js first
        # the style sheets of the blocks and screens the course uses: parts of the one
        # style sheet, static/coursepack.css (builder/bundle.py); base.html links that
        "styles": (),
        "style_parts": (*content_blocks.styles([text.html for text in course.texts]),
                        *([screens.STYLE] if screens.used(course) else [])),
        "description_html": Markup(course.description_html),
        "glossary": [{"id": g.id, "term": g.term, "html": Markup(g.html),
                      "source_ref": g.source_ref} for g in course.glossary],
        "short_refs": {r.id: r.short for r in course.references},
        "ref_numbers": numbers,
        "has_glossary": bool(course.glossary),
        "has_references": bool(course.references),
        "theme_css": THEME_CSS if course.theme and looks.css(course.theme) else "",
        "logo": {"src": course.theme.logo.package_path, "alt": course.theme.logo_alt}
        if course.theme and course.theme.logo else None,
        **screens.view(course, t),
    }


def _frames(course: Course) -> tuple[str, ...]:
    from builder.components.blocks.media import course_media

    return tuple(sorted({m.host for m in course_media(course) if m.host}))


def static_files(dirs: list[Path]) -> dict[str, Path]:
    """Every file under ``static/`` on the search path; earlier folders win."""
    out: dict[str, Path] = {}
    for d in reversed(dirs):
        base = d / "static"
        if base.is_dir():
            real = base.resolve()
            for path in sorted(base.rglob("*")):
                # only real files inside the folder: a link out of it is not shipped
                if path.is_file() and path.resolve().is_relative_to(real):
                    out["static/" + path.relative_to(base).as_posix()] = path
    return out


def shipped_text(text: str, name: str) -> str:
    """The default theme's script or style sheet as packages carry it: a script without
    comments and unneeded white space (:func:`builder.jsmin.minify`), else (a style sheet,
    or a script the scanner does not take apart) :func:`without_comments`."""
    if name.endswith(".js"):
        head = f"/* coursepack {__version__} templates/{name} */\n"
        small = jsmin.minify(text, head)
        if small is not None:
            return small
    return without_comments(text, name)


def _shipped_file(name: str, path: Path) -> bytes:
    """The theme's script (:func:`_shipped_script`) or style sheet as packages carry it."""
    if name.endswith(".js"):
        return _shipped_script(name, path.read_bytes())
    return without_comments(path.read_text("utf-8"), name).encode("utf-8")


@functools.lru_cache(maxsize=64)
def _shipped_script(name: str, source: bytes) -> bytes:
    """:func:`shipped_text` of a theme script, once per process for the same source (the
    targets of a build, and the preview's rebuilds, ship the same scripts), and kept
    between runs in coursepack's cache (:mod:`builder.usercache`), keyed by the script, its
    name and the minifier's own code, so the cache never changes what a build writes."""
    key = hashlib.sha256(name.encode() + b"\0" + source).hexdigest()
    folder = _script_cache()
    path = folder / f"{key}.js" if folder else None
    data = usercache.read(path) if path else None
    if data is None:
        data = shipped_text(source.decode("utf-8"), name).encode("utf-8")
        if path:
            usercache.write(path, data)
    return data


def _script_cache() -> Path | None:
    return usercache.cache_folder(f"scripts-{__version__}-{_minifier_code()}")


@functools.lru_cache(maxsize=1)
def _minifier_code() -> str:
    return hashlib.sha256(Path(jsmin.__file__).read_bytes()).hexdigest()[:16]


def without_comments(text: str, name: str) -> str:
    """The default theme's script or style sheet as packages carry it: whole-line comments
    left out (about a tenth of the bytes) and each line's indentation with them (another
    tenth), every line of code otherwise kept as written.

    Lines that are nothing but a comment go: a ``//`` line, or a ``/* ... */`` block that
    starts a line (a line where code follows the block keeps the code). A ``/* ... */``
    that ends a line of code goes too when it opens outside a string (:func:`_code_of`);
    ``//`` after code stays (it may be part of a regular expression). The first line says
    where the commented source is (the theme's file, in coursepack's
    version named). Course overrides are shipped as they are: this is safe
    for coursepack's own files, which have no template literals (a backtick string could
    hold a line that looks like a comment) and no string continued over lines (whose
    indentation would be part of the string).
    """
    out = [f"/* coursepack {__version__} templates/{name} */\n"]
    in_block = False
    for line in text.splitlines(keepends=True):
        code = line.strip()
        if in_block:
            if "*/" in code:
                in_block = False
                rest = code.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest + "\n")
            continue
        if code.startswith("//"):
            continue
        if code.startswith("/*"):
            end = code.find("*/", 2)
            if end < 0:
                in_block = True
            elif code[end + 2:].strip():
                out.append(code + "\n")
            continue
        if code:
            out.append(_code_of(code) + "\n")
    return "".join(out)


#: a ``/* ... */`` comment that ends a line (one comment: no ``*/`` inside it)
_TRAILING_COMMENT = re.compile(r"\s+/\*(?:(?!\*/).)*\*/$")


def _code_of(line: str) -> str:
    """A line of code without the ``/* ... */`` comment that ends it, when the comment
    opens outside a string ('...', "..." or `...`, with backslash escapes); else the line
    as it is."""
    m = _TRAILING_COMMENT.search(line)
    if not m:
        return line
    quote = None
    escaped = False
    for ch in line[:m.start()]:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quote:
            quote = None if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
    return line if quote else line[:m.start()]


def render_site(course: Course, target: str, dirs: list[Path] | None = None,
                env: jinja2.Environment | None = None,
                shared: dict | None = None, kept: dict | None = None) -> dict[str, bytes]:
    """The course as web files: ``index.html``, theme ``static/`` files and media.

    ``shared`` (one dict per build, given to the call for each target) keeps what every
    target has in common: the messages, the view of the course, the parts of the page
    that do not depend on the target (:func:`_render_page`), the theme's files and the
    media. Without it every call starts afresh; the files are the same either way.
    ``kept`` (the preview's, one dict kept from one rebuild to the next): the units' HTML,
    rendered again only for the units that changed (:func:`builder.chunks.render_chunks`).
    """
    dirs = dirs or template_dirs(course.root)
    env = env or make_env(dirs)
    reuse = shared is not None  # other targets follow: keep what they can reuse
    if shared is None:
        shared = {}
    if "t" not in shared:
        shared["t"] = messages(dirs, course.language)
    t = shared["t"]
    the_view = view(course, target, t, shared)
    with template_errors(dirs, course.root):
        html = _render_page(env, shared if reuse else None, course=course, view=the_view,
                            t=t, target=target)
    files = {"index.html": html.encode("utf-8")}
    with template_errors(dirs, course.root):  # the pages, one script per unit
        files.update(chunks.render_chunks(env, course, the_view, t, target,
                                          shared if reuse else None, kept))
    if "files" not in shared:
        shared["files"] = _common_files(course, dirs)
    shipped = (*the_view["runtime_scripts"], *the_view["style_parts"])
    for name, data in shared["files"].items():
        if name in RUNTIME and name not in shipped:
            continue  # another standard's adapter, or a feature the course does not use
        if isinstance(data, Path):  # the theme's script or style, first shipped now
            data = shared["files"][name] = _shipped_file(name, data)
        files[name] = data
    files[bundle.BUNDLE] = bundle.join([(name, files.pop(name))
                                        for name in the_view["runtime_scripts"]])
    files[bundle.STYLES] = bundle.join([(bundle.STYLES, files[bundle.STYLES]),
                                        *((name, files.pop(name))
                                          for name in the_view["style_parts"])])
    return files


def _common_files(course: Course, dirs: list[Path]) -> dict[str, bytes | Path]:
    """Every file of the site but ``index.html``, in the order packages list them: the
    theme's style sheet, every static file (each target ships the runtime's it needs),
    the media and the logo. The theme's scripts and styles are given by path: a target
    ships a few of them, made ready (:func:`shipped_text`) when first shipped."""
    files: dict[str, bytes | Path] = {}
    if course.theme and looks.css(course.theme):
        files[THEME_CSS] = looks.css(course.theme).encode("utf-8")
    theme = theme_dir()
    for name, path in static_files(dirs).items():
        if path.suffix in (".js", ".css") and path.is_relative_to(theme):
            files[name] = path
        else:
            files[name] = path.read_bytes()
    for text in course.texts:
        for asset in text.assets:
            files[asset.package_path] = asset.project_path.read_bytes()
    if course.theme and course.theme.logo:
        files[course.theme.logo.package_path] = course.theme.logo.project_path.read_bytes()
    for asset in screens.assets(course):
        files[asset.package_path] = asset.project_path.read_bytes()
    return files


#: the context that differs between targets: what a block rendered once may not use
_PER_TARGET = ("target",)
_PER_TARGET_VIEW = ("scripts", "runtime_scripts", "data", "csp")


def _render_page(env: jinja2.Environment, shared: dict | None, **context: Any) -> str:
    """``index.html`` rendered with ``context``.

    With the default theme, a block of the page that does not depend on the target (the
    pages block, in practice: nearly all of the text) is rendered for the first target
    only, and its text reused for the others. A block qualifies when, rendered again
    without the target's values (where StrictUndefined makes any use of them an error),
    it gives exactly the text it gave in the full render. Course templates are always
    rendered whole, for each target.
    """
    template = env.get_template("index.html")
    reuse = shared is not None and not env.sandboxed
    shared = shared if shared is not None else {}
    ctx = template.new_context(context)
    captured: dict[str, str] = {}
    if reuse and "blocks" in shared:
        for name, text in shared["blocks"].items():
            ctx.blocks[name] = [lambda _ctx, text=text: iter((text,))]
    elif reuse:
        for name, funcs in ctx.blocks.items():
            funcs[0] = _capturing(env, name, funcs[0], captured)
    try:
        html = env.concat(template.root_render_func(ctx))  # type: ignore[attr-defined]
    except Exception:
        return env.handle_exception()
    if reuse and "blocks" not in shared:
        shared["blocks"] = _neutral_blocks(template, ctx, captured)
    return html


def _capturing(env: jinja2.Environment, name: str, func, captured: dict[str, str]):
    def render(ctx):
        text = env.concat(func(ctx))  # type: ignore[attr-defined]
        captured.setdefault(name, text)
        yield text
    return render


def _neutral_blocks(template: jinja2.Template, ctx, captured: dict[str, str]
                    ) -> dict[str, str]:
    """The blocks of ``captured`` (rendered for one target) that render the same without
    the target's values: those are the same for every target."""
    neutral = {k: v for k, v in ctx.get_all().items() if k not in _PER_TARGET}
    neutral["view"] = {k: v for k, v in neutral["view"].items() if k not in _PER_TARGET_VIEW}
    out = {}
    for name, text in captured.items():
        try:
            again = template.environment.concat(  # type: ignore[attr-defined]
                template.blocks[name](template.new_context(neutral)))
        except jinja2.UndefinedError:
            continue  # it uses the target: rendered with each
        if again == text:
            out[name] = text
    return out


@contextmanager
def template_errors(dirs: list[Path], root: Path) -> Iterator[None]:
    """Errors raised while rendering templates as problems (file, line, message). An
    error inside a course's own template is the author's, whatever it is; elsewhere only
    Jinja's own errors are (anything else is a bug in coursepack and keeps its traceback).
    """
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise BuildAborted([Problem(_template_name(exc.filename, dirs, root),
                                    exc.lineno or 0, "", f"template syntax error: {exc.message}")]
                           ) from None
    except jinja2.sandbox.SecurityError as exc:
        file, line = _template_frame(exc, dirs, root)
        raise BuildAborted([Problem(file, line, "", "template error: "
                                    f"{str(exc.message or exc).rstrip('.')} "
                                    "(course templates run in a sandbox)",
                                    "a template can print and loop over the course's data; "
                                    "see 'Templates' in docs/authoring.md")]) from None
    except jinja2.TemplateError as exc:
        file, line = _template_frame(exc, dirs, root)
        raise BuildAborted([Problem(file, line, "", f"template error: {exc.message}",
                                    "check the names used in your template overrides")]) from None
    except Exception as exc:
        file, line = _template_frame(exc, dirs, root)
        own = root.resolve() / "templates"
        if len(dirs) < 2 or not (root.resolve() / file).is_relative_to(own):
            raise
        raise BuildAborted([Problem(file, line, "", f"template error: "
                                    f"{type(exc).__name__}: {exc}"[:300])]) from None


def _template_frame(exc: Exception, dirs: list[Path], root: Path) -> tuple[str, int]:
    """The template file and line an error was raised in, from Jinja's traceback frames
    (compiled templates carry their file name and map lines back to the source)."""
    tb = exc.__traceback__
    found = ("templates", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml")) and Path(filename).is_file():
            found = (_template_name(filename, dirs, root), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_name(filename: str | None, dirs: list[Path], root: Path) -> str:
    if not filename:
        return "templates"
    path = Path(filename).resolve()
    if path.is_relative_to(root.resolve()):
        return path.relative_to(root.resolve()).as_posix()
    return path.name
