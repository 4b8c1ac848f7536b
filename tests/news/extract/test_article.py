"""extract_article, article_to_json and extract_file on hand-written pages.

Each fixture page in fixtures/pages/ is small and written for one set of behaviours: a news
article with JSON-LD, Open Graph, captioned figures and a YouTube embed; a page of lazily
loaded images; a windows-1252 page; a section front that is not an article; a body carrying
script, event handlers and javascript: links; a chant printed four times, which trafilatura
keeps once; a short story above longer teasers of other stories.
"""

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.article import (
    MAX_PAGE_BYTES,
    MAX_TAGS,
    ExtractionError,
    article_to_json,
    extract_article,
    extract_file,
)
from tickerwire.news.extract.second_opinion import covered, is_doubtful, read_prose
from tickerwire.news.model import Article

PAGES = Path(__file__).parent / "fixtures" / "pages"
NEWS_URL = "https://www.harbour.example/markets/copper-record-2026?ref=feed"
LAZY_URL = "https://zeitung.example/stadt/hafen.html"
CHANT_URL = "https://www.harbour.example/markets/picket-line-song"
RELATED_URL = "https://www.harbour.example/markets/copper-slips"
CHANT = (
    "Sing it low and sing it slow, the tide comes in and the tide will go, and the harbour "
    "keeps what the sailors know."
)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@pytest.fixture(scope="module")
def news() -> Article:
    return extract_article(page("news_article.html"), url=NEWS_URL)


@pytest.fixture(scope="module")
def lazy() -> Article:
    return extract_article(page("lazy_images.html"), url=LAZY_URL)


def test_title_is_the_headline_without_the_site_suffix(news: Article) -> None:
    assert news.title == "Copper hits record as miners strike"


def test_authors_come_from_json_ld_people_with_references_resolved(news: Article) -> None:
    assert news.authors == ["Jane Doe", "John Roe"]


def test_byline_is_the_authors_joined_with_commas(news: Article) -> None:
    assert news.byline == "Jane Doe, John Roe"


def test_published_time_is_converted_to_utc(news: Article) -> None:
    assert news.published == datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


def test_updated_time_comes_from_date_modified(news: Article) -> None:
    assert news.updated == datetime(2026, 3, 2, 11, 40, tzinfo=UTC)


def test_site_name_comes_from_open_graph(news: Article) -> None:
    assert news.site_name == "Harbour Street Journal"


def test_canonical_url_is_resolved_against_the_page_url(news: Article) -> None:
    assert news.canonical_url == "https://www.harbour.example/markets/copper-record-2026"


def test_language_comes_from_the_html_element(news: Article) -> None:
    assert news.lang == "en-GB"


def test_description_comes_from_json_ld(news: Article) -> None:
    assert news.description == "Prices jumped after workers at two large mines walked out."


def test_lead_image_takes_the_json_ld_caption_and_the_page_credit(news: Article) -> None:
    assert news.lead_image is not None
    assert news.lead_image.url == "https://img.harbour.example/copper-hero.jpg"
    assert news.lead_image.caption == "Copper cathodes at a warehouse in Santiago"
    assert news.lead_image.credit == "Ana Ruiz/Harbour"
    assert news.lead_image.alt == "Copper cathodes stacked in a warehouse"


def test_inline_figures_keep_caption_and_credit_in_page_order(news: Article) -> None:
    assert [(f.url, f.caption, f.credit) for f in news.figures] == [
        (
            "https://www.harbour.example/images/lme-floor.jpg",
            "Traders on the floor of the London Metal Exchange.",
            "REUTERS/Peter Nicholls",
        ),
        (
            "https://www.harbour.example/images/mine-truck.jpg",
            "A haul truck at the Escondida mine",
            "AP Photo/Luis Hidalgo",
        ),
    ]


def test_figures_leave_out_the_lead_image_and_related_story_rails(news: Article) -> None:
    urls = [f.url for f in news.figures]
    assert news.lead_image is not None and news.lead_image.url not in urls
    assert not any("unrelated" in url for url in urls)


def test_youtube_embed_becomes_the_video(news: Article) -> None:
    assert news.video is not None
    assert news.video.url == "https://www.youtube.com/embed/dQw4w9WgXcQ"
    assert news.video.title == "Why copper matters"
    assert news.video.provider == "YouTube"
    assert news.video.thumbnail == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"


def test_body_html_holds_the_paragraphs_but_not_the_title_or_images(news: Article) -> None:
    assert news.body_html.startswith("<p>Copper prices rose to a record on Monday")
    assert news.body_html.count("<p>") == 4
    assert "<img" not in news.body_html
    assert "Home" not in news.body_html


def test_text_is_the_body_without_markup(news: Article) -> None:
    assert news.text.startswith("Copper prices rose to a record on Monday")
    assert "fabricators warned" in news.text
    assert "<" not in news.text


def test_lazy_image_is_read_from_data_src_and_resolved_against_the_page(lazy: Article) -> None:
    assert lazy.lead_image is not None
    assert lazy.lead_image.url == "https://zeitung.example/stadt/bilder/kraene.jpg"


def test_lazy_srcset_gives_its_widest_candidate(lazy: Article) -> None:
    assert lazy.figures[0].url == "https://zeitung.example/stadt/bilder/kai-1600.jpg"
    assert (lazy.figures[0].caption, lazy.figures[0].credit) == ("Der Kai", "Max Muster")


def test_picture_source_serves_an_img_without_src(lazy: Article) -> None:
    assert lazy.figures[1].url == "https://cdn.example.net/boot-large.webp"
    assert lazy.figures[1].credit == "Erika Beispiel"


def test_title_is_the_h1_found_inside_the_document_title(lazy: Article) -> None:
    assert lazy.title == "Der Hafen am Abend"


def test_body_trafilatura_cut_short_is_read_again_by_readability_lxml() -> None:
    article = extract_article(page("repeated_chant.html"), url=CHANT_URL)
    assert article.text.count(CHANT) == 4
    assert article.body_html.startswith("<p>They sang it four times over:</p>")
    assert "Home" not in article.text


def test_trafilatura_body_stands_when_readability_lxml_holds_no_more_of_the_prose() -> None:
    html = page("related_stories.html")
    article = extract_article(html, url=RELATED_URL)
    prose = read_prose(LexborHTMLParser(html.decode()))
    assert is_doubtful(prose, covered(prose, article.text)), "the page must be in doubt"
    assert article.text.startswith("Copper fell two per cent on Tuesday")
    assert "warehouses were still ample" in article.text
    assert "Zinc" not in article.text


def test_declared_legacy_encoding_is_decoded() -> None:
    article = extract_article(page("windows_1252.html"), url="https://eco.example/euro")
    assert article.title == "L’euro recule face au dollar"
    assert "jusqu’à 1,03 € pour un dollar" in article.text
    assert article.site_name == "Journal Économique"


def test_french_byline_loses_its_par() -> None:
    article = extract_article(page("windows_1252.html"), url="https://eco.example/euro")
    assert article.byline == "Élodie Marchand"


def test_byte_order_mark_decides_the_encoding() -> None:
    utf16 = page("news_article.html").decode("utf-8").encode("utf-16")
    assert extract_article(utf16, url=NEWS_URL).title == "Copper hits record as miners strike"


def test_page_of_links_is_not_an_article() -> None:
    with pytest.raises(ExtractionError, match="not an article"):
        extract_article(page("not_an_article.html"), url="https://news.example/sections")


def test_blank_document_is_refused() -> None:
    with pytest.raises(ExtractionError, match="empty document"):
        extract_article(b" \n\t ")


def test_page_over_the_size_cap_is_refused_before_parsing() -> None:
    with pytest.raises(ExtractionError, match="too large"):
        extract_article(b"<p>" + b"a" * MAX_PAGE_BYTES)


def test_page_with_too_many_tags_is_refused_before_parsing() -> None:
    with pytest.raises(ExtractionError, match="too complex"):
        extract_article("<div>" * (MAX_TAGS + 1))


def test_scripts_handlers_and_javascript_links_do_not_reach_the_body() -> None:
    article = extract_article(page("hostile_body.html"), url="https://bonds.example/yields")
    lowered = article.body_html.lower()
    for forbidden in ("<script", "onerror", "onclick", "javascript", "srcdoc", "alert", "<iframe"):
        assert forbidden not in lowered
    assert "to 3.9 per cent" in article.text
    assert "injected paragraph" not in article.text


def test_json_has_exactly_the_cli_fields(news: Article) -> None:
    assert set(article_to_json(news, source="page.html")) == {
        "source", "title", "byline", "published", "site_name", "canonical_url", "lang",
        "lead_image", "figures", "video", "body_html", "text",
    }  # fmt: skip


def test_json_writes_times_as_iso_8601_and_images_as_url_caption_credit(news: Article) -> None:
    data = article_to_json(news, source="page.html")
    assert data["published"] == "2026-03-02T08:15:00+00:00"
    assert data["lead_image"] == {
        "url": "https://img.harbour.example/copper-hero.jpg",
        "caption": "Copper cathodes at a warehouse in Santiago",
        "credit": "Ana Ruiz/Harbour",
    }
    assert data["video"]["provider"] == "YouTube"
    assert json.loads(json.dumps(data)) == data


def test_extract_file_reads_a_gzipped_page(tmp_path: Path) -> None:
    path = tmp_path / "copper.html.gz"
    path.write_bytes(gzip.compress(page("news_article.html")))
    result = extract_file(path, url=NEWS_URL)
    assert result["source"] == str(path)
    assert result["title"] == "Copper hits record as miners strike"


def test_extract_file_reports_a_broken_gzip_as_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.html.gz"
    path.write_bytes(gzip.compress(page("news_article.html"))[:200])
    result = extract_file(path)
    assert set(result) == {"source", "error"}
    assert result["source"] == str(path)


def test_extract_file_reports_a_missing_file_as_an_error(tmp_path: Path) -> None:
    assert "error" in extract_file(tmp_path / "absent.html")


def test_extract_file_reports_a_page_that_is_not_an_article(tmp_path: Path) -> None:
    path = tmp_path / "sections.html"
    path.write_bytes(page("not_an_article.html"))
    assert extract_file(path)["error"].startswith("not an article page")
