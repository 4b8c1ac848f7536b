"""Fixed instants that tests share, each named after what the markets are doing."""

from datetime import UTC, datetime

#: Friday 20 November 2026, 10:00 in New York: U.S. markets open.
FRIDAY_MORNING = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
