# SPDX-License-Identifier: EUPL-1.2
"""allocation outside lines: approved declaration lines a shortened allocation no longer covers

When an allocation is shortened or ended over months already paid (a change, an end, a switch
to another provider), the approved lines now outside it are recorded, so the back office can
list the ones the provider still has to credit. And a decision's add-on modules with a
product code of their own (Twente), each a decided product allocated apart.

Revision ID: 0006_allocation_outside_line
Revises: 0005_stop_worklist
Create Date: 2026-12-02 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_allocation_outside_line"
down_revision = "0005_stop_worklist"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allocation_outside_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("declaration_line_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("law", sa.String(length=10), nullable=False),
        sa.Column("allocation_number", sa.BigInteger(), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("change_reason", sa.String(length=2), nullable=False),
        sa.Column("allocation_end", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_line_id"],
            ["declaration_line.id"],
            name="fk_allocation_outside_line_declaration_line_id_declaration_line",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_allocation_outside_line"),
        sa.UniqueConstraint("declaration_line_id", name="uq_allocation_outside_line_line"),
    )
    op.create_table(
        "decision_add_on",
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("module_id", sa.String(length=60), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name="fk_decision_add_on_decision_id_decision"
        ),
        sa.PrimaryKeyConstraint("decision_id", "module_id", name="pk_decision_add_on"),
    )
    op.create_index(
        "ix_allocation_outside_line_allocation",
        "allocation_outside_line",
        ["municipality_code", "law", "allocation_number"],
    )


def downgrade() -> None:
    op.drop_index("ix_allocation_outside_line_allocation", table_name="allocation_outside_line")
    op.drop_table("allocation_outside_line")
    op.drop_table("decision_add_on")
