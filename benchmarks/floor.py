"""The physical floor of a small build (issue 18), measured on the machine at hand.

A build of a course, as a new process, cannot cost less CPU than three things the project
mandates, whoever writes the build:

1. starting Python (``python -c pass``);
2. importing the libraries the build needs: Jinja (the theme's templates), PyYAML (the
   course's YAML), markdown-it-py and the mdit-py-plugins our parser uses (the Markdown),
   click (the command line). lxml and tincan are left out: the build could do without
   them (the reading level's plain text, the xAPI activities), so their cost is ours;
3. markdown-it parsing the course's Markdown texts with our parser configuration
   (``builder.markdown.make_parser``: CommonMark, tables, strikethrough, admonitions,
   definition lists, containers, our citation and glossary rules), each text once, as
   the build does (through ``builder.mdfast``, which gives markdown-it's tokens for a
   line of prose without its block parser). Nothing rendered.

``measure(python, project, work, run, runs)`` times these in new processes (``run`` is
run.py's ``run_build``: CPU time from ``wait4``): the floor is the median CPU of a process
that starts, imports (2) and stops, plus the median CPU of (3), measured inside a process
after everything else (the texts are collected by loading the course once, untimed).
run.py prints the floor beside the SRO and Adapt-sized verdicts, and our overhead above it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path

#: the imports of step 2
LIBRARIES = ("jinja2", "yaml", "markdown_it", "mdit_py_plugins.admon",
             "mdit_py_plugins.container", "mdit_py_plugins.deflist", "click")

#: run by the project's Python: writes the course's Markdown texts (as the build parses
#: them, in its order) as JSON to argv[2]; the course is argv[1]
COLLECT = r"""
import json, sys
from pathlib import Path
from builder import mdfast
from builder.loaders import Loader
texts = []
parse = mdfast.parse
def recording(md, src, env):
    texts.append(src)
    return parse(md, src, env)
mdfast.parse = recording
Loader(Path(sys.argv[1])).load()
Path(sys.argv[2]).write_text(json.dumps(texts), "utf-8")
"""

#: run by the project's Python: the CPU time (user + system) of importing LIBRARIES,
#: counted from the process's start, then of parsing the texts of argv[1] (after the
#: parser is made, untimed); prints both as JSON
PARSE = r"""
import resource
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
import {libraries}
imported = cpu()
import json, sys
from pathlib import Path
from builder import mdfast
from builder.markdown import make_parser
texts = json.loads(Path(sys.argv[1]).read_text("utf-8"))
md = make_parser()
start = cpu()
for text in texts:
    mdfast.parse(md, text, {{"scope": "floor"}})
print(json.dumps({{"imported_s": imported, "parse_s": cpu() - start, "texts": len(texts)}}))
"""


def collect_texts(python: Path, project: Path, dest: Path, cwd: Path, env: dict) -> int:
    """Write ``project``'s texts to ``dest``; their number."""
    subprocess.run([str(python), "-c", COLLECT, str(project), str(dest)], cwd=cwd, env=env,
                   check=True, capture_output=True)
    return len(json.loads(dest.read_text("utf-8")))


def measure(python: Path, project: Path, work: Path, run: Callable, cwd: Path, env: dict,
            runs: int = 5, name: str = "course") -> dict:
    """The floor of building ``project``, in seconds of CPU (medians of ``runs``)."""
    texts = work / f"floor-texts-{name}.json"
    collect_texts(python, project, texts, cwd, env)
    start = [run([str(python), "-c", "pass"], cwd).cpu_s for _ in range(runs)]
    imports = [run([str(python), "-c", "import " + ", ".join(LIBRARIES)], cwd).cpu_s
               for _ in range(runs)]
    script = PARSE.format(libraries=", ".join(LIBRARIES))
    parses = []
    count = 0
    for _ in range(runs):
        got = subprocess.run([str(python), "-c", script, str(texts)], cwd=cwd, env=env,
                             check=True, capture_output=True, text=True)
        figures = json.loads(got.stdout)
        parses.append(figures["parse_s"])
        count = figures["texts"]
    out = {"start_s": statistics.median(start), "imports_s": statistics.median(imports),
           "parse_s": statistics.median(parses), "texts": count, "runs": runs,
           "all": {"start_s": start, "imports_s": imports, "parse_s": parses}}
    # start and imports as one process (step 2's process starts Python too)
    out["floor_s"] = out["imports_s"] + out["parse_s"]
    return out


def describe(floor: dict) -> str:
    """One line: the floor and its parts, in ms."""
    return (f"floor {floor['floor_s'] * 1000:.0f} ms CPU = Python start "
            f"{floor['start_s'] * 1000:.0f} + the libraries' imports "
            f"{(floor['imports_s'] - floor['start_s']) * 1000:.0f} + markdown-it parsing "
            f"{floor['texts']} texts {floor['parse_s'] * 1000:.0f}")
