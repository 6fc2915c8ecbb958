# SPDX-License-Identifier: EUPL-1.2
"""message channel: a provider's delivery channel (files or api) and who delivered a message

A provider's outbox is delivered through one channel at a time: files written by ``messages
export`` (the default, as before) or the HTTP API (``GET /api/v1/messages`` and ``.../ack``).
``message.exported_by`` says who delivered an outgoing message (the API user who acknowledged
it, or the export).

Revision ID: 0009_message_channel
Revises: 0009_cost_report_index
Create Date: 2026-12-02 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_message_channel"
down_revision = "0009_cost_report_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "provider",
        sa.Column("delivery_channel", sa.String(length=10), nullable=False, server_default="files"),
    )
    op.add_column("message", sa.Column("exported_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy of these tables would drop tables that
    # other tables' foreign keys point at
    op.drop_column("message", "exported_by")
    op.drop_column("provider", "delivery_channel")
