"""What a watchlist name may be, and what an API token looks like and is kept as."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickerwire.accounts.rules import RuleBroken
from tickerwire.accounts.watchlists import (
    NAME_MAX,
    TOKEN_PREFIX,
    checked_name,
    name_key,
    new_token,
    token_key,
)


def test_a_name_is_trimmed_and_composed() -> None:
    assert checked_name("  Cafe\u0301 stocks ") == "Café stocks"


def test_a_name_may_be_any_visible_text() -> None:
    assert checked_name("Énergie & métaux — 2026 日本") == "Énergie & métaux — 2026 日本"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "line\nbreak",
        "carriage\rreturn",
        "tab\tstop",
        "nul\x00byte",
        "bell\x07",
        "rtl\u202eoverride",
        "zero\u200bwidth",
        "line\u2028separator",
        "x" * (NAME_MAX + 1),
    ],
)
def test_a_name_that_is_not_one_line_of_visible_text_is_refused(name: str) -> None:
    with pytest.raises(RuleBroken):
        checked_name(name)


@given(st.text(max_size=80))
def test_no_accepted_name_can_end_a_header_line(name: str) -> None:
    try:
        accepted = checked_name(name)
    except RuleBroken:
        return
    assert "\r" not in accepted and "\n" not in accepted and 0 < len(accepted) <= NAME_MAX


def test_names_differing_only_by_case_share_a_key() -> None:
    assert name_key("Energy") == name_key("ENERGY") == name_key("energy")


def test_a_token_is_long_random_and_marked() -> None:
    first, second = new_token(), new_token()
    assert first.startswith(TOKEN_PREFIX) and len(first) >= 40 and first != second


def test_a_token_is_kept_as_a_hash_that_does_not_contain_it() -> None:
    token = new_token()
    kept = token_key(token)
    assert len(kept) == 64 and token not in kept and token_key(token) == kept
