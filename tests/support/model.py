"""Helpers for tests that look inside a loaded course or make a synthetic one."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def values(obj, seen: set[int] | None = None) -> Iterator[object]:
    """Every value reachable from ``obj`` (a course, a unit...) through tuples, lists,
    sets, dicts' values and dataclasses' fields, each container once; ``obj`` itself
    first. Numbers, paths and ``None`` are given but not looked into."""
    seen = set() if seen is None else seen
    stack = [obj]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, (str, bytes, int, float, Path, type(None))) or id(value) in seen:
            continue
        if isinstance(value, (tuple, list, set, frozenset)):
            seen.add(id(value))
            stack.extend(reversed(list(value)))
        elif isinstance(value, dict):
            seen.add(id(value))
            stack.extend(reversed(list(value.values())))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            seen.add(id(value))
            stack.extend(reversed([getattr(value, f.name) for f in dataclasses.fields(value)]))


def synth():
    """benchmarks/synth.py, the synthetic course generator, as a module."""
    if "synth" not in sys.modules:
        spec = importlib.util.spec_from_file_location("synth", BENCHMARKS / "synth.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["synth"] = module
        spec.loader.exec_module(module)
    return sys.modules["synth"]


def counting_forks(monkeypatch) -> list[int]:
    """Make ``os.fork`` record, in the list returned, each child it starts."""
    import os

    forks: list[int] = []
    fork = os.fork

    def counting_fork():
        pid = fork()
        if pid:
            forks.append(pid)
        return pid
    monkeypatch.setattr(os, "fork", counting_fork)
    return forks




def ran_alone(request) -> bool:
    """Run the calling test again in a new pytest process of its own and say whether it
    did: True once it has passed there (the caller returns), False in that process (the
    caller goes on). For what a worker's leftovers could change: a build forks its quality
    check only in a process with no other thread, and earlier tests in the same worker
    (a preview's file watcher, playwright) leave threads behind."""
    import os
    import subprocess

    test = request.node.nodeid
    if os.environ.get("COURSEPACK_TEST_ALONE") == test:
        return False
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
         test], cwd=request.config.rootpath, capture_output=True, text=True, timeout=600,
        env={**os.environ, "COURSEPACK_TEST_ALONE": test})
    assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-2000:])
    assert re.search(r"^1 passed in ", done.stdout, re.M), done.stdout[-2000:]
    return True
