# SPDX-License-Identifier: EUPL-1.2
"""history: goals reached, recorded at an allocation's end evaluation

The consultant records at the end evaluation whether the goals of the care were reached
(reached, partly, not); the benchmark's goals-reached share reads it per provider.

Revision ID: 0013_history_goals_reached
Revises: 0012_cost_report_index
Create Date: 2026-12-02 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_history_goals_reached"
down_revision = "0012_cost_report_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("allocation") as batch:
        batch.add_column(sa.Column("goals_reached", sa.String(length=7), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("allocation") as batch:
        batch.drop_column("goals_reached")
