"""The admin console: feeds an admin paused, and the private hosts an admin allows
user-supplied URLs to reach (beside ``fetch.allow_hosts`` in the settings file).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickerwire.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(
            sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "allowed_hosts",
        sa.Column("entry", sa.String(255), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.String(32)),
        sa.PrimaryKeyConstraint("entry", name="pk_allowed_hosts"),
    )


def downgrade() -> None:
    op.drop_table("allowed_hosts")
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("paused")
