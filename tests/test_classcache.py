"""builder/classcache.py: coursepack's dataclasses get their methods from code compiled in
an earlier run, and are exactly the classes they are without the cache; a cache that
cannot be used is skipped. Each run is a new Python process (the cache works at import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: every dataclass of the builder package a build imports, with what its generated
#: methods are: their code (bytecode, constants, names, arguments), defaults, annotations
DESCRIBE = r"""
import dataclasses, json, sys
import builder.build, builder.cli, builder.preview, builder.xapi_activities
from builder import classcache
out = {}
for module in sorted(m for m in sys.modules if m.startswith("builder")):
    for name, cls in sorted(vars(sys.modules[module]).items()):
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)
                and cls.__module__ == module):
            continue
        methods = {}
        for attr in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__",
                     "__delattr__"):
            f = cls.__dict__.get(attr)
            f = getattr(f, "__wrapped__", f)  # __repr__ is wrapped by reprlib
            code = getattr(f, "__code__", None)
            if code is None:
                methods[attr] = repr(f)
                continue
            methods[attr] = [code.co_code.hex(), repr(code.co_consts), code.co_names,
                             code.co_varnames, code.co_filename, code.co_flags,
                             repr(f.__defaults__), repr(f.__kwdefaults__),
                             repr(getattr(f, "__annotations__", None))]
        out[f"{module}.{name}"] = [methods, cls.__doc__, repr(cls.__dataclass_params__)]
print(json.dumps({"classes": out, "compiled": classcache._state["new"],
                  "cached": len(classcache._codes)}))
"""


def describe(cache: str) -> dict:
    env = {**os.environ, "COURSEPACK_CACHE": cache}
    got = subprocess.run([sys.executable, "-c", DESCRIBE], cwd=REPO, env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(got.stdout)


def test_cached_classes_are_the_classes_compiled_afresh(tmp_path):
    cache = tmp_path / "cache"
    plain = describe("off")
    assert plain["compiled"] is False and len(plain["classes"]) > 40
    first = describe(str(cache))  # compiles, and writes the cache as it ends
    files = list(cache.glob("classes-*.marshal"))
    assert first["compiled"] is True and len(files) == 1
    again = describe(str(cache))  # from the cache: nothing compiled
    assert again["compiled"] is False and again["cached"] >= 6 * 40
    assert plain["classes"] == first["classes"] == again["classes"]


def test_a_cache_that_cannot_be_used_is_skipped(tmp_path):
    cache = tmp_path / "cache"
    describe(str(cache))
    [path] = cache.glob("classes-*.marshal")
    path.write_bytes(path.read_bytes()[:100])  # cut short
    assert describe(str(cache))["compiled"] is True  # read afresh, and written again
    assert describe(str(cache))["compiled"] is False
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert describe(str(blocker / "cache"))["compiled"] is True  # cannot be written
