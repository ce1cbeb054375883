"""The resume state (``cmi.suspend_data``): what the build tells the runtime about it, its
longest possible length, and what a republish keeps.

The runtime side is ``templates/static/cp-state.js``; this module and that file define
format 2 together::

    2|CCCCRRRRRR|VISITED|KC|A;A;...[|MEDIA]|CHECK

- ``2`` is the format version (format 1, ``1|HASH|...``, is still read: see
  :mod:`builder.runtime`).
- ``CCCC`` identifies the course (4 base64url characters of a hash of its id): another
  course's state is refused. ``RRRRRR`` is the *table reference*: a hash of the page ids
  in order and of the knowledge checks' ids and fingerprints in order. The visited pages
  and the knowledge-check answers are stored by position in that table.
- ``VISITED``: ``r`` and a bitset (6 pages per base64url character), or ``l`` and the
  lengths of the alternating runs of unvisited and visited pages (each a base-32 varint
  in base64url characters), whichever is shorter.
- ``KC``: the knowledge-check answers packed (see :func:`answer_bits`): a bit field per
  question, in base64url, then ``:`` and the typed answers (fill-in, numeric) escaped and
  joined by ``,``.
- each ``A`` is one assessment, keyed by its id: ``{key}{fp}{attempts}{!}{=score}{~seed}:
  {body}``; ``key`` is 4 characters of a hash of the assessment id, ``fp`` 4 characters of
  a hash of what its answers mean (questions, their fingerprints, draw, shuffle; a
  scenario's nodes and choices). The body is the current attempt's answers packed as for
  knowledge checks (``bits:texts``) or, for a branching scenario, the choice taken at each
  step (``0-9a-z``).
- ``MEDIA``, only in a course with video or audio blocks: the 4-character key
  (:func:`media_key`) of each one played to 95%, in course order; keys of media no longer
  in the course are dropped.
- ``CHECK``: 4 base64url characters of a 24-bit FNV-1a hash of everything before the last
  ``|``: a state cut short or damaged is refused as a whole.

Every question carries a fingerprint (``fp``) of its meaning: type, choice ids in order,
answer key, accepted answers, numeric range. A republish keeps what still matches:

- assessments by id: attempts and score always; the current attempt's answers only while
  the assessment's fingerprint is unchanged;
- visited pages and knowledge-check answers: directly when the table reference is the
  current one, else through the map of an earlier release that the build was given
  (``coursepack build --previous OLD.zip``) or that the project's release history
  (``state-history.json``, :func:`read_history`) holds: pages by id, answers by id and
  fingerprint (the runtime's ``cp-state-earlier.js``, shipped only with such maps). A
  state whose table the package does not know keeps only its assessments and bookmark.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from contextvars import ContextVar
from pathlib import Path

from builder.components.questions import question_type
from builder.graph import longest_path
from builder.model import Assessment, Course, Module, Question

FORMAT = 2
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
MAX_ATTEMPT_DIGITS = 4  # the runtime caps the stored attempt counter at 9999
SEED_LENGTH = 4
MEDIA_KEY_LENGTH = 4  # a media block's key in the list of media watched
CHECK_LENGTH = 4  # the check characters that end the state (a cut or damaged state fails)

#: the earlier releases' tables, for the build in progress (set by builder.build)
PREVIOUS: ContextVar[list[dict] | None] = ContextVar("coursepack_previous", default=None)


def short_hash(text: str, chars: int) -> str:
    """``chars`` base64url characters of the SHA-256 of ``text``."""
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode()[:chars]


def answer_bits(qtype: str, n: int) -> int:
    """Bits of one packed answer to a question of type ``qtype`` with ``n`` options (0 for a
    typed answer, stored as text): the type's answer form decides (see
    :class:`~builder.components.questions.base.QuestionType`)."""
    return question_type(qtype).state_bits(n)


def text_length(qtype: str, max_length: int) -> int:
    """The longest stored typed answer (0 for an answer packed as bits)."""
    return question_type(qtype).state_text_length(max_length)


def question_fp(q: Question) -> str:
    """What an answer to ``q`` means: 6 characters of a hash of its type, choices, answer
    key and accepted answers. The prompt and feedback wording are left out (a typo fixed
    keeps the learners' answers); anything that changes what a stored answer says or
    whether it is right changes the fingerprint."""
    parts = [q.type, [c.id for c in q.choices], list(q.correct_ids), [c.id for c in q.targets],
             list(q.accepted), q.case_sensitive, q.max_length, q.numeric_min, q.numeric_max,
             q.scored, q.weight]
    return short_hash(json.dumps(parts, separators=(",", ":")), 6)


def weak_key(d: dict) -> str:
    """What format 1's course data says about a question's meaning (its JSON has no choice
    ids in every target): type, number of choices, answer key, accepted answers, range.
    Used only to carry format 1 states over (``v1:`` tables)."""
    return json.dumps([d["type"], d["n"], d.get("correct"), d.get("accepted"), d.get("min"),
                       d.get("max"), d.get("caseSensitive")], separators=(",", ":"))


def _weak(q: Question) -> str:
    d: dict = {"type": q.type, "n": len(q.choices),
               "correct": [i for i, c in enumerate(q.choices) if c.correct],
               **question_type(q.type).runtime_data(q)}  # as the runtime gets it
    return weak_key(d)


def _weak_assessment(kind: dict) -> str:
    return json.dumps(kind, sort_keys=True, separators=(",", ":"))


def _model_assessment(a: Assessment) -> str:
    if a.branching:
        return _weak_assessment({"start": a.start, "nodes": {
            n.id: [n.ending, [[c.id, c.score, c.next] for c in n.choices]] for n in a.nodes}})
    return _weak_assessment({"draw": a.draw, "shuffle": a.shuffle,
                             "questions": [[q.id, _weak(q)] for q in a.questions]})


def _json_assessment(a: dict) -> str:
    if a.get("branching"):
        return _weak_assessment({"start": a.get("start"), "nodes": {
            nid: [n["ending"], [[c["id"], c["score"], c["next"]] for c in n["choices"]]]
            for nid, n in a.get("nodes", {}).items()}})
    return _weak_assessment({"draw": a.get("draw"), "shuffle": a.get("shuffle"),
                             "questions": [[q["id"], weak_key(q)] for q in a.get("questions", [])]})


def _page_ids(course: Course) -> list[str]:
    out = []
    for unit in course.outline:
        out += [f"{unit.id}/{p.id}" for p in unit.pages] if isinstance(unit, Module) else [unit.id]
    return out


def _kcs(course: Course) -> list[Question]:
    return [q for u in course.outline if isinstance(u, Module)
            for p in u.pages for q in p.questions]


def _media_ids(course: Course) -> list[str]:
    from builder.components.blocks.media import course_media

    return [m.id for m in course_media(course)]


def structure_hash(course: Course) -> str:
    """Format 1's course hash (8 hex digits), which an old state is still checked against:
    the page ids, the media blocks', the questions' and choices' ids, the scenarios'
    links."""
    parts: list = [_page_ids(course)]
    if _media_ids(course):  # only then: the hash of a course without media stays as it was
        parts.append(["media", _media_ids(course)])
    parts.append([[q.id, [c.id for c in q.choices]] for q in _kcs(course)])
    for a in course.assessments:
        parts.append([a.id, [[q.id, [c.id for c in q.choices]] for q in a.questions],
                      [[n.id, [[c.id, c.next] for c in n.choices]] for n in a.nodes]])
    digest = hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()
    return digest[:8]


def table(course: Course) -> dict:
    """What the positional parts of the state are relative to: page ids, and each knowledge
    check's id, fingerprint and packed shape."""
    kcs = [{"id": q.id, "fp": question_fp(q), "type": q.type, "n": len(q.choices),
            "maxLength": q.max_length} for q in _kcs(course)]
    pages = _page_ids(course)
    ref = short_hash(json.dumps([pages, [[k["id"], k["fp"]] for k in kcs]],
                                separators=(",", ":")), 6)
    weak = {"kcs": [_weak(q) for q in _kcs(course)],
            "assessments": [[a.id, _model_assessment(a)] for a in course.assessments]}
    return {"ref": ref, "pages": pages, "kcs": kcs, "weak": weak}


def assessment_fp(a: Assessment) -> str:
    """What the stored answers of an attempt mean (4 characters)."""
    if a.branching:
        parts: list = [a.start, [[n.id, n.ending, [[c.id, c.next, c.score] for c in n.choices]]
                                 for n in a.nodes]]
    else:
        parts = [a.draw, a.shuffle, [[q.id, question_fp(q)] for q in a.questions]]
    return short_hash(json.dumps(parts, separators=(",", ":")), 4)


def assessment_key(a: Assessment) -> str:
    return short_hash("assessment:" + a.id, 4)


def course_key(course: Course) -> str:
    return short_hash("course:" + course.id, 4)


# -- the longest state ------------------------------------------------------------------


def _packed(shapes: list[tuple[int, int]]) -> int:
    """Characters of answers packed as ``bits:texts``: shapes are (bits, text length)."""
    bits = sum(b for b, _ in shapes)
    texts = [t for b, t in shapes if b == 0]
    return -(-bits // 6) + 1 + sum(texts) + max(len(texts) - 1, 0)


def _shape(q: Question) -> tuple[int, int]:
    return answer_bits(q.type, len(q.choices)), text_length(q.type, q.max_length)


HEAD_LENGTH = 4 + 4 + MAX_ATTEMPT_DIGITS + 1 + len("=100") + 1  # key, fp, n, !, =score, :


def quiz_length(shapes: list[tuple[int, int]], shown: int, seeded: bool) -> int:
    """The longest entry of a quiz whose questions have these (bits, text length) shapes,
    ``shown`` of them drawn: the drawn ones could be any, so the most bits and the longest
    texts count."""
    bits = sorted((b for b, _ in shapes), reverse=True)[:shown]
    texts = sorted((t for b, t in shapes if b == 0), reverse=True)[:shown]
    return (HEAD_LENGTH + (1 + SEED_LENGTH if seeded else 0) + -(-sum(bits) // 6) + 1
            + sum(texts) + max(len(texts) - 1, 0))


def _attempt_length(a: Assessment) -> int:
    if a.branching:
        return HEAD_LENGTH + longest_path(a)[0]
    return quiz_length([_shape(q) for q in a.questions], a.draw or len(a.questions),
                       bool(a.draw or a.shuffle))


def worst_length(n_pages: int, kc_shapes: list[tuple[int, int]], attempts: list[int],
                 n_media: int = 0) -> int:
    """The longest state of a course with ``n_pages`` pages, knowledge checks of these
    (bits, text length) shapes, assessments whose longest entries are ``attempts`` and
    ``n_media`` video and audio blocks (``|`` and the key of each one watched)."""
    visited = 1 + -(-n_pages // 6)  # the run-length form is used only when shorter
    media = 1 + MEDIA_KEY_LENGTH * n_media if n_media else 0
    return (len("2|") + 4 + 6 + 1 + visited + 1 + _packed(kc_shapes) + 1 + sum(attempts)
            + max(len(attempts) - 1, 0) + media + len("|") + CHECK_LENGTH)


def worst_case(course: Course) -> int:
    """The longest suspend_data the runtime can write for this course (format 2)."""
    return worst_length(len(_page_ids(course)), [_shape(q) for q in _kcs(course)],
                        [_attempt_length(a) for a in course.assessments],
                        len(_media_ids(course)))


def media_key(media_id: str) -> str:
    """The key of a video or audio block in the resume state's list of media watched."""
    return short_hash("media:" + media_id, MEDIA_KEY_LENGTH)


# -- what the runtime gets ---------------------------------------------------------------


def course_state(course: Course) -> dict:
    """The ``state`` entry of the course data: the format, the course key, the table
    reference and the maps of earlier releases' tables (``prev``)."""
    current = table(course)
    prev: dict = {}
    for old in PREVIOUS.get() or []:
        for ref, entry in history(old, current).items():
            # a release's own map beats one composed through a later release's package
            if ref != current["ref"] and (ref == old["ref"] or ref not in prev):
                prev[ref] = entry
    return {"v": FORMAT, "course": course_key(course), "ref": current["ref"],
            "prev": dict(sorted(prev.items()))}


def previous_types(course: Course, prev: dict | None = None) -> set[str]:
    """The question types the earlier releases' tables name (``prev``: the course state's,
    if already known): the runtime unpacks their answers with those types' scripts, so the
    package carries them too (and cp-state-earlier.js, which reads such states)."""
    if prev is None:
        prev = course_state(course)["prev"]
    return {run[1] for entry in prev.values() for run in entry.get("kcs", ())}


def _runs(pairs: list[tuple[int, int]]) -> list[int]:
    """(old position, new position) pairs as runs ``[old, new, length, ...]``."""
    out: list[int] = []
    for old, new in sorted(pairs):
        if out and out[-3] + out[-1] == old and out[-2] + out[-1] == new:
            out[-1] += 1
        else:
            out += [old, new, 1]
    return out


def _shapes(kcs: list[dict]) -> list[list]:
    """Knowledge-check shapes run-length encoded: ``[[count, type, n, maxLength], ...]``."""
    out: list[list] = []
    for k in kcs:
        shape = [k["type"], k["n"], k.get("maxLength", 0)]
        if out and out[-1][1:] == shape:
            out[-1][0] += 1
        else:
            out.append([1, *shape])
    return out


def _unshapes(runs: list[list]) -> list[dict]:
    return [{"type": t, "n": n, "maxLength": m} for count, t, n, m in runs for _ in range(count)]


def history(old: dict, current: dict) -> dict:
    """Maps from an earlier release's tables (``old``: see :func:`read_previous`) to the
    current table: for each table reference, its page count, knowledge-check shapes, and
    which pages and knowledge checks survive where (by id; answers also by fingerprint).
    Earlier releases that ``old`` itself knew are carried on, composed."""
    new_pages = {p: i for i, p in enumerate(current["pages"])}
    v1 = old["ref"].startswith("v1:")
    if v1:   # format 1's course data has no fingerprints: its meaning fields count
        new_kcs = {(k["id"], w): i for i, (k, w) in
                   enumerate(zip(current["kcs"], current["weak"]["kcs"], strict=True))}
        old_keys = [(k["id"], k["weak"]) for k in old["kcs"]]
    else:
        new_kcs = {(k["id"], k["fp"]): i for i, k in enumerate(current["kcs"])}
        old_keys = [(k["id"], k["fp"]) for k in old["kcs"]]
    page_map = {i: new_pages[p] for i, p in enumerate(old["pages"]) if p in new_pages}
    kc_map = {i: new_kcs[key] for i, key in enumerate(old_keys) if key in new_kcs}
    out = {old["ref"]: {"pages": len(old["pages"]), "kcs": _shapes(old["kcs"]),
                        "pmap": _runs(list(page_map.items())),
                        "kmap": _runs(list(kc_map.items()))}}
    if v1:   # format 1 lists assessments by position: where each went, and if unchanged
        now = {aid: (i, w) for i, (aid, w) in enumerate(current["weak"]["assessments"])}
        out[old["ref"]]["asmts"] = [[now[a["id"]][0], now[a["id"]][1] == a["weak"]]
                                    if a["id"] in now else [-1, False]
                                    for a in old["assessments"]]
    for ref, entry in (old.get("prev") or {}).items():
        if ref in out:
            continue
        pmap = _unruns(entry["pmap"])
        kmap = _unruns(entry["kmap"])
        out[ref] = {"pages": entry["pages"], "kcs": entry["kcs"],
                    "pmap": _runs([(o, page_map[m]) for o, m in pmap if m in page_map]),
                    "kmap": _runs([(o, kc_map[m]) for o, m in kmap if m in kc_map])}
        if "asmts" in entry:   # format 1's assessments, through the old package's
            out[ref]["asmts"] = [_through(k, same, old.get("assessments", []), current)
                                 for k, same in entry["asmts"]]
    return out


def _through(k: int, same: bool, mid: list[dict], current: dict) -> list:
    """Where the assessment at position ``k`` of the middle release went, and whether it is
    still unchanged."""
    now = {aid: (i, w) for i, (aid, w) in enumerate(current["weak"]["assessments"])}
    if k < 0 or k >= len(mid) or mid[k]["id"] not in now:
        return [-1, False]
    i, w = now[mid[k]["id"]]
    return [i, same and w == mid[k]["weak"]]


def _unruns(runs: list[int]) -> list[tuple[int, int]]:
    return [(runs[i] + k, runs[i + 1] + k) for i in range(0, len(runs), 3)
            for k in range(runs[i + 2])]


# -- the previous release ----------------------------------------------------------------

DATA_RE = re.compile(r'<script type="application/json" id="cp-data">(.*?)</script>', re.S)
#: a stored table (the ``stored_table`` of a build, as JSON) may stand for the package
TABLE_FILE = "state-table.json"


class PreviousError(Exception):
    """The previous release given to ``--previous`` cannot be read."""


def tables_of(data: dict) -> dict:
    """The tables a package's course data describes (``cp-data``), or a stored table file."""
    if "pages" in data and isinstance(data["pages"], list) and data["pages"] and \
            isinstance(data["pages"][0], str):   # a table file (state-table.json)
        return data
    state = data.get("state") or {}
    kcs = [{"id": k["id"], "fp": k.get("fp", ""), "type": k["type"], "n": k["n"],
            "maxLength": k.get("maxLength", 0), "weak": weak_key(k)} for k in data.get("kcs", [])]
    return {"ref": state.get("ref") or "v1:" + str(data.get("hash")),
            "course": data.get("id"), "version": data.get("version"),
            "pages": [p["loc"] for p in data.get("pages", [])], "kcs": kcs,
            "assessments": [{"id": a["id"], "fp": a.get("fp", ""), "weak": _json_assessment(a),
                             "questions": [[q["id"], q.get("fp", "")]
                                           for q in a.get("questions", [])]}
                            for a in data.get("assessments", [])],
            "prev": state.get("prev") or {}}


COURSE_JS = "content/course.js"
COURSE_JS_PREFIX = "window.CoursepackData="


def _unit_meta(text: str) -> dict:
    """The data a unit script (``coursepackUnit(N,META,HTML);``) carries: its pages'
    bookmarks (``locs``) and a quiz's questions' answer-time data (``questions``)."""
    start = text.index(",") + 1
    meta, _ = json.JSONDecoder().raw_decode(text, start)
    return meta


def package_data(read) -> dict:
    """A package's course data, given ``read(name) -> str`` for its files: from
    ``content/course.js`` and the unit scripts (pages loaded per unit), or from the
    ``cp-data`` script in ``index.html`` (packages before per-unit loading)."""
    try:
        text = read(COURSE_JS)
    except (OSError, KeyError):
        m = DATA_RE.search(read("index.html"))
        if not m:
            raise PreviousError("not a coursepack package (no course data)") from None
        return json.loads(m.group(1))
    if not text.startswith(COURSE_JS_PREFIX):
        raise PreviousError(f"{COURSE_JS} does not hold course data")
    from builder.chunks import read_data  # either form of course.js (builder/chunks.py)

    data = read_data(text)
    pages = []
    late = {}
    for index, _unit in enumerate(data.get("units", [])):
        meta = _unit_meta(read(f"content/u{index}.js"))
        pages += [{"loc": loc, "unit": index} for loc in meta["locs"]]
        late[index] = meta.get("questions", [])
    data["pages"] = pages
    for a in data.get("assessments", []):   # as the runtime has them once a quiz is loaded
        for q, extra in zip(a.get("questions", []), late.get(a.get("unit"), []), strict=False):
            q.update(extra)
    return data


def read_previous(path: Path) -> dict:
    """The tables of the release learners have now: a package zip, its unpacked folder or
    ``index.html``, or a ``state-table.json`` a build wrote."""
    path = Path(path)
    try:
        if path.is_dir() and (path / TABLE_FILE).is_file():
            return read_previous(path / TABLE_FILE)
        if path.suffix == ".json":
            return tables_of(json.loads(path.read_text(encoding="utf-8")))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                data = package_data(lambda name: z.read(name).decode("utf-8"))
        else:
            folder = path if path.is_dir() else path.parent
            if not path.is_dir() and path.name != "index.html":
                data = package_data(lambda name: path.read_text(encoding="utf-8"))
            else:
                data = package_data(lambda name: (folder / name).read_text(encoding="utf-8"))
        return tables_of(data)
    except PreviousError as e:
        raise PreviousError(f"{path}: {e}") from e
    except (OSError, KeyError, UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile,
            ValueError, TypeError, IndexError) as e:
        raise PreviousError(f"cannot read {path}: {e}") from e


def stored_table(course: Course) -> dict:
    """What a release's learners' states refer to, as ``--previous`` reads it (from the
    package's course data, or from this, saved as ``state-table.json``)."""
    current = table(course)
    return {"course": course.id, "version": course.version, "ref": current["ref"],
            "pages": current["pages"], "kcs": current["kcs"],
            "assessments": [{"id": a.id, "fp": assessment_fp(a),
                             "questions": [[q.id, question_fp(q)] for q in a.questions]}
                            for a in course.assessments],
            "prev": course_state(course)["prev"]}


def losses(old: dict, course: Course) -> list[str]:
    """What learners of the ``old`` release lose when this build replaces it, one line each."""
    new = stored_table(course)
    lines = []
    if old.get("course") and old["course"] != course.id:
        return [f"the previous release is another course ('{old['course']}'): learners "
                "keep nothing but their LMS status"]
    v1 = old["ref"].startswith("v1:")
    if v1:
        if old["ref"] == "v1:" + structure_hash(course):
            return []
        weak = table(course)["weak"]
        for k, w in zip(new["kcs"], weak["kcs"], strict=True):
            k["fp"] = w
        for a, (_, w) in zip(new["assessments"], weak["assessments"], strict=True):
            a["fp"] = w
        for a in old.get("assessments", []):
            a["fp"] = a["weak"]
        old = {**old, "kcs": [{**k, "fp": k["weak"]} for k in old["kcs"]]}
    pages = set(new["pages"])
    gone = [p for p in old["pages"] if p not in pages]
    for p in gone:
        lines.append(f"page {p}: removed (its 'visited' mark is lost)")
    kcs = {k["id"]: k["fp"] for k in new["kcs"]}
    for k in old["kcs"]:
        if k["id"] not in kcs:
            lines.append(f"knowledge check {k['id']}: removed (its answer is lost)")
        elif k["fp"] != kcs[k["id"]]:
            lines.append(f"knowledge check {k['id']}: changed (its answer is dropped)")
    asmts = {a["id"]: a for a in new["assessments"]}
    for a in old.get("assessments", []):
        b = asmts.get(a["id"])
        if b is None:
            lines.append(f"assessment {a['id']}: removed (its attempts and score are lost)")
        elif a["fp"] != b["fp"]:
            now = dict(map(tuple, b["questions"]))
            changed = [] if v1 else [q for q, fp in a["questions"] if now.get(q) != fp]
            what = ", ".join(changed) if changed else "questions, draw, order or paths"
            lines.append(f"assessment {a['id']}: changed ({what}): an unsubmitted attempt's "
                         "answers are dropped; attempts and score are kept")
    return lines


# -- the release history -----------------------------------------------------------------

#: the project's record of its releases' tables, next to course.yaml (committed with it)
HISTORY_FILE = "state-history.json"
HISTORY_FORMAT = 1
#: the tables the history keeps: the most recent ones
HISTORY_KEEP = 20
HISTORY_ABOUT = ("The tables of this course's releases, which learners' resume states refer "
                 "to: every build reads them (as if each were given with --previous) and "
                 "records a new one. Keep it with the course and commit it. See "
                 "docs/lms-admin.md, 'Republishing a course'.")
HISTORY_HINT = (f"restore {HISTORY_FILE} from version control, or delete it (learners of "
                "the releases it lists then lose their answers and visited pages when "
                "the pages or questions change)")


class HistoryError(Exception):
    """The project's release history cannot be used."""

    def __init__(self, message: str, line: int = 0, key: str = ""):
        super().__init__(message)
        self.line = line
        self.key = key


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_runs(value) -> bool:
    return isinstance(value, list) and len(value) % 3 == 0 and all(map(_is_int, value))


def _check_table(t, key: str) -> None:
    """Raise :class:`HistoryError` unless ``t`` is a table as :func:`history` and
    :func:`losses` read it."""
    def need(ok: bool, where: str, what: str) -> None:
        if not ok:
            raise HistoryError(what, key=f"{key}.{where}" if where else key)

    need(isinstance(t, dict), "", "is not a table (an object with ref, pages, kcs)")
    need(isinstance(t.get("ref"), str) and bool(t["ref"]), "ref", "is not a table reference")
    v1 = t["ref"].startswith("v1:")
    for name in ("course", "version"):
        need(t.get(name) is None or isinstance(t[name], str), name, "is not text")
    need(_is_str_list(t.get("pages")), "pages", "is not a list of page ids")
    kcs = t.get("kcs")
    need(isinstance(kcs, list), "kcs", "is not a list of knowledge checks")
    for i, k in enumerate(kcs):
        need(isinstance(k, dict) and isinstance(k.get("id"), str)
             and isinstance(k.get("fp"), str) and isinstance(k.get("type"), str)
             and _is_int(k.get("n")) and _is_int(k.get("maxLength", 0))
             and (not v1 or isinstance(k.get("weak"), str)),
             f"kcs[{i}]", "is not a knowledge check (id, fp, type, n, maxLength)")
    asmts = t.get("assessments", [])
    need(isinstance(asmts, list), "assessments", "is not a list of assessments")
    for i, a in enumerate(asmts):
        need(isinstance(a, dict) and isinstance(a.get("id"), str)
             and isinstance(a.get("fp"), str)
             and isinstance(a.get("questions", []), list)
             and all(_is_str_list(q) and len(q) == 2 for q in a.get("questions", []))
             and (not v1 or isinstance(a.get("weak"), str)),
             f"assessments[{i}]", "is not an assessment (id, fp, questions)")
    prev = t.get("prev", {})
    need(isinstance(prev, dict), "prev", "is not an object of earlier tables' maps")
    for ref, e in prev.items():
        need(isinstance(e, dict) and _is_int(e.get("pages")) and _is_runs(e.get("pmap"))
             and _is_runs(e.get("kmap")) and isinstance(e.get("kcs"), list)
             and all(isinstance(r, list) and len(r) == 4 and _is_int(r[0])
                     and isinstance(r[1], str) and _is_int(r[2]) and _is_int(r[3])
                     for r in e["kcs"])
             and all(isinstance(x, list) and len(x) == 2 and isinstance(x[0], int)
                     and isinstance(x[1], bool) for x in e.get("asmts", [])),
             f"prev.{ref}", "is not a map of an earlier table (pages, kcs, pmap, kmap)")


def read_history(path: Path) -> list[dict]:
    """The tables of the project's earlier releases, oldest first (:data:`HISTORY_FILE`).
    Raises :class:`HistoryError` with the line or key of what is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise HistoryError(f"cannot read the release history: {e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise HistoryError(f"the release history is not valid JSON: {e.msg}", e.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), list):
        raise HistoryError("the release history is not an object with a 'tables' list",
                           key="tables")
    if data.get("format") != HISTORY_FORMAT:
        raise HistoryError(f"format {data.get('format')!r} of the release history is not "
                           f"one this coursepack reads ({HISTORY_FORMAT})", key="format")
    for i, t in enumerate(data["tables"]):
        _check_table(t, f"tables[{i}]")
    return data["tables"]


def history_entry(t: dict) -> dict:
    """A table (:func:`stored_table`, or :func:`read_previous`'s) as the history keeps it:
    its maps of earlier tables only when it has some (a package given to ``--previous``
    may know releases the history does not)."""
    return {k: v for k, v in t.items() if k != "prev" or v}


def record(tables: list[dict], *new: dict) -> list[dict]:
    """``tables`` with each of ``new`` appended unless its reference is already there;
    the last :data:`HISTORY_KEEP` kept."""
    out = list(tables)
    for t in new:
        if t["ref"] not in {o["ref"] for o in out}:
            out.append(history_entry(t))
    return out[-HISTORY_KEEP:]


def history_text(tables: list[dict]) -> str:
    """The history file: sorted keys, two-space indents, one line per page id (diffable)."""
    return json.dumps({"about": HISTORY_ABOUT, "format": HISTORY_FORMAT, "tables": tables},
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"
