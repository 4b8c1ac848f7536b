"""Alerts: members' price and news alerts, what fired (the inbox), the deliveries of each
event by webhook, ntfy and email, and where and when each member wants them.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickerwire.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("symbol", sa.String(20)),
        sa.Column("condition", sa.String(16)),
        sa.Column("level", sa.Float()),
        sa.Column("band_percent", sa.Float()),
        sa.Column("armed", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("topic_kind", sa.String(12)),
        sa.Column("topic_key", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_fired_at", UTCDateTime()),
        sa.CheckConstraint("kind IN ('price', 'news')", name="ck_alerts_kind"),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_alerts_member_id_members", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_kind", "alerts", ["kind", "symbol"])
    op.create_index("ix_alerts_member_id", "alerts", ["member_id"])
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime()),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name="fk_alert_events_alert_id_alerts", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_alert_events_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_events"),
        sa.UniqueConstraint("member_id", "trigger", name="uq_alert_events_member_id"),
    )
    op.create_index("ix_alert_events_member_id", "alert_events", ["member_id", "fired_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("delivery_key", sa.String(36), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("sent_at", UTCDateTime()),
        sa.CheckConstraint(
            "state IN ('pending', 'sent', 'failed', 'digest')", name="ck_deliveries_state"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["alert_events.id"],
            name="fk_deliveries_event_id_alert_events",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_deliveries_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("delivery_key", name="uq_deliveries_delivery_key"),
        sa.UniqueConstraint("event_id", "channel", name="uq_deliveries_event_id"),
    )
    op.create_index("ix_deliveries_state", "deliveries", ["state", "next_attempt_at"])
    op.create_table(
        "alert_preferences",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("webhook_url", sa.Text()),
        sa.Column("webhook_secret", sa.String(64)),
        sa.Column("ntfy_topic", sa.String(64)),
        sa.Column("email", sa.String(254)),
        sa.Column("email_digest", sa.Boolean(), nullable=False),
        sa.Column("quiet_from", sa.Integer()),
        sa.Column("quiet_until", sa.Integer()),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_alert_preferences_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name="pk_alert_preferences"),
    )


def downgrade() -> None:
    op.drop_table("alert_preferences")
    op.drop_table("deliveries")
    op.drop_table("alert_events")
    op.drop_table("alerts")
