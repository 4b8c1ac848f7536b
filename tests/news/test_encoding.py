"""The encoding decision: BOM, then transport, then the document, checked against the bytes."""

import codecs

import pytest

from tickerwire.news.encoding import codec_name, decode_document

TEXT = "Café “Noël” rally — euro at €1.08, naïve résumé. " * 3


@pytest.mark.parametrize(
    ("data", "content_type", "kind", "encoding"),
    [
        (TEXT.encode("cp1252"), "text/html; charset=utf-8", "html", "cp1252"),
        (TEXT.encode("utf-8"), "text/xml; charset=iso-8859-1", "xml", "utf_8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "text/html; charset=windows-1252", "html", "utf_8_sig"),
        (
            codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
            "text/xml; charset=utf-8",
            "xml",
            "utf_16",
        ),
        (
            b"\n\n<html><head>\n\n<meta charset='windows-1252'>" + TEXT.encode("cp1252"),
            None,
            "html",
            "cp1252",
        ),
        (
            b"\n<?xml version='1.0' encoding='iso-8859-2'?><a>" + "źłóć".encode("iso-8859-2"),
            None,
            "xml",
            "iso8859_2",
        ),
        (
            "株式市場は上昇しました".encode("shift_jis"),
            "text/html; charset=shift_jis",
            "html",
            "shift_jis",
        ),
    ],
    ids=[
        "windows-1252 declared utf-8",
        "utf-8 declared iso-8859-1 over http",
        "bom beats the header",
        "utf-16 bom beats the header",
        "meta charset after blank lines",
        "xml declaration after a blank line",
        "a declared multibyte encoding",
    ],
)
def test_the_encoding_is_decided_by_precedence_and_bytes(
    data: bytes, content_type: str | None, kind: str, encoding: str
) -> None:
    decoded = decode_document(data, content_type=content_type, kind=kind)  # type: ignore[arg-type]
    assert decoded.encoding == encoding
    assert "Ã" not in decoded.text and "â€" not in decoded.text and "\ufffd" not in decoded.text


def test_utf8_bytes_under_a_legacy_declaration_say_so() -> None:
    decoded = decode_document(TEXT.encode(), content_type="text/html; charset=latin-1", kind="html")
    assert decoded.text == TEXT and decoded.note == "declared cp1252, but UTF-8"


def test_stray_legacy_bytes_in_a_utf8_document_are_read_as_windows_1252() -> None:
    data = TEXT.encode() + b" caf\xe9 \x93quoted\x94"
    decoded = decode_document(data, content_type="text/html; charset=utf-8", kind="html")
    assert decoded.text == TEXT + " café “quoted”"
    assert decoded.note is not None and "stray" in decoded.note


def test_undeclared_legacy_text_is_detected_not_replaced() -> None:
    text = "Рынок акций вырос сегодня утром, рубль укрепился."
    decoded = decode_document(text.encode("cp1251"), content_type=None, kind="html")
    assert decoded.text == text


def test_undecodable_bytes_never_raise() -> None:
    decoded = decode_document(
        bytes(range(256)) * 4, content_type="text/html; charset=nope", kind="html"
    )
    assert decoded.text


@pytest.mark.parametrize(
    ("label", "name"),
    [("latin-1", "cp1252"), ("US-ASCII", "cp1252"), ("UTF8", "utf_8"), ("no-such", None)],
)
def test_latin1_and_ascii_labels_mean_windows_1252(label: str, name: str | None) -> None:
    assert codec_name(label) == name
