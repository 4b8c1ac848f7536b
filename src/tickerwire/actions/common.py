"""What every action shares: the refusal every door shows as one sentence, and the
progress steps of a long action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class ActionError(Exception):
    """An action was refused or could not start; the message says why, in a sentence."""


@dataclass(frozen=True)
class Step:
    """One unit of a long action done, for a progress bar: ``done`` of ``total``."""

    done: int
    total: int
    label: str


Progress = Callable[[Step], None]
