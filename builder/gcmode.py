"""Garbage collection for a one-shot command (``coursepack build``).

A build allocates a great many small objects that live until it ends (tokens, the model,
rendered text) and makes few reference cycles; CPython's default collector (a young
collection every 700 net allocations, a full one now and then) spent about a twentieth of
the SRO course's build CPU and a fifth of the 10,000-page course's walking them.
:func:`one_shot` moves what the imports made out of the collector's sight (``gc.freeze``)
and collects the young generation every 50,000 net allocations instead: cycles are still
collected, later; reference counting frees everything else at once as before. When the
command returns, the collector is as it was (a build run in-process, as the tests do,
leaves no trace).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 50_000  #: net allocations between collections of the youngest generation


@contextmanager
def one_shot() -> Iterator[None]:
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
