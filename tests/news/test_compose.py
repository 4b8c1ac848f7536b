"""An article's body with its figures where the publisher put them, composed before the
one sanitizer pass."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from tickerwire.media.signing import MediaSigner
from tickerwire.news.compose import article_body, with_figures
from tickerwire.news.extract.article import extract_article
from tickerwire.news.model import Figure, ImageSource
from tickerwire.news.sanitize import ImageLinks
from tickerwire.news.srcset import ARTICLE_SIZES

PARAGRAPHS = [
    "Stocks opened higher on Tuesday as investors weighed fresh data on factory orders.",
    "Energy shares led the advance after crude prices rose for a second straight session.",
    "Treasury yields slipped while the dollar held steady against a basket of currencies.",
    "Analysts said the session's gains rested on a narrow group of large companies.",
]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def figure(name: str, follows: str | None) -> Figure:
    return Figure(
        f"https://img.example/{name}.jpg", f"{name} caption", "Example Wire", None, follows
    )


def order(html: str) -> list[str]:
    """The body's blocks as 'p1'…'p4' and figure names, in document order."""
    tree = LexborHTMLParser(html)
    seen = []
    for node in tree.css("body > p, body > figure"):
        if node.tag == "figure":
            seen.append(node.css_first("img").attributes["src"].rsplit("/", 1)[1][:-4])
        else:
            seen.append(f"p{PARAGRAPHS.index(node.text()) + 1}")
    return seen


def test_a_figure_goes_back_after_the_paragraph_it_followed() -> None:
    composed = with_figures(
        BODY, [figure("rig", PARAGRAPHS[1][-80:]), figure("desk", PARAGRAPHS[3])]
    )
    assert order(composed) == ["p1", "p2", "rig", "p3", "p4", "desk"]


def test_the_paragraph_is_found_even_when_the_body_lost_its_first_words() -> None:
    trimmed = BODY.replace("Energy shares led the advance after", "")
    composed = with_figures(trimmed, [figure("rig", PARAGRAPHS[1])])
    assert composed.index("crude prices rose") < composed.index("rig.jpg")
    assert composed.index("rig.jpg") < composed.index("Treasury yields")


def test_figures_whose_paragraph_the_body_lost_are_spread_evenly() -> None:
    composed = with_figures(
        BODY, [figure("map", "a paragraph that the extractor dropped entirely")]
    )
    assert order(composed) == ["p1", "p2", "map", "p3", "p4"]


def test_a_figure_that_led_the_page_is_spread_with_the_unplaced_ones() -> None:
    composed = with_figures(BODY, [figure("hero", None), figure("rig", PARAGRAPHS[1])])
    assert order(composed) == ["p1", "p2", "hero", "rig", "p3", "p4"]


def test_the_composed_body_is_sanitized_last() -> None:
    hostile = Figure(
        'https://img.example/x.jpg" onerror="alert(1)', "<script>x</script>", None, None
    )
    stored = LexborHTMLParser(article_body(BODY, [hostile], base_url="https://news.example/a"))
    image = stored.css_first("figure img")
    assert image is not None and "onerror" not in image.attributes
    assert stored.css("script") == []
    assert stored.css_first("figcaption").text() == "<script>x</script>"  # text, as written


def test_an_extracted_page_keeps_its_figure_between_the_paragraphs_it_stood_between() -> None:
    page = f"""<html><head><title>Markets rise</title>
    <meta property="og:image" content="https://img.example/hero.jpg"></head><body><article>
    <h1>Markets rise on factory data</h1>
    <p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
    <figure><img src="/rig.jpg" width="800" height="450">
    <figcaption>A drilling rig at dusk. Photo: Ana Ruiz</figcaption></figure>
    <p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></article></body></html>"""
    article = extract_article(page, url="https://news.example/markets")
    composed = with_figures(article.body_html, article.figures)
    assert order(composed) == ["p1", "p2", "rig", "p3", "p4"]


WIDE = Figure(
    "https://img.example/rig-1200.jpg",
    "A rig",
    "Example Wire",
    None,
    PARAGRAPHS[1],
    sources=(
        ImageSource("https://img.example/rig-600.jpg", 600),
        ImageSource("https://img.example/rig-1200.jpg", 1200),
    ),
)


def stored_image(images: ImageLinks | None) -> dict[str, str | None]:
    body = article_body(BODY, [WIDE], base_url="https://news.example/a", images=images)
    return LexborHTMLParser(body).css_first("figure img").attributes


def test_a_figure_goes_in_with_every_width_its_page_offered() -> None:
    image = stored_image(None)
    assert image["srcset"] == (
        "https://img.example/rig-600.jpg 600w, https://img.example/rig-1200.jpg 1200w"
    )
    assert image["sizes"] == ARTICLE_SIZES
    assert image["src"] == "https://img.example/rig-1200.jpg"


def test_with_the_image_cache_each_width_is_loaded_from_the_portal() -> None:
    signer = MediaSigner(b"k" * 32)
    image = stored_image(signer.path)
    assert image["src"] == signer.path("https://img.example/rig-1200.jpg")
    assert image["srcset"] == (
        f"{signer.path('https://img.example/rig-600.jpg')} 600w, "
        f"{signer.path('https://img.example/rig-1200.jpg')} 1200w"
    )


def test_a_figure_whose_paragraph_was_dropped_goes_before_the_one_it_preceded() -> None:
    """A photo after a summary the body dropped opens the body, not mid-article."""
    lead = Figure(
        "https://img.example/lead.jpg",
        "lead caption",
        None,
        None,
        follows="A summary paragraph that the extractor dropped entirely.",
        precedes=PARAGRAPHS[0],
    )
    assert order(with_figures(BODY, [lead])) == ["lead", "p1", "p2", "p3", "p4"]


def test_a_list_that_only_repeats_a_figures_caption_goes_where_the_figure_shows_it() -> None:
    caption = "Rig workers in the North Sea at the change of shift."
    listed = f"<p>{PARAGRAPHS[0]}</p><ul><li><p>{caption[:-1]}</p></li></ul><p>{PARAGRAPHS[1]}</p>"
    rig = Figure("https://img.example/rig.jpg", caption, "Example Wire", None, PARAGRAPHS[0])
    composed = LexborHTMLParser(with_figures(listed, [rig]))
    assert composed.css("ul") == []
    assert [f.text() for f in composed.css("figcaption")] == [f"{caption} Example Wire"]
    assert [p.text() for p in composed.css("body > p")] == PARAGRAPHS[:2]


def test_a_paragraph_that_merely_mentions_a_caption_stays() -> None:
    caption = "Energy shares led the advance"
    rig = Figure("https://img.example/rig.jpg", caption, None, None, PARAGRAPHS[0])
    composed = LexborHTMLParser(with_figures(BODY, [rig]))
    assert [p.text() for p in composed.css("body > p")] == PARAGRAPHS
