"""Cross-checks: when two sources agree, and which answer is trusted when they do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tickerwire.instruments import Registry
from tickerwire.markets.crosscheck import Tolerances, agree, judge
from tickerwire.markets.quotes import Quote

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
REGISTRY = Registry.build()
SPX, TNX, EURUSD = REGISTRY.get("SPX"), REGISTRY.get("TNX"), REGISTRY.get("EURUSD")
TOLERANCES = Tolerances()


def quote(provider: str, price: float, *, symbol: str = "SPX", minutes: float = 0) -> Quote:
    return Quote(symbol, price, NOW - timedelta(minutes=minutes), provider)


def test_an_index_within_half_a_percent_agrees_and_beyond_it_does_not() -> None:
    assert agree(SPX, quote("a", 6000.0), quote("b", 6029.0), TOLERANCES)
    assert not agree(SPX, quote("a", 6000.0), quote("b", 6031.0), TOLERANCES)


def test_currencies_are_held_to_a_fifth_of_a_percent() -> None:
    assert not agree(EURUSD, quote("a", 1.0500), quote("b", 1.0525), TOLERANCES)


def test_rates_are_compared_in_points_of_yield_not_percent() -> None:
    assert agree(TNX, quote("a", 4.40), quote("b", 4.44), TOLERANCES)
    assert not agree(TNX, quote("a", 4.40), quote("b", 4.46), TOLERANCES)


def test_the_first_source_is_trusted_when_all_agree() -> None:
    verdict = judge(SPX, [quote("a", 6000.0), quote("b", 6001.0)], TOLERANCES)
    assert verdict is not None
    assert verdict.trusted.provider == "a"
    assert verdict.agreeing == ("b",) and not verdict.disagreeing


def test_two_sources_that_disagree_leave_the_first_trusted_but_tied() -> None:
    verdict = judge(SPX, [quote("a", 6000.0), quote("b", 6600.0)], TOLERANCES)
    assert verdict is not None
    assert verdict.trusted.provider == "a"
    assert verdict.tied
    assert verdict.disagreeing == {"b": "+10.00 % from a (tolerance 0.5 %)"}


def test_the_majority_outvotes_the_first_source_in_the_chain() -> None:
    answers = [quote("a", 6600.0), quote("b", 6000.0), quote("c", 6002.0)]
    verdict = judge(SPX, answers, TOLERANCES)
    assert verdict is not None
    assert verdict.trusted.provider == "b"
    assert verdict.agreeing == ("c",)
    assert verdict.disagreeing == {"a": "+10.00 % from b (tolerance 0.5 %)"}
    assert not verdict.tied


def test_answers_stamped_far_apart_are_not_compared() -> None:
    """A daily fixing from this morning says nothing against a live price of now."""
    verdict = judge(SPX, [quote("a", 6000.0), quote("b", 6600.0, minutes=240)], TOLERANCES)
    assert verdict is not None
    assert verdict.trusted.provider == "a"
    assert not verdict.disagreeing and not verdict.agreeing


def test_no_answers_give_no_verdict() -> None:
    assert judge(SPX, [], TOLERANCES) is None
