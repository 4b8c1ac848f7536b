"""The market's reaction to each article: the prices at publication, written in the
article's own transaction, and each horizon's move, kept with its inputs.

A horizon row is written at ingest with its start and end instants and ``due_at``; the
measuring task finds the due ones with one indexed query, fills in the prices and clears
``due_at``. The due work therefore lives in the database and survives any restart.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickerwire.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_prices",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("role", sa.String(9), nullable=False),
        sa.Column("price", sa.Float()),
        sa.Column("quote_time", UTCDateTime()),
        sa.Column("source", sa.String(48)),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("market_state", sa.String(8), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('tagged', 'benchmark')", name="ck_article_prices_role"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_prices_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "symbol", name="pk_article_prices"),
    )
    op.create_table(
        "article_reactions",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("horizon", sa.String(3), nullable=False),
        sa.Column("start_time", UTCDateTime(), nullable=False),
        sa.Column("end_time", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("due_at", UTCDateTime()),
        sa.Column("start_price", sa.Float()),
        sa.Column("start_quote_time", UTCDateTime()),
        sa.Column("start_source", sa.String(48)),
        sa.Column("end_price", sa.Float()),
        sa.Column("end_quote_time", UTCDateTime()),
        sa.Column("end_source", sa.String(48)),
        sa.Column("move_pct", sa.Float()),
        sa.Column("benchmark_symbol", sa.String(20)),
        sa.Column("benchmark_start", sa.Float()),
        sa.Column("benchmark_start_time", UTCDateTime()),
        sa.Column("benchmark_end", sa.Float()),
        sa.Column("benchmark_end_time", UTCDateTime()),
        sa.Column("benchmark_source", sa.String(48)),
        sa.Column("benchmark_move_pct", sa.Float()),
        sa.Column("excess_pct", sa.Float()),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("computed_at", UTCDateTime()),
        sa.CheckConstraint("horizon IN ('15m', '1h', '1d')", name="ck_article_reactions_horizon"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_reactions_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "symbol", "horizon", name="pk_article_reactions"),
    )
    op.create_index("ix_article_reactions_due_at", "article_reactions", ["due_at"])
    op.create_index(
        "ix_article_reactions_symbol", "article_reactions", ["symbol", "horizon", "article_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_article_reactions_symbol", table_name="article_reactions")
    op.drop_index("ix_article_reactions_due_at", table_name="article_reactions")
    op.drop_table("article_reactions")
    op.drop_table("article_prices")
