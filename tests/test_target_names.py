"""Nothing outside a packager names a target: the preview asks the packagers, and
`coursepack play` (the LMS side, which reads any zip) keeps what differs between
standards in builder/play/standards.py, one class each (package.py tells a zip's
standard from its manifest). A string constant equal to a target's name elsewhere in
these files is a branch on a target that belongs there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from builder.packagers import TARGETS

ROOT = Path(__file__).resolve().parent.parent
PYTHON = [ROOT / "builder/preview.py",
          *(p for p in sorted((ROOT / "builder/play").glob("*.py"))
            if p.name not in ("standards.py", "package.py"))]
SCRIPTS = [ROOT / "templates/preview/player.js"]


def named(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr)}
    return [f"{path.relative_to(root)}:{n.lineno}: {n.value!r}" for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and n.value in TARGETS and id(n) not in docstrings]


def test_no_target_name_in_the_preview_or_in_play_outside_its_standards():
    found = [hit for path in PYTHON for hit in named(path)]
    quoted = re.compile("[\"'](" + "|".join(TARGETS) + ")[\"']")
    for path in SCRIPTS:
        code = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {m.group()}" for m in
                  quoted.finditer(code)]
    assert found == []


def test_the_check_sees_a_target_name(tmp_path):
    path = tmp_path / "x.py"
    path.write_text('"""scorm12 in a docstring is fine."""\n'
                    'if standard == "scorm12":\n    pass\n')
    assert named(path, tmp_path) == ["x.py:2: 'scorm12'"]
