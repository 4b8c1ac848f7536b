"""News: feeds, entries, articles, stories.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickerwire.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("site_url", sa.Text()),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("last_fetch_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("next_fetch_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("url", name="uq_feeds_url"),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("byline", sa.Text()),
        sa.Column("site_name", sa.Text()),
        sa.Column("lang", sa.String(16)),
        sa.Column("published", UTCDateTime()),
        sa.Column("updated", UTCDateTime()),
        sa.Column("lead_image", sa.JSON()),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("video", sa.JSON()),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("summary_html", sa.Text(), nullable=False),
        sa.Column("extracted", sa.Boolean(), nullable=False),
        sa.Column("extraction_error", sa.Text()),
        sa.Column("fingerprint", sa.BigInteger()),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], name="fk_articles_story_id_stories"),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("canonical_url", name="uq_articles_canonical_url"),
    )
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_site_name_published", "articles", ["site_name", "published"])
    op.create_index("ix_articles_title_key", "articles", ["title_key"])
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary_html", sa.Text(), nullable=False),
        sa.Column("published", UTCDateTime()),
        sa.Column("image_url", sa.Text()),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("article_id", sa.Integer()),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name="fk_entries_feed_id_feeds", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_entries_article_id_articles"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_entries"),
        sa.UniqueConstraint("feed_id", "identity", name="uq_entries_feed_identity"),
    )
    op.create_index("ix_entries_article_id", "entries", ["article_id"])
    op.create_table(
        "settings_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings_state"),
    )


def downgrade() -> None:
    op.drop_table("settings_state")
    op.drop_table("entries")
    op.drop_table("articles")
    op.drop_table("stories")
    op.drop_table("feeds")
