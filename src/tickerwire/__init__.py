"""Tickerwire: a self-hosted financial news and markets portal."""

__version__ = "0.1.0"
