"""The quote page's price chart, drawn on the server as an SVG the page inlines.

A reader without JavaScript, or with a screen reader, gets the whole chart: the SVG carries a
title and an aria-label with a one-line summary, and every piece of text in it is escaped, so
an instrument named by a stranger cannot break out of the markup. Colours come from CSS
classes, never inline styles, so the stylesheet (and a strict CSP) decides how it looks.

The x axis is the bar index, not wall time: nights, weekends and holidays are compressed away
rather than drawn as flat stretches, as finance sites do. The price of that is that equal
distances on the x axis are equal numbers of bars, not equal spans of time.

The output is deterministic (the same bars give the same string, so rendered pages cache and
compare cleanly) and compact: coordinates are rounded to a tenth of a unit, and long series
are thinned to about one point per pixel before drawing.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from html import escape
from itertools import pairwise
from zoneinfo import ZoneInfo

from tickerwire.markets.quotes import Bar, Interval
from tickerwire.web import format as fmt

EMPTY_MESSAGE = "No price data for this range yet"

#: An estimate of one character's width in the axis font, for fitting labels without a
#: browser to measure them; the stylesheet's axis font must stay near 11px for it to hold.
_CHAR_WIDTH = 6.6
_LABEL_GAP = 10.0
#: At most one time label per this many units of width, so the axis reads at a glance.
_LABEL_PITCH = 70
_TOP, _BOTTOM, _LEFT = 12.0, 24.0, 4.0
_MANTISSAS = (1.0, 2.0, 2.5, 5.0)

_PHRASES = {
    "1D": "over 1 day",
    "5D": "over 5 days",
    "1M": "over 1 month",
    "6M": "over 6 months",
    "YTD": "year to date",
    "1Y": "over 1 year",
    "5Y": "over 5 years",
    "MAX": "over all available history",
}


@dataclass(frozen=True, slots=True)
class ChartSvg:
    """A chart ready to inline, with its text alternative and the closes it summarises.

    ``first``, ``last``, ``low`` and ``high`` are closes (the line drawn), None when there
    were too few bars to draw one.
    """

    svg: str
    summary: str
    first: float | None
    last: float | None
    low: float | None
    high: float | None
    marked: tuple[int, ...] = ()
    """The numbers of the news markers drawn (those inside the chart's span)."""


@dataclass(frozen=True, slots=True)
class ChartMarker:
    """A story to mark on the chart: its number in the list under the chart, when it was
    published, its headline (the marker's accessible name) and where it links."""

    number: int
    moment: datetime
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Axis:
    """A y axis: the value range the plot spans and the tick values inside it."""

    low: float
    high: float
    ticks: tuple[float, ...]
    step: float


def _candidate_steps(span: float, precision: int) -> list[float]:
    """1, 2, 2.5 and 5 times powers of ten around ``span / 5``, ascending, each one a
    whole number of the instrument's last displayed digit, so no two ticks print alike."""
    exponent = math.floor(math.log10(span / 5))
    steps = [m * 10.0**e for e in range(exponent - 2, exponent + 3) for m in _MANTISSAS]
    return [s for s in steps if s > 0.5 * 10.0**-precision and math.isclose(round(s, precision), s)]


def _ticks_within(low: float, high: float, step: float) -> tuple[float, ...]:
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return tuple(round(k * step, 12) for k in range(first, last + 1))


def nice_axis(low: float, high: float, *, precision: int = 2) -> Axis:
    """A y axis for values in [low, high] with 4 to 6 ticks on a 1, 2, 2.5 or 5 x 10^n step.

    The data is padded by 6% of its span (so the line never touches the frame) and the ticks
    fall inside that padding. Only when no step gives 4 to 6 ticks there (a span just under
    a nice step, or a flat line) is the axis widened to whole steps: then the outer ticks can
    lie up to about three steps beyond the data. The step is never finer than the last digit
    shown at ``precision``, so no two ticks print alike.
    """
    min_step = 10.0**-precision
    span = high - low
    pad = max(span * 0.06, (4 * min_step - span) / 2)
    lo, hi = low - pad, high + pad
    steps = _candidate_steps(hi - lo, precision)
    fitting = [s for s in steps if 4 <= len(_ticks_within(lo, hi, s)) <= 6]
    if fitting:
        step = min(fitting, key=lambda s: (abs(len(_ticks_within(lo, hi, s)) - 5), -s))
        return Axis(lo, hi, _ticks_within(lo, hi, step), step)
    step = min(s for s in steps if len(_ticks_within(lo, hi, s)) <= 6)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    while len(_ticks_within(lo, hi, step)) < 4:
        hi += step
        if len(_ticks_within(lo, hi, step)) < 4:
            lo -= step
    return Axis(lo, hi, _ticks_within(lo, hi, step), step)


def thin(bars: Sequence[Bar], limit: int) -> list[tuple[int, Bar]]:
    """At most about ``limit`` (index, bar) pairs that draw like all of ``bars``.

    Each of ``limit // 2`` equal runs of bars keeps its lowest and highest close, in order,
    so every peak and trough survives (the global low and high among them) and the first and
    last bars are always kept. Indexes are the original ones, so x positions do not move.
    """
    count = len(bars)
    if count <= limit:
        return list(enumerate(bars))
    buckets = max(1, limit // 2)
    kept = {0, count - 1}
    for b in range(buckets):
        start, stop = b * count // buckets, (b + 1) * count // buckets
        if start == stop:
            continue
        run = range(start, stop)
        kept.add(min(run, key=lambda i: bars[i].close))
        kept.add(max(run, key=lambda i: bars[i].close))
    return [(i, bars[i]) for i in sorted(kept)]


def _num(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _clock(local: datetime) -> str:
    hour = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    return f"{hour} {suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d} {suffix}"


@dataclass(frozen=True, slots=True)
class _Unit:
    """One way of marking the time axis: a bucket per bar, a new label where it changes."""

    key: Callable[[datetime], Hashable]
    label: Callable[[datetime], str]
    label_first: bool = False


def _every_minutes(k: int) -> _Unit:
    def key(t: datetime) -> Hashable:
        return t.date(), (t.hour * 60 + t.minute) // k

    def label(t: datetime) -> str:
        minutes = (t.hour * 60 + t.minute) // k * k
        return _clock(t.replace(hour=minutes // 60, minute=minutes % 60))

    return _Unit(key, label)


def _every_months(k: int) -> _Unit:
    return _Unit(
        lambda t: (t.year, (t.month - 1) // k),
        lambda t: str(t.year) if t.month == 1 else f"{t:%b}",
    )


def _every_years(k: int) -> _Unit:
    return _Unit(lambda t: t.year // k, lambda t: str(t.year))


def _month_day(t: datetime) -> str:
    return f"{t:%b} {t.day}"


#: Units from finest to coarsest for each span of data (in days); the finest whose labels
#: fit without overlapping is used.
_SCALES: tuple[tuple[float, tuple[_Unit, ...]], ...] = (
    (1.5, tuple(_every_minutes(k) for k in (15, 30, 60, 120, 180, 360, 720))),
    (
        10,
        (
            _Unit(lambda t: t.date(), lambda t: f"{t:%a} {t.day}", label_first=True),
            _Unit(lambda t: t.isocalendar()[:2], lambda t: f"{t:%a} {t.day}", label_first=True),
        ),
    ),
    (
        100,
        (
            _Unit(lambda t: t.date(), _month_day),
            _Unit(lambda t: t.isocalendar()[:2], _month_day),
            _Unit(lambda t: (t.isocalendar()[0], t.isocalendar()[1] // 2), _month_day),
        ),
    ),
    (1100, tuple(_every_months(k) for k in (1, 2, 3, 6))),
    (math.inf, tuple(_every_years(k) for k in (1, 2, 5, 10, 20, 50))),
)


@dataclass(frozen=True, slots=True)
class _Label:
    x: float
    text: str
    anchor: str
    left: float
    right: float


def _place(x: float, text: str, lo: float, hi: float) -> _Label:
    """A label centred on ``x``, or pinned to an edge when centring would cut it off."""
    width = len(text) * _CHAR_WIDTH
    if x - width / 2 < lo:
        return _Label(x, text, "start", x, x + width)
    if x + width / 2 > hi:
        return _Label(x, text, "end", x - width, x)
    return _Label(x, text, "middle", x - width / 2, x + width / 2)


def _fits(labels: list[_Label]) -> bool:
    return all(a.right + _LABEL_GAP <= b.left for a, b in pairwise(labels))


def _time_labels(
    times: Sequence[datetime], xs: Sequence[float], lo: float, hi: float
) -> list[_Label]:
    """Labels where the time crosses a boundary of the finest unit that fits the width
    without crowding it."""
    most = max(2, int(hi - lo) // _LABEL_PITCH)
    span_days = (times[-1] - times[0]).total_seconds() / 86400
    units = next(units for limit, units in _SCALES if span_days <= limit)
    choice: list[_Label] = []
    for unit in units:
        keys = [unit.key(t) for t in times]
        choice = [
            _place(xs[i], unit.label(times[i]), lo, hi)
            for i in range(len(times))
            if (i == 0 and unit.label_first) or (i > 0 and keys[i] != keys[i - 1])
        ]
        if len(choice) <= most and _fits(choice):
            return choice
    kept: list[_Label] = []
    for label in choice:
        if not kept or _fits([kept[-1], label]):
            kept.append(label)
    return kept


def _summary(
    name: str, range_label: str, first: float, last: float, previous_close: float | None, p: int
) -> str:
    phrase = _PHRASES.get(range_label, f"over {range_label}")
    text = f"{name} {phrase}: from {fmt.price(first, p)} to {fmt.price(last, p)}"
    text += f", {fmt.signed((last - first) / first * 100, 2)}%"
    if previous_close is not None:
        change = (last - previous_close) / previous_close * 100
        text += f" ({fmt.signed(change, 2)}% on the previous close of "
        text += f"{fmt.price(previous_close, p)})"
    return text


def _open_tag(width: int, height: int, classes: str, summary: str) -> str:
    label = escape(summary, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}"><title>{label}</title>'
    )


def _empty(name: str, width: int, height: int) -> ChartSvg:
    summary = f"{name}: {EMPTY_MESSAGE[0].lower()}{EMPTY_MESSAGE[1:]}"
    svg = (
        _open_tag(width, height, "chart-plot chart-empty", summary)
        + f'<text class="chart-empty-text" x="{_num(width / 2)}" y="{_num(height / 2)}" '
        f'text-anchor="middle">{EMPTY_MESSAGE}</text></svg>'
    )
    return ChartSvg(svg, summary, None, None, None, None)


_MARKER_RADIUS = 9.0
_MARKER_ROWS = 3


def _markers(
    markers: Sequence[ChartMarker], ordered: Sequence[Bar], xs: Sequence[float], bottom: float
) -> tuple[list[str], tuple[int, ...]]:
    """Each story inside the chart's span as a numbered circle over the bar it came in,
    linking to the article (the dashed line down to the axis is not part of the link, so
    the link is the circle): plain SVG links, so they work without JavaScript. Markers
    closer than a circle apart stack in up to three rows instead of covering each other."""
    starts = [bar.start for bar in ordered]
    end = ordered[-1].start + ordered[-1].interval.delta
    parts: list[str] = []
    drawn: list[int] = []
    last_x = [-math.inf] * _MARKER_ROWS
    inside = [m for m in markers if starts[0] <= m.moment < end]
    for marker in sorted(inside, key=lambda m: (m.moment, m.number)):
        x = xs[max(0, bisect_right(starts, marker.moment) - 1)]
        row = next(
            (r for r in range(_MARKER_ROWS) if x - last_x[r] >= 2 * _MARKER_RADIUS + 2),
            _MARKER_ROWS - 1,
        )
        last_x[row] = x
        cy = _TOP + _MARKER_RADIUS + row * (2 * _MARKER_RADIUS + 2)
        label = escape(f"{marker.number}. {marker.title}", quote=True)
        parts.append(
            f'<line class="news-marker-line" x1="{_num(x)}" x2="{_num(x)}" '
            f'y1="{_num(cy + _MARKER_RADIUS)}" y2="{_num(bottom)}"/>'
            f'<a class="news-marker" href="{escape(marker.href, quote=True)}" '
            f'aria-label="{label}"><title>{label}</title><circle cx="{_num(x)}" '
            f'cy="{_num(cy)}" r="{_num(_MARKER_RADIUS)}"/><text x="{_num(x)}" y="{_num(cy)}" '
            f'dy="0.35em" text-anchor="middle">{marker.number}</text></a>'
        )
        drawn.append(marker.number)
    return parts, tuple(sorted(drawn))


def price_chart(
    bars: Sequence[Bar],
    *,
    name: str,
    range_label: str,
    precision: int,
    previous_close: float | None = None,
    width: int = 720,
    height: int = 300,
    zone: str = "America/New_York",
    markers: Sequence[ChartMarker] = (),
) -> ChartSvg:
    """A line and area of ``bars``' closes, with price and time axes, as inline SVG.

    Bars are drawn in time order, spaced by index (sessions' gaps compressed, see the module
    docstring). ``previous_close``, which callers pass for the 1D range, is drawn as a dashed
    line, and the chart's direction (class ``chart-up``, ``chart-down`` or ``chart-flat``) is
    measured from it; otherwise from the first close. Time labels are in ``zone``, at a unit
    that suits the span of the data: times within a day, weekdays over a few days, dates over
    weeks, months over a year or two, years beyond (daily bars by their UTC date). Fewer
    than two bars draw the empty state. ``markers`` published inside the span are drawn
    over the bar each came in, numbered and linking to their articles.
    """
    ordered = sorted(bars, key=lambda bar: bar.start)
    if len(ordered) < 2:
        return _empty(name, width, height)
    closes = [bar.close for bar in ordered]
    first, last, low, high = closes[0], closes[-1], min(closes), max(closes)
    base = previous_close if previous_close is not None else first
    direction = fmt.direction(last - base, precision)
    summary = _summary(name, range_label, first, last, previous_close, precision)

    axis = nice_axis(
        min(low, previous_close or low), max(high, previous_close or high), precision=precision
    )
    tick_texts = [fmt.price(value, precision) for value in axis.ticks]
    right = width - (max(len(t) for t in tick_texts) * _CHAR_WIDTH + 12)
    bottom = height - _BOTTOM
    step_x = (right - _LEFT) / (len(ordered) - 1)

    def y_of(value: float) -> float:
        return _TOP + (axis.high - value) / (axis.high - axis.low) * (bottom - _TOP)

    drawn = thin(ordered, max(2, int(right - _LEFT)))
    points = " ".join(f"{_num(_LEFT + i * step_x)},{_num(y_of(b.close))}" for i, b in drawn)
    # A daily bar stands for a session's date, not an instant; its date is the UTC one.
    local: tzinfo = UTC if ordered[0].interval is Interval.D1 else ZoneInfo(zone)
    xs = [_LEFT + i * step_x for i in range(len(ordered))]
    labels = _time_labels([bar.start.astimezone(local) for bar in ordered], xs, 0, width)

    parts = [_open_tag(width, height, f"chart-plot chart-{direction}", summary)]
    parts.append('<g class="chart-grid">')
    parts += [
        f'<line x1="{_num(_LEFT)}" x2="{_num(right)}" y1="{_num(y_of(v))}" y2="{_num(y_of(v))}"/>'
        for v in axis.ticks
    ]
    parts += [
        f'<line x1="{_num(lb.x)}" x2="{_num(lb.x)}" y1="{_num(_TOP)}" y2="{_num(bottom)}"/>'
        for lb in labels
    ]
    parts.append('</g><g class="chart-axis chart-axis-y">')
    parts += [
        f'<text x="{_num(right + 6)}" y="{_num(y_of(v))}" dy="0.32em">{escape(t)}</text>'
        for v, t in zip(axis.ticks, tick_texts, strict=True)
    ]
    parts.append('</g><g class="chart-axis chart-axis-x">')
    parts += [
        f'<text x="{_num(lb.x)}" y="{_num(height - 6)}" text-anchor="{lb.anchor}">'
        f"{escape(lb.text)}</text>"
        for lb in labels
    ]
    parts.append("</g>")
    if previous_close is not None:
        y = _num(y_of(previous_close))
        parts.append(
            f'<line class="chart-previous-close" x1="{_num(_LEFT)}" x2="{_num(right)}" '
            f'y1="{y}" y2="{y}"><title>Previous close '
            f"{escape(fmt.price(previous_close, precision))}</title></line>"
        )
    first_x, last_x = _num(_LEFT + drawn[0][0] * step_x), _num(_LEFT + drawn[-1][0] * step_x)
    parts.append(
        f'<path class="chart-area" d="M{points.replace(" ", "L")}'
        f'L{last_x},{_num(bottom)}L{first_x},{_num(bottom)}Z"/>'
    )
    parts.append(f'<polyline class="chart-line" points="{points}"/>')
    marker_parts, marked = _markers(markers, ordered, xs, bottom)
    parts += marker_parts
    parts.append("</svg>")
    return ChartSvg("".join(parts), summary, first, last, low, high, marked)
