"""Text from strangers made safe to store and to show: one normalisation for every field.

A NUL byte, a lone UTF-16 surrogate or a stray control character in one title used to make
a whole feed unreadable: PostgreSQL refuses NUL in text, neither database driver can encode
a lone surrogate as UTF-8, nh3 and lxml raise on both, and XML output (our Atom feeds)
refuses every C0 control. :func:`clean_text` removes them, so every stage and the store can
rely on text being representable everywhere; the parsers call it on every text field, and
:func:`~tickerwire.news.sanitize.sanitize_html` on every piece of HTML.

:func:`text_to_html` is the one way a field that is text becomes HTML (a summary a feed
declares as plain text): escaped, once, into paragraphs, never parsed as markup.
"""

from __future__ import annotations

import html
import re

# C0 controls but tab, newline and carriage return; DEL and the C1 block; surrogates; the
# noncharacters U+FFFE/U+FFFF. What is left is exactly what XML 1.0 allows as a character.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """``value`` without NUL, control characters, lone surrogates or noncharacters.

    A surrogate *pair* (as left by ``&#xD83D;&#xDE00;`` in a feed) is joined into the one
    character it encodes rather than dropped; tabs and line breaks are kept.
    """
    if not _UNWANTED.search(value):
        return value
    if _SURROGATE.search(value):
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return _UNWANTED.sub("", value)


def one_line(value: str) -> str:
    """A title, name or label: clean, with every run of whitespace as one space."""
    return _SPACES.sub(" ", clean_text(value)).strip()


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs: escaped once, blank lines between paragraphs."""
    paragraphs = (_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(clean_text(text)))
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)
