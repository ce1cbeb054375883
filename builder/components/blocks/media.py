"""Video and audio blocks: a fenced block in a module page, read, checked and rendered.

A designer writes, in a module page::

    ```video
    src: intro.webm            # mp4 or webm, next to the module (or below it)
    title: How an SRO program starts
    captions: intro.vtt        # WebVTT; required unless `speech: false`
    chapters: intro-chapters.vtt
    poster: intro.jpg
    transcript: intro-transcript.md
    required: true             # completion waits until it is watched to 95%
    ```

```audio`` takes the same keys (mp3, ogg or m4a; no poster). A video on a video host is
``hosted: https://www.youtube.com/watch?v=...`` instead of ``src``: nothing is loaded from
the host until the learner asks for it (click-to-load), and the package's
Content-Security-Policy allows frames from that host only.

Everything is checked here, all problems at once: the keys (as declared below), the files
(inside modules/, type by content and not by name, a size limit per file), the WebVTT
files (parsed), and the accessibility rules (captions for a video with speech, a transcript
or captions for audio with speech, a transcript for a hosted video with speech). The size
limit per package is checked for the whole course by :func:`check_course`.

The player is the browser's own (``controls``): see docs/authoring.md for why. The blocks
are registered like every content block (:class:`MediaBlock`): their script
(templates/static/blocks/media.js) and style ship only with a course that has media. They
are written as fenced YAML blocks, like ```question, and not as ``:::`` containers: what
they hold is a list of files and settings, not Markdown.
"""

from __future__ import annotations

import html as _html
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from builder.components.blocks import BlockSource, BlockType, register
from builder.deferred import Later, concat
from builder.errors import Problem
from builder.formats import FLAG, ID, ID_HINT, TEXT, WEB_ADDRESS, Key, Mapping
from builder.model import Asset, Source
from builder.yamlfile import Fields, parse_yaml

KINDS = ("video", "audio")
#: file formats by content: the name's extension must agree
VIDEO_FORMATS = {"webm": "video/webm", "mp4": "video/mp4"}
AUDIO_FORMATS = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "m4a": "audio/mp4"}
POSTER_FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif",
                  "webp": "image/webp"}
EXTENSIONS = {".webm": "webm", ".mp4": "mp4", ".m4v": "mp4", ".mp3": "mp3", ".ogg": "ogg",
              ".oga": "ogg", ".m4a": "m4a", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg",
              ".gif": "gif", ".webp": "webp", ".vtt": "vtt", ".md": "md"}
MB = 1024 * 1024
DEFAULT_MAX_FILE_MB = 100  #: per media file (course.yaml media.max_file_mb)
DEFAULT_MAX_PACKAGE_MB = 250  #: all media of a package (course.yaml media.max_package_mb)
MAX_TEXT = 2 * MB  #: captions, chapters and transcripts are small text files
COMPLETION = 0.95  #: "watched": this share of the length played (xAPI completion-threshold)

#: hosts a hosted video may come from, and how their page address becomes a player's
#: (the privacy-friendlier player where there is one: youtube-nocookie, Vimeo's dnt=1)
YOUTUBE = re.compile(r"^https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)"
                     r"|youtu\.be/)([A-Za-z0-9_-]{6,20})")
VIMEO = re.compile(r"^https://(?:www\.|player\.)?vimeo\.com/(?:video/)?([0-9]{3,12})")


def _keys(kind: str) -> Mapping:
    files = "a path relative to the module file, inside modules/"
    formats = VIDEO_FORMATS if kind == "video" else AUDIO_FORMATS
    keys = [
        Key("id", TEXT, "Stable id of the media, unique in the course (default: from the file "
            "name); the xAPI activity and the resume state use it.", pattern=ID,
            message="media id '{value}' is not valid", hint=ID_HINT),
        Key("title", TEXT, "What the media is, shown above the player and sent to the LRS.",
            required=True),
        Key("src", TEXT, f"The {kind} file ({', '.join(formats)}): {files}."),
        Key("captions", TEXT, f"WebVTT captions ({files}); required when the {kind} has speech"
            + (" (or a transcript)" if kind == "audio" else "") + "."),
        Key("chapters", TEXT, f"WebVTT chapters ({files}): each cue's text is a chapter title."),
        Key("transcript", TEXT, f"A Markdown file ({files}) shown under the player."),
        Key("required", FLAG, "true: the course is complete only once this is played to 95%.",
            default=False),
        Key("speech", FLAG, "false: the media has no speech (music, silent footage), so it "
            "needs no captions.", default=True),
    ]
    if kind == "video":
        keys += [
            Key("poster", TEXT, f"An image shown before the video plays (png, jpeg, gif, webp): "
                f"{files}."),
            Key("hosted", TEXT, "Instead of src: the address of the video on YouTube, Vimeo or "
                "your organisation's server; loaded only when the learner asks for it.",
                pattern=WEB_ADDRESS, message="hosted must be a web address, not '{value}'",
                hint="write the video's https:// address"),
        ]
    return Mapping(f"{kind.title()} block", f"A ```{kind} block in a module page.", tuple(keys))


SPECS = {kind: _keys(kind) for kind in KINDS}


@register
class MediaBlock(BlockType):
    """Registered for its runtime files (shipped when a page holds ``data-cp-block="media"``);
    the blocks are read from fenced blocks by :class:`Reader`, so ``::: media`` only says
    how to write them."""

    names = ("media",)
    script = "static/blocks/media.js"
    style = "static/blocks/media.css"
    nestable = False

    def read(self, block: BlockSource) -> None:
        block.problem("video and audio are written as fenced blocks, not with :::",
                      "write ```video (or ```audio) on a line, then src:, title:, "
                      "captions: ... one per line, then ``` (see 'Video and audio' in "
                      "docs/authoring.md)")
        return None

# -- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    line: int


@dataclass(frozen=True)
class Media:
    """One video or audio block."""

    id: str
    kind: str  #: video or audio
    title: str
    required: bool
    source: Source
    files: tuple[Asset, ...] = ()  #: everything shipped for it (media, tracks, poster)
    hosted: str = ""  #: the player address of a hosted video ("" for a file)
    host: str = ""  #: the origin the player comes from (for the CSP)

    @property
    def tracked(self) -> bool:
        return not self.hosted


# -- file checks ----------------------------------------------------------------------------

def sniff(head: bytes) -> str | None:
    """The format of a file from its first bytes (its "magic"), or None."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska or WebM, told by the DocType
        return "webm" if b"webm" in head[:64] else "matroska"
    if head[4:8] == b"ftyp":
        return "m4a" if head[8:12] in (b"M4A ", b"M4B ") else "mp4"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    return None


# -- WebVTT ---------------------------------------------------------------------------------

TIMESTAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
VTT_HINT = ("a cue is an optional id line, a timing line '00:00:01.000 --> 00:00:04.000' "
            "and its text, with a blank line after it")


def _time(text: str) -> float | None:
    m = TIMESTAMP.match(text)
    if not m:
        return None
    h, mi, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str, file: str) -> tuple[list[Cue], list[Problem]]:
    """The cues of a WebVTT file, and every problem found (file, line, hint), following
    the WebVTT parsing rules (W3C WebVTT, 6.1) strictly enough that browsers read what
    the build accepted."""
    problems: list[Problem] = []
    cues: list[Cue] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0] if lines else ""
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        problems.append(Problem(file, 1, "", "this is not a WebVTT file: the first line must "
                                "be WEBVTT", "start the file with a line 'WEBVTT' and a blank "
                                "line; convert .srt files to WebVTT (the times use '.' "
                                "before the milliseconds)"))
        return cues, problems
    i = 1
    while i < len(lines) and lines[i].strip():  # the header
        if "-->" in lines[i]:
            problems.append(Problem(file, i + 1, "", "a cue right after the WEBVTT line",
                                    "leave a blank line after WEBVTT"))
        i += 1
    last_start = 0.0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start_line = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        head = block[0]
        if head.startswith(("NOTE", "STYLE", "REGION")) and (
                len(head) == len(head.split()[0]) or head[len(head.split()[0])] in " \t"):
            if "-->" in "\n".join(block):
                problems.append(Problem(file, start_line + 1, "", f"a {head.split()[0]} "
                                        "block holds '-->'", "end the note with a blank line "
                                        "before the next cue"))
            continue
        timing_at = 0 if "-->" in head else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            problems.append(Problem(file, start_line + 1, "", "a block without a timing line",
                                    VTT_HINT))
            continue
        line_no = start_line + timing_at + 1
        left, right = block[timing_at].split("-->", 1)
        start = _time(left.strip())
        end_text = right.strip().split()[0] if right.strip() else ""
        end = _time(end_text)
        if start is None or end is None:
            bad = left.strip() if start is None else end_text
            problems.append(Problem(file, line_no, "", f"'{bad}' is not a WebVTT time",
                                    "write times as hh:mm:ss.ttt or mm:ss.ttt, with a '.' and "
                                    "three digits of milliseconds (00:01:02.500)"))
            continue
        if end <= start:
            problems.append(Problem(file, line_no, "", "the cue ends before it starts",
                                    "the second time is when the cue disappears"))
        if start < last_start:
            problems.append(Problem(file, line_no, "", "this cue starts before the one above it",
                                    "order the cues by their start time"))
        last_start = max(start, last_start)
        payload = block[timing_at + 1:]
        for k, line in enumerate(payload):
            if "-->" in line:
                problems.append(Problem(file, line_no + k + 1, "", "cue text holds '-->'",
                                        "leave a blank line between two cues"))
        cues.append(Cue(start, end, "\n".join(payload), line_no))
    return cues, problems


# -- reading a block ------------------------------------------------------------------------

@dataclass
class Block:
    """What one media block gives the page: its HTML, its media, its files."""

    html: Later | str  #: made in the render pass
    media: Media | None
    assets: list[Asset]


def _clock(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def _plain(text: str) -> str:
    """Cue text without WebVTT tags (<v Speaker>, <b>, timestamps) and entities."""
    return _html.unescape(re.sub(r"<[^>]*>", "", text)).strip()


def hosted_player(url: str) -> tuple[str, str, str] | None:
    """(player address, origin, host name shown) for a hosted video's address."""
    m = YOUTUBE.match(url)
    if m:
        return (f"https://www.youtube-nocookie.com/embed/{m.group(1)}",
                "https://www.youtube-nocookie.com", "YouTube")
    m = VIMEO.match(url)
    if m:
        return (f"https://player.vimeo.com/video/{m.group(1)}?dnt=1", "https://player.vimeo.com",
                "Vimeo")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    origin = f"https://{parts.netloc.rsplit('@', 1)[-1]}"
    return url, origin, parts.hostname


class Reader:
    """Reads the media blocks of one project (ids are unique across it)."""

    KINDS = KINDS

    def __init__(self, root: Path, language: str, labels: dict[str, str],
                 max_file_mb: float = DEFAULT_MAX_FILE_MB):
        self.root = root.resolve()
        self.language = language
        self.labels = labels  #: the interface strings (media_* keys)
        self.max_file = max_file_mb * MB
        self.ids: dict[str, Source] = {}

    def file(self, f: Fields, key: str, base_dir: Path, allowed: dict[str, str] | None,
             problems: list[Problem]) -> tuple[Path, str] | None:
        """The file named by ``key``: inside modules/, a regular file, not too large, of an
        ``allowed`` format by content (None: a text file). (path, format)."""
        name = f.get(key)
        if not name:
            return None
        line = f.line_of(key)
        fail = lambda message, hint="": problems.append(  # noqa: E731
            Problem(f.file, line, f.key(key), message, hint))
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", name, re.I):
            fail(f"'{name}' is not a file in the project", "packages must work offline: save "
                 "the file next to the module and give its name (for a video on a video host, "
                 "use hosted: instead of src:)")
            return None
        modules = self.root / "modules"
        try:
            path = (base_dir / name).resolve()
            if not path.is_relative_to(modules):
                fail(f"'{name}' is outside the modules/ folder (or a link to a place outside "
                     "it)", "keep media inside modules/ and give a relative path")
                return None
            if not path.is_file():
                fail(f"file '{name}' not found", "expected it at "
                     f"{path.relative_to(self.root).as_posix()}")
                return None
            size = path.stat().st_size
            with path.open("rb") as fh:
                head = fh.read(64)
        except (OSError, ValueError, RuntimeError) as exc:
            fail(f"'{name}' cannot be read: {getattr(exc, 'strerror', None) or exc}")
            return None
        by_name = EXTENSIONS.get(path.suffix.lower())
        if allowed is None:  # a text file
            limit = MAX_TEXT
            fmt = by_name or ""
        else:
            limit = self.max_file
            fmt = sniff(head) or ""
            wanted = ", ".join(sorted({e for e, v in EXTENSIONS.items() if v in allowed}))
            if fmt not in allowed:
                what = f"a {fmt} file" if fmt else "not a file of a known type"
                fail(f"'{name}' is {what} by its content, not one of {', '.join(allowed)}",
                     f"{key} takes {wanted} files; coursepack looks at the file's first bytes, "
                     "not its name: convert the file (for example with ffmpeg)")
                return None
            # an .mp4 holding audio only, named .m4a, is fine (and the reverse)
            family = {"m4a": "mp4"}.get
            if by_name is None or family(by_name, by_name) != family(fmt, fmt):
                fail(f"'{name}' holds {fmt} but its name says "
                     f"{by_name or path.suffix or 'nothing'}", f"rename it to end in "
                     f".{'jpg' if fmt == 'jpeg' else fmt}: browsers and LMSs go by the name")
                return None
        if size > limit:
            fail(f"'{name}' is too large ({size / MB:,.1f} MB; the limit is "
                 f"{limit / MB:,.0f} MB per file)", "compress it, shorten it, or raise "
                 "media: max_file_mb in course.yaml" if allowed else "split it")
            return None
        return path, fmt

    def say(self, key: str, host: str = "") -> str:
        """An interface string (templates/i18n), escaped, with ``{host}`` filled in."""
        return _esc(self.labels.get(key, key).replace("{host}", host))

    def asset(self, path: Path, file: str, line: int) -> Asset:
        return Asset(path, "media/" + path.relative_to(self.root / "modules").as_posix(),
                     Source(file, line))

    def text(self, path: Path, rel: str, line: int, key: str,
             problems: list[Problem]) -> str | None:
        try:
            return path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(rel, line, key, f"'{path.name}' is not UTF-8 text",
                                    "save it as UTF-8"))
            return None

    def block(self, kind: str, text: str, file: str, line: int, base_dir: Path | None,
              problems: list[Problem], markdown) -> Block:
        """Read one ```video or ```audio block (its YAML ``text`` starts on ``line``).
        ``markdown(text, file, base_dir)`` reads a transcript: (its HTML, made in the render
        pass, and its images)."""
        empty = Block("", None, [])
        if base_dir is None:
            problems.append(Problem(file, line - 1, "", f"a {kind} block is not allowed here",
                                    "put video and audio in module pages"))
            return empty
        data, found = parse_yaml(text, file, first_line=line)
        problems += found
        if data is None:
            if not found:
                problems.append(Problem(file, line - 1, "", f"the {kind} block is empty",
                                        f"write at least src: and title: ({kind} in "
                                        "docs/authoring.md)"))
            return empty
        f = Fields(data, SPECS[kind], file, kind, problems, line)
        if not f.ok:
            return empty
        count = len(problems)
        title = f.get("title", default="")
        required = f.get("required")
        speech = f.get("speech")
        hosted = f.get("hosted") if kind == "video" else None
        src = self.file(f, "src", base_dir, VIDEO_FORMATS if kind == "video" else AUDIO_FORMATS,
                        problems)
        if hosted and f.get("src"):
            f.error("hosted", "a block has either src: (a file) or hosted: (an address), "
                    "not both", "keep one of them")
        elif not hosted and not f.get("src") and len(problems) == count:
            f.error("src", f"the {kind} has no src:", f"give the {kind} file next to the "
                    "module: src: intro." + ("webm" if kind == "video" else "mp3"))
        poster = self.file(f, "poster", base_dir, POSTER_FORMATS, problems) \
            if kind == "video" else None
        captions = self.file(f, "captions", base_dir, None, problems)
        chapters = self.file(f, "chapters", base_dir, None, problems)
        transcript = self.file(f, "transcript", base_dir, None, problems)
        default_id = re.sub(r"[^a-z0-9]+", "-", Path(f.get("src") or "").stem.lower()).strip("-")
        if hosted:
            default_id = "video-" + re.sub(r"[^a-z0-9]+", "-", hosted.split("//")[-1].lower())[:40]
        if not default_id or not default_id[0].isalpha():
            default_id = f"{kind}-{default_id}".rstrip("-")
        mid = f.get("id", default=default_id)
        f.done()
        src_line = f.line_of("src")
        # the tracks must parse as WebVTT
        tracks: dict[str, list[Cue]] = {}
        for key, found_file in (("captions", captions), ("chapters", chapters)):
            if found_file is None:
                continue
            path, fmt = found_file
            rel = path.relative_to(self.root).as_posix()
            if fmt != "vtt":
                problems.append(Problem(file, f.line_of(key), f.key(key), f"'{path.name}' is not a "
                                        ".vtt file", f"{key} are WebVTT files (.vtt); "
                                        "convert .srt with any subtitle editor"))
                continue
            body = self.text(path, file, f.line_of(key), key, problems)
            if body is None:
                continue
            cues, vtt_problems = parse_vtt(body, rel)
            problems += vtt_problems
            if key == "chapters":
                for c in cues:
                    if not _plain(c.text):
                        problems.append(Problem(rel, c.line, "", "a chapter without a title",
                                                "write the chapter's title under its times"))
            tracks[key] = cues
        if transcript is not None and transcript[1] != "md":
            problems.append(Problem(file, f.line_of("transcript"), f.key("transcript"),
                                    f"'{transcript[0].name}' is not a Markdown file (.md)",
                                    "write the transcript as Markdown in a .md file"))
            transcript = None
        # what the learner needs when the media speaks (WCAG 2.1: 1.2.1, 1.2.2)
        if speech:
            where = (f"{file}", f.line_of("title") if hosted else src_line or line)
            if kind == "video" and not hosted and captions is None:
                problems.append(Problem(*where, f.key("captions"), "a video with speech needs "
                                        "captions", "add captions: intro.vtt (WebVTT), or "
                                        "speech: false if nobody speaks in it"))
            if kind == "audio" and captions is None and transcript is None:
                problems.append(Problem(*where, f.key("transcript"), "audio with speech needs a "
                                        "transcript or captions", "add transcript: "
                                        "talk-transcript.md, or speech: false if nobody "
                                        "speaks in it"))
            if hosted and transcript is None:
                problems.append(Problem(*where, f.key("transcript"), "a hosted video with speech "
                                        "needs a transcript", "coursepack cannot see the "
                                        "host's captions: add transcript: video-transcript.md "
                                        "(shown under the player), or speech: false"))
        player = None
        if hosted:
            player = hosted_player(hosted)
            if player is None:
                f.error("hosted", f"'{hosted}' is not an https:// address",
                        "hosted videos load over https only")
            if required:
                f.error("required", "a hosted video cannot be required: its player does not "
                        "tell the course how much was watched", "use a video file (src:) to "
                        "require it, or drop required")
        if mid in self.ids:
            other = self.ids[mid]
            problems.append(Problem(file, f.line_of("id") if f.data.get("id") else line,
                                    f.key("id"), f"two media have the id '{mid}' (the other is in "
                                    f"{other.file} line {other.line})",
                                    "give one of them its own id: id: other-id"))
        self.ids.setdefault(mid, Source(file, line))
        if len(problems) > count:
            return empty
        assets: list[Asset] = []

        def ship(found_file, key):
            a = self.asset(found_file[0], file, f.line_of(key))
            assets.append(a)
            return a.package_path

        dom = f"media-{mid}"
        parts = [f'<figure class="cp-media cp-media-{kind}" data-cp-block="media" '
                 f'data-media="{_esc(mid)}" '
                 f'id="{dom}" aria-labelledby="{dom}-title">',
                 f'<figcaption class="cp-media-title" id="{dom}-title">{_esc(title)}</figcaption>']
        if player:
            address, origin, host_name = player
            label = self.say("media_load", host_name)
            note = self.say("media_load_note", host_name)
            parts.append(f'<div class="cp-hosted" data-src="{_esc(address)}" '
                         f'data-title="{_esc(title)}">'
                         f'<p class="cp-hosted-note">{note}</p>'
                         f'<button type="button" class="cp-hosted-load">{label}</button>'
                         f'<p><a href="{_esc(hosted)}" target="_blank" rel="noopener">'
                         f'{self.say("media_open", host_name)}'
                         '</a></p></div>')
        else:
            assert src is not None
            src_path = ship(src, "src")
            mime = {**VIDEO_FORMATS, **AUDIO_FORMATS}[src[1]]
            attrs = ' controls preload="metadata"'
            if kind == "video":
                attrs += ' playsinline'
                if poster:
                    attrs += f' poster="{_esc(ship(poster, "poster"))}"'
            parts.append(f'<{kind} class="cp-player"{attrs} aria-labelledby="{dom}-title">'
                         f'<source src="{_esc(src_path)}" type="{mime}">')
            lang = self.language
            if captions:
                parts.append(f'<track kind="captions" src="{_esc(ship(captions, "captions"))}" '
                             f'srclang="{_esc(lang)}" label="{self.say("media_captions")}" '
                             'default>')
            if chapters:
                parts.append(f'<track kind="chapters" src="{_esc(ship(chapters, "chapters"))}" '
                             f'srclang="{_esc(lang)}">')
            parts.append(f'</{kind}>')
        if tracks.get("chapters"):
            name = self.say("media_chapters")
            items = "".join(
                f'<li><button type="button" class="cp-chapter" data-start="{c.start:g}">'
                f'<span class="cp-chapter-time">{_clock(c.start)}</span> '
                f'{_esc(_plain(c.text))}</button></li>' for c in tracks["chapters"])
            parts.append(f'<nav class="cp-chapters" aria-label="{name}: {_esc(title)}">'
                         f'<p class="cp-chapters-title">{name}</p><ol>{items}</ol></nav>')
        if required and not hosted:
            parts.append('<p class="cp-media-required">'
                         f'{self.say("media_required")}<span class="cp-media-done" hidden> '
                         f'{self.say("media_watched")}</span></p>')
        if transcript:
            t_path = transcript[0]
            body = self.text(t_path, file, f.line_of("transcript"), "transcript", problems)
            if body is not None:
                t_html, t_assets = markdown(body, t_path.relative_to(self.root).as_posix(),
                                            t_path.parent)
                assets += t_assets
                parts += [f'<details class="cp-transcript"><summary>'
                          f'{self.say("media_transcript")}'
                          f'</summary><div class="cp-transcript-text">', t_html,
                          '</div></details>']
        parts.append("</figure>\n")
        media = Media(mid, kind, title, bool(required), Source(file, line), tuple(assets),
                      hosted=player[0] if player else "", host=player[1] if player else "")
        return Block(concat(parts), media, assets)


# -- the course as a whole --------------------------------------------------------------------

def course_media(course) -> list[Media]:
    """Every media block of the course, in course order."""
    return [m for text in course.texts for m in getattr(text, "media", ())]


def media_size(course) -> int:
    """The bytes of every media file a package carries (each file once)."""
    files = {a.package_path: a.project_path for m in course_media(course) for a in m.files}
    total = 0
    for path in files.values():
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


def check_course(course, max_package_mb: float = DEFAULT_MAX_PACKAGE_MB) -> list[Problem]:
    """The limit on all the media of one package."""
    total = media_size(course)
    if total > max_package_mb * MB:
        return [Problem("course.yaml", 0, "media", f"the course's media add up to "
                        f"{total / MB:,.1f} MB; the limit is {max_package_mb:,.0f} MB per "
                        "package", "compress or shorten the media, host long videos "
                        "(hosted:), or raise media: max_package_mb in course.yaml")]
    return []


def summary(course, max_package_mb: float = DEFAULT_MAX_PACKAGE_MB) -> str | None:
    """The build summary's line about media, or None for a course without media."""
    media = course_media(course)
    if not media:
        return None
    files = sum(1 for m in media if not m.hosted)
    return (f"Media: {len(media)} block(s) ({files} file(s), {len(media) - files} hosted), "
            f"{media_size(course) / MB:,.1f} MB of {max_package_mb:,.0f} MB allowed per "
            f"package, {sum(m.required for m in media)} required")
