"""Outbound HTTP: the one guarded fetcher every flow uses."""
