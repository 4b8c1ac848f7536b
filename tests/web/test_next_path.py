"""Where sign-in may send a reader: a path on this site, nothing else."""

from __future__ import annotations

import pytest

from tickerwire.web.next_path import safe_next


@pytest.mark.parametrize("path", ["/", "/account", "/quote/SPX?range=5D", "/search?q=a%2Fb#x"])
def test_a_path_on_this_site_is_kept(path: str) -> None:
    assert safe_next(path) == path


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        " /account",
        "evil.example",
        "",
        None,
        "/" + "a" * 2000,
    ],
)
def test_anything_else_is_dropped(target: str | None) -> None:
    assert safe_next(target) is None
