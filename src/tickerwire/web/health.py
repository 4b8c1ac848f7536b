"""Liveness and readiness, for a load balancer, an orchestrator or a person with curl.

``/healthz`` answers while the process serves, and does no I/O: a slow database must
never get a healthy process restarted. ``/readyz`` says whether this process can serve
pages now, check by check (the database, Redis, the job queue, the quote providers), and
answers 503 when one has failed, naming it and why. A failing provider only fails
readiness when there are no stored quotes to show instead: with them the portal serves,
labelled stale (DESIGN.md), and the check says "degraded".

Each check is bounded by :data:`CHECK_SECONDS`, so a database or a Redis that hangs gives
a clear 503 rather than a probe timing out with no answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

import redis.asyncio as redis
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from redis.exceptions import RedisError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from tickerwire import actions
from tickerwire.jobs.queue import queue_ready
from tickerwire.net.redact import redact
from tickerwire.runtime import Runtime
from tickerwire.web.deps import get_runtime

T = TypeVar("T")

CHECK_SECONDS = 1.0
"""The longest one check may take; the checks run side by side where they can."""
PATHS = ("/healthz", "/readyz")
_NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(tags=["operations"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


class Check(BaseModel):
    status: Literal["ok", "degraded", "skipped", "failed"]
    detail: str


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    failed: list[str]
    """The checks that failed, in the order of ``checks``."""
    checks: dict[str, Check]


class Liveness(BaseModel):
    status: Literal["ok"]


async def _bounded(work: Callable[[], T]) -> T:
    """``work()`` in a worker thread, given up (TimeoutError) after :data:`CHECK_SECONDS`."""
    return await asyncio.wait_for(asyncio.to_thread(work), CHECK_SECONDS)


def _reason(error: BaseException) -> str:
    """The first line of what went wrong, credentials in URLs masked."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return redact(" ".join(lines[0].split())) if lines else type(original).__name__


def _select_one(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def check_database(engine: Engine) -> Check:
    backend = engine.dialect.name
    try:
        await _bounded(lambda: _select_one(engine))
    except TimeoutError:
        return Check(status="failed", detail=f"{backend} gave no answer in {CHECK_SECONDS:g} s")
    except SQLAlchemyError as error:
        return Check(status="failed", detail=f"cannot reach {backend}: {_reason(error)}")
    return Check(status="ok", detail=f"{backend} answers")


async def check_redis(url: str) -> Check:
    if not url:
        return Check(status="skipped", detail="not configured: the bus is in-process")
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CHECK_SECONDS, socket_timeout=CHECK_SECONDS
    )
    try:
        await asyncio.wait_for(client.ping(), CHECK_SECONDS)
    except TimeoutError:
        return Check(status="failed", detail=f"Redis gave no answer in {CHECK_SECONDS:g} s")
    except (RedisError, OSError) as error:
        return Check(status="failed", detail=f"cannot reach Redis: {_reason(error)}")
    finally:
        await client.aclose()
    return Check(status="ok", detail="Redis answers")


async def check_job_queue(runtime: Runtime) -> Check:
    try:
        ready, detail = await asyncio.wait_for(queue_ready(runtime), CHECK_SECONDS)
    except TimeoutError:
        return Check(status="failed", detail=f"the job queue gave no answer in {CHECK_SECONDS:g} s")
    return Check(status="ok" if ready else "failed", detail=detail)


def _provider_check(runtime: Runtime) -> Check:
    failing = actions.provider_report(runtime)
    if not failing:
        return Check(status="ok", detail="no provider is failing")
    said = "; ".join(f"{f.name} is failing ({f.error})" for f in failing)
    stored = runtime.markets.latest_quotes([i.symbol for i in runtime.registry])
    if not stored:
        return Check(status="failed", detail=f"{said}, and there are no stored quotes to show")
    return Check(
        status="degraded",
        detail=f"{said}; stored quotes of {len(stored)} instruments are shown, dated",
    )


async def check_providers(runtime: Runtime) -> Check:
    """From the providers' health as every process records it in the store."""
    try:
        return await _bounded(lambda: _provider_check(runtime))
    except TimeoutError:
        return Check(status="failed", detail=f"provider health took over {CHECK_SECONDS:g} s")
    except SQLAlchemyError as error:
        return Check(status="failed", detail=f"cannot read provider health: {_reason(error)}")


async def _database_then_providers(runtime: Runtime) -> tuple[Check, Check]:
    """The provider check reads the database, so it waits for the database's."""
    database = await check_database(runtime.engine)
    if database.status == "failed":
        return database, Check(status="skipped", detail="needs the database")
    return database, await check_providers(runtime)


async def readiness(runtime: Runtime) -> Readiness:
    (database, providers), bus, queue = await asyncio.gather(
        _database_then_providers(runtime),
        check_redis(runtime.settings.redis_url),
        check_job_queue(runtime),
    )
    checks = {"database": database, "redis": bus, "job_queue": queue, "providers": providers}
    failed = [name for name, check in checks.items() if check.status == "failed"]
    return Readiness(status="not ready" if failed else "ready", failed=failed, checks=checks)


@router.get("/healthz", response_model=Liveness)
async def healthz() -> JSONResponse:
    """200 while the process serves requests; looks at nothing else."""
    return JSONResponse({"status": "ok"}, headers=_NO_STORE)


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    """200 when this process can serve pages, else 503; either way each check's status
    (ok, degraded, skipped, failed) and why, and the names of those that failed."""
    report = await readiness(runtime)
    code = 503 if report.failed else 200
    return JSONResponse(report.model_dump(mode="json"), status_code=code, headers=_NO_STORE)
