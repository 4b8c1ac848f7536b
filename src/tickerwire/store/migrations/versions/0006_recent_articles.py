"""An index on when each article was first seen.

A new article is matched against the most recent ones (store/articles.py
``story_candidates``): without this index every match read and sorted the whole table.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_first_seen_at", "articles", ["first_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_first_seen_at", table_name="articles")
