"""Server-side SVG for sparklines, so the ribbon reads without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sparkline:
    points: str
    baseline_y: float | None
    width: int
    height: int


def sparkline(
    values: Sequence[float], baseline: float | None, *, width: int = 80, height: int = 28
) -> Sparkline | None:
    """Scale ``values`` into a ``width`` x ``height`` box; ``baseline`` (the previous close)
    is drawn as a dashed line when it falls within the range shown."""
    if len(values) < 2:
        return None
    if len(values) > width + 1:
        # A point per pixel is all a line this small can show; every page carries sixteen
        # of them in its ribbon, so each point more is bytes sent sixteen times over.
        step = len(values) / width
        values = [values[int(i * step)] for i in range(width)] + [values[-1]]
    low = min(values) if baseline is None else min(min(values), baseline)
    high = max(values) if baseline is None else max(max(values), baseline)
    span = (high - low) or 1.0
    pad = 2.0

    def y(value: float) -> float:  # to a tenth of a pixel, finer than a screen shows
        return round(pad + (high - value) / span * (height - 2 * pad), 1)

    step = width / (len(values) - 1)
    points = " ".join(f"{_number(i * step)},{_number(y(v))}" for i, v in enumerate(values))
    return Sparkline(
        points=points,
        baseline_y=y(baseline) if baseline is not None else None,
        width=width,
        height=height,
    )


def _number(value: float) -> str:
    """A coordinate in as few characters as it takes: ``12`` rather than ``12.0``."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)
