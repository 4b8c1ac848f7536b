"""The response object's fields: Retry-After, Cache-Control max-age, text decoding."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tickerwire.net.response import (
    RETRY_AFTER_MAX,
    RETRY_AFTER_MIN,
    FetchResponse,
    parse_max_age,
    parse_retry_after,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def http_date(delta: timedelta) -> str:
    return format_datetime(NOW + delta, usegmt=True)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 900 ", 900.0),
        ("0", RETRY_AFTER_MIN),
        ("5", RETRY_AFTER_MIN),
        ("99999999", RETRY_AFTER_MAX),
        (http_date(timedelta(hours=2)), 7200.0),
        (http_date(timedelta(days=3)), RETRY_AFTER_MAX),
        (http_date(timedelta(hours=-1)), RETRY_AFTER_MIN),
        ("Tuesday, 24-Nov-26 12:10:00 GMT", 600.0),  # RFC 850, obsolete but allowed
        ("Tue Nov 24 12:10:00 2026", 600.0),  # asctime, no zone: GMT
    ],
)
def test_retry_after_is_read_in_both_forms_and_clamped(header: str, seconds: float) -> None:
    assert parse_retry_after(header, NOW) == seconds


@pytest.mark.parametrize("header", [None, "", "soon", "-5", "1.5", "+30", "12 apples"])
def test_an_invalid_retry_after_is_ignored(header: str | None) -> None:
    assert parse_retry_after(header, NOW) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=300", 300.0),
        ("public, max-age=60, must-revalidate", 60.0),
        ('MAX-AGE="30"', 30.0),
        ("private, max-age=0", 0.0),
        ("s-maxage=600, max-age=120", 120.0),
    ],
)
def test_cache_control_max_age_is_read(header: str, seconds: float) -> None:
    assert parse_max_age(header) == seconds


@pytest.mark.parametrize("header", [None, "", "no-store", "s-maxage=600", "max-age=soon"])
def test_cache_control_without_a_usable_max_age_gives_none(header: str | None) -> None:
    assert parse_max_age(header) is None


def response(content: bytes, content_type: str | None = None) -> FetchResponse:
    headers = {"content-type": content_type} if content_type else {}
    return FetchResponse(
        url="https://example.com/",
        status=200,
        headers=headers,
        content=content,
        etag=None,
        last_modified=None,
        not_modified=False,
        retry_after=None,
        max_age=None,
    )


def test_text_uses_the_declared_charset() -> None:
    body = "Société Générale".encode("iso-8859-1")
    assert response(body, "text/html; charset=ISO-8859-1").text() == "Société Générale"


def test_text_reads_a_quoted_charset() -> None:
    body = "Börse".encode("cp1252")
    assert response(body, 'text/html; charset="windows-1252"').text() == "Börse"


def test_a_byte_order_mark_beats_the_declared_charset() -> None:
    body = codecs.BOM_UTF8 + "€ up".encode()
    assert response(body, "text/plain; charset=iso-8859-1").text() == "€ up"


def test_utf16_with_a_byte_order_mark_decodes() -> None:
    assert response("Nikkei 225".encode("utf-16")).text() == "Nikkei 225"


def test_text_without_a_charset_is_read_as_utf8() -> None:
    assert response("Dow Jones — record".encode(), "text/plain").text() == "Dow Jones — record"


def test_text_that_is_not_utf8_falls_back_to_windows_1252() -> None:
    assert response("“quoted” café".encode("cp1252")).text() == "“quoted” café"


def test_an_unknown_charset_falls_back_like_no_charset() -> None:
    assert response("café".encode(), "text/plain; charset=x-martian").text() == "café"


def test_undecodable_bytes_in_the_declared_charset_never_raise() -> None:
    assert "\ufffd" in response(b"ok \xff\xfe\xfd", "text/plain; charset=utf-8").text()


def test_json_parses_the_body() -> None:
    assert response(b'{"price": 101.5}', "application/json").json() == {"price": 101.5}


def test_json_raises_value_error_on_a_body_that_is_not_json() -> None:
    with pytest.raises(ValueError):
        response(b"<html>", "text/html").json()
