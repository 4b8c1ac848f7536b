"""A srcset is read as browsers read it, written so it reads back the same, and the
rendition fetched ahead is the one nearest what our pages show."""

from __future__ import annotations

import pytest

from tickerwire.news.model import ImageSource
from tickerwire.news.srcset import (
    PREFERRED_WIDTH,
    Candidate,
    parse_srcset,
    preferred,
    write_srcset,
)


def test_candidates_are_read_with_their_descriptors_in_order() -> None:
    assert parse_srcset(" a.jpg 400w,\n b.jpg 800w ,c.jpg") == [
        Candidate("a.jpg", "400w"),
        Candidate("b.jpg", "800w"),
        Candidate("c.jpg", ""),
    ]


def test_a_comma_inside_a_url_does_not_start_another_candidate() -> None:
    value = "https://cdn.example/w_400,c_fill/a.jpg 400w, /w_800,c_fill/a.jpg 800w"
    assert [c.url for c in parse_srcset(value)] == [
        "https://cdn.example/w_400,c_fill/a.jpg",
        "/w_800,c_fill/a.jpg",
    ]


def test_a_data_url_is_one_candidate_not_two() -> None:
    assert parse_srcset("data:image/png;base64,iVBORw0KGgo= 1x, /b.jpg 2x") == [
        Candidate("data:image/png;base64,iVBORw0KGgo=", "1x"),
        Candidate("/b.jpg", "2x"),
    ]


def test_commas_ending_a_url_end_its_candidate() -> None:
    assert parse_srcset("a.jpg,b.jpg 2x") == [Candidate("a.jpg,b.jpg", "2x")]
    assert parse_srcset("a.jpg,, b.jpg 2x") == [Candidate("a.jpg"), Candidate("b.jpg", "2x")]


@pytest.mark.parametrize(
    "value", ["a.jpg 400", "a.jpg 0w", "a.jpg -2x", "a.jpg 0x", "a.jpg 2x 400w", "a.jpg 1e9q"]
)
def test_a_candidate_with_invalid_descriptors_is_dropped(value: str) -> None:
    assert parse_srcset(f"{value}, ok.jpg 800w") == [Candidate("ok.jpg", "800w")]


def test_a_comma_in_parentheses_stays_in_the_descriptors() -> None:
    assert parse_srcset("a.jpg (x, y) 400w, b.jpg 800w") == [Candidate("b.jpg", "800w")]


def test_a_height_beside_a_width_is_allowed_and_not_kept() -> None:
    assert parse_srcset("a.jpg 400w 300h") == [Candidate("a.jpg", "400w")]


def test_what_is_written_reads_back_the_same() -> None:
    candidates = [Candidate("https://cdn.example/w_400,c_fill/a.jpg", "400w"), Candidate("b", "")]
    written = write_srcset(candidates)
    assert written is not None and parse_srcset(written) == candidates


def test_urls_that_could_not_be_read_back_are_left_out() -> None:
    written = write_srcset([Candidate("a b.jpg", "1x"), Candidate("c.jpg,", "2x")])
    assert written is None
    assert write_srcset([Candidate("a b.jpg", "1x"), Candidate("d.jpg", "2x")]) == "d.jpg 2x"


def sources(*widths: int) -> list[ImageSource]:
    return [ImageSource(f"https://img.example/a-{w}.jpg", w) for w in widths]


def test_the_preferred_rendition_is_the_one_nearest_the_preferred_width() -> None:
    chosen = preferred(sources(320, 640, PREFERRED_WIDTH - 100, 2 * PREFERRED_WIDTH))
    assert chosen is not None and chosen.width == PREFERRED_WIDTH - 100


def test_of_two_renditions_as_near_the_wider_is_preferred() -> None:
    half = 400
    chosen = preferred(sources(PREFERRED_WIDTH - half, PREFERRED_WIDTH + half))
    assert chosen is not None and chosen.width == PREFERRED_WIDTH + half


def test_without_renditions_none_is_preferred() -> None:
    assert preferred([]) is None
