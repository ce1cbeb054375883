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
    ("var a = 1;  // note\nvar b = a / 2;", "var a=1,b=a/2;\n"),
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
      x = [first, second, a];
    })();"""
    assert small(source) == (
        "(()=>{function b(b,c){return b+c}function c(c){var d=d=>c+d+b(1,2);"
        "return d}try{c(1)}catch(b){window.a=b}x=[b,c,a]})();\n")


@pytest.mark.parametrize("source, shipped", [
    # consecutive var statements of a list join; not a var that is the body of an "if",
    # not one ended by a line break (a semicolon may be inserted there), not a "for" head
    ("var a = 1; var b = [2]; var c = {d: 3};", "var a=1,b=[2],c={d:3};\n"),
    ("if (x) var a = 1; var b = 2; var c = 3;", "if(x)var a=1;var b=2,c=3;\n"),
    ("var a = f\n(1); var b = 2; var c = 3;", "var a=f\n(1);var b=2,c=3;\n"),
    ("function f() { var a = 1; var b = g\n(2) }", "function f(){var a=1,b=g\n(2)}\n"),
    ("for (var i = 0; i < 2; i++) { var j = i; var k = j; }", "for(var i=0;i<2;i++){var j=i,k=j}\n"),
    ("{ var a = 1; var b = 2 }", "{var a=1,b=2}\n"),
    # the ";" before "}" goes, unless it is the whole body of an if/for/while/else
    ("function f() { g(); if (x) ; while (y) ; for (;;) ; if (z) a(); else ; }",
     "function f(){g();if(x);while(y);for(;;);if(z)a();else;}\n"),
    ("function f() { g(); { h(); } }", "function f(){g();{h()}}\n"),
    # true, false, undefined as values; not as properties, keys, or before . ( [ ** =
    ("x = [true, false, undefined, a === true ? false : !true, typeof undefined];",
     "x=[!0,!1,void 0,a===!0?!1:!!0,typeof void 0];\n"),
    ("x = {true: true, false: a.false, b: undefined}; y = a < true;",
     "x={true:!0,false:a.false,b:void 0};y=a< !0;\n"),
    ("x = true.toString() + false[0] + true ** 2; undefined = 1;",
     "x=true.toString()+false[0]+true**2;undefined=1;\n"),
    # no line break after a block or a function declaration; kept after an expression's "}"
    ("function f() {}\nfunction g() {}\nif (a) {}\nb()", "function f(){}function g(){}if(a){}b()\n"),
    ("var f = function () {}\nb()\nx = {}\n[1]", "var f=function(){}\nb()\nx={}\n[1]\n"),
    ("x = a +\n b -\n c ?\n d :\n e\n++f", "x=a+b-c?d:e\n++f\n"),
    # anonymous function expressions without this or arguments of their own as arrows,
    # where an arrow may stand without parentheses; not one that a "new" may call
    ("f(function (a) { return a * 2; }, function () { return {k: 1}; }, function (a, b) { return a, b; });",
     "f(a=>a*2,()=>({k:1}),(a,b)=>(a,b));\n"),
    ("f(function (a, b) { if (a) return b; g(); });", "f((a,b)=>{if(a)return b;g()});\n"),
    ("f(function (a, a) { return a; });", "f(function(a,a){return a});\n"),
    ("f(function (a) { return a.then(function (b) { return {b: b}; }); });",
     "f(a=>a.then(a=>({b:a})));\n"),
    # a file that is one call of a function: the browser's globals it uses often enough
    # become parameters (and so one letter); not when it reads arguments
    ("(function () { document.a = document.b; })();", "(a=>{a.a=a.b})(document);\n"),
    ("(function (root) { root.x = Math.max(1, Math.min(2, Math.abs(3))); })(window);",
     "((b,a)=>{b.x=a.max(1,a.min(2,a.abs(3)))})(window,Math);\n"),
    ("(function (Q) { Q.a = document.b + document.c + window.d; })(window.Q);",
     "((b,a)=>{b.a=a.b+a.c+window.d})(window.Q,document);\n"),
    ("(function () { document.a = arguments[0] + document.b; })(1);",
     "(function(){document.a=arguments[0]+document.b})(1);\n"),
    ("f(); (function () { document.a = document.b; })();", "f();(()=>{document.a=document.b})();\n"),
    ("(function (document) { document.a = document.b; })(d);", "(a=>{a.a=a.b})(d);\n"),
    ("f(function () { return this; }, function () { return g(function () { return arguments; }); });",
     "f(function(){return this},()=>g(function(){return arguments}));\n"),
    ("x = a || function () {}; y = function () {}.bind(a); z = function f() {};",
     "x=a||function(){};y=function(){}.bind(a);z=function b(){};\n"),
    ("(function () { var C = function () {}; var D = function () {}; new C(); })();",
     "(()=>{var a=function(){},b=()=>{};new a()})();\n"),
    ("f(function () { return\n 1; }, function () { return a\n(b) });", "f(()=>{return\n1},()=>{return a\n(b)});\n"),
])
def test_shorter_spellings(source, shipped):
    assert small(source) == shipped


def test_shorter_spellings_run_the_same(tmp_path):
    """The shorter spellings give the same results in node, source and shipped."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    source = """
    (function () {
      var out = []; var n = 0;
      function f(a) { var b = a === true; var c = a === undefined;
        if (b) ; else n++;
        out.push(b, c, typeof undefined, {true: false}.true, !true); }
      f(true); f(false); f();
      var g = function () { return undefined }
      ;(function () { out.push(g() === void 0, n) })()
      var o = { k: 2, m: function () { return this.k; }, a: function () { return arguments.length; } };
      out.push([1, 2].map(function (x) { return x * o.m(); }), o.a(1, 2, 3),
               [3].map(function (x) { return {x: x}; })[0].x, (function (a, b) { return a, b; })(1, 5));
      console.log(JSON.stringify(out));
    })();
    """
    results = []
    for text in (source, small(source)):
        script = tmp_path / "s.js"
        script.write_text(text)
        run = subprocess.run([node, str(script)], capture_output=True, text=True, check=True)
        results.append(run.stdout)
    assert results[0] == results[1] and "true" in results[0]
    assert "!0" in small(source) and "void 0" in small(source) and "=>" in small(source)


def test_same_program_reads_the_shorter_spellings_only_as_the_same(tmp_path):
    """tests/js/same-program.js (which proves the shipped scripts right, in
    tests/test_targets.py) takes the spellings above as the same program, and still tells
    a different one."""
    from tests.conftest import REPO

    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    cases = [
        ("var a = true, b; if (a) { b = undefined; } ; c(false);",
         "var a = !0; var b; if (a) { b = void 0 } c(!1)", 0),
        ("var a = true, b; c(false);", "var a = !1, b; c(false);", 1),
        ("var a = true; if (a) { var b; }", "var a = true; if (a) var b;", 1),
        ("if (a) ; b();", "if (a) b();", 1),
        ("f(function (a) { return a; }, function () {});", "f(a => a, () => {});", 0),
        ("f(function () { return this; });", "f(() => this);", 1),
        ("f(function () { return arguments; });", "f(() => { return arguments; });", 1),
        ("(function () { function f(d) { return d; } document.x = f; })();",
         "(function (d) { function f(d) { return d; } d.x = f; })(document);", 0),
        ("(function () { document.x = 1; })();", "(function (d) { d = x; d.x = 1; })(document);", 1),
        ("(function () { document.x = 1; })();", "(function (d) { var d = x; d.x = 1; })(document);", 1),
        ("(function () { document.x = 1; })();", "(function (d) { d.x = 1; })(documents);", 1),
        ("(function () { document.x = 1; })();", "(function (d) { d.x = arguments; })(document);", 1),
        ("f(); (function () { document.x = 1; })();", "f(); (function (d) { d.x = 1; })(document);", 1),
        ("(function () { var undefined; return undefined; })();",
         "(function () { var undefined; return void 0; })();", 1),
    ]
    pairs, expected = [], set()
    for i, (source, other, code) in enumerate(cases):
        (tmp_path / f"a{i}.js").write_text(source)
        (tmp_path / f"b{i}.js").write_text(other)
        pairs += [str(tmp_path / f"a{i}.js"), str(tmp_path / f"b{i}.js")]
        if code:
            expected.add(str(tmp_path / f"b{i}.js"))
    # one node run for every case: a line "differ: A B at ..." for each pair that differs
    result = subprocess.run([node, str(REPO / "tests" / "js" / "same-program.js"), *pairs],
                            capture_output=True, text=True)
    assert result.returncode == 1, (result.stdout, result.stderr)
    differ = {line.split()[2] for line in result.stdout.splitlines()
              if line.startswith("differ: ")}
    assert differ == expected, [(s, o) for i, (s, o, _) in enumerate(cases)
                                if (str(tmp_path / f"b{i}.js") in differ) != (
                                    str(tmp_path / f"b{i}.js") in expected)]
