"""The address policy: which hosts, ports and IP addresses an outbound fetch may reach.

Feed, article and image URLs are chosen by strangers, so a fetch must never reach the
machine itself, its LAN or cloud metadata services (SSRF). The check runs on the IP
addresses a host resolves to, at connect time, and the connection then goes to the vetted
address itself, so a DNS answer that changes between check and connect cannot slip past.

The tables below are written out rather than taken from :mod:`ipaddress`'s ``is_private``
and friends, whose coverage has changed between Python releases; IPv6 forms that carry an
IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by the address they carry.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from tickerwire.config import FetchSettings

log = logging.getLogger(__name__)

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

_V4_REFUSED: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved (IETF)"),
    ("192.0.2.0/24", "reserved (documentation)"),
    ("192.88.99.0/24", "reserved (6to4 relay)"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved (benchmarking)"),
    ("198.51.100.0/24", "reserved (documentation)"),
    ("203.0.113.0/24", "reserved (documentation)"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)

# Only 2000::/3 is global unicast; everything outside it is refused by the catch-all below.
_V6_REFUSED: tuple[tuple[str, str], ...] = (
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "private (local NAT64)"),
    ("fc00::/7", "private (unique local)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "private (site-local)"),
    ("ff00::/8", "multicast"),
    ("2001:2::/48", "reserved (benchmarking)"),
    ("2001:10::/28", "reserved (ORCHID)"),
    ("2001:20::/28", "reserved (ORCHID)"),
    ("2001:db8::/32", "reserved (documentation)"),
    ("3fff::/20", "reserved (documentation)"),
)

_V4_TABLE = tuple((IPv4Network(net), why) for net, why in _V4_REFUSED)
_V6_TABLE = tuple((IPv6Network(net), why) for net, why in _V6_REFUSED)
_V6_GLOBAL = IPv6Network("2000::/3")
_NAT64 = IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and would deliver packets to."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _NAT64:
        return [IPv4Address(int(address) & 0xFFFFFFFF)]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        server, client = address.teredo
        return [server, client]
    return []


def refusal_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public address, or None when it is."""
    if isinstance(address, IPv4Address):
        return next((why for net, why in _V4_TABLE if address in net), None)
    for inner in embedded_ipv4(address):
        why = refusal_reason(inner)
        if why is not None:
            return f"{why}, embedded in IPv6"
    if address.ipv4_mapped is not None or address in _NAT64:
        return None
    why = next((why for net, why in _V6_TABLE if address in net), None)
    if why is None and address not in _V6_GLOBAL:
        why = "reserved (not global unicast)"
    return why


class Refused(Exception):
    """The policy refuses a host, port or address; the message says which and why."""


@dataclass(frozen=True)
class Allowlist:
    """The admin's exceptions for LAN feeds and test servers: host names, IPs and CIDRs.

    A listed host name may resolve anywhere; an address inside a listed network may be
    reached even when private. Either way, any port is allowed.
    """

    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            text = entry.strip()
            try:
                networks.append(ip_network(text.strip("[]"), strict=False))
            except ValueError:
                names.add(normalise_host(text))
        return cls(frozenset(names), tuple(networks))

    def has_name(self, host: str) -> bool:
        return normalise_host(host) in self.names

    def covers(self, address: IPAddress) -> bool:
        candidates: list[IPAddress] = [address]
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(ip in net for ip in candidates for net in self.networks)


def normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def parse_ip(text: str) -> IPAddress | None:
    """An IP address from a host or resolver answer (brackets and IPv6 zone dropped)."""
    try:
        return ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def how_to_allow(host: str) -> str:
    """The admin's ways past a refusal: the admin console or the command line at once, or
    the settings in the two forms they take; a refusal that only says "no" leaves a LAN
    user guessing which setting, and in which syntax."""
    entry = normalise_host(host)
    return (
        f"an admin can allow it at /admin/hosts or with `tickerwire hosts allow {entry}`, "
        f"or with TICKERWIRE_FETCH__ALLOW_HOSTS='[\"{entry}\"]' "
        "or fetch.allow_hosts in tickerwire.toml (restart to apply)"
    )


EMPTY = Allowlist(frozenset(), ())


class StoredAllowlist:
    """The allowlist the admin keeps in the database (the admin console, ``tickerwire
    hosts``), read again when older than ``ttl`` seconds, so a change made in one process
    reaches every other within that time; the process that made it calls
    :meth:`invalidate` and sees it on its next connection. While the database cannot be
    read the list last read stays in force (never a wider one)."""

    def __init__(
        self,
        load: Callable[[], Iterable[str]],
        *,
        ttl: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._loaded_at: float | None = None
        self.current = EMPTY

    def invalidate(self) -> None:
        self._loaded_at = None

    async def fresh(self) -> Allowlist:
        now = self._clock()
        if self._loaded_at is not None and now - self._loaded_at < self._ttl:
            return self.current
        try:
            entries = await asyncio.to_thread(lambda: list(self._load()))
        except Exception:  # the database is down: keep the list in force
            log.warning("cannot read the allowed hosts; keeping the list last read", exc_info=True)
        else:
            self.current = Allowlist.parse(entries)
        self._loaded_at = now
        return self.current


class AddressPolicy:
    """Decides, per connection, whether ``host:port`` may be reached at the given addresses:
    the settings' allowlist and, when given, the one stored by the admin."""

    def __init__(self, settings: FetchSettings, stored: StoredAllowlist | None = None) -> None:
        self.schemes = frozenset(scheme.lower() for scheme in settings.allowed_schemes)
        self.ports = frozenset(settings.allowed_ports)
        self.allowlist = Allowlist.parse(settings.allow_hosts)
        self.stored = stored

    async def refresh(self) -> None:
        """Read the stored allowlist again if it is due; before each new connection."""
        if self.stored is not None:
            await self.stored.fresh()

    def check_scheme(self, scheme: str) -> None:
        if scheme.lower() not in self.schemes:
            allowed = ", ".join(sorted(self.schemes))
            raise Refused(f"scheme {scheme!r} is not allowed (only {allowed})")

    def vet(self, host: str, port: int, addresses: Sequence[str]) -> list[str]:
        """The addresses to connect to, in order; refuses if any answer is not allowed.

        One bad answer refuses the host outright rather than being skipped: a name that
        resolves inward at all is not one to fetch from.
        """
        if not addresses:
            raise Refused(f"{host} resolved to no address")
        lists = (self.allowlist, self.stored.current if self.stored is not None else EMPTY)
        named = any(allowlist.has_name(host) for allowlist in lists)
        vetted: list[str] = []
        for text in addresses:
            address = parse_ip(text)
            if address is None:
                raise Refused(f"{host} resolved to {text!r}, which is not an IP address")
            listed = named or any(allowlist.covers(address) for allowlist in lists)
            why = refusal_reason(address)
            if why is not None and not listed:
                shown = host if host == str(address) else f"{host} ({address})"
                raise Refused(f"{shown} is not a public address ({why}); {how_to_allow(host)}")
            if port not in self.ports and not listed:
                allowed = ", ".join(str(p) for p in sorted(self.ports))
                raise Refused(
                    f"port {port} is not allowed for {host} (only {allowed}); {how_to_allow(host)}"
                )
            vetted.append(str(address))
        return vetted
