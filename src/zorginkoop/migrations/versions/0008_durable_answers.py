# SPDX-License-Identifier: EUPL-1.2
"""durable answers: a processed declaration file points at the 325 it was answered with

The same bytes sent again get the answer they got the first time (the stored 325, or for a
refused file its stored refusal), never a made-up "every line 8021". Files processed before
this revision get their 325 back by its Identificatie (then "325" + the declaration id).

Revision ID: 0008_durable_answers
Revises: 0007_tariff_truth
Create Date: 2026-12-02 04:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_durable_answers"
down_revision = "0007_tariff_truth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_file") as batch:
        batch.add_column(sa.Column("answer_message_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_processed_file_answer_message_id_message"), "message", ["answer_message_id"], ["id"]
        )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT p.sha256, d.id, d.municipality_code, d.law FROM processed_file p "
            "JOIN declaration d ON d.id = p.declaration_id"
        )
    ).all()
    for sha, declaration_id, municipality, law in rows:
        answer = connection.execute(
            sa.text(
                "SELECT id FROM message WHERE direction = 'out' AND message_type = '325' "
                "AND sender = :sender AND law = :law AND identification = :ident"
            ),
            {"sender": municipality, "law": law, "ident": f"325{declaration_id:09d}"},
        ).scalar()
        if answer is not None:
            connection.execute(
                sa.text("UPDATE processed_file SET answer_message_id = :answer WHERE sha256 = :sha"),
                {"answer": answer, "sha": sha},
            )


def downgrade() -> None:
    with op.batch_alter_table("processed_file") as batch:
        batch.drop_constraint(op.f("fk_processed_file_answer_message_id_message"), type_="foreignkey")
        batch.drop_column("answer_message_id")
