"""Server-Sent Events on the wire, and writing to an ASGI ``send`` without waiting.

An event is encoded once into the bytes every reader gets (:func:`frame`); the body
messages that carry bytes to a reader are plain ASGI dictionaries, which the servers and
middlewares on the way only read, so one message may go to every reader.

:func:`write_now` is what lets one loop write to thousands of readers: it runs a ``send``
only as far as it gets without waiting. uvicorn's ``send`` writes into the connection's
transport and returns at once, unless the transport already holds more than its
high-water mark (the reader is not reading): then it waits, *before* writing, until the
transport drains. ``write_now`` gives such a send up at that point, so nothing was written
and the caller can keep the bytes for later.
"""

from __future__ import annotations

from starlette.types import Message, Send

#: A comment line: keeps proxies and the browser from calling an idle stream dead.
HEARTBEAT = b":\n\n"


def frame(event: str, data: str) -> bytes:
    """One event as the browser's EventSource reads it; ``data`` is one line of JSON."""
    return f"event: {event}\ndata: {data}\n\n".encode()


def retry(milliseconds: int) -> bytes:
    """The field that tells EventSource how long to wait before reconnecting."""
    return b"retry: %d\n\n" % milliseconds


def body(data: bytes, *, last: bool = False) -> Message:
    """A body message carrying ``data``; the ``last`` completes the response."""
    return {"type": "http.response.body", "body": data, "more_body": not last}


def write_now(send: Send, message: Message) -> bool:
    """Send ``message`` if that can be done without waiting; whether it was.

    When the send would wait it is closed where it stopped. That relies on the server
    waiting, if at all, before it writes, as uvicorn's flow control does (with httptools
    and with h11 alike): then a message given up was not written in any part."""
    steps = send(message).__await__()
    try:
        next(steps)
    except StopIteration:
        return True
    steps.close()
    return False
