"""Sparklines: scaled into their box, baseline drawn, long series thinned."""

from __future__ import annotations

from tickerwire.web.svg import sparkline


def points(line: object) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in line.points.split()]  # type: ignore[attr-defined]


def test_fewer_than_two_values_draw_nothing() -> None:
    assert sparkline([1.0], None) is None


def test_values_fill_the_box_with_the_highest_at_the_top() -> None:
    line = sparkline([1.0, 3.0, 2.0], None, width=80, height=28)
    assert line is not None
    xs, ys = zip(*points(line), strict=True)
    assert xs[0] == 0 and xs[-1] == 80
    assert min(ys) == ys[1] and max(ys) == ys[0]


def test_the_previous_close_becomes_a_baseline_inside_the_range() -> None:
    line = sparkline([10.0, 12.0], 11.0, height=28)
    assert line is not None and line.baseline_y is not None
    assert 0 < line.baseline_y < 28


def test_long_series_are_thinned_keeping_the_last_value() -> None:
    values = [float(i) for i in range(5000)]
    line = sparkline(values, None, width=80)
    assert line is not None
    drawn = points(line)
    assert len(drawn) == 81  # a point per pixel, and the last one
    assert drawn[-1][1] == min(y for _, y in drawn)  # the last (highest) value is kept


def test_coordinates_are_written_to_a_tenth_of_a_pixel_at_most() -> None:
    line = sparkline([1.0, 1.123456, 2.0, 1.5], None, width=80)
    assert line is not None
    for point in line.points.split():
        for coordinate in point.split(","):
            assert len(coordinate.partition(".")[2]) <= 1, point
