"""What open streams hold is frozen out of the collector's sight, a crowd at a time."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tickerwire.web.heap import Freezer


@pytest.fixture
def unfrozen_after() -> Iterator[None]:
    """Give the collector back what the test froze, so other tests see a normal heap."""
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_after")
def test_every_nth_stream_opened_freezes_what_survived() -> None:
    freezer = Freezer(every=3)
    before = gc.get_freeze_count()
    freezer.opened()
    freezer.opened()
    assert gc.get_freeze_count() == before
    held = [object() for _ in range(10)], {"a stream's": "state"}
    freezer.opened()
    assert gc.get_freeze_count() > before
    assert held  # still alive, now out of the collector's sight


@pytest.mark.usefixtures("unfrozen_after")
def test_cycles_that_are_already_garbage_are_collected_before_freezing() -> None:
    class Node:
        partner: object = None

    first, second = Node(), Node()
    first.partner, second.partner = second, first
    del first, second
    Freezer(every=1).opened()
    assert not any(isinstance(o, Node) for o in gc.get_objects())
    gc.unfreeze()
    assert not any(isinstance(o, Node) for o in gc.get_objects())
