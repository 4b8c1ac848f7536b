"""``/admin``: how the site is doing at a glance: the checks of ``/readyz`` (database,
Redis, job queue, providers), each quote provider's health, the job queue's depth and
workers, and counts of what the site holds."""

from __future__ import annotations

import asyncio
from datetime import datetime

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from tickerwire import actions, humanize
from tickerwire.jobs.queue import queue_state
from tickerwire.jobs.runner import uses_job_engine
from tickerwire.runtime import Runtime
from tickerwire.store.schema import members
from tickerwire.web.health import Check, readiness
from tickerwire.web.pages.admin.access import AdminPage, runtime_of
from tickerwire.web.readers import Reader


class ProviderView(BaseModel):
    name: str
    state: str
    """ok, failing (in this run) or unknown (not asked yet)."""
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    retry_text: str | None


class QueueView(BaseModel):
    engine: str
    """embedded (work runs in this process, SQLite) or procrastinate (PostgreSQL)."""
    waiting: int | None
    workers_alive: int | None
    detail: str


class Counts(BaseModel):
    feeds: int
    paused_feeds: int
    failing_feeds: int
    entries: int
    articles: int
    members: int
    admins: int
    allowed_hosts: int


class Overview(BaseModel):
    status: str
    checks: dict[str, Check]
    providers: list[ProviderView]
    queue: QueueView
    counts: Counts


def providers(runtime: Runtime, now: datetime) -> list[ProviderView]:
    """Every provider in failover order; failing ones as :func:`actions.provider_report`
    says (only failures of this run count)."""
    failing = {f.name: f for f in actions.provider_report(runtime, now=now)}
    rows = {row["name"]: row for row in runtime.markets.health()}
    shown = []
    for name in runtime.settings.providers.order:
        row = rows.get(name, {})
        failure = failing.get(name)
        state = "failing" if failure else ("ok" if row.get("last_ok_at") else "unknown")
        retry = failure.retry_at if failure else None
        shown.append(
            ProviderView(
                name=name,
                state=state,
                last_ok_at=row.get("last_ok_at"),
                last_error=failure.error if failure else None,
                last_error_at=failure.failed_at if failure else None,
                consecutive_failures=failure.consecutive_failures if failure else 0,
                retry_text=humanize.until(retry, now) if retry else None,
            )
        )
    return shown


async def queue(runtime: Runtime, detail: str) -> QueueView:
    if not uses_job_engine(runtime.settings):
        return QueueView(engine="embedded", waiting=None, workers_alive=None, detail=detail)
    try:
        state = await queue_state(runtime)
    except SQLAlchemyError:
        state = None
    return QueueView(
        engine="procrastinate",
        waiting=state.waiting if state else None,
        workers_alive=state.alive if state else None,
        detail=detail,
    )


def counts(runtime: Runtime) -> Counts:
    feeds = runtime.news.feeds()
    with runtime.engine.connect() as connection:
        people = connection.execute(
            select(func.count(), func.count().filter(members.c.role == "admin")).select_from(
                members
            )
        ).one()
    return Counts(
        feeds=len(feeds),
        paused_feeds=sum(f.paused for f in feeds),
        failing_feeds=sum(f.state == "error" for f in feeds),
        entries=runtime.news.entry_count(),
        articles=runtime.news.article_count(),
        members=people[0],
        admins=people[1],
        allowed_hosts=len(actions.allowed_hosts(runtime).stored),
    )


async def build(request: Request, _reader: Reader) -> Overview:
    runtime = runtime_of(request)
    report = await readiness(runtime)
    now = runtime.now()
    shown, held = await asyncio.gather(
        asyncio.to_thread(providers, runtime, now), asyncio.to_thread(counts, runtime)
    )
    return Overview(
        status=report.status,
        checks=report.checks,
        providers=shown,
        queue=await queue(runtime, report.checks["job_queue"].detail),
        counts=held,
    )


PAGE = AdminPage(name="admin", path="/admin", template="admin.html", build=build)
