"""The shared local HTTP server, plus what provider tests keep repeating.

Canned answers come from the hand-written files under ``responses/``; ``query`` decodes what
a provider asked for; a silent route takes a request and says nothing until the test ends,
which is how a server that never answers looks to the fetcher's deadline.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from support.http_server import LocalServer, RecordedRequest, Reply

RESPONSES = Path(__file__).resolve().parents[1] / "markets" / "providers" / "responses"


class ProviderServer(LocalServer):
    def __init__(self) -> None:
        super().__init__()
        self._released = threading.Event()

    def serve_file(self, path: str, name: str, status: int = 200, **headers: str) -> None:
        content_type = "text/csv" if name.endswith((".csv", ".txt")) else "application/json"
        body = (RESPONSES / name).read_bytes()
        self.route(path, Reply(status, body, {"Content-Type": content_type, **headers}))

    def serve_silence(self, path: str) -> None:
        self.route(path, self._silent)

    def query(self, index: int = -1) -> dict[str, list[str]]:
        """The query of a recorded request, decoded."""
        return parse_qs(urlsplit(self.requests[index].path).query, keep_blank_values=True)

    def reset(self) -> None:
        """Forget routes and requests, and let any silent reply go, before the next test."""
        self._released.set()
        self._released = threading.Event()
        self.routes.clear()
        self.requests.clear()

    def stop(self) -> None:
        self._released.set()
        super().stop()

    def _silent(self, request: RecordedRequest) -> Reply:
        self._released.wait(30)
        return Reply(503)
