"""Passwords hashed with argon2id through pwdlib."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from tickerwire.accounts import passwords


def test_a_password_is_stored_as_an_argon2id_hash() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert passwords.verify("correct horse battery", stored) == (True, None)
    assert passwords.verify("wrong horse battery", stored)[0] is False


def test_the_dummy_hash_costs_what_a_real_one_does() -> None:
    """Its argon2 settings (memory, time, lanes) are the ones every member's hash has."""
    settings = passwords.hash_password("anything at all").split("$")[3]
    assert passwords.dummy_hash().split("$")[3] == settings


def test_a_hash_made_with_weaker_settings_is_renewed_when_it_matches() -> None:
    light = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    weak = light.hash("correct horse battery")
    matches, renewed = passwords.verify("correct horse battery", weak)
    assert matches and renewed is not None
    assert renewed.split("$")[3] != weak.split("$")[3]
