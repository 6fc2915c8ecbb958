# SPDX-License-Identifier: EUPL-1.2
"""tender procurement: tenders with lots, questions (requirements and remarks), contract
conditions and award criteria; bids with prices and answers; assessors' scores; the outcomes
the intended award fixed, with the contract the final award made

Revision ID: 0016_tender_procurement
Revises: 0014_contracting_contracts (written against 0013_history_goals_reached; re-chained on the merge of contracting)
Create Date: 2026-12-02 10:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_tender_procurement"
down_revision = "0014_contracting_contracts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tender",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("procedure", sa.String(length=20), nullable=False),
        sa.Column("award_method", sa.String(length=20), nullable=False),
        sa.Column("tariff_policy", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("registration_opens", sa.Date(), nullable=False),
        sa.Column("registration_closes", sa.Date(), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=True),
        sa.Column("term_extensions", sa.String(length=40), nullable=False),
        sa.Column("notice_months", sa.Integer(), nullable=False),
        sa.Column("scale_low", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("scale_high", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("minimum_total", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("standstill_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("intended_award_on", sa.Date(), nullable=True),
        sa.Column("final_award_on", sa.Date(), nullable=True),
        sa.Column("framework_code", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_tender")),
    )
    op.create_table(
        "tender_condition",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_code"], ["tender.code"], name=op.f("fk_tender_condition_tender_code_tender")
        ),
        sa.PrimaryKeyConstraint("tender_code", "position", name=op.f("pk_tender_condition")),
    )
    op.create_table(
        "tender_criterion",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("minimum", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["tender_code"], ["tender.code"], name=op.f("fk_tender_criterion_tender_code_tender")
        ),
        sa.PrimaryKeyConstraint("tender_code", "code", name=op.f("pk_tender_criterion")),
    )
    op.create_table(
        "tender_lot",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("law", sa.String(length=10), nullable=False),
        sa.Column("ceiling_cents", sa.BigInteger(), nullable=True),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tender_code"], ["tender.code"], name=op.f("fk_tender_lot_tender_code_tender")
        ),
        sa.PrimaryKeyConstraint("tender_code", "code", name=op.f("pk_tender_lot")),
    )
    op.create_table(
        "tender_question",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=True),
        sa.Column("accepted", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_code"], ["tender.code"], name=op.f("fk_tender_question_tender_code_tender")
        ),
        sa.PrimaryKeyConstraint("tender_code", "code", name=op.f("pk_tender_question")),
    )
    op.create_table(
        "tender_bid",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("municipalities", sa.Text(), nullable=False),
        sa.Column("target_groups", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_agb"], ["provider.agb_code"], name=op.f("fk_tender_bid_provider_agb_provider")
        ),
        sa.ForeignKeyConstraint(
            ["tender_code", "lot_code"],
            ["tender_lot.tender_code", "tender_lot.code"],
            name=op.f("fk_tender_bid_tender_code_tender_lot"),
        ),
        sa.PrimaryKeyConstraint("tender_code", "lot_code", "provider_agb", name=op.f("pk_tender_bid")),
    )
    op.create_table(
        "tender_lot_product",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tariff_cents", sa.BigInteger(), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_code", "lot_code"],
            ["tender_lot.tender_code", "tender_lot.code"],
            name=op.f("fk_tender_lot_product_tender_code_tender_lot"),
        ),
        sa.PrimaryKeyConstraint(
            "tender_code", "lot_code", "product_code", name=op.f("pk_tender_lot_product")
        ),
    )
    op.create_table(
        "tender_bid_answer",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("question_code", sa.String(length=40), nullable=False),
        sa.Column("value_type", sa.String(length=4), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
            name=op.f("fk_tender_bid_answer_tender_code_tender_bid"),
        ),
        sa.PrimaryKeyConstraint(
            "tender_code", "lot_code", "provider_agb", "question_code", name=op.f("pk_tender_bid_answer")
        ),
    )
    op.create_table(
        "tender_bid_price",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
            name=op.f("fk_tender_bid_price_tender_code_tender_bid"),
        ),
        sa.PrimaryKeyConstraint(
            "tender_code", "lot_code", "provider_agb", "product_code", name=op.f("pk_tender_bid_price")
        ),
    )
    op.create_table(
        "tender_outcome",
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("admitted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("score", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("price_cents", sa.BigInteger(), nullable=True),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("contract_number", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
            name=op.f("fk_tender_outcome_tender_code_tender_bid"),
        ),
        sa.PrimaryKeyConstraint("tender_code", "lot_code", "provider_agb", name=op.f("pk_tender_outcome")),
    )
    op.create_table(
        "tender_score",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_code", sa.String(length=40), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("criterion_code", sa.String(length=40), nullable=False),
        sa.Column("assessor", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("consensus", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
            name=op.f("fk_tender_score_tender_code_tender_bid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_score")),
    )
    op.create_index(
        "ix_tender_score_bid", "tender_score", ["tender_code", "lot_code", "provider_agb"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tender_score_bid", table_name="tender_score")
    op.drop_table("tender_score")
    op.drop_table("tender_outcome")
    op.drop_table("tender_bid_price")
    op.drop_table("tender_bid_answer")
    op.drop_table("tender_lot_product")
    op.drop_table("tender_bid")
    op.drop_table("tender_question")
    op.drop_table("tender_lot")
    op.drop_table("tender_criterion")
    op.drop_table("tender_condition")
    op.drop_table("tender")
