"""The parts of pages that change with the quotes, each rendered once per change.

A page's skeleton names these parts by marker (:mod:`tickerwire.web.assembly`); the render
cache keeps each part's bytes under the sources it shows, so a tick re-renders the ribbon
once for every page that carries it, an article's chips only when one of its instruments
ticks, and never the headlines or the article around them.

The header's account corner is a part too, though it changes with no data: the one kept
here is the anonymous corner, for pages everyone is sent; a signed-in member's corner is
never stored (:mod:`tickerwire.web.readers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from tickerwire.runtime import Runtime
from tickerwire.web.assembly import PartRef
from tickerwire.web.cache import NEWS, QUOTES, RenderCache, Sources, quote_source
from tickerwire.web.movers import movers
from tickerwire.web.next_path import safe_next
from tickerwire.web.parts import markets_top, quote_figures
from tickerwire.web.readers import READER_PART, READER_TEMPLATE
from tickerwire.web.templating import render_part


@dataclass(frozen=True)
class Part:
    template: str
    sources: Callable[[str], Sources]
    """What the part shows, given its argument."""
    context: Callable[[Runtime, datetime, str], dict[str, object]]
    """What its template gets, given the runtime, the moment and its argument."""


def _markets_top(runtime: Runtime, now: datetime, _arg: str) -> dict[str, object]:
    return {"top": markets_top(runtime, now)}


def _movers(runtime: Runtime, _now: datetime, _arg: str) -> dict[str, object]:
    return {"movers": movers(runtime)}


def symbols_of(arg: str) -> list[str]:
    """The symbols a chips part names: comma-separated, as the template joins them."""
    return [s for s in arg.split(",") if s]


def _chips(runtime: Runtime, now: datetime, arg: str) -> dict[str, object]:
    instruments = [runtime.registry.get(s) for s in symbols_of(arg) if s in runtime.registry]
    quotes = runtime.markets.latest_quotes([i.symbol for i in instruments])
    zone = runtime.settings.timezone
    chips = [
        (i, quote_figures(i, quotes[i.symbol], zone, now) if i.symbol in quotes else None)
        for i in instruments
    ]
    return {"chips": chips}


def _follow(_runtime: Runtime, _now: datetime, arg: str) -> dict[str, object]:
    return {
        "reader": None,
        "slug": arg,
        "following": False,
        "back": f"/topic/{quote(arg, safe='')}",
    }


PARTS: dict[str, Part] = {
    "markets_top": Part("_markets_top.html", lambda _arg: (QUOTES,), _markets_top),
    "movers": Part("_movers_panel.html", lambda _arg: (QUOTES, NEWS), _movers),
    # The anonymous corner: a "Sign in" link that comes back to the page it is on.
    READER_PART: Part(
        READER_TEMPLATE,
        lambda _arg: (),
        lambda _r, _n, arg: {"reader": None, "next": safe_next(arg)},
    ),
    "chips": Part(
        "_instrument_chips.html",
        lambda arg: tuple(quote_source(s) for s in symbols_of(arg)),
        _chips,
    ),
    # Parts a signed-in member is sent drawn for them (web/pages/follows.py, home.py);
    # everyone else gets these: a sign-in link, and nothing where the member's news goes.
    "follow": Part("_follow.html", lambda _arg: (), _follow),
    "member_news": Part("_member_news.html", lambda _arg: (), lambda _r, _n, _a: {"news": None}),
}


def sources_of_part(ref: PartRef) -> Sources:
    return PARTS[ref.name].sources(ref.arg)


def part_bytes(cache: RenderCache, runtime: Runtime, ref: PartRef) -> bytes:
    """The part's current bytes: from the cache, or rendered now, once for every page."""
    part = PARTS[ref.name]
    now = runtime.now()

    def render() -> bytes:
        return render_part(part.template, **part.context(runtime, now, ref.arg))

    return cache.get_or_render(f"part {ref.name} {ref.arg}", now, render, part.sources(ref.arg))
