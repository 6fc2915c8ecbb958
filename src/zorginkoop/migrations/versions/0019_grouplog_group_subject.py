# SPDX-License-Identifier: EUPL-1.2
"""processing log: a group figure's subject (``GROUP``, its description) fits subject_id

A read of a figure about a group of people is logged with the group's description as its
subject (``law=wmo;municipality=0321;year=2020``), which can be longer than a pseudonym's 64
hex digits: subject_id widens to 200 characters. On PostgreSQL widening a varchar rewrites
nothing; on SQLite the batch copies the table.

Revision ID: 0019_grouplog_group_subject
Revises: 0018_tender_consultation
Create Date: 2026-12-02 14:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_grouplog_group_subject"
down_revision = "0018_tender_consultation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processing_log_entry") as batch:
        batch.alter_column(
            "subject_id",
            existing_type=sa.String(length=64),
            type_=sa.String(length=200),
            existing_nullable=False,
        )


def downgrade() -> None:
    # a group description longer than 64 characters is cut to its first 64
    op.execute(
        "UPDATE processing_log_entry SET subject_id = substr(subject_id, 1, 64) WHERE length(subject_id) > 64"
    )
    with op.batch_alter_table("processing_log_entry") as batch:
        batch.alter_column(
            "subject_id",
            existing_type=sa.String(length=200),
            type_=sa.String(length=64),
            existing_nullable=False,
        )
