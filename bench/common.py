"""What every bench shares: the load average printed beside its figures, and its results
written as JSON for a note to quote."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: on a shared machine they say how far a speed
    figure measured beside them can be trusted."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine_ticks() -> tuple[int, int]:
    """All CPUs' (busy, total) clock ticks since boot, from /proc/stat: two readings give
    how busy the whole machine was between them, whoever kept it busy."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return sum(fields) - idle, sum(fields)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of all CPUs' time that was busy between two :func:`machine_ticks`."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total else 0.0


def write_json(path: Path, results: dict[str, Any]) -> None:
    """Results with the command and time that produced them, so a quote can be traced."""
    payload = {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        **results,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
