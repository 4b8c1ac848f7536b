"""The admin's allowlist of private hosts that feeds and webhooks may reach."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from ipaddress import ip_network

from tickerwire.actions.common import ActionError
from tickerwire.net.guard import normalise_host
from tickerwire.runtime import Runtime
from tickerwire.store.hosts import AllowedHostRow, HostStore

HOST_ENTRY_MAX = 255
_HOST_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*")


@dataclass(frozen=True)
class AllowedHosts:
    """The private hosts user-supplied URLs may reach: those the admin stored (changeable
    now) and those the settings file names (``fetch.allow_hosts``, read at start)."""

    stored: list[AllowedHostRow]
    from_settings: list[str]


def allowed_hosts(runtime: Runtime) -> AllowedHosts:
    return AllowedHosts(
        HostStore(runtime.engine).allowed_hosts(), runtime.settings.fetch.allow_hosts
    )


def allow_host(runtime: Runtime, entry: str, *, by: str | None = None) -> str:
    """Let fetches reach ``entry`` (a host name, an IP address or a CIDR network) even when
    it is private, on any port; every process sees it within seconds. Returns the entry
    as stored (host names lower-cased, networks in their canonical form)."""
    checked = checked_host_entry(entry)
    HostStore(runtime.engine).allow_host(checked, now=runtime.now(), by=by)
    _reread_allowlist(runtime)
    return checked


def disallow_host(runtime: Runtime, entry: str) -> str:
    """Take ``entry`` off the stored allowlist (one from the settings file stays there)."""
    checked = checked_host_entry(entry)
    if not HostStore(runtime.engine).disallow_host(checked):
        if checked in _settings_hosts(runtime):
            raise ActionError(
                f"{checked} is allowed by the settings file (fetch.allow_hosts); "
                "remove it there and restart"
            )
        raise ActionError(f"{checked} is not on the list of allowed hosts")
    _reread_allowlist(runtime)
    return checked


def checked_host_entry(entry: str) -> str:
    """An allowlist entry in the one form it is stored in, or :class:`ActionError`."""
    text = entry.strip()
    if not text or len(text) > HOST_ENTRY_MAX:
        raise ActionError(
            "give a host name, an IP address or a CIDR network "
            f"(at most {HOST_ENTRY_MAX} characters)"
        )
    try:
        return str(ip_network(text.strip("[]"), strict=False))
    except ValueError:
        pass
    host = normalise_host(text)
    if not _HOST_NAME.fullmatch(host):
        raise ActionError(
            f"{text!r} is not a host name, an IP address or a CIDR network "
            "(give the host alone, without scheme, port or path)"
        )
    return host


def _settings_hosts(runtime: Runtime) -> set[str]:
    listed = set()
    for entry in runtime.settings.fetch.allow_hosts:
        with contextlib.suppress(ActionError):
            listed.add(checked_host_entry(entry))
    return listed


def _reread_allowlist(runtime: Runtime) -> None:
    if runtime.fetcher.allowlist is not None:
        runtime.fetcher.allowlist.invalidate()
