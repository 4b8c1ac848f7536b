"""The alerts API: /api/v1/alerts and /api/v1/inbox, as the member a request speaks for
(a bearer token or the session cookie with its form token, exactly as for watchlists:
:mod:`tickerwire.web.api_watchlists`). Bodies are JSON objects of the documented fields
only; another member's alert is a 404 worded as for one that does not exist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response
from pydantic import BaseModel, Field

from tickerwire import actions
from tickerwire.web.api_watchlists import Member, Strict, _act, _body, _runtime, _schema
from tickerwire.web.pages.alerts import AlertView, EventView, inbox_events
from tickerwire.web.readers import PRIVATE

router = APIRouter(prefix="/api/v1", tags=["alerts"])
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class NewPriceAlert(Strict):
    symbol: str = Field(max_length=20)
    condition: str = Field(max_length=16, description="above, below, move_close, move_session")
    level: float
    band_percent: float = 0.5
    demo: bool = False


class NewNewsAlert(Strict):
    topic: str = Field(max_length=12, description="instrument, entity, search, watchlist")
    key: str = Field(default="", max_length=200)


class ReadEvents(Strict):
    ids: list[int] | None = Field(default=None, max_length=500)


class AlertsResponse(BaseModel):
    alerts: list[AlertView]


class InboxResponse(BaseModel):
    unread: int
    events: list[EventView]


class Marked(BaseModel):
    marked: int


@router.get("/alerts", response_model=AlertsResponse)
async def list_alerts(request: Request, response: Response, member: Member) -> Any:
    """Your alerts, oldest first, each with its state."""
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: AlertsResponse(
            alerts=[AlertView.of(a) for a in actions.alerts_of(runtime, member.id)]
        ),
    )


@router.post(
    "/alerts/price",
    response_model=AlertView,
    status_code=201,
    openapi_extra=_schema(NewPriceAlert),
)
async def create_price_alert(request: Request, response: Response, member: Member) -> Any:
    """``{"symbol": "GC", "condition": "above", "level": 2700}``; fires on the crossing."""
    body = await _body(request, NewPriceAlert)
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: AlertView.of(
            actions.create_price_alert(
                runtime,
                member.id,
                body.symbol,
                body.condition,
                body.level,
                band_percent=body.band_percent,
                demo=body.demo,
            )
        ),
    )


@router.post(
    "/alerts/news", response_model=AlertView, status_code=201, openapi_extra=_schema(NewNewsAlert)
)
async def create_news_alert(request: Request, response: Response, member: Member) -> Any:
    """``{"topic": "search", "key": "\\"rate cut\\""}``; once per story."""
    body = await _body(request, NewNewsAlert)
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: AlertView.of(actions.create_news_alert(runtime, member.id, body.topic, body.key)),
    )


@router.delete("/alerts/{alert_id}", status_code=204, response_class=Response)
async def delete_alert(
    request: Request, response: Response, member: Member, alert_id: AlertId
) -> Response:
    """Delete one of your alerts (with what it fired)."""
    runtime = _runtime(request)
    if all(a.id != alert_id for a in actions.alerts_of(runtime, member.id)):
        raise HTTPException(404, f"you have no alert {alert_id}", headers=PRIVATE)
    await _act(response, lambda: actions.delete_alert(runtime, member.id, alert_id))
    return Response(status_code=204, headers=PRIVATE)


@router.get("/inbox", response_model=InboxResponse)
async def inbox(request: Request, response: Response, member: Member) -> Any:
    """What fired, newest first, with how each delivery went."""
    runtime = _runtime(request)

    return await _act(
        response,
        lambda: InboxResponse(
            unread=actions.unread_alerts(runtime, member.id),
            events=inbox_events(runtime, member.id),
        ),
    )


@router.post("/inbox/read", response_model=Marked, openapi_extra=_schema(ReadEvents))
async def mark_read(request: Request, response: Response, member: Member) -> Any:
    """Mark events read: ``{"ids": [3, 4]}``, or ``{}`` for all of them."""
    body = await _body(request, ReadEvents)
    runtime = _runtime(request)
    return await _act(
        response, lambda: Marked(marked=actions.mark_alerts_read(runtime, member.id, body.ids))
    )
