"""Instruments beyond the sixteen, and what each provider last said about each instrument.

``instruments``: what an admin added through a provider's symbol search, merged into the
registry at start-up and whenever it changes. ``provider_quotes``: each provider's latest
answer per instrument with the chain's verdict on it (trusted, distrusted and why, the
disagreement with the others), so the admin's provider page of any process can show what
the poller saw.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickerwire.store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instruments",
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("short_name", sa.String(60), nullable=False),
        sa.Column("asset_class", sa.String(16), nullable=False),
        sa.Column("calendar", sa.String(20), nullable=False),
        sa.Column("exchange", sa.String(60), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("precision", sa.Integer(), nullable=False),
        sa.Column("provider_symbols", sa.JSON(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.Integer()),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["members.id"],
            name="fk_instruments_added_by_members",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("symbol", name="pk_instruments"),
    )
    op.create_table(
        "provider_quotes",
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("price", sa.Float()),
        sa.Column("as_of", UTCDateTime()),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("verdict", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("sane_streak", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('trusted', 'agrees', 'disagrees', 'distrusted', 'unanswered')",
            name="ck_provider_quotes_verdict",
        ),
        sa.PrimaryKeyConstraint("provider", "symbol", name="pk_provider_quotes"),
    )


def downgrade() -> None:
    op.drop_table("provider_quotes")
    op.drop_table("instruments")
