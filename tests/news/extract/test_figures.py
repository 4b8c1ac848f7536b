"""Figure recovery from the page: captions, credits, lazy images, the lead image."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.figures import (
    image_url,
    lead_image,
    read_figures,
    split_credit,
    without_lead,
)
from tickerwire.news.extract.jsonld import read_linked_data
from tickerwire.news.extract.page_text import read_meta_tags
from tickerwire.news.model import Figure, ImageSource
from tickerwire.news.srcset import MAX_CANDIDATES

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
    from tickerwire.news.extract.figures import same_image

    base = "https://static.example/images/2026/11/20/business/merlin_164275284_0af1"
    assert same_image(f"{base}-superJumbo.jpg", f"{base}-articleLarge.jpg")
    assert same_image(f"{base}_1200x800.jpg", f"{base}_600x400.jpg")


def test_renditions_named_after_their_folder_count_as_the_same_image() -> None:
    from tickerwire.news.extract.figures import same_image

    base = "https://static.example/images/2026/11/20/world/20PORT-1/20PORT-1"
    assert same_image(f"{base}-facebookJumbo.jpg", f"{base}-master768.jpg")


def test_crops_of_one_stored_asset_count_as_the_same_image() -> None:
    from tickerwire.news.extract.figures import same_image

    asset = "https://media.example/img/media/0af1c29e5b7d4e8f9a6b3c2d1e0f9a8b7c6d5e4f"
    assert same_image(f"{asset}/0_507_4039_2693/master/4039.jpg", f"{asset}/0_0_4800/4800.jpg")
    other = "https://media.example/img/media/1bf1c29e5b7d4e8f9a6b3c2d1e0f9a8b7c6d5e4f"
    assert not same_image(f"{asset}/0_0_10_10/master/10.jpg", f"{other}/0_0_10_10/master/10.jpg")


def test_renditions_that_differ_in_the_middle_count_as_the_same_image() -> None:
    from tickerwire.news.extract.figures import same_image

    base = "https://img.example/dam/2026/11/20/PICT000146889449"
    assert same_image(f"{base}-xlarge_trans_AbCdEf.jpeg", f"{base}_trans_AbCdEf.jpeg")


def test_a_bare_picture_number_matches_the_named_rendition_that_contains_it() -> None:
    from tickerwire.news.extract.figures import same_image

    folder = "https://img.example/fotos/77"
    assert same_image(f"{folder}/2585177.jpg", f"{folder}/harbour-strike-2585177w280.jpg")
    assert not same_image(f"{folder}/2585177.jpg", f"{folder}/harbour-strike-2585178w280.jpg")


def test_slug_named_different_pictures_are_not_merged() -> None:
    from tickerwire.news.extract.figures import same_image

    base = "https://static.example/img/fed-holds-rates-steady"
    assert not same_image(f"{base}-lead.jpg", f"{base}-chart.png")
    assert not same_image(f"{base}-trader.jpg", f"{base}-podium.jpg")


def test_a_figure_keeps_the_widths_its_page_offered_and_shows_the_one_nearest_1200() -> None:
    [figure] = figures_of(
        '<figure><img src="/a-640.jpg" srcset="/a-2000.jpg 2000w, /a-400.jpg 400w,'
        ' /a-1080.jpg 1080w"><figcaption>The port. Photo: Jo Smith</figcaption></figure>'
    )
    assert figure.sources == (
        ImageSource("https://news.example/a-400.jpg", 400),
        ImageSource("https://news.example/a-1080.jpg", 1080),
        ImageSource("https://news.example/a-2000.jpg", 2000),
    )
    assert figure.url == "https://news.example/a-1080.jpg"
    assert (figure.caption, figure.credit) == ("The port", "Jo Smith")


def test_an_image_without_widths_keeps_its_src_and_no_sources() -> None:
    [figure] = figures_of('<figure><img src="/a.jpg" srcset="/a.jpg 1x, /a@2x.jpg 2x"></figure>')
    assert (figure.url, figure.sources) == ("https://news.example/a.jpg", ())


def test_hostile_and_placeholder_candidates_are_not_renditions() -> None:
    [figure] = figures_of(
        '<figure><img src="/a.jpg" srcset="data:image/gif;base64,R0lGOD,lhAQ 10w,'
        " javascript:alert(1) 20w, /img/blank.gif 30w, https://cdn.example/w_800,c_fill/a.jpg"
        ' 800w"></figure>'
    )
    assert figure.sources == (ImageSource("https://cdn.example/w_800,c_fill/a.jpg", 800),)


def test_a_page_cannot_make_a_figure_carry_endless_renditions() -> None:
    srcset = ", ".join(f"/a-{w}.jpg {w}w" for w in range(100, 100 + 500))
    [figure] = figures_of(f'<figure><img src="/a.jpg" srcset="{srcset}"></figure>')
    assert len(figure.sources) == MAX_CANDIDATES


def test_a_picture_gives_the_widths_of_its_source_for_every_screen_in_a_format_we_serve() -> None:
    [figure] = figures_of(
        "<figure><picture>"
        '<source type="image/avif" srcset="/a-800.avif 800w">'
        '<source media="(max-width: 600px)" srcset="/crop-400.jpg 400w">'
        '<source type="image/webp" srcset="/a-800.webp 800w, /a-1600.webp 1600w">'
        '<img src="/a.jpg"></picture></figure>'
    )
    assert [s.url.rsplit("/", 1)[1] for s in figure.sources] == ["a-800.webp", "a-1600.webp"]


def test_a_lazy_srcset_wins_over_the_placeholder_in_srcset() -> None:
    [figure] = figures_of(
        '<figure><img src="/blank.gif" srcset="/blank.gif 1w"'
        ' data-srcset="/a-600.jpg 600w, /a-1200.jpg 1200w"></figure>'
    )
    assert figure.url == "https://news.example/a-1200.jpg"
    assert [s.width for s in figure.sources] == [600, 1200]


def test_the_lead_image_named_by_one_of_a_figures_widths_takes_them_all() -> None:
    html = (
        '<meta property="og:image" content="https://img.example/port_og.jpg">'
        '<figure><img src="https://img.example/p/port-small.jpg"'
        ' srcset="https://img.example/port_og.jpg 1200w, https://img.example/p/x-600.jpg 600w">'
        "<figcaption>The port. Photo: Jo Smith</figcaption></figure>"
    )
    tree = LexborHTMLParser(html)
    figures = read_figures(tree, BASE)
    lead = lead_image(read_meta_tags(tree), read_linked_data(tree), figures, BASE)
    assert lead is not None and lead.credit == "Jo Smith"
    assert [s.width for s in lead.sources] == [600, 1200]
    assert without_lead(figures, lead) == []


def test_a_schema_org_copyright_holder_is_the_credit_without_its_label_words() -> None:
    """Hashed class names say nothing; ``itemprop`` still marks the credit, and the page's
    visually hidden "Credit" label (printed twice) is not part of the name."""
    (found,) = figures_of(
        '<figure><img src="/harbour.jpg"><figcaption><span class="x1a">Boats at dawn.</span>'
        '<span itemprop="copyrightHolder" class="x2b"><span>Credit</span><span>'
        "<span>Credit</span><span>Lena Ortiz/Example Wire</span></span></span>"
        "</figcaption></figure>"
    )
    assert (found.caption, found.credit) == ("Boats at dawn.", "Lena Ortiz/Example Wire")


@pytest.mark.parametrize("prop", ["creator", "author"])
def test_a_creator_or_author_inside_a_figure_is_its_credit(prop: str) -> None:
    (found,) = figures_of(
        f'<figure><img src="/harbour.jpg"><figcaption>Boats at dawn. <span itemprop="{prop}">'
        "Photo: Lena Ortiz</span></figcaption></figure>"
    )
    assert (found.caption, found.credit) == ("Boats at dawn.", "Lena Ortiz")


@pytest.mark.parametrize(
    ("figcaption", "credit"),
    [
        ("Lena Ortiz/Example Wire", "Lena Ortiz/Example Wire"),
        ("Getty Images", "Getty Images"),
        ("harbourpictures.com", "harbourpictures.com"),
        ("Photo by Lena Ortiz", "Lena Ortiz"),
        ("Credit Lena Ortiz", "Lena Ortiz"),
        ("Lena Ortiz for The Example Times", "Lena Ortiz for The Example Times"),
        ("Image: Harbour Authority", "Harbour Authority"),
    ],
)
def test_a_figcaption_that_is_only_a_credit_is_a_credit_with_no_caption(
    figcaption: str, credit: str
) -> None:
    (found,) = figures_of(
        f'<figure><img src="/harbour.jpg"><figcaption><span class="c7">{figcaption}</span>'
        "</figcaption></figure>"
    )
    assert (found.caption, found.credit) == (None, credit)


@pytest.mark.parametrize("figcaption", ["2012", "Key", "From our 2011 research", "Harbour"])
def test_a_short_real_caption_is_not_taken_for_a_credit(figcaption: str) -> None:
    (found,) = figures_of(
        f'<figure><img src="/harbour.jpg"><figcaption>{figcaption}</figcaption></figure>'
    )
    assert (found.caption, found.credit) == (figcaption, None)


def test_a_figcaption_that_is_only_an_empty_credit_label_gives_nothing() -> None:
    (found,) = figures_of(
        '<figure><img src="/harbour.jpg"><figcaption><span>Credit</span></figcaption></figure>'
    )
    assert (found.caption, found.credit) == (None, None)


def test_caption_and_credit_spans_inside_a_figcaption_are_read_apart() -> None:
    """A credit word that also opens the caption ("Harbour ...", credit "Harbour") must
    not be cut out of the caption."""
    (found,) = figures_of(
        '<figure><img src="/harbour.jpg" width="570" height="0"><figcaption>'
        '<span class="caption"><p>Harbour boats at dawn.</p></span>'
        '<span class="credit"> Harbour </span></figcaption></figure>'
    )
    assert (found.caption, found.credit) == ("Harbour boats at dawn.", "Harbour")


def test_a_figure_remembers_the_paragraph_it_stood_before() -> None:
    (found,) = figures_of(
        "<p>A summary the body extractor may well drop.</p>"
        '<figure><img src="/harbour.jpg"><figcaption>Boats.</figcaption></figure>'
        "<p>By A. Reporter</p>"
        "<p>The first paragraph of the story proper, long enough to be one.</p>"
    )
    assert found.follows == "A summary the body extractor may well drop."
    assert found.precedes == "The first paragraph of the story proper, long enough to be one."
