"""What a username, a password and an email address may be."""

from __future__ import annotations

import pytest

from tickerwire.accounts.rules import (
    RuleBroken,
    checked_email,
    checked_password,
    checked_username,
    username_key,
)


@pytest.mark.parametrize("name", ["ada", "Ada.Lovelace", "a_b-c", "x" * 32, "42"[0] + "bc"])
def test_a_username_of_letters_digits_dots_and_dashes_is_kept_as_typed(name: str) -> None:
    assert checked_username(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # too short
        "x" * 33,  # too long
        "ada\r\nSet-Cookie: a=b",  # header injection
        "ada\n",
        "ada lovelace",
        "<script>",
        "ádå",  # look-alike letters
        "ada\u202e",  # a bidi override
        ".ada",
        "",
    ],
)
def test_any_other_username_is_refused(name: str) -> None:
    with pytest.raises(RuleBroken, match="3 to 32 characters"):
        checked_username(name)


def test_usernames_differing_only_by_case_are_one_account() -> None:
    assert username_key("Ada") == username_key("ADA") == "ada"


def test_a_password_needs_ten_characters() -> None:
    with pytest.raises(RuleBroken, match="at least 10"):
        checked_password("short", "ada")
    assert checked_password("ten chars!", "ada") == "ten chars!"


def test_a_password_has_at_most_256_characters() -> None:
    with pytest.raises(RuleBroken, match="at most 256"):
        checked_password("x" * 257, "ada")


def test_a_password_cannot_be_the_username() -> None:
    with pytest.raises(RuleBroken, match="cannot be the username"):
        checked_password("Lovelace42", "lovelace42")


def test_an_email_is_optional_but_must_look_like_one() -> None:
    assert checked_email("  ") is None
    assert checked_email(" ada@example.org ") == "ada@example.org"
    with pytest.raises(RuleBroken):
        checked_email("ada@example.org\r\nBcc: all@example.org")
