"""Tag relevance: how much each tagged article is about the instrument or entity (headline,
lead, body; how often), so a passing mention does not rank an article high on a quote or
topic page.

Rows tagged before this revision only know their mention count, so they get the score of an
article that names the tag in its body that many times; ``tickerwire tag --all`` re-tags them
with the headline and lead taken into account.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The body-only share of tagger.relevance(): 0.04 a mention, 0.2 at five or more.
PER_MENTION = 0.04
MENTIONS_COUNTED = 5


def upgrade() -> None:
    for table in ("article_instruments", "article_entities"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("relevance", sa.Float(), nullable=False, server_default="0"))
        rows = sa.table(table, sa.column("mentions", sa.Integer), sa.column("relevance", sa.Float))
        counted = sa.case(
            (rows.c.mentions > MENTIONS_COUNTED, MENTIONS_COUNTED), else_=rows.c.mentions
        )
        op.execute(rows.update().values(relevance=PER_MENTION * counted))


def downgrade() -> None:
    for table in ("article_entities", "article_instruments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("relevance")
