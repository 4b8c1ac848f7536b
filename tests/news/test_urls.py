"""safe_url: every URL field is absolute http(s), whatever disguise it arrived in."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickerwire.news.urls import LINK_SCHEMES, safe_url

BASE = "https://news.example/markets/today.html"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
        "&amp;#106;avascript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://files.example/x",
    ],
)
def test_refuses_urls_that_are_not_http(url: str) -> None:
    assert safe_url(url, base_url=BASE) is None


def test_resolves_relative_urls_against_the_base() -> None:
    assert safe_url("../img/a.jpg", base_url=BASE) == "https://news.example/img/a.jpg"


def test_refuses_relative_urls_without_a_base() -> None:
    assert safe_url("/img/a.jpg") is None


def test_gives_scheme_relative_urls_https() -> None:
    assert safe_url("//cdn.example/a.jpg") == "https://cdn.example/a.jpg"


@pytest.mark.parametrize(
    "url", ["https://user:pw@news.example/", "https://bank.example@evil.example/"]
)
def test_refuses_credentials_in_the_url(url: str) -> None:
    assert safe_url(url) is None


def test_reads_backslashes_as_a_browser_does() -> None:
    assert safe_url("https:\\\\evil.example\\x") == "https://evil.example/x"


def test_strips_surrounding_whitespace_and_decodes_entities() -> None:
    assert safe_url("  https://news.example/a?b=1&amp;c=2\n") == "https://news.example/a?b=1&c=2"


def test_percent_encodes_characters_unsafe_in_markup() -> None:
    assert safe_url('https://news.example/a b"<x>') == "https://news.example/a%20b%22%3Cx%3E"


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://[not-an-ip]/", "//[::1", "https://a.example]/", "http://%zz/"]
)
def test_refuses_malformed_hosts(url: str) -> None:
    assert safe_url(url, base_url=BASE) is None


def test_refuses_an_invalid_port() -> None:
    assert safe_url("https://news.example:99999/") is None


def test_allows_mailto_only_when_asked() -> None:
    assert safe_url("mailto:desk@news.example") is None
    assert safe_url("mailto:desk@news.example", schemes=LINK_SCHEMES) == "mailto:desk@news.example"


def test_refuses_a_base_that_is_itself_unsafe() -> None:
    assert safe_url("/x", base_url="javascript:alert(1)//") is None


URLISH = st.lists(
    st.sampled_from(
        ["http", "https", ":", "//", "/", "[", "]", "::1", "@", "%", "&#", "a.example", " "]
    )
    | st.text(max_size=4),
    max_size=12,
).map("".join)


@given(st.text(max_size=60) | URLISH, st.sampled_from([None, BASE]))
def test_result_is_http_and_a_fixed_point(url: str, base: str | None) -> None:
    result = safe_url(url, base_url=base)
    if result is not None:
        assert result.startswith(("http://", "https://"))
        assert safe_url(result) == result
