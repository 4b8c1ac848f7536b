"""The ceiling of any Python page server here: uvicorn (uvloop, httptools, no access log, as
``tickerwire serve`` runs it) with an ASGI app that does nothing but send saved bytes.

``bench/http_pages.py`` runs it beside the portal and nginx with the same pages and headers,
so the table can tell the cost of our own code (portal against this) from the cost of an
interpreter serving HTTP at all (this against nginx).

    BARE_ASGI_PAGES=<folder written by http_pages.py> python -m uvicorn bare_asgi:app ...
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

Scope = dict[str, Any]


def _load(folder: Path) -> dict[str, tuple[list[tuple[bytes, bytes]], bytes]]:
    manifest = json.loads((folder / "pages.json").read_text())
    return {
        page["path"]: (
            [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in page["headers"]],
            (folder / page["file"]).read_bytes(),
        )
        for page in manifest
    }


PAGES = _load(Path(os.environ["BARE_ASGI_PAGES"]))
MISSING = ([(b"content-type", b"text/plain")], b"not saved\n")


async def app(scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    headers, body = PAGES.get(scope["path"], MISSING)
    status = 200 if scope["path"] in PAGES else 404
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
