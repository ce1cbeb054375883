"""Files a manifest points at: present in the zip, and an HTML page when launched."""

from __future__ import annotations

from builder.validator import paths
from builder.validator.report import Problem, problem


def locate(base: str, href: str, names: set[str], file: str, line: int,
           what: str) -> tuple[str | None, list[Problem]]:
    """(zip entry, []) for ``href`` below folder ``base``, or (None, [href-missing])."""
    path = paths.join(base, href)
    if path is None:
        return None, [problem("href-missing", file,
                              f"'{href}' ({what}) points outside the package", line)]
    entry = paths.find_entry(path, names)
    if entry is not None:
        return entry, []
    twin = paths.case_twin(path, names)
    hint = f" (the zip has '{twin}': names are case-sensitive)" if twin else ""
    return None, [problem("href-missing", file, f"'{path}' ({what}) is not in the zip{hint}",
                          line)]


def check_launch(url: str, names: set[str], file: str, line: int, what: str,
                 external: str | None) -> list[Problem]:
    """Problems of launch address ``url`` (relative to the zip root).

    ``external`` is the severity for an absolute URL, or None when the standard allows one.
    """
    if paths.is_external(url):
        if external is None:
            return []
        return [problem("external-launch", file, f"{what} is the external address {url}",
                        line, external)]
    entry, missing = locate("", url, names, file, line, what)
    if entry is not None and not paths.is_html(entry):
        return [problem("launch-not-html", file, f"'{entry}' ({what}) is not an .html page",
                        line)]
    return missing
