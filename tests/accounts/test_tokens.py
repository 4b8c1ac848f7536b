"""Session ids and form tokens."""

from __future__ import annotations

from tickerwire.accounts.tokens import form_token, new_secret, session_key, token_matches


def test_secrets_are_long_and_never_repeat() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100 and all(len(s) >= 43 for s in secrets)


def test_the_store_keeps_a_hash_not_the_session_id() -> None:
    secret = new_secret()
    assert secret not in session_key(secret) and len(session_key(secret)) == 64


def test_the_form_token_is_neither_the_secret_nor_what_the_store_keeps() -> None:
    secret = new_secret()
    assert form_token(secret) not in (secret, session_key(secret))


def test_a_token_matches_only_its_own_secret() -> None:
    mine, theirs = new_secret(), new_secret()
    assert token_matches(mine, form_token(mine))
    assert not token_matches(mine, form_token(theirs))
    assert not token_matches(None, form_token(mine))
    assert not token_matches(mine, "")
