"""The page's prose, when trafilatura's body is doubtful, and when readability-lxml's wins."""

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.second_opinion import (
    Prose,
    covered,
    is_doubtful,
    prefers_second,
    read_prose,
    readability_body,
)

COPPER = (
    "Copper rose to a record on Monday after workers at two of the largest mines walked out "
    "over pay, cutting supply to smelters."
)
STRIKE = (
    "Union leaders said the strike would last until the company raised its offer, and "
    "workers at a second mine joined them on Sunday."
)


def prose_of(body: str) -> Prose:
    return read_prose(LexborHTMLParser(f"<html><body>{body}</body></html>"))


def test_prose_counts_each_block_as_often_as_the_page_has_it() -> None:
    prose = prose_of(f"<article><p>{COPPER}</p><p>{STRIKE}</p><p>{COPPER}</p></article>")
    assert sorted(prose.blocks.values()) == [1, 2]
    assert covered(prose, f"{COPPER} {STRIKE} {COPPER}") == prose.total
    assert covered(prose, f"{COPPER} {STRIKE}") < prose.total


def test_leaf_divs_of_running_text_are_prose_too() -> None:
    prose = prose_of(f"<article><div>{COPPER}</div></article>")
    assert prose.total > 0 and covered(prose, COPPER) == prose.total


def test_blocks_holding_scripts_or_ruby_readings_are_not_prose() -> None:
    prose = prose_of(
        f"<div>{COPPER}<script>var tracking = {{}};</script></div>"
        f"<p>{STRIKE.replace('Union', '<ruby>Union<rt>yu-ni-on</rt></ruby>')}</p>"
    )
    assert prose.total == 0


def test_short_blocks_link_lists_furniture_and_comments_are_not_prose() -> None:
    prose = prose_of(
        "<p>Markets, 2 March 2026</p>"
        f'<p><a href="/a">{COPPER}</a></p>'
        f"<nav><p>{STRIKE}</p></nav><footer><p>{STRIKE}</p></footer>"
        f'<div class="comment-list"><p>{STRIKE}</p></div>'
    )
    assert prose.total == 0


def test_prose_under_one_element_is_one_region() -> None:
    together = prose_of(f"<main><article><p>{COPPER}</p><p>{STRIKE}</p></article></main>")
    assert together.region_share == 1.0


def test_prose_scattered_over_the_page_is_no_region() -> None:
    deep = "<div><div><div><div>{}</div></div></div></div>"
    scattered = prose_of(deep.format(f"<p>{COPPER}</p>") + deep.format(f"<p>{STRIKE}</p>"))
    assert scattered.region_share < 0.6


def test_blocks_are_held_whatever_whitespace_and_soft_hyphens_the_body_has() -> None:
    prose = prose_of(f"<p>{COPPER}</p><p>{STRIKE.replace('strike', 'str&shy;ike')}</p>")
    assert covered(prose, f"{COPPER}{STRIKE}".replace("two of", "two\nof")) == prose.total


def test_a_body_holds_each_block_at_most_as_often_as_the_page_has_it() -> None:
    prose = prose_of(f"<p>{COPPER}</p><p>{STRIKE}</p>")
    assert covered(prose, f"{COPPER}\n{COPPER}\n{COPPER}") == covered(prose, COPPER) > 0


def test_body_holding_half_the_prose_of_one_region_is_doubtful() -> None:
    prose = prose_of(f"<article><p>{COPPER}</p><p>{COPPER}</p></article>")
    assert is_doubtful(prose, covered(prose, COPPER))


def test_body_holding_most_of_the_prose_is_not_doubtful() -> None:
    prose = prose_of(f"<article><p>{COPPER}</p><p>{STRIKE}</p><p>{STRIKE}</p></article>")
    assert not is_doubtful(prose, covered(prose, f"{STRIKE}\n{STRIKE}"))


def test_body_missing_prose_scattered_over_the_page_is_not_doubtful() -> None:
    deep = "<div><div><div><div>{}</div></div></div></div>"
    prose = prose_of(deep.format(f"<p>{COPPER}</p>") + deep.format(f"<p>{STRIKE}</p>"))
    assert not is_doubtful(prose, 0)


def test_second_opinion_wins_holding_most_of_the_prose_and_twice_the_first() -> None:
    prose = Prose({"x" * 100: 1}, total=1000, region_share=1.0)
    assert prefers_second(prose, first=400, second=800)


def test_second_opinion_loses_when_it_holds_too_little_of_the_prose() -> None:
    prose = Prose({"x" * 100: 1}, total=1000, region_share=1.0)
    assert not prefers_second(prose, first=300, second=700)


def test_second_opinion_loses_when_it_holds_not_twice_the_first() -> None:
    prose = Prose({"x" * 100: 1}, total=1000, region_share=1.0)
    assert not prefers_second(prose, first=450, second=850)


def test_readability_body_has_the_text_but_no_images_figures_or_players() -> None:
    body = readability_body(
        f"<html><body><article><p>{COPPER}</p><figure><img src='/a.jpg'>"
        f"<figcaption>Cathodes</figcaption></figure><p>{STRIKE}</p>"
        "<iframe src='https://www.youtube.com/embed/x'></iframe></article></body></html>"
    )
    assert body is not None
    text = body.text_content()
    assert COPPER in text and STRIKE in text
    assert "Cathodes" not in text
    assert not body.xpath(".//img|.//figure|.//iframe")


def test_readability_body_of_a_page_without_text_is_none() -> None:
    assert readability_body("<html><body><div></div></body></html>") is None
