"""Whether a form came from another site: the browser's Sec-Fetch-Site decides when it is
sent, else the Origin must be this host."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from tickerwire.web.forms import FormRefused, refuse_cross_site


def request(**headers: str) -> Request:
    raw = [(b"host", b"portal.example")]
    raw += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw})


@pytest.mark.parametrize(
    "headers",
    [
        {"sec_fetch_site": "same-origin"},
        {"sec_fetch_site": "same-origin", "origin": "null"},  # Chromium, no-referrer policy
        {"sec_fetch_site": "none"},
        {"origin": "http://portal.example"},
        {},  # no browser at all: no reader's cookie rides along by accident
    ],
)
def test_a_form_from_this_site_passes(headers: dict[str, str]) -> None:
    refuse_cross_site(request(**headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"sec_fetch_site": "cross-site"},
        {"sec_fetch_site": "same-site"},
        {"sec_fetch_site": "cross-site", "origin": "http://portal.example"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
    ],
)
def test_a_form_from_another_site_is_refused(headers: dict[str, str]) -> None:
    with pytest.raises(FormRefused, match="sent from another site"):
        refuse_cross_site(request(**headers))
