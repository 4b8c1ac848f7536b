"""Download links: the export page makes one from its form without JavaScript, and the
API's link sends a file that opens in pandas; a bad filter is a 400 that says why."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.runtimes import opened_runtime
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime.settings, runtime=runtime)) as client:
        yield client


def test_the_form_makes_a_download_link_that_keeps_its_filters(client: TestClient) -> None:
    page = client.get("/export", params={"dataset": "bars", "format": "parquet", "symbols": "CL"})
    assert page.status_code == 200
    link = HTMLParser(page.text).css_first(".form-message a")
    assert link.attributes["href"] == "/api/v1/export/bars.parquet?symbols=CL"
    assert link.text() == "tickerwire-bars.parquet"


def test_a_bad_filter_in_the_form_is_a_400_that_says_why(client: TestClient) -> None:
    page = client.get("/export", params={"dataset": "bars", "entities": "russia"})
    assert page.status_code == 400
    error = HTMLParser(page.text).css_first(".form-error").text()
    assert "bars are not tagged with entities" in error


def test_the_empty_form_links_every_whole_dataset(client: TestClient) -> None:
    tree = HTMLParser(client.get("/export").text)
    hrefs = {a.attributes["href"] for a in tree.css("li a[download]")}
    assert "/api/v1/export/reactions.csv" in hrefs and "/api/v1/export/articles.parquet" in hrefs


def test_a_download_opens_in_pandas(client: TestClient) -> None:
    answer = client.get("/api/v1/export/articles.parquet", params={"entities": "russia"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.apache.parquet"
    assert 'filename="tickerwire-articles.parquet"' in answer.headers["content-disposition"]
    frame = pd.read_parquet(io.BytesIO(answer.content))
    assert list(frame["title"]) == ["Oil jumps as Russia cuts supply"]


def test_a_csv_download_has_bodies_only_when_asked(client: TestClient) -> None:
    plain = pd.read_csv(io.BytesIO(client.get("/api/v1/export/articles.csv").content))
    assert "text" not in plain.columns
    answer = client.get("/api/v1/export/articles.csv", params={"with_bodies": "true"})
    assert "text" in pd.read_csv(io.BytesIO(answer.content)).columns


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/api/v1/export/trades.csv", "no dataset 'trades'"),
        ("/api/v1/export/bars.xlsx", "format 'xlsx' is not csv or parquet"),
        ("/api/v1/export/bars.csv?until=tomorrow", "until 'tomorrow' is not a day"),
    ],
)
def test_a_bad_download_is_a_400_that_says_why(client: TestClient, path: str, said: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 400
    assert said in answer.json()["detail"]


def test_on_a_private_site_downloads_need_a_member(database_url: str) -> None:
    settings = Settings(
        database_url=database_url, poller_enabled=False, accounts={"private_site": True}
    )
    with (
        opened_runtime(settings) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        assert client.get("/api/v1/export/bars.csv").status_code == 401
        assert client.get("/export", follow_redirects=False).status_code == 303
