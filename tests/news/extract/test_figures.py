"""Figure recovery from the page: captions, credits, lazy images, the lead image."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.figures import image_url, lead_image, read_figures, split_credit
from tickerwire.news.extract.jsonld import read_linked_data
from tickerwire.news.extract.page_text import read_meta_tags
from tickerwire.news.model import Figure

BASE = "https://news.example/world/story.html"


def figures_of(html: str) -> list[Figure]:
    return read_figures(LexborHTMLParser(html), BASE)


def first_img_url(html: str) -> str | None:
    img = LexborHTMLParser(html).css_first("img")
    assert img is not None
    return image_url(img, BASE)


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Dealers at work. Photo: Ana Ruiz", ("Dealers at work", "Ana Ruiz")),
        ("Dealers at work. Photograph by Ana Ruiz", ("Dealers at work", "Ana Ruiz")),
        ("Dealers at work © Ana Ruiz", ("Dealers at work", "Ana Ruiz")),
        ("Dealers at work. REUTERS/Ana Ruiz", ("Dealers at work.", "REUTERS/Ana Ruiz")),
        ("Dealers at work (AP Photo/Ana Ruiz)", ("Dealers at work", "AP Photo/Ana Ruiz")),
        ("Dealers at work | Ana Ruiz/Getty Images", ("Dealers at work", "Ana Ruiz/Getty Images")),
        ("Bild: dpa", (None, "dpa")),
        ("Dealers at work on the floor", ("Dealers at work on the floor", None)),
        ("Credit Ana Ruiz/Example Wire", (None, "Ana Ruiz/Example Wire")),
        ("Credit Credit Ana Ruiz/Example Wire", (None, "Ana Ruiz/Example Wire")),
        ("Credit Ana Ruiz", (None, "Ana Ruiz")),
        ("Credit Suisse shares fell on the news", ("Credit Suisse shares fell on the news", None)),
        ("Credit Ana Ruiz for The Daily Example", (None, "Ana Ruiz for The Daily Example")),
        (
            "A trader at work. Ana Ruiz for The Daily Example",
            ("A trader at work.", "Ana Ruiz for The Daily Example"),
        ),
        (
            "Photo Illustration by Ana Ruiz for The Daily Example",
            (None, "Photo Illustration by Ana Ruiz for The Daily Example"),
        ),
        (
            "Un operador. Ana Ruiz para El Diario Ejemplo",
            ("Un operador.", "Ana Ruiz para El Diario Ejemplo"),
        ),
        (
            "Dealers at work. Ana Ruiz / AFP - Getty Images",
            ("Dealers at work.", "Ana Ruiz / AFP - Getty Images"),
        ),
        ("Dealers at work. (AFP)", ("Dealers at work.", "AFP")),
        ("Dealers at work. Image: Example Wire", ("Dealers at work", "Example Wire")),
        ("Dealers at work. Source: Example Exchange", ("Dealers at work", "Example Exchange")),
    ],
)
def test_credit_is_split_off_the_caption_text(
    caption: str, expected: tuple[str | None, str | None]
) -> None:
    assert split_credit(caption) == expected


def test_credit_element_inside_the_figure_wins_over_caption_text() -> None:
    [figure] = figures_of(
        '<figure><img src="/a.jpg"><figcaption>The harbour at dawn '
        '<small class="image-credit">Jo Smith</small></figcaption></figure>'
    )
    assert (figure.caption, figure.credit) == ("The harbour at dawn", "Jo Smith")


def test_a_chart_credit_loses_its_label_too() -> None:
    [figure] = figures_of(
        '<figure><img src="/c.png"><figcaption>Index level.'
        ' <span class="credit">Chart: Example Wire</span></figcaption></figure>'
    )
    assert (figure.caption, figure.credit) == ("Index level.", "Example Wire")


def test_credit_element_loses_its_credit_label() -> None:
    [figure] = figures_of(
        '<figure><img src="/a.jpg"><figcaption>Dealers.</figcaption>'
        '<span class="credit">Credit Harry Campbell</span></figure>'
    )
    assert figure.credit == "Harry Campbell"


def test_images_drawn_tiny_are_decoration_not_figures() -> None:
    assert figures_of('<figure><img src="/rule.png" width="464" height="2"></figure>') == []


def test_wordpress_caption_block_is_a_figure() -> None:
    [figure] = figures_of(
        '<div class="wp-caption"><img src="/b.jpg" alt="B">'
        '<p class="wp-caption-text">A bridge. Foto: Max Muster</p></div>'
    )
    assert figure == Figure(
        url="https://news.example/b.jpg", caption="A bridge", credit="Max Muster", alt="B"
    )


def test_the_same_image_is_listed_once() -> None:
    html = '<figure><img src="/c.jpg"></figure><figure><img src="/c.jpg"></figure>'
    assert len(figures_of(html)) == 1


def test_figure_without_a_usable_image_is_skipped() -> None:
    assert (
        figures_of('<figure><img src="javascript:alert(1)"><figcaption>x</figcaption></figure>')
        == []
    )


def test_figures_inside_navigation_and_asides_are_skipped() -> None:
    html = (
        '<nav><figure><img src="/logo.png"></figure></nav>'
        '<aside><figure><img src="/ad.png"></figure></aside>'
        '<div class="most-popular"><figure><img src="/pop.png"></figure></div>'
    )
    assert figures_of(html) == []


def test_real_src_is_kept_when_it_is_not_a_placeholder() -> None:
    assert first_img_url('<img src="/real.jpg" data-src="/other.jpg">') == (
        "https://news.example/real.jpg"
    )


def test_placeholder_src_gives_way_to_the_lazy_attribute() -> None:
    assert first_img_url('<img src="/img/blank.gif" data-lazy-src="/real.jpg">') == (
        "https://news.example/real.jpg"
    )


def test_protocol_relative_urls_become_https() -> None:
    assert first_img_url('<img src="//cdn.example/x.jpg">') == "https://cdn.example/x.jpg"


def test_lead_image_falls_back_to_og_image_with_its_alt() -> None:
    tree = LexborHTMLParser(
        '<meta property="og:image" content="/hero.jpg">'
        '<meta property="og:image:alt" content="A ship">'
    )
    lead = lead_image(read_meta_tags(tree), read_linked_data(tree), [], BASE)
    assert lead == Figure(
        url="https://news.example/hero.jpg", caption=None, credit=None, alt="A ship"
    )


@pytest.mark.parametrize(
    ("og_image", "figure_src"),
    [
        (
            "https://proxy.example/resize/1200x0/?url=https%3A%2F%2Forigin.example%2Fp%2Fport.jpg",
            "https://origin.example/p/port.jpg",
        ),
        (
            "https://img.example/2026/03/merlin_164275284_1ba88126-facebookJumbo.jpg",
            "https://img.example/2026/03/merlin_164275284_1ba88126-articleLarge.jpg",
        ),
        ("https://img.example/im-75811?width=1280", "https://img.example/im-75811?width=620"),
    ],
)
def test_lead_image_takes_the_caption_of_another_rendition_in_the_page(
    og_image: str, figure_src: str
) -> None:
    html = (
        f'<meta property="og:image" content="{og_image}">'
        f'<figure><img src="{figure_src}">'
        "<figcaption>The port. Photo: Jo Smith</figcaption></figure>"
    )
    tree = LexborHTMLParser(html)
    figures = read_figures(tree, BASE)
    lead = lead_image(read_meta_tags(tree), read_linked_data(tree), figures, BASE)
    assert lead is not None and (lead.caption, lead.credit) == ("The port", "Jo Smith")


def test_different_pictures_in_one_folder_are_not_renditions_of_each_other() -> None:
    html = (
        '<meta property="og:image" content="https://img.example/2026/03/harbour.jpg">'
        '<figure><img src="https://img.example/2026/03/crane.jpg"><figcaption>A crane</figcaption>'
        "</figure>"
    )
    tree = LexborHTMLParser(html)
    lead = lead_image(read_meta_tags(tree), read_linked_data(tree), read_figures(tree, BASE), BASE)
    assert lead is not None and lead.caption is None


def test_lead_image_credit_comes_from_json_ld_image_object() -> None:
    tree = LexborHTMLParser(
        '<script type="application/ld+json">{"@type": "NewsArticle", "image": '
        '{"@type": "ImageObject", "url": "https://img.example/h.jpg", "caption": "Port",'
        ' "copyrightHolder": {"@type": "Organization", "name": "Harbour Photos"}}}</script>'
    )
    lead = lead_image(read_meta_tags(tree), read_linked_data(tree), [], BASE)
    assert lead == Figure("https://img.example/h.jpg", "Port", "Harbour Photos", None)


def test_renditions_of_one_picture_count_as_the_same_image() -> None:
    from tickerwire.news.extract.figures import _same_image

    base = "https://static.example/images/2026/11/20/business/merlin_164275284_0af1"
    assert _same_image(f"{base}-superJumbo.jpg", f"{base}-articleLarge.jpg")
    assert _same_image(f"{base}_1200x800.jpg", f"{base}_600x400.jpg")


def test_renditions_named_after_their_folder_count_as_the_same_image() -> None:
    from tickerwire.news.extract.figures import _same_image

    base = "https://static.example/images/2026/11/20/world/20PORT-1/20PORT-1"
    assert _same_image(f"{base}-facebookJumbo.jpg", f"{base}-master768.jpg")


def test_renditions_that_differ_in_the_middle_count_as_the_same_image() -> None:
    from tickerwire.news.extract.figures import _same_image

    base = "https://img.example/dam/2026/11/20/PICT000146889449"
    assert _same_image(f"{base}-xlarge_trans_AbCdEf.jpeg", f"{base}_trans_AbCdEf.jpeg")


def test_a_bare_picture_number_matches_the_named_rendition_that_contains_it() -> None:
    from tickerwire.news.extract.figures import _same_image

    folder = "https://img.example/fotos/77"
    assert _same_image(f"{folder}/2585177.jpg", f"{folder}/harbour-strike-2585177w280.jpg")
    assert not _same_image(f"{folder}/2585177.jpg", f"{folder}/harbour-strike-2585178w280.jpg")


def test_slug_named_different_pictures_are_not_merged() -> None:
    from tickerwire.news.extract.figures import _same_image

    base = "https://static.example/img/fed-holds-rates-steady"
    assert not _same_image(f"{base}-lead.jpg", f"{base}-chart.png")
    assert not _same_image(f"{base}-trader.jpg", f"{base}-podium.jpg")
