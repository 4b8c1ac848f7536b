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


def write_json(path: Path, results: dict[str, Any]) -> None:
    """Results with the command and time that produced them, so a quote can be traced."""
    payload = {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        **results,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
