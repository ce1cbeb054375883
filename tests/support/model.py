"""Helpers for tests that look inside a loaded course or make a synthetic one."""

from __future__ import annotations

import dataclasses
import importlib.util
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


