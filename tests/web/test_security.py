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


def test_pages_other_than_the_docs_keep_the_nonce_policy(client: TestClient) -> None:
    sources = script_sources(client.get("/feeds").headers["content-security-policy"])
    assert sources[0] == "'self'" and sources[1].startswith("'nonce-") and len(sources) == 2
