"""The stored allowlist of private hosts, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tickerwire.store.hosts import HostStore

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_allowed_hosts_are_listed_in_order_with_who_added_them(engine: sa.Engine) -> None:
    store = HostStore(engine)
    store.allow_host("nas.lan", now=NOW, by="ada")
    store.allow_host("10.0.0.0/8", now=NOW)
    rows = store.allowed_hosts()
    assert [(r.entry, r.added_by) for r in rows] == [("10.0.0.0/8", None), ("nas.lan", "ada")]
    assert rows[0].added_at == NOW


def test_allowing_a_host_twice_keeps_the_first(engine: sa.Engine) -> None:
    store = HostStore(engine)
    store.allow_host("nas.lan", now=NOW, by="ada")
    store.allow_host("nas.lan", now=NOW.replace(hour=16), by="grace")
    assert [(r.entry, r.added_by, r.added_at) for r in store.allowed_hosts()] == [
        ("nas.lan", "ada", NOW)
    ]


def test_disallowing_says_whether_the_host_was_listed(engine: sa.Engine) -> None:
    store = HostStore(engine)
    store.allow_host("nas.lan", now=NOW)
    assert store.disallow_host("nas.lan") is True
    assert store.disallow_host("nas.lan") is False
    assert store.allowed_hosts() == []
