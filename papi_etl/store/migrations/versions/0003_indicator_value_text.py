"""Indicator values keep what the unit typed when it is not a number (`value_text`).

Until now that text was kept in `note` only when the unit wrote no note of its own, so a
finding about "nhiều" in a value cell could show the unit's note instead. Existing rows get
the text `note` held for an unreadable value, which is what validation read before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_values") as table:
        table.add_column(sa.Column("value_text", sa.Text(), nullable=True))
    op.execute(
        "UPDATE indicator_values SET value_text = note "
        "WHERE value IS NULL AND NOT not_applicable AND note IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("indicator_values") as table:
        table.drop_column("value_text")
