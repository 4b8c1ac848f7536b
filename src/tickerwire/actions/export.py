"""Research exports: one plan checked for every door (``tickerwire export``, the export
page's download links, the API), then the rows written in batches to a file or a response.

A plan is checked whole before anything is written, so a bad filter is one sentence and no
half-written file; the columns of each dataset are :mod:`tickerwire.export.datasets`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from tickerwire.actions.common import ActionError, Progress, Step
from tickerwire.export import writer
from tickerwire.export.datasets import DATASETS, Dataset, batches, count
from tickerwire.export.filters import (
    BadFilter,
    ExportFilter,
    Format,
    parse_day,
    parse_format,
    parse_interval,
    parse_list,
)
from tickerwire.runtime import Runtime

BATCH_ROWS = 10_000
"""Rows read and written at once: a batch of articles with tags is a few megabytes."""
EXPORT_DATASETS = tuple(DATASETS)


@dataclass(frozen=True)
class ExportPlan:
    dataset: Dataset
    format: Format
    filter: ExportFilter

    @property
    def filename(self) -> str:
        return f"tickerwire-{self.dataset.name}.{self.format.value}"

    @property
    def media_type(self) -> str:
        return "text/csv" if self.format is Format.CSV else "application/vnd.apache.parquet"


def plan_export(
    runtime: Runtime,
    dataset: str,
    fmt: str = "csv",
    *,
    symbols: str | None = None,
    entities: str | None = None,
    since: str | None = None,
    until: str | None = None,
    interval: str | None = None,
    with_bodies: bool = False,
) -> ExportPlan:
    """An export of ``dataset`` checked whole: every filter as the reader wrote it (lists
    comma-separated, days ``YYYY-MM-DD``), refused in one sentence when it cannot be used."""
    chosen = DATASETS.get(dataset.lower())
    if chosen is None:
        raise ActionError(f"no dataset {dataset!r}: choose {', '.join(EXPORT_DATASETS)}")
    try:
        plan = ExportPlan(
            chosen,
            parse_format(fmt),
            ExportFilter(
                symbols=tuple(s.upper() for s in parse_list(symbols)),
                entities=tuple(e.lower() for e in parse_list(entities)),
                since=parse_day("since", since),
                until=parse_day("until", until),
                interval=parse_interval(interval),
                with_bodies=with_bodies,
            ),
        )
    except BadFilter as error:
        raise ActionError(str(error)) from None
    _check_fits(runtime, plan)
    return plan


def _check_fits(runtime: Runtime, plan: ExportPlan) -> None:
    name, chosen = plan.dataset.name, plan.filter
    unknown = [s for s in chosen.symbols if s not in runtime.registry]
    if unknown:
        raise ActionError(f"unknown symbols: {', '.join(unknown)}")
    if chosen.entities and not plan.dataset.takes_entities:
        raise ActionError(f"{name} are not tagged with entities; leave out entities")
    if chosen.interval is not None and name != "bars":
        raise ActionError(f"an interval narrows bars, not {name}")
    if chosen.with_bodies and name != "articles":
        raise ActionError(f"bodies come with articles, not {name}")


def run_export(
    runtime: Runtime,
    plan: ExportPlan,
    sink: BinaryIO,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> int:
    """Write the plan's rows to ``sink`` in batches of ``batch_rows``; how many rows were
    written."""
    written = 0
    with runtime.engine.connect() as connection:
        total = count(connection, plan.dataset, plan.filter)
        label = f"{plan.dataset.name} rows"
        if progress is not None:
            progress(Step(0, total, label))
        rows = batches(connection, plan.dataset, plan.filter, batch_rows)
        schema = plan.dataset.schema_for(plan.filter)
        for written in writer.write(plan.format, sink, schema, rows):
            if progress is not None:
                progress(Step(written, max(total, written), label))
    return written
