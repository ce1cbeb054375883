"""A second reader of the resume state (format 2, builder/state.py), written apart from the
runtime's (templates/static/cp-state.js), so tests can say what the LMS holds in plain
terms and the two readings check each other.

``read(text, data)`` -> ``{"visited": [0/1 per page], "kc": [answer per knowledge check],
"asmt": [{"n", "sub", "score", "seed", "answers", "path"} per assessment]}`` for a state
written by the package whose course data is ``data`` (its current table only; answers of a
quiz that draws questions are returned in the order shown).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from builder.state import package_data

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def course_data(package: Path) -> dict:
    with zipfile.ZipFile(package) as z:
        return package_data(lambda name: z.read(name).decode())


def _bits(values: int) -> int:
    return max(1, (values - 1).bit_length())


def check(text: str) -> str:
    h = 0x811C9DC5
    for ch in text:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    h = (h ^ (h >> 24)) & 0xFFFFFF
    return "".join(B64[(h >> s) & 63] for s in (18, 12, 6, 0))


class _Bits:
    def __init__(self, text: str) -> None:
        self.bits = "".join(format(B64.index(c), "06b") for c in text)
        self.pos = 0

    def get(self, width: int) -> int:
        v = int(self.bits[self.pos:self.pos + width], 2)
        self.pos += width
        return v


def _unescape(text: str) -> str:
    return re.sub(r"%(25|2C|3B|7C)", lambda m: chr(int(m.group(1), 16)), text)


def answers(shapes: list[dict], text: str) -> list[str]:
    bits_text, _, rest = text.partition(":")
    r = _Bits(bits_text)
    typed = sum(q["type"] in ("fill-in", "numeric") for q in shapes)
    texts = iter(rest.split(",") if typed else [])
    out = []
    for q in shapes:
        t, n = q["type"], q["n"]
        if t in ("fill-in", "numeric"):
            out.append(_unescape(next(texts)))
        elif t == "multiple":
            out.append("".join(CHARS[i] for i in range(n) if r.get(1)))
        elif t == "matching":
            on = r.get(1)
            vals = [r.get(_bits(n + 1)) for _ in range(n)]
            out.append("".join(CHARS[v - 1] if v else "-" for v in vals) if on else "")
        elif t == "sequencing":
            on = r.get(1)
            vals = [r.get(_bits(n)) for _ in range(n)]
            out.append("".join(CHARS[v] for v in vals) if on else "")
        else:
            v = r.get(_bits(n + 1))
            out.append(CHARS[v - 1] if v else "")
    return out


def visited(text: str, pages: int) -> list[int]:
    if text[0] == "r":
        r = _Bits(text[1:])
        return [r.get(1) for _ in range(pages)]
    out: list[int] = []
    cur, pos = 0, 1
    while pos < len(text):
        x, mul = 0, 1
        while True:
            d = B64.index(text[pos])
            pos += 1
            x += (d & 31) * mul
            mul *= 32
            if not d & 32:
                break
        out += [cur] * x
        cur = 1 - cur
    return out


def read(text: str, data: dict) -> dict:
    parts = text.split("|")
    assert parts[0] == "2" and len(parts) == 6, text
    assert check(text[:text.rindex("|")]) == parts[5], "check characters"
    st = data["state"]
    assert parts[1] == st["course"] + st["ref"], "another course or table"
    kcs = [{"type": q["type"], "n": q["n"]} for q in data["kcs"]]
    asmt = [{"n": 0, "sub": False, "score": None, "seed": "", "answers": [], "path": ""}
            for _ in data["assessments"]]
    for entry in parts[4].split(";") if parts[4] else []:
        m = re.match(r"^(.{4})(.{4})(\d+)(!?)(?:=(\d+))?(?:~([0-9a-z]{4}))?:(.*)$", entry)
        i = [a["key"] for a in data["assessments"]].index(m.group(1))
        d = data["assessments"][i]
        a = {"n": int(m.group(3)), "sub": m.group(4) == "!",
             "score": int(m.group(5)) if m.group(5) else None, "seed": m.group(6) or "",
             "answers": [], "path": ""}
        if d["branching"]:
            a["path"] = m.group(7)
        elif not d["draw"]:
            a["answers"] = answers(d["questions"], m.group(7))
        asmt[i] = a
    return {"visited": visited(parts[2], len(data["pages"])), "kc": answers(kcs, parts[3]),
            "asmt": asmt}


def as_v1(text: str, data: dict) -> str:
    """The same state spelled in format 1 (``1|HASH|VISITED|KC|A;...``): what the tests
    written for format 1 compare with."""
    s = read(text, data)
    v = ""
    for i in range(0, len(data["pages"]), 6):
        v += B64[sum(1 << b for b in range(6) if i + b < len(s["visited"]) and s["visited"][i + b])]

    def esc(t: str) -> str:
        return re.sub(r"[%,;|]", lambda m: "%" + format(ord(m.group(0)), "X"), t)

    quiz = [f"{min(a['n'], 9999)}{'!' if a['sub'] else ''}"
            f"{'' if a['score'] is None else '=' + str(a['score'])}"
            f"{'~' + a['seed'] if a['seed'] else ''}:"
            + (a["path"] if d["branching"] else
               # format 1 wrote an untouched first attempt as no answers at all
               "" if not a["n"] and not any(a["answers"]) else ",".join(map(esc, a["answers"])))
            for a, d in zip(s["asmt"], data["assessments"], strict=True)]
    return "|".join(["1", data["hash"], v, ",".join(map(esc, s["kc"])), ";".join(quiz)])
