"""How numbers and times read on a finance page: fixed precision, explicit signs, arrows
for readers who cannot see the colour."""

from __future__ import annotations


def price(value: float | None, precision: int) -> str:
    return "—" if value is None else f"{value:,.{precision}f}"


def signed(value: float | None, precision: int) -> str:
    if value is None:
        return "—"
    text = f"{abs(value):,.{precision}f}"
    if round(value, precision) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"({signed(value, 2)}%)"


def direction(value: float | None, precision: int) -> str:
    if value is None or round(value, precision) == 0:
        return "flat"
    return "up" if value > 0 else "down"


ARROWS = {"up": "▲", "down": "▼", "flat": "■"}
