"""Settings that keep every default market-data source on a local address that answers
nothing, so a test of the portal without a network never asks the real services."""

from __future__ import annotations

from tickerwire.config import ProviderSettings

DEFAULT_SOURCES: tuple[str, ...] = tuple(ProviderSettings().order)
"""The providers a fresh install asks, in their order."""


def unreachable_sources(dead_url: str) -> dict[str, str]:
    """``providers`` settings that send every default source to ``dead_url``."""
    return {f"{name}_base_url": dead_url for name in DEFAULT_SOURCES}
