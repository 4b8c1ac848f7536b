"""Run every benchmark in this folder, one after the other (`make bench`).

Each prints its own table with a baseline measured in the same run; extra arguments are
passed to each (for example `--limit 100` for a quick pass where a bench supports it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = [
    "extraction_accuracy.py",
    "figures_accuracy.py",
    "tagging_accuracy.py",
    "search_latency.py",
    "page_render.py",
]


def main() -> int:
    failed = []
    for name in BENCHES:
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
