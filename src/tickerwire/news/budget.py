"""How much markup one piece of a stranger's HTML may carry before we stop reading it.

Building a tree from HTML slows down with the square of its nesting depth (30,000 nested
``<div>`` cost the sanitizer two seconds, 100,000 cost the text walker twenty), and a feed
may carry hundreds of such fragments. The article path refuses whole pages over
``MAX_TAGS`` as "document too complex"; this is the same cap for each fragment the
sanitizer is given (a feed item's summary or content, an article's body): a fragment with
more tags than :data:`MAX_FRAGMENT_TAGS` is left out rather than parsed, and the cut is
noted, so the feed can say what it lost.

Counting ``<`` is deliberately crude: it is linear, needs no parser, and overestimates, so
nothing slower than the cap allows can slip under it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

MAX_FRAGMENT_TAGS = 20_000
"""Far above any real feed item or article body (the corpus's largest whole page has under
20,000 tags), and low enough that the worst fragment under it costs well under a second."""

_cuts: ContextVar[list[str] | None] = ContextVar("tickerwire_budget_cuts", default=None)


def too_complex(html: str) -> bool:
    """True when ``html`` is over the cap; the cut is noted in the active :func:`recording`."""
    tags = html.count("<")
    if tags <= MAX_FRAGMENT_TAGS:
        return False
    cuts = _cuts.get()
    if cuts is not None:
        cuts.append(
            f"an HTML fragment with {tags:,} tags was left out as too complex "
            f"(the limit is {MAX_FRAGMENT_TAGS:,})"
        )
    return True


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """Collect, as sentences, what :func:`too_complex` cut while the block ran."""
    cuts: list[str] = []
    token = _cuts.set(cuts)
    try:
        yield cuts
    finally:
        _cuts.reset(token)
