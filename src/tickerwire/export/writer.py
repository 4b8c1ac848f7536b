"""Batches of rows written as CSV or Parquet with pyarrow, one batch in memory at a time.

pyarrow writes both formats from the same typed schema (times as UTC timestamps, prices as
float64), so a CSV and a Parquet export of the same rows read back alike. CSV times read
``2026-11-30 15:30:00.000000Z`` (ISO 8601, UTC); an empty cell is a missing value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, Protocol

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tickerwire.export.filters import Format

Columns = dict[str, list[Any]]


class BatchWriter(Protocol):
    def write_batch(self, batch: pa.RecordBatch) -> None: ...


@contextmanager
def _opened(fmt: Format, sink: BinaryIO, schema: pa.Schema) -> Iterator[BatchWriter]:
    if fmt is Format.PARQUET:
        with pq.ParquetWriter(sink, schema, compression="zstd") as parquet:
            yield parquet
    else:
        with pa_csv.CSVWriter(sink, schema) as csv:
            yield csv


def write(
    fmt: Format, sink: BinaryIO, schema: pa.Schema, batches: Iterable[Columns]
) -> Iterator[int]:
    """Write every batch to ``sink``; yields the running row count after each batch (for a
    progress bar). A file with no rows still has its header (CSV) or schema (Parquet)."""
    written = 0
    with _opened(fmt, sink, schema) as writer:
        for columns in batches:
            batch = pa.RecordBatch.from_pydict(columns, schema=schema)
            writer.write_batch(batch)
            written += batch.num_rows
            yield written
