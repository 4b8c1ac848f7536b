"""The page policy: strict everywhere; the API docs may run only the inline script they
were served with, named by its hash."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.testclient import TestClient


def script_sources(policy: str) -> list[str]:
    directive = next(d for d in policy.split(";") if d.strip().startswith("script-src "))
    return directive.split()[1:]


def test_the_docs_allow_exactly_the_inline_script_they_carry(client: TestClient) -> None:
    response = client.get("/docs")
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    digests = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline]
    assert inline
    assert script_sources(response.headers["content-security-policy"]) == [
        "'self'",
        *(f"'sha256-{d}'" for d in digests),
    ]


def test_pages_other_than_the_docs_run_scripts_from_our_own_files_only(
    client: TestClient,
) -> None:
    for path in ("/feeds", "/", "/quote/SPX"):
        response = client.get(path)
        assert script_sources(response.headers["content-security-policy"]) == ["'self'"]
        assert "<script>" not in response.text, path  # so no page needs a nonce
