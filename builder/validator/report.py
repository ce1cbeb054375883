"""What ``coursepack validate`` found: a list of problems about one package."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from builder.validator.rules import ERROR, RULES, WARNING


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package."""

    rule: str  #: stable rule id, a key of :data:`builder.validator.rules.RULES`
    severity: str  #: "error" or "warning"
    file: str  #: entry name inside the zip ("" for the package as a whole)
    line: int  #: 1-based line in ``file``, 0 when unknown
    message: str  #: what is wrong, naming the element or value
    advice: str  #: what an LMS administrator can do about it


def problem(rule: str, file: str, message: str, line: int = 0,
            severity: str | None = None) -> Problem:
    """A :class:`Problem` for ``rule``, with the rule's default severity and advice."""
    known = RULES[rule]
    return Problem(rule, severity or known.severity, file, line or 0, message, known.advice)


@dataclass
class Report:
    """The result of inspecting one package file."""

    package: str  #: the path as given on the command line
    standard: str | None = None  #: e.g. "SCORM 1.2", "cmi5"; None when none was found
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(1 for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return sum(1 for p in self.problems if p.severity == WARNING)

    def valid(self, strict: bool = False) -> bool:
        """No errors; with ``strict``, no warnings either."""
        return self.errors == 0 and not (strict and self.warnings)

    def as_dict(self, strict: bool = False) -> dict:
        """The JSON document of ``--format json``."""
        return {"package": self.package, "standard": self.standard,
                "problems": [asdict(p) for p in self.problems], "valid": self.valid(strict)}
