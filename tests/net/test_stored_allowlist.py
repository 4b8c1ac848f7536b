"""The allowlist an admin keeps in the database: the guard reads it beside the settings',
again once it is older than its time to live, and keeps the last one when the database
cannot be read."""

from __future__ import annotations

import asyncio

import pytest

from tickerwire.config import FetchSettings
from tickerwire.net.guard import AddressPolicy, Refused, StoredAllowlist


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def stored(entries: list[str], clock: Clock) -> StoredAllowlist:
    return StoredAllowlist(lambda: list(entries), ttl=10, clock=clock)


def vetted(policy: AddressPolicy, host: str, address: str, port: int = 8080) -> list[str]:
    asyncio.run(policy.refresh())
    return policy.vet(host, port, [address])


def test_a_stored_entry_lets_a_private_address_and_any_port_through() -> None:
    policy = AddressPolicy(FetchSettings(), stored(["192.168.1.0/24"], Clock()))
    assert vetted(policy, "nas.lan", "192.168.1.5") == ["192.168.1.5"]


def test_a_stored_host_name_may_resolve_anywhere() -> None:
    policy = AddressPolicy(FetchSettings(), stored(["nas.lan"], Clock()))
    assert vetted(policy, "NAS.lan.", "10.0.0.7") == ["10.0.0.7"]


def test_the_settings_allowlist_still_counts_beside_the_stored_one() -> None:
    policy = AddressPolicy(FetchSettings(allow_hosts=["127.0.0.1"]), stored([], Clock()))
    assert vetted(policy, "127.0.0.1", "127.0.0.1") == ["127.0.0.1"]


def test_a_change_is_read_once_the_list_is_older_than_its_time_to_live() -> None:
    entries: list[str] = []
    clock = Clock()
    policy = AddressPolicy(FetchSettings(), stored(entries, clock))
    with pytest.raises(Refused):
        vetted(policy, "10.0.0.7", "10.0.0.7")
    entries.append("10.0.0.7")
    clock.now = 5
    with pytest.raises(Refused):
        vetted(policy, "10.0.0.7", "10.0.0.7")
    clock.now = 11
    assert vetted(policy, "10.0.0.7", "10.0.0.7") == ["10.0.0.7"]


def test_invalidating_reads_the_list_again_on_the_next_connection() -> None:
    entries: list[str] = []
    allowlist = stored(entries, Clock())
    policy = AddressPolicy(FetchSettings(), allowlist)
    with pytest.raises(Refused):
        vetted(policy, "10.0.0.7", "10.0.0.7")
    entries.append("10.0.0.7")
    allowlist.invalidate()
    assert vetted(policy, "10.0.0.7", "10.0.0.7") == ["10.0.0.7"]


def test_a_database_that_cannot_be_read_keeps_the_list_last_read() -> None:
    answers: list[list[str] | Exception] = [["10.0.0.7"], RuntimeError("database down")]

    def load() -> list[str]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    clock = Clock()
    policy = AddressPolicy(FetchSettings(), StoredAllowlist(load, ttl=10, clock=clock))
    assert vetted(policy, "10.0.0.7", "10.0.0.7") == ["10.0.0.7"]
    clock.now = 20
    assert vetted(policy, "10.0.0.7", "10.0.0.7") == ["10.0.0.7"]
