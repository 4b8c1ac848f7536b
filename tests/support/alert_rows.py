"""Rows for delivery tests: a member with alert preferences, and events fired for them,
each written with its deliveries in one transaction, as the alert code writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

import sqlalchemy as sa

from tickerwire.store.deliveries import add_deliveries
from tickerwire.store.schema import alert_events, alert_preferences, alerts, members

_names = count(1)


def member(engine: sa.Engine, **preferences: Any) -> int:
    """A member; with ``preferences``, their alert_preferences row too."""
    name = f"member{next(_names)}"
    with engine.begin() as connection:
        member_id = connection.execute(
            members.insert().values(
                username=name,
                username_key=name,
                password_hash="x",
                role="member",
                disabled=False,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        ).inserted_primary_key[0]
        if preferences:
            preferences.setdefault("email_digest", False)
            preferences.setdefault("time_zone", "UTC")
            connection.execute(
                alert_preferences.insert().values(member_id=member_id, **preferences)
            )
    return int(member_id)


def fire(
    engine: sa.Engine,
    member_id: int,
    now: datetime,
    *,
    kind: str = "price",
    title: str = "SPX rose above 6,000",
    summary: str = "S&P 500 at 6,001.20, up 0.8 %",
    link: str = "/quote/SPX",
) -> int:
    """An alert of ``kind`` that fired at ``now``: its event and deliveries; the event id."""
    with engine.begin() as connection:
        alert_id = connection.execute(
            alerts.insert().values(
                member_id=member_id,
                kind=kind,
                label=f"{kind} alert",
                symbol="SPX" if kind == "price" else None,
                condition="above" if kind == "price" else None,
                level=6000.0 if kind == "price" else None,
                armed=True,
                demo=False,
                topic_kind=None if kind == "price" else "instrument",
                topic_key=None if kind == "price" else "SPX",
                created_at=now,
            )
        ).inserted_primary_key[0]
        event_id = connection.execute(
            alert_events.insert().values(
                alert_id=alert_id,
                member_id=member_id,
                trigger=f"t{next(_names)}",
                title=title,
                summary=summary,
                link=link,
                data={"price": 6001.2},
                fired_at=now,
            )
        ).inserted_primary_key[0]
        add_deliveries(connection, int(event_id), member_id, now)
    return int(event_id)
