"""Which symbol each provider uses for an instrument: the registry's, else the shipped table.

The registry (``tickerwire/instruments.py``) names the symbols of the first providers; the
ones added later keep theirs in ``tickerwire/data/provider_symbols.toml``, so adding a
provider touches neither the registry nor users' stored instruments. An instrument's own
entry always wins, which is how a user adds or corrects a symbol from settings.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from tickerwire.instruments import Instrument


def symbol_for(provider: str, instrument: Instrument) -> str | None:
    """``provider``'s name for ``instrument``, or None when it does not carry it."""
    own = instrument.symbol_at(provider)
    if own is not None:
        return own
    return shipped_table().get(provider, {}).get(instrument.symbol)


@cache
def shipped_table() -> dict[str, dict[str, str]]:
    """The shipped table, read once: provider -> our symbol -> the provider's symbol."""
    raw = resources.files("tickerwire").joinpath("data/provider_symbols.toml").read_text()
    table = tomllib.loads(raw)
    return {
        provider: {str(ours): str(theirs) for ours, theirs in symbols.items()}
        for provider, symbols in table.items()
    }
