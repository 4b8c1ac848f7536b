"""The export page and its download links (docs/export.md).

The page is a form read by GET, so it works without JavaScript: filled in, it checks the
request with :func:`tickerwire.actions.plan_export` and shows the download link, or the
sentence that says what is wrong (a 400). The link is the API's
``/api/v1/export/{dataset}.{format}``, which writes the file with the same action the
command line uses.
"""

from __future__ import annotations

import os
import tempfile
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.deps import get_runtime
from tickerwire.web.twins import Page, PageRequest, register

FORMATS = ("csv", "parquet")


class ExportParams(BaseModel):
    dataset: str | None = None
    format: str = "csv"
    symbols: str | None = None
    entities: str | None = None
    since: str | None = None
    until: str | None = None
    interval: str | None = None
    with_bodies: bool = False


class DownloadLink(BaseModel):
    label: str
    path: str


class ExportPage(BaseModel):
    datasets: list[str]
    formats: list[str]
    asked: ExportParams
    link: DownloadLink | None
    """The download the form asked for, once it checked out."""
    error: str | None
    everything: list[DownloadLink]
    """Each whole dataset, in each format."""


def _query(params: ExportParams) -> str:
    chosen = params.model_dump(exclude={"dataset", "format"}, exclude_defaults=True)
    values = {k: ("true" if v is True else v) for k, v in chosen.items() if v not in (None, "")}
    return f"?{urlencode(values)}" if values else ""


def build(request: PageRequest[ExportParams]) -> ExportPage:
    asked, link, error = request.params, None, None
    if asked.dataset:
        try:
            plan = actions.plan_export(
                request.runtime,
                asked.dataset,
                asked.format,
                symbols=asked.symbols,
                entities=asked.entities,
                since=asked.since,
                until=asked.until,
                interval=asked.interval,
                with_bodies=asked.with_bodies,
            )
            path = f"/api/v1/export/{plan.dataset.name}.{plan.format.value}{_query(asked)}"
            link = DownloadLink(label=plan.filename, path=path)
        except actions.ActionError as refusal:
            error = str(refusal)
    return ExportPage(
        datasets=list(actions.EXPORT_DATASETS),
        formats=list(FORMATS),
        asked=asked,
        link=link,
        error=error,
        everything=[
            DownloadLink(label=f"{d} ({f})", path=f"/api/v1/export/{d}.{f}")
            for d in actions.EXPORT_DATASETS
            for f in FORMATS
        ],
    )


PAGE = Page(
    name="export",
    path="/export",
    template="export.html",
    build=build,
    params=ExportParams,
    cached=False,  # a form's answer, and cheap
    status=lambda page: 400 if page.error else 200,
)

router = APIRouter()
register(router, PAGE)
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


@router.get("/api/v1/export/{dataset}.{fmt}", tags=["export"])
def download(
    runtime: RuntimeDep,
    dataset: str,
    fmt: str,
    symbols: Annotated[str | None, Query(description="comma-separated, e.g. SPX,CL")] = None,
    entities: Annotated[str | None, Query(description="topic slugs, e.g. russia")] = None,
    since: Annotated[str | None, Query(description="first UTC day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="last UTC day, YYYY-MM-DD")] = None,
    interval: Annotated[str | None, Query(description="bars only: 1m, 5m, 1h, 1d")] = None,
    with_bodies: bool = False,
) -> FileResponse:
    """A research export as CSV or Parquet (columns: docs/export.md); a bad filter is a
    400 that says why. The file is written to a temporary file first, in batches, and sent
    from there."""
    try:
        plan = actions.plan_export(
            runtime,
            dataset,
            fmt,
            symbols=symbols,
            entities=entities,
            since=since,
            until=until,
            interval=interval,
            with_bodies=with_bodies,
        )
    except actions.ActionError as refusal:
        raise HTTPException(400, str(refusal)) from None
    handle, path = tempfile.mkstemp(prefix="tickerwire-export-")
    try:
        with os.fdopen(handle, "wb") as sink:
            actions.run_export(runtime, plan, sink)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path,
        media_type=plan.media_type,
        filename=plan.filename,
        background=BackgroundTask(os.unlink, path),
    )
