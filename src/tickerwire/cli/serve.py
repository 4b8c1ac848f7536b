"""``tickerwire serve`` and ``tickerwire worker``: the long-running processes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

import click

from tickerwire import actions, logs
from tickerwire.cli.common import engine_for, errors, fail, outside, run, settings_from
from tickerwire.config import config_file_path, default_config_file
from tickerwire.jobs.engine import WorkerStopped
from tickerwire.jobs.runner import run_background, uses_job_engine
from tickerwire.runtime import Runtime

DEMO_HELP = "Simulated quotes and sample news, in their own database; no network needed."


def _settings_source() -> str:
    """Where this process's settings came from, said at start: they are read only then."""
    path = config_file_path()
    if path is None:
        return f"defaults and TICKERWIRE_* variables (no {default_config_file()})"
    return f"{path} and TICKERWIRE_* variables"


@click.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--demo", is_flag=True, default=None, help=DEMO_HELP)
@click.option("--no-poll", is_flag=True, help="Serve stored data only; start no pollers.")
@click.pass_context
def serve(
    ctx: click.Context, host: str | None, port: int | None, demo: bool | None, no_poll: bool
) -> None:
    """Run the portal: web server, scheduler and pollers in one process."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from tickerwire.web.app import create_app
    from tickerwire.web.serving import PortalServer

    settings = settings_from(
        ctx, host=host, port=port, demo=demo, poller_enabled=False if no_poll else None
    )
    logs.configure(settings.logs)
    with engine_for(settings):
        pass  # migrate before serving, so a database problem is a sentence, not a traceback
    mode = "SIMULATED demo data" if settings.demo else " → ".join(settings.providers.order)
    for line in (
        f"Tickerwire on http://{settings.host}:{settings.port}  (quotes: {mode})",
        f"Database: {settings.effective_database_url}",
        f"Settings: {_settings_source()}; read at start, restart to apply changes",
    ):
        errors.print(outside(line), soft_wrap=True)
    verbose = ctx.find_root().params.get("verbose", False)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info" if verbose else "warning",
        log_config=None,  # uvicorn's lines go through our handlers, format and request id
        access_log=verbose,  # a line per request costs more than a page from the cache
    )
    server = PortalServer(config, app)
    with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run does
        server.run()
    if not server.started:  # uvicorn has said why
        sys.exit(STARTUP_FAILURE)


@click.command()
@click.option("--demo", is_flag=True, default=None, help=DEMO_HELP)
@click.pass_context
def worker(ctx: click.Context, demo: bool | None) -> None:
    """Run the background work (quotes, feeds, article pages) without a web server.

    For scale-out: any number of workers and several `serve --no-poll` web processes on
    one PostgreSQL database, with TICKERWIRE_REDIS_URL set so quotes reach every web
    process. On PostgreSQL the work is jobs of the job engine (procrastinate), which the
    workers share: add or kill workers at will; a job that dies with its worker runs again.
    On SQLite the worker runs the work itself, as `serve` would.
    """
    settings = settings_from(ctx, demo=demo)
    logs.configure(settings.logs)
    run(settings, _work)


async def _work(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    how = (
        "taking jobs from the job engine (procrastinate on PostgreSQL)"
        if uses_job_engine(runtime.settings)
        else "polling quotes and the feeds due"
    )
    errors.print(f"Worker {how}; {len(runtime.registry)} instruments.")
    await actions.seed(runtime)
    try:
        await run_background(runtime, stop)
    except WorkerStopped as stopped:
        fail(f"{stopped}; restart the worker")
