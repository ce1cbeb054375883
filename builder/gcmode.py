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


class Idle:
    """The collector for ``coursepack preview``, which keeps its caches (every text's
    tokens and HTML, the units, the parsed YAML) from one rebuild to the next: a rebuild
    after a save runs with the collector paused, and the collection it would have made
    (a full one, over all those caches, every other save: 100 to 150 ms on the 1,000-page
    course) is made once the preview is idle again, after the page was told to reload."""

    def __init__(self) -> None:
        self.pending = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        was = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was:
                gc.enable()
                self.pending = True

    def idle(self) -> None:
        """Collect what the last rebuild left, if it has not been collected yet."""
        if self.pending:
            self.pending = False
            gc.collect()
