"""Tags: the instruments and entities each article concerns.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_instruments",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_instruments_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "symbol", name="pk_article_instruments"),
    )
    op.create_index(
        "ix_article_instruments_symbol", "article_instruments", ["symbol", "article_id"]
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_entities_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "slug", name="pk_article_entities"),
    )
    op.create_index("ix_article_entities_slug", "article_entities", ["slug", "article_id"])


def downgrade() -> None:
    op.drop_table("article_entities")
    op.drop_table("article_instruments")
