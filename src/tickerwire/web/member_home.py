"""The home page as a signed-in member is sent it: their first watchlist as the ribbon,
that list's movers, and "News for my watchlist" (its instruments and the topics they
follow), each drawn for the request and joined into the stored skeleton, so the page
everyone else is sent stays the stored one, as fast as ever
(:attr:`tickerwire.web.twins.Page.member_parts`; the page goes out ``private, no-store``).
"""

from __future__ import annotations

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.assembly import PartRef
from tickerwire.web.movers import movers
from tickerwire.web.pages.watchlists import WatchlistSummary, watchlist_cells
from tickerwire.web.parts import MarketsTop, banner, headline, provider_notices
from tickerwire.web.readers import Reader
from tickerwire.web.templating import render_part

NEWS_SHOWN = 8


def _markets_top(runtime: Runtime, reader: Reader) -> bytes:
    now = runtime.now()
    first = actions.watchlists_of(runtime, reader.member.id)[0]
    cells = watchlist_cells(runtime, first.symbols)
    top = MarketsTop(
        banner=banner(now),
        ribbon=cells,
        simulated=runtime.settings.demo or any(c.simulated for c in cells),
        replay=any(c.provider == "replay" for c in cells),
        notices=provider_notices(runtime, now),
    )
    return render_part("_markets_top.html", top=top)


def _news(runtime: Runtime, reader: Reader) -> bytes:
    now = runtime.now()
    member = reader.member.id
    first = actions.watchlists_of(runtime, member)[0]
    news = actions.news_for_member(runtime, member, first.id, NEWS_SHOWN)
    return render_part(
        "_member_news.html",
        news=[headline(runtime, row, now) for row in news],
        watchlist=WatchlistSummary.of(first),
        follows=len(actions.follows_of(runtime, member)),
    )


def _movers(runtime: Runtime, reader: Reader) -> bytes:
    first = actions.watchlists_of(runtime, reader.member.id)[0]
    return render_part("_movers_panel.html", movers=movers(runtime, symbols=first.symbols))


_DRAWN = {"markets_top": _markets_top, "member_news": _news, "movers": _movers}


def home_part(runtime: Runtime, reader: Reader, ref: PartRef) -> bytes | None:
    """The part ``ref`` of the home page as ``reader`` sees it; None: the stored one."""
    draw = _DRAWN.get(ref.name)
    return draw(runtime, reader) if draw is not None else None
