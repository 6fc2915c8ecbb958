# SPDX-License-Identifier: EUPL-1.2
"""client contact: the BRP address and phone a 301 must carry (TR061, TR006)

Revision ID: 0003_client_contact
Revises: 0002_exchange
Create Date: 2026-11-23 19:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_client_contact"
down_revision = "0002_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_contact",
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("house_number", sa.Integer(), nullable=False),
        sa.Column("house_letter", sa.String(length=1), nullable=True),
        sa.Column("postcode", sa.String(length=6), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=15), nullable=True),
        sa.ForeignKeyConstraint(["bsn"], ["client.bsn"], name=op.f("fk_client_contact_bsn_client")),
        sa.PrimaryKeyConstraint("bsn", name=op.f("pk_client_contact")),
    )


def downgrade() -> None:
    op.drop_table("client_contact")
