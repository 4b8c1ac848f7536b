"""Author names out of the byline strings pages carry."""

import pytest

from tickerwire.news.extract.bylines import split_authors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe & Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("Von Max Muster", ["Max Muster"]),
        ("Posted by Chris Jung", ["Chris Jung"]),
        ("Harm Otten says", ["Harm Otten"]),
        ("https://www.facebook.com/someone", []),
        ("December 3, 2018 at 10:00 am", []),
        ("Bradley M. Kuhn (http://ebb.org/bkuhn/)", ["Bradley M. Kuhn"]),
        ("Written by Rob Ewaschuk Edited by Betsy Beyer", ["Rob Ewaschuk"]),
        ("Kooman, F.", ["F. Kooman"]),
        ("Jong, Michiel de", ["Michiel de Jong"]),
        ("Mac & i", ["Mac & i"]),
        ("Jane Doe, Jr.", ["Jane Doe, Jr."]),
    ],
)
def test_bylines_are_split_into_author_names(raw: str, expected: list[str]) -> None:
    assert split_authors(raw) == expected
