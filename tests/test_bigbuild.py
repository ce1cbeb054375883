"""The large build's memory and speed paths keep their promises (issue 18): what they
save never changes what a course gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.token import Token

from builder.deferred import rendering
from builder.markdown import Links, MarkdownRenderer
from tests.support.model import counting_forks, ran_alone, synth, values


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


# -- the reading level's plain text: lxml.etree directly, the same text as lxml.html ------

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def _plain_text_before(html: str) -> str:
    """readability.plain_text as it was (lxml.html), the reference."""
    import html as htmllib
    import re

    from lxml import html as lxml_html

    from builder import readability as r
    if not html.strip():
        return ""
    marked = r._BLOCK_END.sub(lambda m: m.group(0) + "\n", re.sub(r"\s*\n\s*", " ", html))
    lean = r._CITATION.sub("", marked)
    if lean.strip():
        marked = lean
    try:
        root = lxml_html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # noqa: BLE001
        return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    for el in root.xpath(r._SKIP):
        el.drop_tree()
    return r._URL.sub(" ", root.text_content())



ODD_HTML = [
    "  ", "plain words. No tags", "<p>One.</p>\n<p>Two.</p>", "  <p>lead</p> tail text",
    " \n <ul>\n<li>a</li>\n<li>b</li>\n</ul>\n", "<table>\n<thead>\n<tr>\n<th>A</th>\n"
    "<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>x</td>\n<td>y</td>\n</tr>\n</tbody>\n"
    "</table>", "<p>An <img src=a.png alt=x> tail <img src=b.png> more</p>",
    "<img src=a.png>first tail<p>x</p>", "<p>Code <code>x = 1</code> and</p><pre>block"
    "</pre>after", '<p>A <span class="visually-hidden">hidden words</span>seen</p>',
    '<div hidden>gone<span hidden>inner</span></div>kept', "<P>Upper</P><PRE>x</PRE>",
    '<span class="term"><button>SRO</button><span class="term-def pop" hidden>Def '
    '<a href="#g">Glossary</a></span></span> ends.', "&amp; &lt;b&gt; &#x41; &nbsp;x",
    "<html><body><p>full</p></body></html>", "<!doctype html><p>x</p>",
    "<?xml version='1.0' encoding='utf-8'?><p>x</p>", "</body></html><p>after</p>",
    "<p>a</p></div></p>stray", "<head><title>T</title></head><p>b</p>", "<title>T</title>x",
    "<p>Dr. Smith met the U.S. team. Then e.g. this.</p>", "<br>x<br/>y<br />z",
    "<p>Visit https://example.org/x and www.example.com now.</p>", "\x0b<p>v</p>",
    "  lead and trail  ", "tab\tinside", "non\u00a0breaking", "line\nbreak\n", "\u2028sep",
    "Visit https://example.org", "a > b", "x\x0cy", "soft\u00adhyphen", "\ufeffbom",
]


def test_plain_text_is_what_lxml_html_gave(monkeypatch, tmp_path):

    from builder import readability
    from builder.build import check

    synth().make_course(tmp_path / "synth", 4, 5, 20, kc_per_module=2)
    found: set[str] = set(ODD_HTML)
    for root in [REPO, tmp_path / "synth",
                 *(FIXTURES / f for f in ("alltypes", "blocks", "lmsbed", "minimal"))]:
        course, _ = check(root, findings=False)
        found.update(v for v in values(course) if isinstance(v, str))
    assert len(found) > 500
    readability.plain_text.cache_clear()
    differ = [h for h in sorted(found) if readability.plain_text(h) != _plain_text_before(h)]
    assert differ == []


def test_sentences_end_as_before():
    """An abbreviation is looked for at the end of a sentence only: the same sentences as
    searching the whole sentence."""
    from builder import readability as r

    def before(text: str) -> list[str]:
        out, start = [], 0
        for m in r._SENTENCE_END.finditer(text):
            piece = text[start:m.end()].strip()
            if "\n" not in m.group(0) and r._ABBREVIATIONS.search(piece):
                continue
            out.append(piece)
            start = m.end()
        out.append(text[start:].strip())
        return [s for s in out if s and r._WORD.search(s)]

    text = ("Dr. Smith and Mr. Jones met. The U.S. Department said so. See e.g. this, "
            "i.e. that. A. Lincoln spoke. Then 3 people left! Was it 1998? Yes.\nNext line "
            "etc. And more. Sr. Pérez llegó. Núm. 5 es. Ud. sabe. xDr. Who. art. 5 dice. "
            "Pp. 4 to pp. 9. Vol. 2 ends. (St. Paul.) \"No. 7.\" B. Then.")
    assert r.sentences(text) == before(text)
    assert "The U.S. Department said so." in r.sentences(text)
    assert "See e.g. this, i.e. that." in r.sentences(text)
    words = text.split()
    for n in range(len(words)):  # every cut of it
        assert r.sentences(" ".join(words[n:])) == before(" ".join(words[n:]))


def test_tail_is_bit_for_bit_the_one_trial_at_a_time_sum():
    import random

    from builder.quality import tail

    def before(probs, k):
        dist = [1.0]
        for p in probs:
            nxt = [0.0] * (len(dist) + 1)
            for i, v in enumerate(dist):
                nxt[i] += v * (1 - p)
                nxt[i + 1] += v * p
            dist = nxt
        return min(1.0, sum(dist[k:]))

    rng = random.Random(7)
    for n in (0, 1, 2, 5, 40, 300):
        probs = [1 / rng.choice((2, 3, 4, 5, 6)) for _ in range(n)]
        for k in {0, 1, n // 4, n // 3, n // 2, n}:
            assert tail(probs, k) == before(probs, k)
    assert tail([0.5] * 6, 6) == 0.5 ** 6


# -- a large course's item-quality findings, found in a child process --------------------

def _synth(dest: Path) -> Path:
    return synth().make_course(dest, 6, 4, 30, kc_per_module=2)


def test_findings_from_the_child_are_those_found_in_process(tmp_path, monkeypatch, request):
    if ran_alone(request):  # the fork is only made in a process with no other thread
        return
    import os

    from builder import background, build, quality

    course_dir = _synth(tmp_path / "c")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    here = build.build(course_dir, ("scorm12",), tmp_path / "a", history="off")
    rows_here = quality.reading_lines(here.course, full=True)
    monkeypatch.delenv("COURSEPACK_NO_FORK")
    monkeypatch.setattr(background, "MIN_PAGES", 1)
    forks = counting_forks(monkeypatch)
    measured: list = []
    measure = quality._measure_module.__wrapped__
    monkeypatch.setattr(quality, "_measure_module", lambda m, lang: (
        measured.append(m.id), measure(m, lang))[1])
    there = build.build(course_dir, ("scorm12",), tmp_path / "b", history="off")
    assert len(forks) == 1
    assert there.warnings == here.warnings and any(w.rule for w in there.warnings)
    assert quality.reading_lines(there.course, full=True) == rows_here
    assert measured == []  # the table's figures came from the child
    assert ((tmp_path / "a" / here.written[0].name).read_bytes()
            == (tmp_path / "b" / there.written[0].name).read_bytes())
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped


def test_a_child_that_fails_leaves_the_check_to_the_build(tmp_path, monkeypatch, request):
    if ran_alone(request):  # the fork is only made in a process with no other thread
        return
    import pickle

    from builder import background, build

    course_dir = _synth(tmp_path / "c")
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    here = build.build(course_dir, ("web",), tmp_path / "a", history="off")
    monkeypatch.delenv("COURSEPACK_NO_FORK")
    monkeypatch.setattr(background, "MIN_PAGES", 1)

    def broken(*_a, **_k):
        raise pickle.PicklingError("no")
    monkeypatch.setattr(pickle, "dump", broken)  # only the child pickles
    forks = counting_forks(monkeypatch)
    there = build.build(course_dir, ("web",), tmp_path / "b", history="off")
    assert len(forks) == 1 and there.warnings == here.warnings


def test_a_failed_build_leaves_no_child(tmp_path, monkeypatch, request):
    if ran_alone(request):  # the fork is only made in a process with no other thread
        return
    import gc
    import os

    from builder import background, build
    from builder.errors import BuildAborted

    course_dir = _synth(tmp_path / "c")
    monkeypatch.setattr(background, "MIN_PAGES", 1)
    forks = counting_forks(monkeypatch)

    def failing(*_a, **_k):  # the render fails while the child still works
        raise BuildAborted([])
    monkeypatch.setattr(build, "render_site", failing)
    with pytest.raises(BuildAborted):
        build.build(course_dir, ("web",), tmp_path / "out", history="off")
    gc.collect()
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)


def test_near_duplicates_as_difflib_judges_them():
    import difflib
    import random

    from builder.quality import NEAR_DUPLICATE, _similar

    def before(a: str, b: str) -> bool:
        total = len(a) + len(b)
        if total and 2.0 * min(len(a), len(b)) / total < NEAR_DUPLICATE:
            return False
        m = difflib.SequenceMatcher(None, a, b)
        return m.quick_ratio() >= NEAR_DUPLICATE and m.ratio() >= NEAR_DUPLICATE

    rng = random.Random(3)
    words = "the school resource officer reports to a principal and the district".split()
    pairs = [("", ""), ("a", "a"), ("abc", "acb"), ("officer", "officers")]
    for _ in range(3000):
        a = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        b = list(a)
        for _ in range(rng.randint(0, 4)):  # a few edits
            i = rng.randrange(len(b) + 1)
            b[i:i + rng.randint(0, 2)] = rng.choice(["", "x", "s ", "ed"])
        pairs.append((a, "".join(b)))
    assert sum(_similar(a, b) for a, b in pairs) > 100
    assert [p for p in pairs if _similar(*p) != before(*p)] == []


# -- each target's package written when made; all renamed at the end, or none -----------

def test_a_target_that_fails_after_another_was_written_leaves_the_output_as_it_was(
        tmp_path, monkeypatch):
    from builder import build
    from builder.errors import BuildAborted

    course_dir = _synth(tmp_path / "c")
    render = build.render_site
    calls: list[str] = []

    def second_fails(course, target, *args, **kwargs):
        calls.append(target)
        if len(calls) == 2:
            raise BuildAborted([])
        return render(course, target, *args, **kwargs)
    monkeypatch.setattr(build, "render_site", second_fails)
    fresh = tmp_path / "new" / "dist"
    with pytest.raises(BuildAborted):
        build.build(course_dir, ("web", "scorm12"), fresh, history="off")
    assert not (tmp_path / "new").exists()  # the folders it made are gone again
    kept = tmp_path / "dist"
    kept.mkdir()
    (kept / "old.zip").write_bytes(b"old")
    calls.clear()
    with pytest.raises(BuildAborted):
        build.build(course_dir, ("web", "scorm12"), kept, history="off")
    assert [p.name for p in kept.iterdir()] == ["old.zip"]
    monkeypatch.setattr(build, "render_site", render)
    done = build.build(course_dir, ("web", "scorm12"), kept, history="off")
    assert sorted(p.name for p in kept.iterdir()) == sorted(
        ["old.zip", *(p.name for p in done.written), *(p.name for p in done.folders)])


def test_the_childs_helper_measures_the_last_modules_and_nothing_changes(
        tmp_path, monkeypatch, request):
    """The findings' child hands the last modules' reading figures to a child of its own
    (background._helper): the findings, their order and the figures are those found in
    one process, and the helper's figures are the ones taken."""
    if ran_alone(request):  # the fork is only made in a process with no other thread
        return
    import json

    from builder import background, build, quality

    course_dir = _synth(tmp_path / "c")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("COURSEPACK_NO_FORK", "1")
    here = build.build(course_dir, ("scorm12",), tmp_path / "a", history="off")
    rows_here = quality.reading_lines(here.course, full=True)
    monkeypatch.delenv("COURSEPACK_NO_FORK")
    monkeypatch.setattr(background, "MIN_PAGES", 1)
    monkeypatch.setattr(background, "HELPER_BYTES", 1)
    log = tmp_path / "helper.json"  # written in the findings' child, read here
    coming = quality.coming

    def noting(modules, language, take):
        def taking():
            got = take()
            if got is not None:  # asked again at the end (nothing then)
                log.write_text(json.dumps({"modules": [m.id for m in modules],
                                           "got": [r.unit for r in got]}))
            return got
        return coming(modules, language, taking)
    monkeypatch.setattr(quality, "coming", noting)
    there = build.build(course_dir, ("scorm12",), tmp_path / "b", history="off")
    assert there.warnings == here.warnings
    assert {"duration", "reading_grade"} & {w.rule for w in there.warnings}
    assert quality.reading_lines(there.course, full=True) == rows_here
    noted = json.loads(log.read_text())
    ids = [m.id for m in here.course.modules]
    assert noted["got"] == noted["modules"] == ids[len(ids) - len(noted["modules"]):]
    assert 0 < len(noted["modules"]) < len(ids)
    assert ((tmp_path / "a" / here.written[0].name).read_bytes()
            == (tmp_path / "b" / there.written[0].name).read_bytes())
