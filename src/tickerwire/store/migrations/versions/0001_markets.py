"""Markets: latest quotes, bars, provider health.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickerwire.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quotes",
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("price", sa.Float(), nullable=False),
        sa.Column("previous_close", sa.Float()),
        sa.Column("open", sa.Float()),
        sa.Column("day_high", sa.Float()),
        sa.Column("day_low", sa.Float()),
        sa.Column("volume", sa.Float()),
        sa.Column("as_of", UTCDateTime(), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("delayed", sa.Boolean(), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name="pk_quotes"),
    )
    op.create_table(
        "bars",
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("interval", sa.String(3), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("open", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("close", sa.Float(), nullable=False),
        sa.Column("volume", sa.Float()),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "interval", "start", name="pk_bars"),
    )
    op.create_table(
        "provider_health",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("last_ok_at", UTCDateTime()),
        sa.Column("last_error_at", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_retry_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("name", name="pk_provider_health"),
    )


def downgrade() -> None:
    op.drop_table("provider_health")
    op.drop_table("bars")
    op.drop_table("quotes")
