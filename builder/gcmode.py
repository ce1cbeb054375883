"""Garbage collection for a one-shot command (``coursepack build``, ``check``).

A build allocates a great many small objects that live until it ends (tokens, the model,
rendered text) and makes few reference cycles; CPython's default collector (a young
collection every 700 net allocations, a full one now and then) spends about a tenth of
the SRO course's build CPU walking them. :func:`one_shot` moves what the imports made out
of the collector's sight (``gc.freeze``) and collects the young generation every 50,000
net allocations instead: cycles are still collected, later; reference counting frees
everything else at once as before. Not for the long-running preview.
"""

from __future__ import annotations

import gc

YOUNG = 50_000  #: net allocations between collections of the youngest generation


def one_shot() -> None:
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG, older, oldest)
