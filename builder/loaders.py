"""Read a course folder into the typed model (:mod:`builder.model`).

This module and :mod:`builder.assessments` (questions, quizzes, branching scenarios) are
the only ones that see raw YAML. Each mapping is read through its declaration in
:mod:`builder.formats`, which decides the keys, their types and allowed values; shape
problems (wrong types, missing or unknown keys, YAML syntax) are collected with file and
line. Rules across keys stay here, and rules across files live in :mod:`builder.course_rules`.

Loading is two passes: :meth:`Loader.load` reads everything (each Markdown text parsed once
and checked, its HTML a placeholder: :mod:`builder.deferred`), then renders every text
once all is read, and fills the model with the HTML.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

from builder import loadfork, readcache
from builder.assessments import AssessmentReader
from builder.components.blocks import media
from builder.deferred import Later, fill, rendering
from builder.errors import BuildAborted, Problem, did_you_mean
from builder.formats import (
    COURSE,
    GLOSSARY_ENTRY,
    ID,
    ID_HINT,
    MODULE,
    REFERENCE,
    Mapping,
    matches,
)
from builder.markdown import (
    IMAGE_SUFFIXES,
    MAX_IMAGE,
    Links,
    MarkdownRenderer,
    QuestionBlock,
    RenderCache,
    slugify,
    split_pages,
)
from builder.model import (
    QUALITY_RULES,
    Assessment,
    Asset,
    Certificate,
    Colours,
    Course,
    Cover,
    GlossaryEntry,
    Html,
    Module,
    Objective,
    Page,
    Quality,
    Question,
    Reference,
    Source,
    Theme,
    Tracking,
)
from builder.packagers import DEFAULT_TARGETS
from builder.render import messages, template_dirs
from builder.theme import FONT_RE, GENERIC_FONTS, normalise
from builder.yamlfile import CONTROL_HINT, NOT_XML, Fields, LDict, LList, parse_yaml

MAX_TEXT_FILE = 2 * 1024 * 1024  # bytes; a course text file larger than this is a mistake


class Loader(AssessmentReader):
    """Loads one project. ``problems`` collects everything found along the way."""

    def __init__(self, root: Path, cache: RenderCache | None = None):
        self.root = root.resolve()
        self.cache = cache  #: rendered texts kept between loads (the preview)
        self.problems: list[Problem] = []
        self.texts: list[Html] = []
        self.renderer: MarkdownRenderer | None = None
        #: files (or outline entries) that could not be loaded at all. Rules across files
        #: would only repeat what is missing because of them (see validate(complete=...)).
        self.unusable: list[str] = []
        #: (file, question id) of questions whose type is unknown: their other problems
        #: follow from that one and are not reported (AssessmentReader.question)
        self.follow_ons: set[tuple[str, str]] = set()
        self.language: str | None = None  #: the course's, once course.yaml is read

    # -- files ---------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return path.as_posix()

    def read_text(self, path: Path) -> str | None:
        """The file's text, or None (with a problem) when it cannot be used."""
        # the link's own path (not where it points), relative to the project
        rel = (path.relative_to(self.root).as_posix() if path.is_relative_to(self.root)
               else str(path))
        self.unusable.append(rel)  # until it has been read
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a link loop (Python 3.11)
            self.problems.append(Problem(rel, 0, "", "this file is a link that loops back "
                                         "on itself", "replace the link by the file"))
            return None
        if not real.is_relative_to(self.root):
            self.problems.append(Problem(rel, 0, "", "this file is a link to a place outside "
                                         "the project folder", "copy the file into the "
                                         "project instead of linking to it"))
            return None
        try:
            info = real.stat()
            if not stat.S_ISREG(info.st_mode):  # opening a FIFO would wait for a writer
                self.problems.append(Problem(rel, 0, "", "this is not a regular file (a "
                                             "FIFO, socket or device)", "save the text as an "
                                             "ordinary file under this name"))
                return None
            size = info.st_size  # before reading: a huge file is never loaded
            if size > MAX_TEXT_FILE:
                self.problems.append(Problem(rel, 0, "", f"file is too large ({size:,} bytes; "
                                             f"the limit is {MAX_TEXT_FILE:,})",
                                             "split it into several modules"))
                return None
            data = real.read_bytes()
        except OSError as exc:
            self.problems.append(Problem(rel, 0, "", f"cannot read the file: {exc.strerror}"))
            return None
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.problems.append(Problem(rel, 1, "", "the file is UTF-16 text, not UTF-8",
                                         "save it as UTF-8 in your editor"))
            return None
        if b"\0" in data:
            line = data[: data.index(b"\0")].count(b"\n") + 1
            self.problems.append(Problem(rel, line, "", "this is a binary file, not text "
                                         "(it holds NUL bytes)", "modules are Markdown and "
                                         "scenarios YAML, both plain text; was another file "
                                         "saved under this name?"))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problems.append(Problem(rel, line, "", "the file is not valid UTF-8 text "
                                         f"(byte {exc.start})", "save it as UTF-8 in your "
                                         "editor"))
            return None
        bad = NOT_XML.search(text.removeprefix("\ufeff"))
        if bad:
            line = text[:bad.start()].count("\n") + 1
            self.problems.append(Problem(rel, line, "", f"the text holds the invisible character "
                                         f"U+{ord(bad.group()):04X}, which packages cannot "
                                         "carry", CONTROL_HINT))
            return None
        self.unusable.remove(rel)
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    def read_yaml(self, path: Path):
        text = self.read_text(path)
        if text is None:
            return None
        rel = self.rel(path)
        if not text.strip():
            self.problems.append(Problem(rel, 1, "", "the file is empty"))
            self.unusable.append(rel)
            return None
        data, problems = readcache.parse(self.cache, text, rel)  # parse_yaml, kept by the preview
        self.problems.extend(problems)
        if data is None:
            if not problems:  # only comments, or a lone `---` or `null`
                self.problems.append(Problem(rel, 1, "", "the file is empty (it holds no "
                                             "values, only comments)"))
            self.unusable.append(rel)
        return data

    def markdown(self, text: str, file: str, line: int, scope: str, *,
                 inline: bool = False) -> Later:
        """Read Markdown that is not a module page (course description, prompts,
        feedback, scenario text); its HTML comes in the render pass. ``inline`` unwraps a
        single paragraph, for places such as a question's legend or a choice's label
        where block markup is not allowed."""
        assert self.renderer is not None
        read = self.renderer.read(text, file=file, first_line=line, scope=scope,
                                  problems=self.problems, allow_questions=False)
        html = read.html
        self.texts.append(Html(html, tuple(read.citations), tuple(read.terms),
                               tuple(read.assets)))
        return Later(lambda: _unwrap(str(html))) if inline else html

    # -- course.yaml -------------------------------------------------------------------------
    def load(self) -> Course:
        path = self.root / "course.yaml"
        if not path.is_file():
            raise BuildAborted([Problem("course.yaml", 0, "", f"no course.yaml in {self.root}",
                                        "run coursepack in the course folder, or pass the "
                                        "folder: coursepack build path/to/course")])
        data = self.read_yaml(path)
        if data is None:
            raise BuildAborted(self.problems)
        f = Fields(data, COURSE, "course.yaml", "", self.problems)
        if not f.ok:
            raise BuildAborted(self.problems)
        course_id = f.get("id")
        title = f.get("title", default="")
        version = f.get("version", default="0")
        language = f.get("language")
        description = f.get("description")
        audience = f.get_list("audience")
        objectives = self.objectives(f)
        outline_ids = f.get_list("outline")
        outline_line = f.line_of("outline")
        raw_outline = f.data.get("outline")
        outline_lines = ([raw_outline.line_of(i) for i, v in enumerate(raw_outline)
                          if isinstance(v, str)] if isinstance(raw_outline, LList) else [])
        tracking = self.tracking(f)
        targets = f.get_list("targets")
        activity_id = f.get("activity_id", default=f"urn:coursepack:{course_id}")
        theme = self.theme(f)
        quality = self.quality(f)
        cover = self.cover(f)
        certificate = self.certificate(f)
        media_limits = self.media_limits(f)
        f.done()

        references = self.references()
        glossary_raw = self.glossary_raw()
        t = messages(template_dirs(self.root), language)
        self.verdicts = (t.get("correct", "Correct."), t.get("incorrect", "Not quite."))
        links = Links(
            references={r.id: r.short for r in references},
            notes={r.id: (n, r.text, r.url) for n, r in enumerate(references, 1)},
            terms={},
            labels={"source": t.get("source", "Source"),
                    "glossary_link": t.get("glossary_link", "Glossary"),
                    "table": t.get("table", "Table"),
                    "references": t.get("references", "References")},
            messages=t,
        )
        for entry in glossary_raw:
            for name in (entry["id"], entry["term"], *entry["aliases"]):
                links.terms.setdefault(name.lower(), entry["id"])
        self.renderer = MarkdownRenderer(self.root, links, self.cache, tuple(
            (e["id"], e["definition"]) for e in glossary_raw))
        self.renderer.media = media.Reader(self.root, language, t, media_limits[0])
        self.language = language  # the reading figures of a large course's modules
        # the reading pass: every text parsed and checked, its HTML a placeholder
        glossary = []
        for entry in glossary_raw:
            html = self.renderer.read_inline(entry["definition"])
            self.renderer.add_definition(entry["id"], html)
            glossary.append(GlossaryEntry(entry["id"], entry["term"], tuple(entry["aliases"]),
                                          html, entry["source"], entry["src"]))
        self.renderer.links_known()  # each text from here on is rendered once read
        description_html = self.markdown(description, "course.yaml",
                                         f.line_of("description") + 1, "course")
        units = self.units(outline_ids, outline_line, outline_lines)
        course = Course(
            id=course_id or "course", title=title, version=str(version), language=language,
            description_html=description_html, audience=tuple(audience),
            objectives=tuple(objectives), outline=tuple(units), tracking=tracking,
            references=tuple(references), glossary=tuple(glossary), root=self.root,
            targets=tuple(dict.fromkeys(targets)) or DEFAULT_TARGETS,
            theme=theme,
            activity_id=activity_id.rstrip("/"),
            texts=tuple(self.texts),
            quality=quality,
            cover=cover,
            certificate=certificate,
            media_limits=media_limits,
        )
        # the render pass: everything is read, so every link target is known
        self.renderer.render_all()
        with rendering():  # units the preview kept from its last load are filled already
            fill(course, readcache.kept_units(self))
        readcache.loaded(self)
        return course

    def objectives(self, f: Fields) -> list[Objective]:
        out = []
        for o in f.each("objectives"):
            oid = o.get("id")
            text = o.get("text", default="")
            o.done()
            if oid:
                out.append(Objective(oid, text, Source("course.yaml", o.line)))
        return out

    def tracking(self, f: Fields) -> Tracking:
        t = f.fields("tracking")
        if t is None:
            return Tracking("viewed", None, None, Source("course.yaml", f.line_of("tracking")))
        completion = t.get("completion")
        mastery = t.get("mastery_score")
        assessment = t.get("assessment")
        require = t.get_list("require")
        t.done()
        return Tracking(completion, None if mastery is None else round(mastery),
                        assessment, Source("course.yaml", t.line), tuple(require))

    def media_limits(self, f: Fields) -> tuple[float, float]:
        m = f.fields("media")
        if m is None:
            return (media.DEFAULT_MAX_FILE_MB, media.DEFAULT_MAX_PACKAGE_MB)
        limits = (m.get("max_file_mb"), m.get("max_package_mb"))
        m.done()
        return limits

    def quality(self, f: Fields) -> Quality:
        q = f.fields("quality")
        if q is None:
            return Quality()
        grade = q.get("reading_grade")
        off = q.fields("ignore")
        pairs: tuple[tuple[str, str], ...] = ()
        if off is not None:
            pairs = tuple((rule, off.get(rule)) for rule in QUALITY_RULES)
            off.done()
        q.done()
        return Quality(grade, tuple((r, why) for r, why in pairs if why),
                       Source("course.yaml", q.line))

    # -- theme -------------------------------------------------------------------------
    def theme(self, f: Fields) -> Theme | None:
        t = f.fields("theme")
        if t is None:
            return None
        lines: dict[str, int] = {}
        light = self.colours(t, "", lines)
        dark = None
        d = t.fields("dark")
        if d is not None:
            dark = self.colours(d, "dark.", lines)
            d.done()
        logo = self.logo(t)
        logo_alt = t.get("logo_alt")
        font = self.font(t)
        t.done()
        return Theme(light, dark, logo, logo_alt.strip(), font,
                     Source("course.yaml", f.line_of("theme")), tuple(lines.items()))

    def colours(self, f: Fields, prefix: str, lines: dict[str, int]) -> Colours:
        def colour(name: str) -> str | None:
            lines[prefix + name] = f.line_of(name)
            value = f.get(name)
            return normalise(value) if value else None

        return Colours(**{name: colour(name) for name in
                          ("brand", "brand_text", "text", "background", "link")})

    def logo(self, f: Fields) -> Asset | None:
        return self.image(f, "logo", "logo", "assets/logo.svg")

    def image(self, f: Fields, key: str, what: str, example: str) -> Asset | None:
        """The image file named by ``key`` (the logo, a cover or module image, a
        signature): a file in assets/ or modules/ of a type browsers show, not too large."""
        value = f.get(key)
        if not value:
            return None
        line = f.line_of(key)
        try:
            path = (self.root / value).resolve()
        except (OSError, RuntimeError, ValueError):  # RuntimeError: a link loop (3.11)
            f.error(key, f"the {what} '{value}' cannot be read: it is a link that loops back "
                    "on itself", "replace the link by the image file")
            return None
        folder = next((d for d in ("assets", "modules") if path.is_relative_to(self.root / d)),
                      None)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I) or folder is None:
            f.error(key, f"the {what} '{value}' is not a file in assets/ or modules/",
                    f"packages must work offline: save the {what} as {example} and write "
                    f"{key}: {example}")
            return None
        if not path.is_file():
            f.error(key, f"{what} file '{value}' not found",
                    f"expected it at {path.relative_to(self.root).as_posix()}")
            return None
        size = path.stat().st_size  # before it is read into the package
        if size > MAX_IMAGE:
            f.error(key, f"the {what} '{value}' is too large ({size:,} bytes; the limit is "
                    f"{MAX_IMAGE:,})", "scale it down or compress it")
            return None
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            f.error(key, f"'{value}' is not an image type browsers show",
                    "use " + ", ".join(sorted(IMAGE_SUFFIXES)))
            return None
        inside = path.relative_to(self.root / folder).as_posix()
        package_path = f"media/{inside}" if folder == "modules" else f"assets/{inside}"
        return Asset(path, package_path, Source(f.file, line))

    def image_alt(self, f: Fields, image: Asset | None) -> str:
        """``image_alt`` beside ``image``: a text alternative without an image is a
        mistake (the image's key misspelt, or the image removed)."""
        alt = (f.get("image_alt") or "").strip()
        if alt and image is None and not f.data.get("image"):
            f.error("image_alt", "image_alt is given but there is no image",
                    "add image: assets/<file> or remove image_alt")
        return alt

    # -- cover and certificate -------------------------------------------------------------
    def cover(self, f: Fields) -> Cover | None:
        c = f.fields("cover")
        if c is None:
            return None
        image = self.image(c, "image", "cover image", "assets/cover.jpg")
        alt = self.image_alt(c, image)
        duration = (c.get("duration") or "").strip()
        c.done()
        return Cover(image, alt, duration)

    def certificate(self, f: Fields) -> Certificate | None:
        c = f.fields("certificate")
        if c is None:
            return None
        issuer = (c.get("issuer") or "").strip()
        signer = (c.get("signer") or "").strip()
        signature = self.image(c, "signature", "signature", "assets/signature.png")
        if signature is not None and not signer:
            c.error("signature", "a signature image needs the signer's name",
                    "add signer: the name printed under the signature (it is also the "
                    "image's text alternative)")
        c.done()
        return Certificate(issuer, signer, signature)

    def font(self, f: Fields) -> tuple[str, ...]:
        value = f.get("font")
        families = [v.strip().strip("'\"").strip() for v in value.split(",")] if value else []
        for name in families:
            if not FONT_RE.match(name):
                f.error("font", f"'{name}' is not a font family name",
                        "list fonts installed on learners' devices, separated by commas "
                        "(e.g. font: Atkinson Hyperlegible, Verdana); coursepack does not "
                        "load web fonts, and the system fonts always follow")
                return ()
        return tuple(n if n.lower() not in GENERIC_FONTS else n.lower() for n in families)

    # -- references and glossary ---------------------------------------------------------
    def _list_file(self, name: str, spec: Mapping) -> list[Fields]:
        path = self.root / name
        if not path.exists():
            return []
        data = self.read_yaml(path)
        if data is None:
            return []
        if not isinstance(data, list):
            self.problems.append(Problem(name, getattr(data, "line", 1), "",
                                         "expected a list of entries (each starting with '- ')"))
            self.unusable.append(name)
            return []
        return [Fields(item, spec, name, f"[{i}]", self.problems, data.line_of(i))
                for i, item in enumerate(data)]

    def references(self) -> list[Reference]:
        out = []
        for f in self._list_file("references.yaml", REFERENCE):
            rid = f.get("id")
            short = f.get("short", default="")
            text = f.get("text", default="")
            url = f.get("url")
            f.done()
            if rid:
                out.append(Reference(rid, short, text, url, Source("references.yaml", f.line)))
        return out

    def glossary_raw(self) -> list[dict]:
        out = []
        for f in self._list_file("glossary.yaml", GLOSSARY_ENTRY):
            gid = f.get("id")
            term = f.get("term", default="")
            aliases = f.get_list("aliases")
            definition = f.get("definition", default="")
            source = f.get("source")
            f.done()
            if gid:
                out.append({"id": gid, "term": term, "aliases": aliases,
                            "definition": definition, "source": source,
                            "src": Source("glossary.yaml", f.line)})
        return out

    # -- units ---------------------------------------------------------------------------
    def _files(self, folder: str, suffixes: tuple[str, ...]) -> dict[str, Path]:
        """Map unit id (file stem without its NN- prefix) to path."""
        base = self.root / folder
        out: dict[str, Path] = {}
        if not base.is_dir():
            return out
        for path in sorted(base.iterdir()):
            # not only regular files: read_text refuses a FIFO or a link loop by name
            if path.suffix.lower() not in suffixes or path.is_dir():
                continue
            uid = re.sub(r"^\d+[-_]", "", path.stem)
            if uid in out:
                self.problems.append(Problem(self.rel(path), 0, "", f"two files give the id "
                                             f"'{uid}': {out[uid].name} and {path.name}",
                                             "rename one of them"))
                continue
            out[uid] = path
        return out

    def units(self, outline: list[str], outline_line: int,
              lines: list[int] | None = None) -> list[Module | Assessment]:
        """The units of the outline; ``lines`` holds the line of each entry."""
        modules = self._files("modules", (".md",))
        scenarios = self._files("scenarios", (".yaml", ".yml"))
        units: list[Module | Assessment] = []
        seen: set[str] = set()
        ahead = loadfork.start(self, self._unit_jobs(outline, modules, scenarios))
        read_unit = ahead.unit if ahead is not None else (
            lambda path, uid, read: readcache.unit(self, path, uid, read))
        for n, uid in enumerate(outline):
            line = lines[n] if lines and n < len(lines) else outline_line
            if uid in seen:
                self.problems.append(Problem("course.yaml", line, "outline",
                                             f"'{uid}' appears twice in the outline",
                                             "list each module or assessment once"))
                continue
            seen.add(uid)
            if not re.match(ID, uid):  # the id of a unit is its file's name: same rule as ids
                self.problems.append(Problem("course.yaml", line, "outline", f"'{uid}' is not a "
                                             "valid unit id (it is the file's name, without "
                                             "its number)", ID_HINT + "; rename the file too"))
                self.unusable.append(f"course.yaml: outline '{uid}'")
                continue
            if uid in modules and uid in scenarios:
                self.problems.append(Problem(
                    "course.yaml", line, "outline", f"'{uid}' names both "
                    f"modules/{modules[uid].name} and scenarios/{scenarios[uid].name}",
                    "rename one of the files"))
            elif uid in modules:
                unit = read_unit(modules[uid], uid, self.module)
                if unit:
                    units.append(unit)
                else:
                    self.unusable.append(self.rel(modules[uid]))
            elif uid in scenarios:
                unit = read_unit(scenarios[uid], uid, self.assessment)
                if unit:
                    units.append(unit)
                else:
                    self.unusable.append(self.rel(scenarios[uid]))
            else:
                hint = did_you_mean(uid, [*modules, *scenarios]) or (
                    f"create modules/{uid}.md or scenarios/{uid}.yaml")
                self.problems.append(Problem("course.yaml", line, "outline",
                                             f"no module or scenario file for '{uid}'", hint))
                self.unusable.append(f"course.yaml: outline '{uid}'")
        for uid, path in {**modules, **scenarios}.items():
            if uid not in seen:
                self.problems.append(Problem(self.rel(path), 0, "", f"'{uid}' is not in the "
                                             "outline of course.yaml, so it is not built",
                                             "add it to 'outline', or delete the file",
                                             level="warning"))
        if not outline:
            self.problems.append(Problem("course.yaml", outline_line, "outline",
                                         "the outline is empty", "list your module ids"))
        return units

    def _unit_jobs(self, outline: list[str], modules: dict[str, Path],
                   scenarios: dict[str, Path]) -> list[tuple[Path, str, Any]]:
        """The units :meth:`units` reads, in order: (file, id, the reading of it)."""
        jobs: list[tuple[Path, str, Any]] = []
        seen: set[str] = set()
        for uid in outline:
            if uid in seen:
                continue
            seen.add(uid)
            if not re.match(ID, uid) or (uid in modules) == (uid in scenarios):
                continue
            jobs.append((modules[uid], uid, self.module) if uid in modules
                        else (scenarios[uid], uid, self.assessment))
        return jobs

    def module(self, path: Path, uid: str) -> Module | None:
        text = self.read_text(path)
        if text is None:
            return None
        rel = self.rel(path)
        if not text.strip():
            self.problems.append(Problem(rel, 1, "", "the file is empty",
                                         "a module is front matter (title, objectives) "
                                         "between '---' lines, then pages: # Page title"))
            return None
        if not text.startswith("---\n"):
            self.problems.append(Problem(rel, 1, "", "a module starts with YAML front matter "
                                         "between two '---' lines", "add:\n---\ntitle: "
                                         "Module title\n---"))
            return None
        parts = split_module(text)
        if parts is None:
            self.problems.append(Problem(rel, 1, "", "the front matter has no closing '---' "
                                         "line"))
            return None
        front_matter, body, body_line = parts
        meta, _ = parse_yaml(front_matter, rel, first_line=2)
        self.problems.extend(_)
        if meta is None and _:
            return None
        if meta is None:  # empty front matter: report what it lacks
            meta = LDict()
            meta.line, meta.key_lines = 1, {}
        f = Fields(meta, MODULE, rel, "", self.problems, 2)
        mid = f.get("id", default=uid)
        title = f.get("title", default=uid)
        duration = f.get("duration")
        objectives = f.get_list("objectives")
        quality_ignore = self.quality_ignore(f)
        image = self.image(f, "image", "module image", "assets/opening.jpg")
        image_alt = self.image_alt(f, image)
        f.done()
        if mid != uid:
            self.problems.append(Problem(rel, f.line_of("id"), "id", f"the id '{mid}' differs "
                                         f"from the file name's '{uid}'", "the outline refers "
                                         "to modules by file name: rename the file or drop the "
                                         "id", level="error"))
        preamble, page_sources = split_pages(body, body_line)
        if preamble.strip() and page_sources:
            self.problems.append(Problem(rel, body_line, "", "text before the first page "
                                         "heading", "start each page with a level-1 heading: "
                                         "# Page title"))
        if not page_sources:
            self.problems.append(Problem(rel, body_line, "", "the module has no pages",
                                         "start each page with a level-1 heading: # Page title"))
            self.unusable.append(rel)
        pages: list[Page] = []
        page_ids: dict[str, int] = {}
        for ps in page_sources:
            pid = ps.id if ps.id is not None else slugify(ps.title)
            if not matches(ID, pid):
                self.problems.append(Problem(rel, ps.line, "", f"page id '{pid}' is not valid",
                                             ID_HINT))
            if pid in page_ids:
                self.problems.append(Problem(rel, ps.line, "", f"two pages have the id '{pid}' "
                                             f"(the other is on line {page_ids[pid]})",
                                             "give one of them its own id: # Title {#other-id}"))
            page_ids[pid] = ps.line
            assert self.renderer is not None
            read = self.renderer.read(ps.body, file=rel, first_line=ps.body_line,
                                      scope=f"{mid}-{pid}", base_dir=path.parent,
                                      problems=self.problems)
            self.texts.append(Html(read.html, tuple(read.citations), tuple(read.terms),
                                   tuple(read.assets), tuple(read.media)))
            blocks: list[Later | Question] = []
            for block in read.blocks:
                if isinstance(block, QuestionBlock):
                    q = self.inline_question(block, rel)
                    if q:
                        blocks.append(q)
                else:
                    blocks.append(block)
            pages.append(Page(pid, ps.title, tuple(blocks), Source(rel, ps.line)))
        return Module(mid, title, duration, tuple(objectives), tuple(pages), Source(rel, 1),
                      key_lines=tuple(f.data.key_lines.items()),
                      quality_ignore=quality_ignore, image=image, image_alt=image_alt)


def _unwrap(html: str) -> str:
    """A single paragraph's inline HTML; other HTML as it is."""
    m = re.fullmatch(r"<p>(.*)</p>\n?", html, re.S)
    return m.group(1) if m and "<p>" not in m.group(1) else html


def split_module(text: str) -> tuple[str, str, int] | None:
    """A module's front matter (the YAML between its first two '---' lines), its body and
    the line where the body starts; None when the text does not start with both lines."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        return None
    return text[4:end + 1], text[end + 5:], text[: end + 5].count("\n") + 1


def load_course(root: Path) -> tuple[Course, list[Problem]]:
    """Load the project at ``root``. Returns the course and the problems found while
    loading; raises :class:`BuildAborted` when not even course.yaml can be read."""
    loader = Loader(root)
    course = loader.load()
    return course, loader.problems
