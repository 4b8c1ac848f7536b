"""Captions and credits a page keeps only in its script data (the Guardian's photo essays)."""

from __future__ import annotations

import json

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.compose import article_body
from tickerwire.news.extract.article import extract_article
from tickerwire.news.extract.image_records import read_image_records

IMG = "https://media.example/img/media/4f1c/0_0_4800_3200/master/4800.jpg"
RECORDS = [
    {
        "caption": "A trader on the floor at the <em>opening</em> bell.<br>",
        "credit": "Photograph: Ana Ruiz for the Example",
        "displayCredit": True,
        "src": f"{IMG}?width=700&quality=85",
    },
    {
        "caption": "The exchange's facade.",
        "credit": "Photograph: Hidden Name",
        "displayCredit": False,
        "src": "https://media.example/img/media/77aa/0_0_1200_800/master/1200.jpg?width=700",
    },
]
PROSE = " ".join(["Shares rose in early trade as investors weighed the central bank's words."] * 4)


def page(script: str) -> str:
    return f"""<html><head><title>Markets open higher</title>
    <meta property="og:image" content="https://media.example/img/media/hero/0_0_1200_630/hero.jpg">
    </head><body><article>
    <h1>Markets open higher</h1>
    <p>{PROSE}</p>
    <figure><picture><img alt="A trader on the floor" src="{IMG}?width=300&amp;quality=85">
    </picture></figure>
    <ul><li><p>A trader on the floor at the opening bell</p></li></ul>
    <p>{PROSE} The session ended with gains across every sector of the market.</p>
    </article><script>{script}</script></body></html>"""


def test_a_photo_without_a_caption_element_takes_the_caption_and_credit_of_its_record() -> None:
    script = f"window.config = {{'page': {{\"images\": {json.dumps(RECORDS)}}}}};"
    article = extract_article(page(script), url="https://news.example/markets")
    (photo,) = article.figures
    assert photo.caption == "A trader on the floor at the opening bell."
    assert photo.credit == "Ana Ruiz for the Example"
    shown = LexborHTMLParser(article_body(article.body_html, article.figures, base_url=None))
    assert shown.css("ul") == []
    assert shown.css_first("figcaption .credit").text() == "Ana Ruiz for the Example"


def test_a_credit_the_page_chose_not_to_display_is_not_shown() -> None:
    tree = LexborHTMLParser(f"<script>var images = {json.dumps(RECORDS)};</script>")
    records = read_image_records(tree)
    assert [(r.caption, r.credit) for r in records] == [
        ("A trader on the floor at the opening bell.", "Ana Ruiz for the Example"),
        ("The exchange's facade.", None),
    ]


def test_scripts_that_are_not_json_and_linked_data_give_no_records() -> None:
    tree = LexborHTMLParser(
        '<script>var x = {"caption": broken(), "src": 1};</script>'
        '<script type="application/ld+json">{"caption": "Linked", "url": "https://a.example/i.jpg"}'
        "</script>"
        '<script src="https://cdn.example/app.js">{"caption": "x", "src": "y"}</script>'
    )
    assert read_image_records(tree) == []


def test_a_record_of_another_image_leaves_the_photo_uncaptioned() -> None:
    other = [dict(RECORDS[0], src="https://media.example/img/media/9999/0_0_10_10/master/10.jpg")]
    article = extract_article(page(f"var images = {json.dumps(other)};"))
    (photo,) = article.figures
    assert photo.caption is None


def test_the_hero_photo_of_the_metadata_takes_its_caption_from_the_record_of_its_asset() -> None:
    asset = "https://media.example/img/media/0af1c29e5b7d4e8f9a6b3c2d1e0f9a8b"
    hero = {
        "caption": "The trading floor.",
        "credit": "Photograph: Ana Ruiz",
        "src": f"{asset}/0_5_400_300/master/400.jpg",
    }
    html = page(f"var images = {json.dumps([hero, *RECORDS])};").replace(
        "https://media.example/img/media/hero/0_0_1200_630/hero.jpg",
        f"{asset}/0_0_1200_630/master/1200.jpg",
    )
    lead = extract_article(html).lead_image
    assert lead is not None
    assert (lead.caption, lead.credit) == ("The trading floor.", "Ana Ruiz")
