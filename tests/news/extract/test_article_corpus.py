"""extract_file over a sample of the real article pages in the shared corpus (read in place).

No page may make an exception escape; nearly all must come out as articles with a body.
Accuracy against the corpus ground truth is measured by bench/extraction_accuracy.py; only
Readability's metadata test pages, each written for one rule of meta tag precedence, are
checked here one by one.
"""

import json
from pathlib import Path

import pytest

from tickerwire.news.extract.article import extract_article, extract_file

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "articles"
READABILITY_PAGES = CORPUS / "readability" / "test-pages"
METADATA_PAGES = ("003-metadata-preferred", "004-metadata-space-separated-properties")
PER_CORPUS = 20

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"shared article corpus not found at {CORPUS}"
)


def _every_nth(paths: list[Path]) -> list[Path]:
    step = max(1, len(paths) // PER_CORPUS)
    return paths[::step][:PER_CORPUS]


def _sample() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return [
        *_every_nth(sorted((CORPUS / "readability" / "test-pages").glob("*/source.html"))),
        *_every_nth(sorted((CORPUS / "article-extraction-benchmark" / "html").glob("*.gz"))),
        *_every_nth(sorted((CORPUS / "trafilatura" / "pages").glob("*.gz"))),
    ]


@pytest.fixture(scope="module")
def results() -> list[dict[str, object]]:
    return [extract_file(path, url="https://corpus.example/page.html") for path in _sample()]


def test_every_sampled_page_gives_an_article_or_an_error(results: list[dict[str, object]]) -> None:
    assert len(results) == 3 * PER_CORPUS
    for result in results:
        assert isinstance(result.get("error"), str) or isinstance(result.get("text"), str)
        json.dumps(result)


def test_nearly_every_sampled_page_is_an_article_with_a_body(
    results: list[dict[str, object]],
) -> None:
    with_body = [r for r in results if r.get("text")]
    assert len(with_body) >= 0.9 * len(results), [r for r in results if "error" in r]


@pytest.mark.parametrize("name", METADATA_PAGES)
def test_readability_metadata_pages_give_their_expected_title_and_byline(name: str) -> None:
    folder = READABILITY_PAGES / name
    expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    article = extract_article((folder / "source.html").read_bytes(), url="http://fakehost/")
    assert (article.title, article.byline) == (expected["title"], expected["byline"])
