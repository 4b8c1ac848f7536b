"""An index on each article's story, with its id.

Headlines show one article per story, the first one stored (``min(id)`` per story), and the
point-in-time view (``?at=``, :mod:`tickerwire.history`) asks for that list at any moment,
not only now; an article page lists the other copies of its story. Without this index each
of those read the whole articles table; with it they read the index alone.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_story_id", "articles", ["story_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_story_id", table_name="articles")
