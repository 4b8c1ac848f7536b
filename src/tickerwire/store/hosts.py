"""The private hosts an admin allows user-supplied URLs to reach, kept in the database so
the admin console and ``tickerwire hosts`` change them without a restart; the address
guard (:mod:`tickerwire.net.guard`) reads them beside ``fetch.allow_hosts``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, select

from tickerwire.store.schema import allowed_hosts
from tickerwire.store.upsert import upsert


@dataclass(frozen=True)
class AllowedHostRow:
    entry: str
    """A host name, an IP address or a CIDR network, as the guard's allowlist reads it."""
    added_at: datetime
    added_by: str | None
    """The admin who added it (None from the command line)."""


def _unchanged(table: Table, _excluded: Any) -> dict[str, Any]:
    return {"entry": table.c.entry}


class HostStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def allowed_hosts(self) -> list[AllowedHostRow]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(allowed_hosts).order_by(allowed_hosts.c.entry))
            return [AllowedHostRow(r.entry, r.added_at, r.added_by) for r in rows]

    def allow_host(self, entry: str, *, now: datetime, by: str | None = None) -> None:
        """Add ``entry``; adding one already listed keeps it as it was first added."""
        row = {"entry": entry, "added_at": now, "added_by": by}
        with self.engine.begin() as connection:
            upsert(connection, allowed_hosts, [row], keys=["entry"], update=_unchanged)

    def disallow_host(self, entry: str) -> bool:
        """Remove ``entry``; False when it was not listed."""
        with self.engine.begin() as connection:
            result = connection.execute(delete(allowed_hosts).where(allowed_hosts.c.entry == entry))
            return bool(result.rowcount)
