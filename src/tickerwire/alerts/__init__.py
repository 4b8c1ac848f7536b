"""Alerts: when a member's price or news alert fires (``price``, ``news``), and how what
fired reaches them (deliveries). Judging is pure; the rows that make firing durable are in
the store, written in the same transaction as what triggered them."""
