"""A saved search matches an article by its words, phrases and exclusions; only fresh news
alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tickerwire.alerts.news import SavedSearch, is_fresh

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_every_word_must_appear_in_the_headline_or_the_text() -> None:
    search = SavedSearch.parse("gold miners")
    assert search.matches("Gold rallies", "Miners follow the metal higher.")
    assert not search.matches("Gold rallies", "Silver follows.")


def test_a_quoted_phrase_must_appear_word_for_word() -> None:
    search = SavedSearch.parse('"rate cut"')
    assert search.matches("Fed weighs a rate cut", "")
    assert not search.matches("Fed weighs a cut in the rate", "")


def test_a_phrase_does_not_run_from_the_headline_into_the_text() -> None:
    assert not SavedSearch.parse('"rate cut"').matches("Fed holds the rate", "Cut is unlikely.")


def test_case_and_accents_do_not_matter() -> None:
    assert SavedSearch.parse("societe generale").matches("SOCIÉTÉ GÉNÉRALE beats", "")


def test_a_minus_word_must_not_appear() -> None:
    search = SavedSearch.parse("oil -whale")
    assert search.matches("Oil slips", "Brent falls.")
    assert not search.matches("Whale oil", "A history.")


@pytest.mark.parametrize("query", ["", "   ", '""', "-gold", "!!!"])
def test_a_search_with_nothing_to_look_for_is_refused(query: str) -> None:
    with pytest.raises(ValueError, match="at least one word"):
        SavedSearch.parse(query)


def test_only_recent_news_is_fresh_enough_to_alert_on() -> None:
    assert is_fresh(NOW - timedelta(hours=5), NOW)
    assert is_fresh(None, NOW)
    assert not is_fresh(NOW - timedelta(days=3), NOW)
