# SPDX-License-Identifier: EUPL-1.2
"""contracting: the contract manager's writing commands

``provider_tariff`` holds a provider's own price per product (its bid price) apart from the
catalogue tariff; ``extension_decision`` records the region's decision on an extension option per
contract; ``contract.ended_on``/``end_reason`` record an early end.

Revision ID: 0014_contracting_contracts
Revises: 0013_history_goals_reached
Create Date: 2026-12-02 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_contracting_contracts"
down_revision = "0013_history_goals_reached"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_tariff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_agb"], ["provider.agb_code"], name=op.f("fk_provider_tariff_provider_agb_provider")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_provider_tariff_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_tariff")),
    )
    with op.batch_alter_table("provider_tariff", schema=None) as batch_op:
        batch_op.create_index(
            "ix_provider_tariff_provider_product", ["provider_agb", "product_id", "valid_from"], unique=False
        )
    op.create_table(
        "extension_decision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("framework_code", sa.String(length=40), nullable=False),
        sa.Column("option_number", sa.Integer(), nullable=False),
        sa.Column("contract_number", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_code"],
            ["framework_agreement.code"],
            name=op.f("fk_extension_decision_framework_code_framework_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_number"],
            ["contract.number"],
            name=op.f("fk_extension_decision_contract_number_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_decision")),
        sa.UniqueConstraint("contract_number", "option_number", name="uq_extension_decision_option"),
    )
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_table("extension_decision")
    with op.batch_alter_table("provider_tariff", schema=None) as batch_op:
        batch_op.drop_index("ix_provider_tariff_provider_product")
    op.drop_table("provider_tariff")
    # in place (SQLite 3.35+ drops a column itself): recreating ``contract`` would drop a table
    # other tables' rows refer to (collective_ceiling_contract), which foreign keys refuse
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.drop_column("end_reason")
        batch.drop_column("ended_on")
