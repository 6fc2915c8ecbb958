# SPDX-License-Identifier: EUPL-1.2
"""bestuurlijk aanbesteden: consultation tables (seats), their meetings, providers' online input
and the covenant's versioned agreements

Revision ID: 0018_tender_consultation
Revises: 0017_tender_procurement
Create Date: 2026-12-02 11:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_tender_consultation"
down_revision = "0017_tender_procurement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_seat",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("table_size", sa.String(length=20), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
        sa.Column("reference_year", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("chosen_by_user", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["tender_code"], ["tender.code"]),
        sa.ForeignKeyConstraint(["provider_agb"], ["provider.agb_code"]),
        sa.PrimaryKeyConstraint("tender_code", "provider_agb"),
    )
    op.create_table(
        "consultation_meeting",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("table_size", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tender_code"], ["tender.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consultation_meeting_tender", "consultation_meeting", ["tender_code", "day"])
    op.create_table(
        "consultation_input",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["tender_code"], ["tender.code"]),
        sa.ForeignKeyConstraint(["provider_agb"], ["provider.agb_code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consultation_input_tender", "consultation_input", ["tender_code", "topic"])
    op.create_table(
        "covenant_agreement",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tender_code"], ["tender.code"]),
        sa.PrimaryKeyConstraint("tender_code", "version", "article"),
    )


def downgrade() -> None:
    op.drop_table("covenant_agreement")
    op.drop_index("ix_consultation_input_tender", table_name="consultation_input")
    op.drop_table("consultation_input")
    op.drop_index("ix_consultation_meeting_tender", table_name="consultation_meeting")
    op.drop_table("consultation_meeting")
    op.drop_table("consultation_seat")
