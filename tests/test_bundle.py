"""The runtime's scripts as one file (builder/bundle.py): the parts in order, each as it
was shipped on its own, and read back by name; a course's own script, whatever its last
line, cannot run into the next part."""
from __future__ import annotations

import zipfile

import pytest

from builder import __version__
from builder.build import build
from builder.bundle import BUNDLE, STYLES, join, split
from builder.render import theme_dir
from tests.support.node import node_eval

THEME = f"/* coursepack {__version__} templates/static/cp-a.js */\n(function(){{window.a=1}})();\n"
#: a course's own script: no final ";", a comment on its last line, no final line break
OWN = "var f = function () { return 2 }\n// the end"
NEXT = "(function () { window.b = f(); })()"


def test_join_and_split():
    data = join([("static/cp-a.js", THEME.encode()), ("static/own.js", OWN.encode()),
                 ("static/cp-b.js", NEXT.encode())])
    text = data.decode()
    assert text.startswith(THEME)            # a default-theme part as shipped, nothing added
    assert split(data) == [("static/cp-a.js", THEME), ("static/own.js", OWN),
                           ("static/cp-b.js", NEXT)]
    with pytest.raises(ValueError):
        split(b"var x;\n")


def test_a_part_never_continues_into_the_next(tmp_path):
    script = tmp_path / "bundle.js"
    script.write_bytes(join([("static/cp-a.js", THEME.encode()), ("static/own.js", OWN.encode()),
                             ("static/cp-b.js", NEXT.encode())]))
    check = ("const vm = require('vm'), fs = require('fs'); const w = {};"
             "w.window = w; vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), w);"
             "process.stdout.write(JSON.stringify([w.a, w.b]));")
    out = node_eval(check, script)
    assert out == "[1,2]"


def test_a_course_copy_of_a_runtime_script_ships_in_the_bundle(minimal, tmp_path):
    """A course's own copy of a theme script replaces it in the bundle, as written."""
    own = "/* our own cp-lms.js */\n" + (theme_dir() / "static/cp-lms.js").read_text("utf-8")
    (minimal / "templates/static").mkdir(parents=True)
    (minimal / "templates/static/cp-lms.js").write_text(own, encoding="utf-8")
    [package] = build(minimal, ("web",), out=tmp_path / "out").written
    with zipfile.ZipFile(package) as zf:
        parts = dict(split(zf.read(BUNDLE)))
        assert "static/cp-lms.js" not in zf.namelist()
    assert parts["static/cp-lms.js"] == own
    assert list(parts)[0] == "static/cp-pages.js" and list(parts)[-1] == "static/coursepack.js"


def test_style_sheets_join_and_split(minimal, tmp_path):
    """The theme's style sheets: coursepack.css, then the others, in one file of that name;
    a course's own copy of coursepack.css is its first part, as written."""
    theme = f"/* coursepack {__version__} templates/static/blocks/x.css */\n.x {{ color: red; }}\n"
    own = ".own { color: blue }"           # no final line break
    data = join([("static/coursepack.css", own.encode()), ("static/blocks/x.css", theme.encode())])
    assert data.decode().endswith(theme)
    assert split(data) == [("static/coursepack.css", own), ("static/blocks/x.css", theme)]
    (minimal / "templates/static").mkdir(parents=True)
    (minimal / "templates/static/coursepack.css").write_text(own, encoding="utf-8")
    [package] = build(minimal, ("web",), out=tmp_path / "out").written
    with zipfile.ZipFile(package) as zf:
        assert split(zf.read(STYLES))[0] == ("static/coursepack.css", own)
        assert '<link rel="stylesheet" href="static/coursepack.css">' in zf.read(
            "index.html").decode()
