"""Run every benchmark in this folder, one after the other (`make bench`).

Each prints its own table with a baseline measured in the same run. For a quick pass,
`--limit N` is passed on to the benches that read a corpus page by page (LIMITED), where it
caps the pages read; the others always run whole.
"""

from __future__ import annotations

import argparse
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
    "ingestion.py",
    "feeds_refresh.py",
    "http_pages.py",  # these two install nginx, wrk and nchan with apt-get when missing
    "stream_fanout.py",
]
LIMITED = {"extraction_accuracy.py", "figures_accuracy.py"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus, where read")
    args = parser.parse_args(argv)
    failed = []
    for name in BENCHES:
        print(f"\n=== {name} ===", flush=True)
        limit = ["--limit", str(args.limit)] if args.limit and name in LIMITED else []
        if subprocess.run([sys.executable, str(HERE / name), *limit], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
