# SPDX-License-Identifier: EUPL-1.2
"""one tariff truth: reference (NZa) tariffs and an allocation's tariff basis

``reference_tariff`` holds a product's NZa tariff per period, the base of the region's rule for
providers without a contract (70%, seed 000); ``allocation.nza_percentage`` records that rule as
the allocation's tariff basis (NULL: the contract tariff).

Revision ID: 0007_tariff_truth
Revises: 0006_allocation_outside_line
Create Date: 2026-12-02 04:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_tariff_truth"
down_revision = "0006_allocation_outside_line"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_tariff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_reference_tariff_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_tariff")),
    )
    with op.batch_alter_table("reference_tariff", schema=None) as batch_op:
        batch_op.create_index("ix_reference_tariff_product_valid", ["product_id", "valid_from"], unique=False)
    with op.batch_alter_table("allocation") as batch:
        batch.add_column(sa.Column("nza_percentage", sa.Numeric(7, 4, asdecimal=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("allocation") as batch:
        batch.drop_column("nza_percentage")
    with op.batch_alter_table("reference_tariff", schema=None) as batch_op:
        batch_op.drop_index("ix_reference_tariff_product_valid")
    op.drop_table("reference_tariff")
