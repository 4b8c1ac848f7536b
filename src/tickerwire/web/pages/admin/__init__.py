"""The admin's console in the browser: ``/admin`` (how the site is doing), ``/admin/feeds``,
``/admin/hosts``, ``/admin/members``, ``/admin/providers`` and ``/admin/instruments``,
each an HTML page with its ``.json`` twin and the forms that change it, for admins only
(:mod:`.access`). Every form calls the same function of :mod:`tickerwire.actions` as the
command line."""

from __future__ import annotations

from fastapi import APIRouter

from tickerwire.web.pages.admin import feeds, hosts, instruments, members, overview, providers
from tickerwire.web.pages.admin.access import AdminPage, register

PAGES: tuple[AdminPage, ...] = (
    overview.PAGE,
    feeds.PAGE,
    hosts.PAGE,
    members.PAGE,
    providers.PAGE,
    instruments.PAGE,
)


def router() -> APIRouter:
    console = APIRouter(include_in_schema=False)
    register(console, overview.PAGE)
    for module in (feeds, hosts, members, providers, instruments):
        console.include_router(module.router)
    return console
