# SPDX-License-Identifier: EUPL-1.2
"""report: signals about providers (compliment, concern, complaint)

What a social team or contract manager noticed about a provider, with who and when, held by
one municipality (NULL: the region); read into the provider's account report.

Revision ID: 0014_report_provider_signals
Revises: 0013_history_goals_reached
Create Date: 2026-12-02 10:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_report_provider_signals"
down_revision = "0013_history_goals_reached"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_signal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_agb"], ["provider.agb_code"], name=op.f("fk_provider_signal_provider_agb_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_signal")),
    )
    op.create_index("ix_provider_signal_provider", "provider_signal", ["provider_agb", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_provider_signal_provider", table_name="provider_signal")
    op.drop_table("provider_signal")
