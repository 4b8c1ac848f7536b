"""The address policy: which addresses count as public, and what the admin allowlist opens."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from tickerwire.config import FetchSettings
from tickerwire.net.guard import AddressPolicy, Refused, refusal_reason

PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.0",  # just above CGNAT
    "172.32.0.1",  # just above 172.16/12
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:93.184.216.34",  # IPv4-mapped public
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
    "2001:0:4136:e378:8000:63bf:a2b7:27dd",  # Teredo, client 93.72.216.34
]

# (address, the words its refusal must contain)
NOT_PUBLIC = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("100.64.0.1", "CGNAT"),
    ("100.127.255.255", "CGNAT"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.0.8", "reserved"),
    ("192.0.2.1", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456:789a::1", "private"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
    ("100::1", "reserved"),  # discard prefix, outside global unicast
    ("::127.0.0.1", "reserved"),  # deprecated IPv4-compatible form
    ("::ffff:127.0.0.1", "loopback, embedded"),
    ("::ffff:10.0.0.1", "private, embedded"),
    ("::ffff:169.254.169.254", "link-local, embedded"),
    ("64:ff9b::7f00:1", "loopback, embedded"),  # NAT64 of 127.0.0.1
    ("64:ff9b::a9fe:a9fe", "link-local, embedded"),  # NAT64 of 169.254.169.254
    ("64:ff9b:1::1", "local NAT64"),
    ("2002:7f00:1::1", "loopback, embedded"),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", "private, embedded"),  # 6to4 of 192.168.1.1
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private, embedded"),  # Teredo, client 10.0.0.1
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_not_refused(address: str) -> None:
    assert refusal_reason(ip_address(address)) is None


@pytest.mark.parametrize(("address", "why"), NOT_PUBLIC)
def test_non_public_addresses_are_refused_with_their_kind(address: str, why: str) -> None:
    reason = refusal_reason(ip_address(address))
    assert reason is not None
    assert why in reason


def policy(*allow_hosts: str, ports: tuple[int, ...] = (80, 443)) -> AddressPolicy:
    return AddressPolicy(FetchSettings(allow_hosts=list(allow_hosts), allowed_ports=list(ports)))


def test_a_public_answer_on_a_standard_port_is_vetted() -> None:
    assert policy().vet("example.com", 443, ["93.184.216.34"]) == ["93.184.216.34"]


def test_one_private_answer_among_public_ones_refuses_the_host() -> None:
    with pytest.raises(Refused, match="loopback"):
        policy().vet("evil.example", 80, ["93.184.216.34", "127.0.0.1"])


def test_a_port_outside_the_allowed_ones_is_refused_for_a_public_host() -> None:
    with pytest.raises(Refused, match="port 8080"):
        policy().vet("example.com", 8080, ["93.184.216.34"])


def test_a_host_with_no_answer_is_refused() -> None:
    with pytest.raises(Refused, match="no address"):
        policy().vet("example.com", 80, [])


def test_an_answer_that_is_not_an_ip_address_is_refused() -> None:
    with pytest.raises(Refused, match="not an IP address"):
        policy().vet("example.com", 80, ["example.net"])


def test_an_allowlisted_network_opens_its_private_addresses_on_any_port() -> None:
    assert policy("10.0.0.0/8").vet("nas.lan", 8080, ["10.1.1.1"]) == ["10.1.1.1"]


def test_an_allowlisted_network_opens_nothing_outside_it() -> None:
    with pytest.raises(Refused, match="private"):
        policy("10.0.0.0/8").vet("router.lan", 80, ["192.168.1.1"])


def test_an_allowlisted_host_name_may_resolve_anywhere_whatever_its_spelling() -> None:
    allowed = policy("Intranet.Example")
    assert allowed.vet("intranet.example.", 8443, ["192.168.1.5"]) == ["192.168.1.5"]


def test_an_allowlisted_ipv4_address_also_opens_its_ipv4_mapped_form() -> None:
    mapped = ip_address("::ffff:127.0.0.1")
    assert policy("127.0.0.1").vet("x", 80, [str(mapped)]) == [str(mapped)]


def test_an_allowlisted_address_opens_no_neighbour() -> None:
    with pytest.raises(Refused, match="loopback"):
        policy("127.0.0.1").vet("127.0.0.2", 80, ["127.0.0.2"])


@pytest.mark.parametrize("scheme", ["http", "https", "HTTPS"])
def test_http_and_https_are_the_allowed_schemes(scheme: str) -> None:
    policy().check_scheme(scheme)


@pytest.mark.parametrize("scheme", ["file", "ftp", "gopher", "javascript", "data"])
def test_other_schemes_are_refused(scheme: str) -> None:
    with pytest.raises(Refused, match="not allowed"):
        policy().check_scheme(scheme)
