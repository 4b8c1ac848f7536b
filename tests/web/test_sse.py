"""Server-Sent Events on the wire, and writing to an ASGI send only when it need not wait."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message

from tickerwire.web import sse

pytestmark = pytest.mark.anyio


class Server:
    """An ASGI send with uvicorn's flow control: while paused it waits before writing."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.writable = asyncio.Event()
        self.writable.set()

    async def send(self, message: Message) -> None:
        await self.writable.wait()
        self.written.append(message["body"])


def test_an_event_is_its_name_and_one_line_of_data_then_a_blank_line() -> None:
    assert sse.frame("quote", '{"a": 1}') == b'event: quote\ndata: {"a": 1}\n\n'


def test_the_retry_field_is_in_milliseconds() -> None:
    assert sse.retry(2500) == b"retry: 2500\n\n"


async def test_a_send_that_need_not_wait_is_done_at_once() -> None:
    server = Server()
    assert sse.write_now(server.send, sse.body(b"x"))
    assert server.written == [b"x"]


async def test_a_send_that_would_wait_is_given_up_before_it_writes() -> None:
    server = Server()
    server.writable.clear()
    assert not sse.write_now(server.send, sse.body(b"x"))
    server.writable.set()
    await asyncio.sleep(0)
    assert server.written == []  # given up, not left to finish later


def test_only_the_last_body_completes_the_response() -> None:
    assert sse.body(b"x")["more_body"] is True
    assert sse.body(b"", last=True)["more_body"] is False
