"""Problems found in a course's sources, and the errors that carry them to the user.

Every check collects :class:`Problem` objects instead of stopping at the first one, so
the author sees everything that is wrong in one run. :class:`BuildAborted` is a
``click.ClickException``: the CLI prints it and exits with code 1, without a traceback.
Any other exception is a bug in coursepack and keeps its traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import click

#: characters a terminal acts on (escape sequences, carriage return, backspace, bell):
#: C0 controls but tab and line feed, DEL and the C1 controls (U+009B opens a sequence too)
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` safe to print: control characters from the sources (or from a package or
    an LRS) are shown as ``\\x1b`` instead of being sent to the terminal, where an
    escape sequence could rewrite what the author sees."""
    return _TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the sources, located as precisely as we can."""

    file: str  #: path relative to the project folder, with forward slashes
    line: int  #: 1-based line number, 0 when unknown
    key: str  #: where in the file: a key path like ``questions[2].choices``, or ""
    message: str  #: what is wrong
    hint: str = ""  #: how to fix it
    level: str = "error"  #: "error" or "warning"
    rule: str = ""  #: the item-quality rule that found it (builder/quality.py), or ""

    def as_dict(self) -> dict:
        """The problem as JSON-ready data (``coursepack check --format json``)."""
        return {"file": self.file, "line": self.line, "key": self.key, "level": self.level,
                "rule": self.rule, "message": self.message, "hint": self.hint}

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        key = f" [{self.key}]" if self.key else ""
        text = f"{where}:{key} {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return printable(text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint for ``word`` among ``choices``, or "" when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=3, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


class BuilderError(click.ClickException):
    """A user-facing error: shown without a traceback, exit code 1."""

    exit_code = 1


class BuildAborted(BuilderError):
    """The sources have problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        errors = sum(1 for p in self.problems if p.level == "error")
        lines = [p.format() for p in self.problems]
        noun = "error" if errors == 1 else "errors"
        lines.append(f"Aborted with {errors} {noun}. Nothing was written.")
        super().__init__("\n".join(lines))

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # noqa: D102 - click API
        click.echo(self.format_message(), err=True, file=file)
