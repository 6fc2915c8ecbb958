# SPDX-License-Identifier: EUPL-1.2
"""allocation budget limit: what approved declarations may add up to (TR369), for every allocation

The 301's Budget (``budget_cents``) is only filled for an allocation without Omvang (CD078);
the limit is kept for every allocation, so TR369 bites on allocations with an Omvang too.
Existing allocations with a Budget get it as their limit.

Revision ID: 0004_allocation_budget_limit
Revises: 0003_client_contact
Create Date: 2026-12-02 04:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_allocation_budget_limit"
down_revision = "0003_client_contact"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("allocation") as batch:
        batch.add_column(sa.Column("budget_limit_cents", sa.BigInteger(), nullable=True))
    op.execute("UPDATE allocation SET budget_limit_cents = budget_cents WHERE budget_cents IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("allocation") as batch:
        batch.drop_column("budget_limit_cents")
