"""Quote kind: whether a stored quote is an intraday price, a daily fixing (the ECB's
reference rates) or an end-of-day value (the Treasury's and FRED's yields), so the label
survives a restart and every process shows it.

Quotes stored before this revision were all intraday prices: the providers that publish
the other kinds came with it.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quotes") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="intraday")
        )


def downgrade() -> None:
    with op.batch_alter_table("quotes") as batch:
        batch.drop_column("kind")
