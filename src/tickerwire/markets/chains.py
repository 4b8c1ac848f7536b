"""Which providers each instrument asks, in which order.

The ``providers.chains`` setting names, per instrument (our symbol) or per asset class,
the providers to try first; every other provider of ``providers.order`` follows in that
order, so a provider added to ``order`` is always a last resort for everything it knows.
A symbol's own entry beats its asset class's. Providers named in a chain but not in
``order`` (a keyed provider without its key) are not built, so they are passed over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tickerwire.instruments import AssetClass, Instrument

CLASSES = frozenset(c.value for c in AssetClass)


class ChainPlan:
    """The per-instrument order of the configured providers."""

    def __init__(
        self,
        order: Sequence[str],
        chains: Mapping[str, Sequence[str]] | None = None,
        *,
        known: Sequence[str] | None = None,
    ) -> None:
        self._order = list(dict.fromkeys(order))
        self._chains = {
            key.upper() if key not in CLASSES else key: list(v) for key, v in (chains or {}).items()
        }
        if known is not None:
            unknown = sorted({n for names in self._chains.values() for n in names} - set(known))
            if unknown:
                raise ValueError(
                    f"providers.chains names unknown providers {', '.join(unknown)}; "
                    f"known: {', '.join(known)}"
                )

    def order_for(self, instrument: Instrument) -> list[str]:
        """The provider names ``instrument`` asks, first choice first."""
        first = self._chains.get(instrument.symbol)
        if first is None:
            first = self._chains.get(instrument.asset_class.value, [])
        chosen = [name for name in first if name in self._order]
        return list(dict.fromkeys(chosen + self._order))
