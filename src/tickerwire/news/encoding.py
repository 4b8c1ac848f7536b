"""Which character encoding a fetched document is in, decided once for feeds and pages.

Publishers often say one thing and send another: an HTTP charset that contradicts the
document's own declaration or its byte-order mark, ``utf-8`` declared over windows-1252
bytes, ``iso-8859-1`` declared over UTF-8, one stray legacy byte in an otherwise UTF-8
page. Read naively, each of these stores mojibake (``cafÃ©``) that no later stage can tell
from text. The decision follows the standard precedence (WHATWG *encoding sniffing*, and
RFC 7303 for XML): a BOM, then the transport's charset, then the document's declaration,
checked against the bytes:

1. a BOM decides;
2. bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever a declaration says
   (text in a legacy encoding is practically never valid UTF-8 by accident);
3. a document that is UTF-8 but for a few stray bytes is UTF-8, each stray byte read as
   windows-1252 (the usual cause: a legacy snippet pasted into a UTF-8 page);
4. otherwise the first declaration the bytes decode under; when the transport and the
   document disagree and both decode, charset-normalizer picks between them;
5. otherwise charset-normalizer detects, and failing that windows-1252 with replacement.

Latin-1 and ASCII labels mean windows-1252, as in every browser. :class:`Decoded` says how
the decision was made when it departed from what was declared, so callers can log it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

from charset_normalizer import from_bytes

Kind = Literal["xml", "html", "json"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WINDOWS_1252 = frozenset({"latin_1", "ascii", "cp1252"})
_WIDE = ("utf_16", "utf_32")
_TRANSPORT = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']\s*([\w.:-]+)""")
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
PRESCAN_BYTES = 4096
"""How far into a page to look for ``<meta charset>`` (browsers look at the first 1024
bytes, but pages with long comments or scripts before it are common in the wild)."""
_REPAIR = "tickerwire-windows-1252"


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start : error.start + 1]
    return byte.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error(_REPAIR, _as_windows_1252)


@dataclass(frozen=True)
class Decoded:
    """A document as text, the codec it was read with, and why, when not as declared."""

    text: str
    encoding: str
    note: str | None = None


def codec_name(label: str | None) -> str | None:
    """Python's name for an encoding label, WHATWG-style (latin-1 is windows-1252)."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252 or name == "iso8859_1" else name


def transport_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    match = _TRANSPORT.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(data: bytes, kind: Kind) -> str | None:
    """What the document says about itself: its XML declaration, or a page's meta charset."""
    if kind == "json":
        return None
    head = data[:PRESCAN_BYTES]
    match = _XML_DECLARATION.match(head) or (_META.search(head) if kind == "html" else None)
    return match.group(1).decode("ascii", "ignore") if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 but for a few bytes that are not."""
    decoded = data.decode("utf-8", errors="replace")
    genuine = data.count("\ufffd".encode())
    bad = decoded.count("\ufffd") - genuine
    good = sum(1 for char in decoded if ord(char) > 0x7F) - bad - genuine
    return good > 0 and bad <= good


def _detected(data: bytes, among: list[str] | None = None) -> str | None:
    """charset-normalizer's best guess; on a tie (short texts often are one) windows-1252,
    the web's own fallback, rather than whichever tied encoding sorts first."""
    matches = list(from_bytes(data, cp_isolation=among))
    if not matches:
        return None
    best = matches[0]
    tied = [
        m
        for m in matches
        if (m.percent_chaos, m.percent_coherence) == (best.percent_chaos, best.percent_coherence)
    ]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return "cp1252"
    return codec_name(best.encoding)


def decode_document(data: bytes, *, content_type: str | None, kind: Kind) -> Decoded:
    """Decide ``data``'s encoding by the precedence above and decode it; never raises."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), codec.replace("-", "_"))
    transport = codec_name(transport_charset(content_type))
    declared = codec_name(declared_charset(data, kind))
    if declared is not None and declared.startswith(_WIDE):
        declared = None  # read in ASCII, so the document is not in the encoding it names
    declarations = [c for c in dict.fromkeys((transport, declared)) if c is not None]
    first = declarations[0] if declarations else None
    said = f"declared {first}" if first else "undeclared"
    utf8 = None if first is not None and first.startswith(_WIDE) else _strict(data, "utf-8")
    if utf8 is not None:
        note = None if first in (None, "utf_8") or utf8.isascii() else f"{said}, but UTF-8"
        return Decoded(utf8, "utf_8", note)
    if _mostly_utf8(data):
        note = f"{said}, but UTF-8 with stray windows-1252 bytes"
        return Decoded(data.decode("utf-8", errors=_REPAIR), "utf_8", note)
    decodable = [c for c in declarations if c != "utf_8" and _strict(data, c) is not None]
    if len(decodable) > 1:
        chosen = _detected(data, decodable) or decodable[0]
        return Decoded(data.decode(chosen), chosen, f"declared {' and '.join(decodable)}")
    if decodable:
        chosen = decodable[0]
        note = None if chosen == first else f"{said}, but {chosen} as the document says"
        return Decoded(data.decode(chosen), chosen, note)
    detected = _detected(data)
    if detected is not None and (text := _strict(data, detected)) is not None:
        return Decoded(text, detected, f"{said}, but detected as {detected}")
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", f"{said}, undecodable")
