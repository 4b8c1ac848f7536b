"""Research exports open in pandas: each dataset as CSV and Parquet, with the documented
columns, narrowed by instruments, entities and days, and bad filters refused whole."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tickerwire import actions
from tickerwire.actions import ActionError, Step
from tickerwire.export.datasets import DATASETS
from tickerwire.runtime import Runtime


def exported(runtime: Runtime, dataset: str, fmt: str = "csv", **filters: object) -> bytes:
    plan = actions.plan_export(runtime, dataset, fmt, **filters)  # type: ignore[arg-type]
    sink = io.BytesIO()
    actions.run_export(runtime, plan, sink)
    return sink.getvalue()


def csv_frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data))


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_a_csv_has_the_documented_columns_in_order(runtime: Runtime, dataset: str) -> None:
    frame = csv_frame(exported(runtime, dataset))
    assert list(frame.columns) == DATASETS[dataset].schema.names


def test_bars_as_parquet_open_in_pandas_with_utc_times(runtime: Runtime) -> None:
    frame = pd.read_parquet(io.BytesIO(exported(runtime, "bars", "parquet", symbols="SPX")))
    assert set(frame["symbol"]) == {"SPX"}
    assert str(frame["start"].dtype) == "datetime64[us, UTC]"
    daily = frame[frame["interval"] == "1d"]
    assert list(daily["close"]) == [6000.0, 6001.0, 6002.0, 6003.0]


def test_csv_and_parquet_of_the_same_rows_read_back_alike(runtime: Runtime) -> None:
    csv = csv_frame(exported(runtime, "bars", "csv", symbols="CL"))
    csv["start"] = pd.to_datetime(csv["start"], utc=True).astype("datetime64[us, UTC]")
    parquet = pd.read_parquet(io.BytesIO(exported(runtime, "bars", "parquet", symbols="CL")))
    pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)


def test_the_parquet_schema_is_the_datasets(runtime: Runtime) -> None:
    table = pq.read_table(io.BytesIO(exported(runtime, "reactions", "parquet")))
    assert table.schema.names == DATASETS["reactions"].schema.names
    assert table.column("move_pct").to_pylist() == [3.0]


def test_days_are_utc_days_both_ends_included(runtime: Runtime) -> None:
    frame = csv_frame(exported(runtime, "bars", since="2026-11-03", until="2026-11-04"))
    assert sorted(set(frame["start"])) == [
        "2026-11-03 00:00:00.000000Z",
        "2026-11-04 00:00:00.000000Z",
    ]


def test_bars_narrow_to_an_interval(runtime: Runtime) -> None:
    frame = csv_frame(exported(runtime, "bars", interval="1m"))
    assert list(frame["close"]) == [6010.0, 6011.0, 6012.0]


def test_articles_carry_metadata_and_tags_but_no_body_by_default(runtime: Runtime) -> None:
    frame = csv_frame(exported(runtime, "articles"))
    assert "text" not in frame.columns
    oil = frame[frame["title"] == "Oil jumps as Russia cuts supply"].iloc[0]
    assert (oil["symbols"], oil["entities"]) == ("CL", "russia")


def test_bodies_come_only_when_asked_for(runtime: Runtime) -> None:
    frame = csv_frame(exported(runtime, "articles", with_bodies=True))
    assert list(frame.columns)[-1] == "text"
    assert "Text of Stocks edge higher." in set(frame["text"])


def test_articles_narrow_to_an_entity_or_an_instrument(runtime: Runtime) -> None:
    by_entity = csv_frame(exported(runtime, "articles", entities="Russia"))
    assert list(by_entity["title"]) == ["Oil jumps as Russia cuts supply"]
    by_symbol = csv_frame(exported(runtime, "articles", symbols="spx"))
    assert list(by_symbol["title"]) == ["Stocks edge higher"]


def test_prices_at_publication_narrow_by_symbol_and_entity(runtime: Runtime) -> None:
    frame = csv_frame(exported(runtime, "prices", symbols="SPX"))
    assert sorted(frame["role"]) == ["benchmark", "tagged"]
    russian = csv_frame(exported(runtime, "prices", entities="russia"))
    assert sorted(russian["symbol"]) == ["CL", "SPX"]


def test_an_export_with_no_rows_still_has_its_header(runtime: Runtime) -> None:
    data = exported(runtime, "articles", since="2020-01-01", until="2020-01-02")
    assert csv_frame(data).empty
    assert data.decode().splitlines()[0].startswith('"article_id","story_id","title"')


def test_rows_are_written_in_batches_with_progress(runtime: Runtime) -> None:
    plan = actions.plan_export(runtime, "bars")
    steps: list[Step] = []
    written = actions.run_export(runtime, plan, io.BytesIO(), steps.append, batch_rows=4)
    assert written == 11
    assert [(s.done, s.total) for s in steps] == [(0, 11), (4, 11), (8, 11), (11, 11)]


@pytest.mark.parametrize(
    ("dataset", "filters", "said"),
    [
        ("trades", {}, "no dataset 'trades': choose bars, articles, prices, reactions"),
        ("bars", {"symbols": "SPX,NOPE"}, "unknown symbols: NOPE"),
        ("bars", {"entities": "russia"}, "bars are not tagged with entities"),
        ("bars", {"since": "30/11/2026"}, "since '30/11/2026' is not a day"),
        ("bars", {"since": "2026-12-01", "until": "2026-11-01"}, "is after until"),
        ("bars", {"fmt": "xlsx"}, "format 'xlsx' is not csv or parquet"),
        ("bars", {"interval": "2m"}, "interval '2m' is not one of"),
        ("prices", {"with_bodies": True}, "bodies come with articles, not prices"),
    ],
)
def test_a_bad_filter_is_refused_in_a_sentence(
    runtime: Runtime, dataset: str, filters: dict[str, object], said: str
) -> None:
    given = dict(filters)
    fmt = str(given.pop("fmt", "csv"))
    with pytest.raises(ActionError, match=said):
        actions.plan_export(runtime, dataset, fmt, **given)  # type: ignore[arg-type]
