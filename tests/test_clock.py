"""One clock: every "now" in Tickerwire comes from the injected ``Clock``, so a test or a
replay at a fixed moment sees the same pages, schedules and wording every time."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "tickerwire"
WALL_CLOCK = re.compile(r"\bdatetime\.now\(|\bdatetime\.utcnow\(|\btime\.time\(|\bdate\.today\(")


def test_only_the_default_clock_reads_the_wall_clock() -> None:
    readers = sorted(
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WALL_CLOCK.search(line)
    )
    assert readers == ["types.py:13"]
