# SPDX-License-Identifier: EUPL-1.2
"""referrer: who referred a young client (iJw Verwijzer, COD327) per allocation and per request

An allocation and a provider's 315 request keep the Verwijzer: its type (COD327), its Naam and
its ZorgverlenerCode (AGB), where the standard carries them; the Jeugd dashboard shows its
figures by referrer. Existing rows keep no referrer (unknown): nothing tells which it was.

Revision ID: 0021_referrer_verwijzer
Revises: 0020_additional_rounds
Create Date: 2026-12-02 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_referrer_verwijzer"
down_revision = "0020_additional_rounds"
branch_labels = None
depends_on = None

_TABLES = ("allocation", "allocation_request")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("referrer_type", sa.String(length=2), nullable=True))
            batch.add_column(sa.Column("referrer_name", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("referrer_agb", sa.String(length=8), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("referrer_agb")
            batch.drop_column("referrer_name")
            batch.drop_column("referrer_type")
