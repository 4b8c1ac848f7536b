"""The bus: quote events from pollers to stream clients, in-process or over Redis."""
