"""docs/export.md documents exactly the columns, in order and with their types, that each
dataset's files carry."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest

from tickerwire.export.datasets import DATASETS, UTC_TIME
from tickerwire.export.filters import ExportFilter

DOC = Path(__file__).resolve().parents[2] / "docs" / "export.md"
WORDS = {
    pa.string(): "string",
    pa.float64(): "float64",
    pa.int64(): "int64",
    pa.bool_(): "bool",
    UTC_TIME: "timestamp",
}


def documented(dataset: str) -> list[tuple[str, str]]:
    section = DOC.read_text().split(f"### {dataset}\n", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `(\w+)` \| (\w+) \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_the_documented_columns_are_the_files(dataset: str) -> None:
    chosen = ExportFilter(with_bodies=dataset == "articles")
    schema = DATASETS[dataset].schema_for(chosen)
    assert documented(dataset) == [(f.name, WORDS[f.type]) for f in schema]
