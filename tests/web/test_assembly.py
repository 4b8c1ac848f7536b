"""Pages assembled from a skeleton and parts: markers in, parts' bytes in their places out."""

from __future__ import annotations

from markupsafe import escape

from tickerwire.web.assembly import PartRef, assemble, marker, parts_in, split


def test_a_skeleton_splits_into_its_bytes_and_the_parts_in_their_places() -> None:
    skeleton = f"<header>{marker('markets_top')}</header><main>news</main>".encode()
    pieces = split(skeleton)
    assert pieces == [b"<header>", PartRef("markets_top"), b"</header><main>news</main>"]


def test_a_part_argument_survives_characters_a_symbol_may_have() -> None:
    skeleton = marker("chips", "BTC-USD,^N225,CL=F, X").encode()
    assert parts_in(split(skeleton)) == [PartRef("chips", "BTC-USD,^N225,CL=F, X")]


def test_assembly_puts_each_part_where_its_marker_was() -> None:
    skeleton = f"a{marker('one')}b{marker('two', 'x')}c{marker('one')}".encode()
    body = assemble(split(skeleton), lambda ref: f"[{ref.name}{ref.arg}]".encode())
    assert body == b"a[one]b[twox]c[one]"


def test_a_part_named_twice_is_listed_once() -> None:
    skeleton = f"{marker('one')}{marker('one')}".encode()
    assert parts_in(split(skeleton)) == [PartRef("one")]


def test_text_that_imitates_a_marker_is_not_a_part() -> None:
    """Headlines and article bodies reach templates; one written as a marker comment
    (without the process's token, which no reader ever sees) stays text."""
    forged = str(marker("markets_top")).replace("tw-part ", "tw-part 0000000000000000 ")
    skeleton = f"<p>{escape(forged)}</p><!--tw-part 0000 markets_top  -->".encode()
    assert split(skeleton) == [skeleton]
