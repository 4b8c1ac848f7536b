"""How many bits two stored fingerprints differ by, computed by the database.

Matching a new article against the recent ones compares its fingerprint with thousands of
stored ones; loading them all into Python for each article was most of the time a feed
refresh took. The comparison is therefore a SQL function: PostgreSQL has ``bit_count``
(14 and later) over the XOR of the two BIGINTs; SQLite has no bit counting, so each SQLite
connection gets :func:`bits_apart_of` as ``tw_bits_apart`` (see store/db.py).

Fingerprints are stored shifted into the signed range (store/articles.py ``to_signed``),
which is the unsigned value with its top bit flipped; the XOR of two such values is the XOR
of the unsigned ones, so the count is the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

SQLITE_FUNCTION = "tw_bits_apart"
_MASK = (1 << 64) - 1


def bits_apart_of(a: int | None, b: int | None) -> int | None:
    """The number of bits two signed 64-bit values differ by; None when either is NULL."""
    if a is None or b is None:
        return None
    return ((a ^ b) & _MASK).bit_count()


class bits_apart(GenericFunction[int]):
    """``bits_apart(a, b)`` in a query, compiled for the database at hand."""

    type = Integer()
    inherit_cache = True


@compiles(bits_apart, "sqlite")
def _sqlite(element: bits_apart, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(bits_apart, "postgresql")
def _postgresql(element: bits_apart, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = element.clauses.clauses
    return (
        f"bit_count(CAST(({compiler.process(a, **kw)} # {compiler.process(b, **kw)}) AS BIT(64)))"
    )
