"""A member's alerts at /alerts (each alert with its state, the forms that make a price or a
news alert, and where alerts go) and their inbox at /inbox (what fired, newest first, with
how each delivery of it went). Both are personal pages with ``.json`` twins; every change
is a member form (:mod:`tickerwire.web.member_forms`) doing one action.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.alerts.news import Topic
from tickerwire.alerts.price import PriceCondition
from tickerwire.runtime import Runtime
from tickerwire.store.alerts import AlertRow, EventRow
from tickerwire.store.deliveries import Delivery, DeliveryStore, Preferences
from tickerwire.web.member_forms import Feedback, member_form, path_id
from tickerwire.web.readers import PRIVATE, Reader, reader_of
from tickerwire.web.twins import Page, PageRequest, render_for

router = APIRouter(include_in_schema=False)

PRICE_FIELDS = frozenset({"symbol", "condition", "level", "band_percent", "demo"})
NEWS_FIELDS = frozenset({"topic", "key"})
PREFERENCE_FIELDS = frozenset(
    {
        "webhook_url",
        "renew_secret",
        "ntfy_topic",
        "email",
        "email_digest",
        "quiet_from",
        "quiet_until",
        "time_zone",
    }
)
NO_FIELDS: frozenset[str] = frozenset()
DONE = {
    "made": "Your alert is set.",
    "deleted": "The alert is deleted.",
    "saved": "Where your alerts go is saved.",
    "read": "Everything in your inbox is marked read.",
}
CONDITIONS = {
    PriceCondition.ABOVE: "rises above",
    PriceCondition.BELOW: "falls below",
    PriceCondition.MOVE_CLOSE: "moves ± % from the previous close",
    PriceCondition.MOVE_SESSION: "moves ± % from the session's open",
}
TOPICS = {
    Topic.INSTRUMENT: "an instrument (its symbol)",
    Topic.ENTITY: "a topic (its name in the topic page's address)",
    Topic.SEARCH: 'a saved search (words, "phrases", -excluded)',
    Topic.WATCHLIST: "everything on my watchlists and the topics I follow",
}


class AlertView(BaseModel):
    id: int
    kind: str
    label: str
    symbol: str | None
    condition: str | None
    level: float | None
    demo: bool
    topic: str | None
    key: str | None
    state: str
    last_fired_at: datetime | None

    @classmethod
    def of(cls, row: AlertRow) -> AlertView:
        if row.kind == "news":
            state = "on"
        else:
            state = "armed" if row.armed else "fired; re-arms once the price moves back"
        return cls(
            id=row.id,
            kind=row.kind,
            label=row.label,
            symbol=row.symbol,
            condition=row.condition,
            level=row.level,
            demo=row.demo,
            topic=row.topic_kind,
            key=row.topic_key,
            state=state,
            last_fired_at=row.last_fired_at,
        )


class PreferencesView(BaseModel):
    webhook_url: str | None
    has_webhook_secret: bool
    ntfy_topic: str | None
    email: str | None
    email_digest: bool
    quiet_from: str
    quiet_until: str
    time_zone: str

    @classmethod
    def of(cls, chosen: Preferences) -> PreferencesView:
        return cls(
            webhook_url=chosen.webhook_url,
            has_webhook_secret=chosen.webhook_secret is not None,
            ntfy_topic=chosen.ntfy_topic,
            email=chosen.email,
            email_digest=chosen.email_digest,
            quiet_from=_clock(chosen.quiet_from),
            quiet_until=_clock(chosen.quiet_until),
            time_zone=chosen.time_zone,
        )


def _clock(minute: int | None) -> str:
    return "" if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


class DeliveryView(BaseModel):
    channel: str
    state: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None

    @classmethod
    def of(cls, row: Delivery) -> DeliveryView:
        return cls(
            channel=row.channel,
            state=row.state,
            attempts=row.attempts,
            last_error=row.last_error,
            sent_at=row.sent_at,
        )


class EventView(BaseModel):
    id: int
    alert_id: int
    title: str
    summary: str
    link: str
    fired_at: datetime
    unread: bool
    deliveries: list[DeliveryView]

    @classmethod
    def of(cls, row: EventRow, deliveries: list[Delivery]) -> EventView:
        return cls(
            id=row.id,
            alert_id=row.alert_id,
            title=row.title,
            summary=row.summary,
            link=row.link,
            fired_at=row.fired_at,
            unread=row.read_at is None,
            deliveries=[DeliveryView.of(d) for d in deliveries],
        )


class AlertsPage(Feedback):
    title: str
    alerts: list[AlertView]
    preferences: PreferencesView
    symbols: list[tuple[str, str]] = Field(exclude=True)
    conditions: dict[str, str] = Field(exclude=True)
    topics: dict[str, str] = Field(exclude=True)
    new_secret: str | None = Field(default=None, exclude=True)
    """A webhook secret just made: shown once on the page, never in the twin."""


class InboxPage(Feedback):
    title: str
    unread: int
    events: list[EventView]


class Params(BaseModel):
    done: str = Field("", max_length=20)


def build_alerts(request: PageRequest[Params]) -> AlertsPage:
    reader = request.member
    runtime, member = request.runtime, reader.member.id
    return AlertsPage(
        title="Your alerts",
        alerts=[AlertView.of(a) for a in actions.alerts_of(runtime, member)],
        preferences=PreferencesView.of(actions.alert_preferences_of(runtime, member)),
        symbols=[(i.symbol, i.label) for i in runtime.registry],
        conditions={c.value: text for c, text in CONDITIONS.items()},
        topics={t.value: text for t, text in TOPICS.items()},
        message=DONE.get(request.params.done),
        form_token=reader.form_token,
    )


def inbox_events(runtime: Runtime, member_id: int) -> list[EventView]:
    """The member's inbox, newest first, each event with how its deliveries went."""
    sent = DeliveryStore(runtime.engine)
    return [
        EventView.of(event, sent.of_event(member_id, event.id))
        for event in actions.inbox(runtime, member_id)
    ]


def build_inbox(request: PageRequest[Params]) -> InboxPage:
    reader = request.member
    runtime, member = request.runtime, reader.member.id
    return InboxPage(
        title="Your inbox",
        unread=actions.unread_alerts(runtime, member),
        events=inbox_events(runtime, member),
        message=DONE.get(request.params.done),
        form_token=reader.form_token,
    )


ALERTS = Page(
    name="alerts",
    path="/alerts",
    template="alerts.html",
    build=build_alerts,
    params=Params,
    cached=False,
    personal=True,
)

INBOX = Page(
    name="inbox",
    path="/inbox",
    template="inbox.html",
    build=build_inbox,
    params=Params,
    cached=False,
    personal=True,
)


def _number(text: str, what: str) -> float:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        raise actions.ActionError(f"{what} must be a number") from None


@router.post("/alerts/price")
async def make_price_alert(request: Request) -> Response:
    def act(runtime: Runtime, reader: Reader, form: dict[str, str]) -> str:
        actions.create_price_alert(
            runtime,
            reader.member.id,
            form.get("symbol", ""),
            form.get("condition", ""),
            _number(form.get("level", ""), "the level"),
            band_percent=_number(form.get("band_percent") or "0.5", "the re-arm band"),
            demo=form.get("demo") == "on",
        )
        return "/alerts?done=made"

    return await member_form(request, PRICE_FIELDS, act, ALERTS)


@router.post("/alerts/news")
async def make_news_alert(request: Request) -> Response:
    def act(runtime: Runtime, reader: Reader, form: dict[str, str]) -> str:
        actions.create_news_alert(
            runtime, reader.member.id, form.get("topic", ""), form.get("key", "")
        )
        return "/alerts?done=made"

    return await member_form(request, NEWS_FIELDS, act, ALERTS)


@router.post("/alerts/{id}/delete")
async def delete_alert(request: Request) -> Response:
    alert_id = path_id(request)
    if alert_id is None:
        return Response("no such alert", status_code=404, headers=PRIVATE)

    def act(runtime: Runtime, reader: Reader, _form: dict[str, str]) -> str:
        actions.delete_alert(runtime, reader.member.id, alert_id)
        return "/alerts?done=deleted"

    return await member_form(request, NO_FIELDS, act, ALERTS)


@router.post("/alerts/preferences")
async def save_preferences(request: Request) -> Response:
    made: list[str] = []

    def act(runtime: Runtime, reader: Reader, form: dict[str, str]) -> str:
        saved = actions.set_alert_preferences(
            runtime,
            reader.member.id,
            webhook_url=form.get("webhook_url", ""),
            ntfy_topic=form.get("ntfy_topic", ""),
            email=form.get("email", ""),
            email_digest=form.get("email_digest") == "on",
            quiet_from=form.get("quiet_from", ""),
            quiet_until=form.get("quiet_until", ""),
            time_zone=form.get("time_zone", "UTC"),
            renew_secret=form.get("renew_secret") == "on",
        )
        if saved.new_secret:
            made.append(saved.new_secret)
        return "/alerts?done=saved"

    response = await member_form(request, PREFERENCE_FIELDS, act, ALERTS)
    if made:
        return await _secret_shown(request, made[0])
    return response


async def _secret_shown(request: Request, secret: str) -> Response:
    """A new webhook secret is shown on the page once, never in a URL or a redirect."""
    reader = await run_in_threadpool(reader_of, request)
    assert reader is not None  # the form was just accepted for this reader
    return await run_in_threadpool(
        render_for,
        request,
        ALERTS,
        reader,
        {},
        200,
        "Saved. Your webhook secret is below: copy it now, it is not shown again.",
        ok=True,
        shown={"new_secret": secret},
    )


@router.post("/inbox/read")
async def mark_read(request: Request) -> Response:
    def act(runtime: Runtime, reader: Reader, _form: dict[str, str]) -> str:
        actions.mark_alerts_read(runtime, reader.member.id)
        return "/inbox?done=read"

    return await member_form(request, NO_FIELDS, act, INBOX)
