"""Comparing what two or more sources say about one instrument, and which one to trust.

The rule, as docs/providers.md states it: among the sane, fresh answers, the trusted one is
the first in the instrument's chain that agrees with a majority of the answers it can be
compared with (itself included); when there is no majority (two sources, two prices), the
first in the chain. Two answers are compared only when they are stamped within
``window`` of each other, so a daily fixing is held only against prices of its own moment,
never against a live price hours later. Tolerances are per asset class: a percentage of
the price, or for rates points of yield (a 5 bp gap is the same at 0.5 % as at 5 %).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from tickerwire.config import ProviderSettings
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets.quotes import Quote


@dataclass(frozen=True)
class Tolerances:
    """How far apart two sources may be and still agree; :meth:`from_settings` reads them."""

    percent: Mapping[AssetClass, float] = field(
        default_factory=lambda: ProviderSettings().tolerance_percent
    )
    rate_points: float = 0.05
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: ProviderSettings) -> Tolerances:
        return cls(
            percent=dict(settings.tolerance_percent),
            rate_points=settings.rate_tolerance,
            window=timedelta(seconds=settings.stale_after_seconds),
        )


def comparable(a: Quote, b: Quote, tolerances: Tolerances) -> bool:
    return abs(a.as_of - b.as_of) <= tolerances.window


def gap(instrument: Instrument, a: Quote, b: Quote) -> str:
    """How far ``a`` is from ``b``, in the unit its tolerance uses: "+0.62 %", "-7 bp"."""
    if instrument.asset_class is AssetClass.RATE:
        return f"{(a.price - b.price) * 100:+.0f} bp"
    if b.price == 0:
        return f"{a.price - b.price:+g}"
    return f"{(a.price - b.price) / abs(b.price) * 100:+.2f} %"


def agree(instrument: Instrument, a: Quote, b: Quote, tolerances: Tolerances) -> bool:
    """Whether two answers are the same price within the asset class's tolerance."""
    if instrument.asset_class is AssetClass.RATE:
        return abs(a.price - b.price) <= tolerances.rate_points + 1e-12
    limit = tolerances.percent.get(instrument.asset_class, 0.5)
    scale = max(abs(a.price), abs(b.price))
    return scale == 0 or abs(a.price - b.price) / scale * 100.0 <= limit + 1e-12


@dataclass(frozen=True)
class Verdict:
    """The trusted answer and how each other answer stands against it."""

    trusted: Quote
    agreeing: tuple[str, ...]
    disagreeing: Mapping[str, str]
    """provider -> one line: "+0.62 % from yahoo (tolerance 0.5 %)"."""
    majority: bool
    """Whether the trusted answer has a majority behind it, or is only first in the chain."""

    @property
    def tied(self) -> bool:
        """Sources disagree and none has a majority: another source would settle it."""
        return bool(self.disagreeing) and not self.majority


def judge(
    instrument: Instrument, answers: Sequence[Quote], tolerances: Tolerances
) -> Verdict | None:
    """The verdict over ``answers`` (sane and fresh, in chain order); None when empty."""
    if not answers:
        return None
    trusted, majority = answers[0], False
    for answer in answers:
        peers = [other for other in answers if comparable(answer, other, tolerances)]
        votes = sum(agree(instrument, answer, other, tolerances) for other in peers)
        if len(peers) > 1 and votes * 2 > len(peers):
            trusted, majority = answer, True
            break
    agreeing: list[str] = []
    disagreeing: dict[str, str] = {}
    for answer in answers:
        if answer is trusted or not comparable(answer, trusted, tolerances):
            continue
        if agree(instrument, answer, trusted, tolerances):
            agreeing.append(answer.provider)
        else:
            disagreeing[answer.provider] = (
                f"{gap(instrument, answer, trusted)} from {trusted.provider} "
                f"(tolerance {tolerance_text(instrument, tolerances)})"
            )
    return Verdict(trusted, tuple(agreeing), disagreeing, majority or len(answers) == 1)


def tolerance_text(instrument: Instrument, tolerances: Tolerances) -> str:
    if instrument.asset_class is AssetClass.RATE:
        return f"{tolerances.rate_points * 100:.0f} bp"
    return f"{tolerances.percent.get(instrument.asset_class, 0.5):g} %"
