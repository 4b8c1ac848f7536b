"""How a horizon reads on a page: pending until its end, being measured once its time has
passed, its move once measured, and "no price" (never a zero) when nothing measured it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tickerwire.reactions.measure import NO_PRICE
from tickerwire.store.reactions import Reaction
from tickerwire.web.reaction_views import horizon_view, move_text

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
ZONE = "America/New_York"
PENDING = Reaction(
    article_id=1, symbol="DJI", horizon="15m", start_time=START,
    end_time=START + timedelta(minutes=15), note=None, due_at=START + timedelta(minutes=17),
    start_price=None, start_quote_time=None, start_source=None, end_price=None,
    end_quote_time=None, end_source=None, move_pct=None, benchmark_symbol="SPX",
    benchmark_start=None, benchmark_start_time=None, benchmark_end=None,
    benchmark_end_time=None, benchmark_source=None, benchmark_move_pct=None, excess_pct=None,
    simulated=False, computed_at=None,
)  # fmt: skip


def test_a_horizon_before_its_end_is_pending_until_then_in_the_readers_zone() -> None:
    view = horizon_view(PENDING, ZONE, START + timedelta(minutes=5))
    assert (view.known, view.status_text) == (False, "pending until 10:15 AM EST")


def test_a_horizon_past_its_end_but_not_measured_says_it_is_being_measured() -> None:
    view = horizon_view(PENDING, ZONE, START + timedelta(minutes=16))
    assert view.status_text == "being measured (due 10:15 AM EST)"


def test_a_measured_horizon_reads_as_its_move_with_the_benchmark_and_the_difference() -> None:
    measured = replace(
        PENDING, start_price=100.0, end_price=101.25, move_pct=1.25, benchmark_move_pct=-0.5,
        excess_pct=1.75, computed_at=START + timedelta(minutes=17),
    )  # fmt: skip
    view = horizon_view(measured, ZONE, START + timedelta(minutes=20))
    assert (view.status_text, view.direction) == ("+1.25 %", "up")
    assert (view.benchmark_move_text, view.excess_text) == ("−0.50 %", "+1.75 %")


def test_a_window_nothing_measured_reads_as_no_price_not_as_zero() -> None:
    empty = replace(PENDING, computed_at=START + timedelta(minutes=17))
    view = horizon_view(empty, ZONE, START + timedelta(minutes=20))
    assert view.status_text == NO_PRICE and view.move_pct is None
    assert move_text(None) == "—"
