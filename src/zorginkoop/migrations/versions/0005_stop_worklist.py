# SPDX-License-Identifier: EUPL-1.2
"""stop worklist: allocations whose provider stopped care for good (307), and what became of them

Revision ID: 0005_stop_worklist
Revises: 0004_allocation_budget_limit
Create Date: 2026-12-02 04:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_stop_worklist"
down_revision = "0004_allocation_budget_limit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stop_worklist",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("law", sa.String(length=10), nullable=False),
        sa.Column("allocation_number", sa.BigInteger(), nullable=False),
        sa.Column("client_bsn", sa.String(length=9), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("stop_event_id", sa.Integer(), nullable=False),
        sa.Column("end_reason", sa.String(length=2), nullable=False),
        sa.Column("proposed_end", sa.Date(), nullable=False),
        sa.Column("previous_end", sa.Date(), nullable=True),
        sa.Column("change_reason", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["stop_event_id"],
            ["delivery_event.id"],
            name=op.f("fk_stop_worklist_stop_event_id_delivery_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_worklist")),
    )
    with op.batch_alter_table("stop_worklist") as batch:
        batch.create_index("ix_stop_worklist_status", ["municipality_code", "status"], unique=False)
        batch.create_index("ix_stop_worklist_event", ["stop_event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stop_worklist") as batch:
        batch.drop_index("ix_stop_worklist_event")
        batch.drop_index("ix_stop_worklist_status")
    op.drop_table("stop_worklist")
