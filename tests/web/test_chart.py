"""The server-rendered price chart: well-formed, accessible, escaped, honest about its data."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickerwire.markets.quotes import Bar, Interval
from tickerwire.web.chart import EMPTY_MESSAGE, ChartSvg, nice_axis, price_chart, thin

SVG = "{http://www.w3.org/2000/svg}"
NY = ZoneInfo("America/New_York")
NICE_MANTISSAS = (1.0, 2.0, 2.5, 5.0)


def make_bars(
    closes: Sequence[float],
    *,
    start: datetime = datetime(2026, 11, 18, 9, 30, tzinfo=NY),
    step: timedelta = timedelta(minutes=1),
    interval: Interval = Interval.M1,
) -> list[Bar]:
    return [
        Bar("SPX", interval, start + i * step, close, close, close, close)
        for i, close in enumerate(closes)
    ]


def wave(count: int, base: float = 100.0, amplitude: float = 5.0) -> list[float]:
    return [base + amplitude * math.sin(i / 7) + i * 0.01 for i in range(count)]


def chart(bars: Sequence[Bar], **options: object) -> ChartSvg:
    settings: dict[str, object] = {"name": "S&P 500", "range_label": "1D", "precision": 2}
    settings.update(options)
    return price_chart(bars, **settings)  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def line_points(root: ET.Element) -> list[tuple[float, float]]:
    polyline = root.find(f"{SVG}polyline")
    assert polyline is not None
    pairs = polyline.attrib["points"].split()
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in pairs)]


def axis_texts(root: ET.Element, axis: str) -> list[str]:
    group = root.find(f"{SVG}g[@class='chart-axis chart-axis-{axis}']")
    assert group is not None
    return [text.text or "" for text in group.iter(f"{SVG}text")]


def tick_values(root: ET.Element) -> list[float]:
    return [float(text.replace(",", "")) for text in axis_texts(root, "y")]


def is_nice_step(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in NICE_MANTISSAS)


def test_the_svg_is_well_formed_xml() -> None:
    root = parse(chart(make_bars(wave(390))).svg)
    assert root.tag == f"{SVG}svg"


def test_the_line_has_one_point_per_bar() -> None:
    root = parse(chart(make_bars(wave(390))).svg)
    assert len(line_points(root)) == 390


def test_points_are_spaced_by_bar_index_not_by_time() -> None:
    friday = make_bars(wave(3), start=datetime(2026, 11, 20, 15, 58, tzinfo=NY))
    monday = make_bars(wave(3), start=datetime(2026, 11, 23, 9, 30, tzinfo=NY))
    xs = [x for x, _ in line_points(parse(chart(friday + monday, range_label="5D").svg))]
    gaps = [b - a for a, b in pairwise(xs)]
    assert max(gaps) - min(gaps) <= 0.2


def test_the_chart_is_an_image_labelled_with_its_summary() -> None:
    result = chart(make_bars(wave(60)))
    root = parse(result.svg)
    title = root.find(f"{SVG}title")
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == result.summary
    assert title is not None and title.text == result.summary


def test_summary_gives_the_move_from_first_to_last_close() -> None:
    bars = make_bars([5890.12, 5920.0, 5950.30], step=timedelta(days=1))
    result = chart(bars, range_label="5D")
    assert result.summary == "S&P 500 over 5 days: from 5,890.12 to 5,950.30, +1.02%"
    assert (result.first, result.last, result.low, result.high) == (
        5890.12,
        5950.30,
        5890.12,
        5950.30,
    )


def test_summary_of_a_fall_carries_a_minus_sign() -> None:
    result = chart(make_bars([200.0, 150.0]), range_label="1M")
    assert result.summary == "S&P 500 over 1 month: from 200.00 to 150.00, −25.00%"


def test_summary_mentions_the_previous_close_when_given() -> None:
    result = chart(make_bars([101.0, 102.0]), previous_close=100.0)
    assert result.summary.endswith("(+2.00% on the previous close of 100.00)")


def test_markup_in_the_name_is_escaped() -> None:
    name = '<script>alert("x")</script> & Co'
    result = chart(make_bars(wave(30)), name=name)
    root = parse(result.svg)
    assert "<script" not in result.svg
    assert root.attrib["aria-label"].startswith(name)
    assert root.find(f"{SVG}script") is None


def test_markup_in_the_name_is_escaped_in_the_empty_state_too() -> None:
    result = chart([], name='A<b>&"c"')
    root = parse(result.svg)
    assert "<b>" not in result.svg
    assert root.attrib["aria-label"].startswith('A<b>&"c"')


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_bars_draw_the_empty_state(count: int) -> None:
    result = chart(make_bars(wave(count)))
    root = parse(result.svg)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == [EMPTY_MESSAGE]
    assert root.find(f"{SVG}polyline") is None
    assert root.attrib["role"] == "img"
    assert (result.first, result.last, result.low, result.high) == (None, None, None, None)


def test_a_rise_is_classed_up() -> None:
    root = parse(chart(make_bars([100.0, 101.0, 103.0])).svg)
    assert "chart-up" in root.attrib["class"].split()


def test_a_fall_is_classed_down() -> None:
    root = parse(chart(make_bars([103.0, 101.0, 100.0])).svg)
    assert "chart-down" in root.attrib["class"].split()


def test_direction_is_measured_from_the_previous_close_when_given() -> None:
    root = parse(chart(make_bars([100.0, 101.0, 103.0]), previous_close=105.0).svg)
    assert "chart-down" in root.attrib["class"].split()


def test_colours_come_from_the_stylesheet_not_the_markup() -> None:
    svg = chart(make_bars(wave(50)), previous_close=100.0).svg
    assert not re.search(r'\s(style|fill|stroke|color)="', svg)


def test_the_previous_close_is_a_dashed_line_at_its_level() -> None:
    root = parse(chart(make_bars([100.0, 110.0]), previous_close=105.0).svg)
    line = root.find(f"{SVG}line[@class='chart-previous-close']")
    ys = [y for _, y in line_points(root)]
    assert line is not None
    assert line.attrib["y1"] == line.attrib["y2"]
    assert math.isclose(float(line.attrib["y1"]), (ys[0] + ys[1]) / 2, abs_tol=0.1)


def test_no_previous_close_line_without_a_previous_close() -> None:
    root = parse(chart(make_bars(wave(20))).svg)
    assert root.find(f"{SVG}line[@class='chart-previous-close']") is None


def test_y_ticks_are_four_to_six_evenly_spaced_nice_numbers() -> None:
    ticks = tick_values(parse(chart(make_bars(wave(200, base=5900, amplitude=30))).svg))
    steps = {round(b - a, 6) for a, b in pairwise(ticks)}
    assert 4 <= len(ticks) <= 6
    assert len(steps) == 1 and is_nice_step(steps.pop())


def test_y_ticks_lie_within_the_padded_data_range() -> None:
    closes = wave(200, base=5900, amplitude=30)
    ticks = tick_values(parse(chart(make_bars(closes)).svg))
    step = ticks[1] - ticks[0]
    assert min(closes) - step <= ticks[0] and ticks[-1] <= max(closes) + step


def test_y_ticks_use_the_instruments_precision_and_thousands_separators() -> None:
    labels = axis_texts(parse(chart(make_bars(wave(200, base=5900, amplitude=30))).svg), "y")
    assert all(re.fullmatch(r"\d,\d{3}\.\d{2}", label) for label in labels)


def test_y_ticks_of_an_fx_rate_show_four_decimals() -> None:
    closes = [1.0812 + i * 0.0001 for i in range(40)]
    labels = axis_texts(parse(chart(make_bars(closes), precision=4).svg), "y")
    assert all(re.fullmatch(r"1\.0\d{3}", label) for label in labels)
    assert len(set(labels)) == len(labels)


@given(
    low=st.floats(0.01, 1e6),
    relative_span=st.floats(0, 5),
    precision=st.integers(0, 5),
)
def test_nice_axis_always_gives_four_to_six_nice_ticks_around_the_data(
    low: float, relative_span: float, precision: int
) -> None:
    high = low * (1 + relative_span)
    axis = nice_axis(low, high, precision=precision)
    assert 4 <= len(axis.ticks) <= 6
    assert is_nice_step(axis.step)
    assert axis.low <= low and high <= axis.high
    assert all(axis.low - 1e-9 <= tick <= axis.high + 1e-9 for tick in axis.ticks)
    assert axis.ticks[0] >= low - 3 * axis.step and axis.ticks[-1] <= high + 3 * axis.step


def test_one_day_is_labelled_with_times_in_the_readers_zone() -> None:
    bars = make_bars(wave(390))
    assert axis_texts(parse(chart(bars).svg), "x") == [
        "10 AM",
        "11 AM",
        "12 PM",
        "1 PM",
        "2 PM",
        "3 PM",
    ]
    in_london = axis_texts(parse(chart(bars, zone="Europe/London").svg), "x")
    assert in_london == ["3 PM", "4 PM", "5 PM", "6 PM", "7 PM", "8 PM"]


def test_a_day_around_the_clock_is_labelled_at_a_regular_spacing_of_hours() -> None:
    bars = make_bars(wave(1440), start=datetime(2026, 11, 18, tzinfo=UTC))
    labels = axis_texts(parse(chart(bars).svg), "x")
    hours = [datetime.strptime(label, "%I %p").hour for label in labels]
    spacing = {(b - a) % 24 for a, b in pairwise(hours)}
    assert 6 <= len(labels) <= 12
    assert len(spacing) == 1


def test_five_days_are_labelled_with_weekdays() -> None:
    bars: list[Bar] = []
    for day in (12, 13, 16, 17, 18):
        opening = datetime(2026, 11, day, 9, 30, tzinfo=NY)
        bars += make_bars(wave(78), start=opening, step=timedelta(minutes=5), interval=Interval.M5)
    labels = axis_texts(parse(chart(bars, range_label="5D").svg), "x")
    assert labels == ["Thu 12", "Fri 13", "Mon 16", "Tue 17", "Wed 18"]


def test_a_year_of_daily_bars_is_labelled_with_months_and_the_new_year() -> None:
    bars = make_bars(
        wave(365), start=datetime(2025, 11, 18, tzinfo=UTC), step=timedelta(days=1),
        interval=Interval.D1,
    )  # fmt: skip
    labels = axis_texts(parse(chart(bars, range_label="1Y").svg), "x")
    months = [1 if label == "2026" else datetime.strptime(label, "%b").month for label in labels]
    assert "2026" in labels
    assert len(months) >= 4
    assert len({(b - a) % 12 for a, b in pairwise(months)}) == 1


def test_decades_of_daily_bars_are_labelled_with_years() -> None:
    bars = make_bars(
        wave(365 * 30), start=datetime(1996, 1, 1, tzinfo=UTC), step=timedelta(days=1),
        interval=Interval.D1,
    )  # fmt: skip
    labels = axis_texts(parse(chart(bars, range_label="MAX").svg), "x")
    years = [int(label) for label in labels]
    assert all(1996 <= year <= 2025 for year in years)
    assert len({b - a for a, b in pairwise(years)}) == 1


def test_long_series_are_thinned_to_about_one_point_per_pixel() -> None:
    bars = make_bars(wave(10_000), step=timedelta(days=1), interval=Interval.D1)
    points = line_points(parse(chart(bars, width=720).svg))
    assert 2 < len(points) <= 720


def test_thinning_keeps_the_extremes_where_they_are() -> None:
    closes = wave(10_000)
    closes[4321], closes[777] = 500.0, 1.0
    points = line_points(parse(chart(make_bars(closes, step=timedelta(days=1))).svg))
    (first_x, _), (last_x, _) = points[0], points[-1]

    def x_of(index: int) -> float:
        return first_x + index * (last_x - first_x) / (len(closes) - 1)

    top = min(points, key=lambda p: p[1])
    bottom = max(points, key=lambda p: p[1])
    assert math.isclose(top[0], x_of(4321), abs_tol=0.15)
    assert math.isclose(bottom[0], x_of(777), abs_tol=0.15)


def test_thin_keeps_first_last_lowest_and_highest() -> None:
    closes = wave(5_000)
    closes[1234], closes[4000] = 0.5, 900.0
    kept = [index for index, _ in thin(make_bars(closes), 300)]
    assert {0, 4999, 1234, 4000} <= set(kept)
    assert kept == sorted(kept) and len(kept) <= 302


def test_thin_leaves_short_series_alone() -> None:
    bars = make_bars(wave(50))
    assert thin(bars, 300) == list(enumerate(bars))


def test_the_same_bars_give_the_same_svg() -> None:
    bars = make_bars(wave(500))
    assert chart(bars, previous_close=101.0).svg == chart(list(bars), previous_close=101.0).svg


def test_bars_out_of_order_draw_as_if_sorted() -> None:
    bars = make_bars(wave(100))
    assert chart(bars[::-1]).svg == chart(bars).svg


def test_coordinates_carry_at_most_one_decimal() -> None:
    svg = chart(make_bars(wave(300)), previous_close=100.0).svg
    numbers = re.findall(r'\s(?:points|d|x1|x2|y1|y2|x|y)="([^"]*)"', svg)
    assert all(re.fullmatch(r"[MLZ\d.,\s-]*", value) for value in numbers)
    assert not re.search(r"\d\.\d\d", " ".join(numbers))
