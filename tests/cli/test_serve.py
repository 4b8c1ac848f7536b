"""``tickerwire serve`` and ``tickerwire worker`` as processes, and what the demo leaves behind."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from support.ports import free_port
from tickerwire import actions
from tickerwire.config import load_settings
from tickerwire.runtime import Runtime


def tickerwire(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tickerwire", *args],
        env=dict(os.environ, TICKERWIRE_DEFAULT_FEEDS="[]", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_worker_polls_until_told_to_stop(tmp_path: Path) -> None:
    worker = tickerwire("worker", "--demo", env={"TICKERWIRE_DATA_DIR": str(tmp_path)})
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tickerwire-demo.sqlite3'}")
    try:
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline and count < 16:
            time.sleep(0.5)
            try:
                with engine.connect() as connection:
                    count = connection.execute(sa.text("select count(*) from quotes")).scalar_one()
            except sa.exc.OperationalError:
                continue  # the schema is not there yet
        assert count == 16
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
        engine.dispose()
    assert worker.returncode == 0, err.decode()


def test_serve_says_which_config_file_it_read_and_that_changes_need_a_restart(
    tmp_path: Path,
) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(f"port = {free_port()}\n")
    env = {"TICKERWIRE_CONFIG": str(config), "TICKERWIRE_DATA_DIR": str(tmp_path)}
    server = tickerwire("serve", "--no-poll", env=env)
    try:
        assert server.stderr is not None
        lines = [server.stderr.readline().decode() for _ in range(3)]
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    settings_line = next(line for line in lines if line.startswith("Settings:"))
    assert str(config) in settings_line and "restart to apply changes" in settings_line


def test_after_the_demo_the_real_database_shows_nothing_simulated(tmp_path: Path) -> None:
    async def demo_then_real() -> tuple[int, int]:
        demo = await Runtime.open(load_settings(data_dir=tmp_path, demo=True, default_feeds=[]))
        try:
            await actions.seed(demo)
            await demo.poller.refresh()
        finally:
            await demo.close()
        real = await Runtime.open(load_settings(data_dir=tmp_path, default_feeds=[]))
        try:
            return len(real.markets.latest_quotes()), len(real.news.latest_articles(limit=50))
        finally:
            await real.close()

    assert asyncio.run(demo_then_real()) == (0, 0)
