# SPDX-License-Identifier: EUPL-1.2
"""contracting after the award: an additional round names its parent tender and its gap cells;
an outcome records the day it was decided when an open house admits a bid on its own

Revision ID: 0020_additional_rounds
Revises: 0019_grouplog_group_subject
Create Date: 2026-12-02 14:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_additional_rounds"
down_revision = "0019_grouplog_group_subject"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tender") as batch:
        batch.add_column(sa.Column("round_of", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("gap_cells", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("tender_outcome") as batch:
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tender_outcome") as batch:
        batch.drop_column("decided_on")
    with op.batch_alter_table("tender") as batch:
        batch.drop_column("gap_cells")
        batch.drop_column("round_of")
