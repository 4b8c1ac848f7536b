"""``tickerwire hosts …``: the stored allowlist of private hosts, as a user runs it."""

from __future__ import annotations

from cli.conftest import Invoke


def test_allowing_a_host_lists_it_beside_the_settings_ones(invoke: Invoke) -> None:
    outcome = invoke("hosts", "allow", "192.168.1.0/24")
    assert outcome.code == 0 and "Allowed 192.168.1.0/24" in outcome.stdout
    listed = invoke("hosts", "list").stdout
    assert "192.168.1.0/24" in listed and "127.0.0.1" in listed
    assert "settings (fetch.allow_hosts)" in listed


def test_removing_a_host_takes_it_off_the_list(invoke: Invoke) -> None:
    invoke("hosts", "allow", "NAS.lan")
    outcome = invoke("hosts", "remove", "nas.lan")
    assert outcome.code == 0 and "Removed nas.lan" in outcome.stdout
    assert "nas.lan" not in invoke("hosts", "list").stdout


def test_an_entry_that_is_not_a_host_exits_1_with_a_sentence(invoke: Invoke) -> None:
    outcome = invoke("hosts", "allow", "http://nas.lan/feed.xml")
    assert outcome.code == 1 and "not a host name" in outcome.stderr
    assert "Traceback" not in outcome.output
