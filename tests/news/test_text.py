"""clean_text and text_to_html: text that every database, parser and XML writer accepts."""

import pytest

from tickerwire.news.text import clean_text, one_line, text_to_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("Yen \x00weakens", "Yen weakens"),
        ("Oil\x01\x08\x0b\x0c\x1b slips\x7f", "Oil slips"),
        ("C1 \x85\x9fcontrols", "C1 controls"),
        ("lone \ud800high and \udfffow", "lone high and ow"),
        ("pair \ud83d\ude80 joined", "pair \U0001f680 joined"),
        ("non\ufffecharacters\uffff", "noncharacters"),
        ("tabs\tand\nlines\r\nstay", "tabs\tand\nlines\r\nstay"),
        ("Café “Noël” €1.08 \U0001f680", "Café “Noël” €1.08 \U0001f680"),
    ],
)
def test_clean_text_removes_what_no_store_can_hold(dirty: str, clean: str) -> None:
    assert clean_text(dirty) == clean


def test_clean_text_output_encodes_as_utf8() -> None:
    assert clean_text("a\ud800\x00b").encode("utf-8") == b"ab"


def test_one_line_collapses_whitespace_after_cleaning() -> None:
    assert one_line("  Fed\x00\n holds\t rates ") == "Fed holds rates"


def test_text_to_html_escapes_once_into_paragraphs() -> None:
    text = "S&P 500 < 5,000 and AT&T <b>up</b>\n\n<script>alert(1)</script>"
    assert text_to_html(text) == (
        "<p>S&amp;P 500 &lt; 5,000 and AT&amp;T &lt;b&gt;up&lt;/b&gt;</p>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_text_to_html_of_empty_text_is_empty() -> None:
    assert text_to_html(" \n\n ") == ""
