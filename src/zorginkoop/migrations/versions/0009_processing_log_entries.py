# SPDX-License-Identifier: EUPL-1.2
"""processing log entries after the Logboek Dataverwerkingen standard

One row per operation and data subject (trace and span id, operation, start and end, status,
processing activity, pseudonymised BSN, actor, scope) in ``processing_log_entry``. The old
``processing_log`` (one row per read, BSNs in clear when at most 50, else a count) stays as it
was for the history it holds, and is no longer written.

Revision ID: 0009_processing_log_entries
Revises: 0008_durable_answers
Create Date: 2026-12-02 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_processing_log_entries"
down_revision = "0008_durable_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processing_log_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("activity_id", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_log_entry")),
    )
    with op.batch_alter_table("processing_log_entry") as batch:
        batch.create_index("ix_processing_log_entry_subject", ["subject_id"], unique=False)
        batch.create_index("ix_processing_log_entry_started", ["started_at"], unique=False)
        batch.create_index("ix_processing_log_entry_actor", ["actor"], unique=False)
        batch.create_index("ix_processing_log_entry_activity", ["activity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processing_log_entry") as batch:
        batch.drop_index("ix_processing_log_entry_activity")
        batch.drop_index("ix_processing_log_entry_actor")
        batch.drop_index("ix_processing_log_entry_started")
        batch.drop_index("ix_processing_log_entry_subject")
    op.drop_table("processing_log_entry")
