"""builder/jsmin.py: the shipped scripts keep every token, and only the white space and
comments the code does not need go."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from builder import jsmin


def small(text: str) -> str:
    out = jsmin.minify(text)
    assert out is not None
    return out


@pytest.mark.parametrize("source, shipped", [
    ("var a = 1;  // note\nvar b = a / 2;", "var a=1;var b=a/2;\n"),
    ("x = a - -b + +c;", "x=a- -b+ +c;\n"),
    ("x = a++ + ++b - --c;", "x=a++ + ++b- --c;\n"),
    ("x = y / 2 / z;", "x=y/2/z;\n"),
    ("if (/ +$/.test(s)) s = s.replace(/\\/ [/]/g, '/ /');", "if(/ +$/.test(s))s=s.replace(/\\/ [/]/g,'/ /');\n"),
    ("return /a b/i instanceof RegExp;", "return/a b/i instanceof RegExp;\n"),
    ("s = 'it''s' + \"a // b /* c */\";", None),
    ("var n = 1 .toString() + 2.5.toFixed(1);", "var n=1 .toString()+2.5 .toFixed(1);\n"),
    ("a = b\n(c)\nreturn\nx\n}", "a=b\n(c)\nreturn\nx}\n"),
    ("f(a,\n  b);\n/* block\n comment */\ng();", "f(a,b);g();\n"),
    ("x = a < !b;", "x=a< !b;\n"),
    ("i--\n> 0", "i--\n>0\n"),
])
def test_minify(source, shipped):
    out = jsmin.minify(source)
    if shipped is None:  # 'it''s' is two strings: kept as two tokens
        assert out == "s='it''s'+\"a // b /* c */\";\n"
    else:
        assert out == shipped


@pytest.mark.parametrize("source", [
    "var s = `template ${x}`;",            # template literals: not taken apart
    "var s = 'over \\\nlines';",            # a string continued over lines
    "x = {} / 2;",                          # '/' after '}': regex or division?
    "var café = 1;",                        # a name outside ASCII
    "/* never closed",
])
def test_gives_up_on_what_it_does_not_take_apart(source):
    assert jsmin.minify(source) is None


def test_shipped_scripts_run_like_the_source(tmp_path):
    """A script with the cases above gives the same result in node, source and shipped."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    source = """
    var out = [];
    function f(a, b) {
      var x = a - -b, y = a++ + ++b;   // unary and update operators
      out.push(x, y, a / 2 / b, "a // b", '/* c */');
      out.push(/ +$/.test("a  ") ? "re" : "no", "x/y".replace(/\\//g, "|"));
      var g = function () { return 1 }
      (out.push("called"))
      return
        out.push("after return");
    }
    f(3, 4);
    var n = 1 .toString() + 2.5.toFixed(1);
    console.log(JSON.stringify([out, n]));
    """
    results = []
    for text in (source, small(source)):
        script = tmp_path / "s.js"
        script.write_text(text)
        run = subprocess.run([node, str(script)], capture_output=True, text=True, check=True)
        results.append(run.stdout)
    assert results[0] == results[1] and "re" in results[0] and "after return" not in results[0]


def test_shipped_scripts_are_cached_and_change_nothing(minimal, tmp_path, monkeypatch):
    """Minified scripts are kept in coursepack's cache between runs; a damaged cache file
    is made again, and no cache gives the same package."""
    from builder import render
    from builder.build import build

    def built(out):
        render._shipped_script.cache_clear()  # this process's copies: from the cache
        [zip_path] = build(minimal, ("cmi5",), out=tmp_path / out).written
        return zip_path.read_bytes()

    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSEPACK_CACHE", str(cache))
    first = built("a")
    kept = list(cache.glob("scripts-*/*.js"))
    assert len(kept) >= 8
    assert built("b") == first
    for path in kept:
        path.write_bytes(path.read_bytes()[:100])   # cut short
    assert built("c") == first
    assert all(len(path.read_bytes()) > 100 for path in kept)   # made again
    monkeypatch.setenv("COURSEPACK_CACHE", "off")
    assert built("d") == first


def test_local_names_are_reused_where_they_cannot_clash():
    """Each scope's names start again from ``a``, skipping the globals the file uses
    (``a`` here) and the names of enclosing scopes used inside it (``b`` and ``c`` in the
    innermost function, which calls ``first`` and reads ``gamma``)."""
    source = """(function () {
      function first(alpha, beta) { return alpha + beta; }
      function second(gamma) {
        var delta = function (epsilon) { return gamma + epsilon + first(1, 2); };
        return delta;
      }
      try { second(1); } catch (error) { window.a = error; }
      window.x = [first, second, a];
    })();"""
    assert small(source) == (
        "(function(){function b(b,c){return b+c;}\n"
        "function c(c){var d=function(d){return c+d+b(1,2);};return d;}\n"
        "try{c(1);}catch(b){window.a=b;}\n"
        "window.x=[b,c,a];})();\n")
