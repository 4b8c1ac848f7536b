"""The live stream over a real socket: quote events reach subscribers as Server-Sent Events."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import uvicorn

from support.moments import FRIDAY_MORNING
from support.ports import free_port
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = pytest.mark.anyio


async def test_a_new_quote_reaches_a_stream_subscriber(database_url: str) -> None:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    runtime = await Runtime.open(settings, clock=lambda: FRIDAY_MORNING)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, runtime=runtime), port=port, log_level="warning",
        timeout_graceful_shutdown=1,
    )  # fmt: skip
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(250):  # uvicorn offers no event for "started"; poll its flag
            if server.started:
                break
            await asyncio.sleep(0.02)
        url = f"http://127.0.0.1:{port}/api/v1/stream?symbols=SPX"
        async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            await asyncio.sleep(0.2)  # let the subscription register
            await runtime.poller.refresh([runtime.registry.get("SPX")])
            event, data = None, None
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event == "quote":
                    data = json.loads(line.split(":", 1)[1])
                    break
        assert data is not None
        assert data["key"] == "SPX" and data["data"]["simulated"] is True
        assert data["data"]["price"] > 0
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)
        await runtime.close()
