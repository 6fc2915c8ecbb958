# SPDX-License-Identifier: EUPL-1.2
"""survey: rounds, invitations and answers of the client experience survey; client e-mail

The cliëntervaringsonderzoek (Wmo 2015 art. 2.5.1, Jeugdwet art. 2.10): a round per year and
law, the clients drawn with their one-time token (only its SHA-256) and their answers. The
providers' contact data may carry an e-mail address, used to send the invitation.

Revision ID: 0015_survey_rounds
Revises: 0014_report_provider_signals
Create Date: 2026-12-02 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_survey_rounds"
down_revision = "0014_report_provider_signals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client_contact") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "survey_round",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("law", sa.String(length=10), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("questionnaire", sa.Text(), nullable=False),
        sa.Column("sample", sa.Integer(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["municipality_code"], ["municipality.code"],
                                name=op.f("fk_survey_round_municipality_code_municipality")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_round")),
    )  # fmt: skip
    op.create_table(
        "survey_invitation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("client_bsn", sa.String(length=9), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=6), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["survey_round.id"],
                                name=op.f("fk_survey_invitation_round_id_survey_round")),
        sa.ForeignKeyConstraint(["client_bsn"], ["client.bsn"],
                                name=op.f("fk_survey_invitation_client_bsn_client")),
        sa.ForeignKeyConstraint(["municipality_code"], ["municipality.code"],
                                name=op.f("fk_survey_invitation_municipality_code_municipality")),
        sa.ForeignKeyConstraint(["provider_agb"], ["provider.agb_code"],
                                name=op.f("fk_survey_invitation_provider_agb_provider")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitation")),
        sa.UniqueConstraint("round_id", "client_bsn", name="uq_survey_invitation_client"),
        sa.UniqueConstraint("token_hash", name="uq_survey_invitation_token_hash"),
    )  # fmt: skip
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(["invitation_id"], ["survey_invitation.id"],
                                name=op.f("fk_survey_answer_invitation_id_survey_invitation")),
        sa.ForeignKeyConstraint(["municipality_code"], ["municipality.code"],
                                name=op.f("fk_survey_answer_municipality_code_municipality")),
        sa.ForeignKeyConstraint(["provider_agb"], ["provider.agb_code"],
                                name=op.f("fk_survey_answer_provider_agb_provider")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
        sa.UniqueConstraint("invitation_id", "question", name="uq_survey_answer_question"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("survey_answer")
    op.drop_table("survey_invitation")
    op.drop_table("survey_round")
    with op.batch_alter_table("client_contact") as batch:
        batch.drop_column("email")
