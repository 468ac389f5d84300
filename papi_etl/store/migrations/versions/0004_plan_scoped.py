"""Every row keyed by plan: raw files and source cursors get a plan, plans their district.

Until now a store held one plan in practice, and two rows had none: a raw file (the same
bytes sent to two plans were one row, so the second plan saw a "duplicate" it never took
in, and the first plan's rejections), and a source's cursor (two plans reading one API
shared one place). Existing rows go to the plan of the submission they became, else to
the store's plan. `plans.district` names the district (or city) for roll-ups, and
submissions get an index on (plan, period), what every step reads. `raw_files.source`
widens to 200 characters, as the cursors' source: an API source is named by its URL
(`http:<host>/api/v2/assets/<uid>/data`), which PostgreSQL refused past 40.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ONLY_PLAN = "(SELECT min(id) FROM plans)"


def upgrade() -> None:
    with op.batch_alter_table("plans") as table:
        table.add_column(
            sa.Column(
                "district",
                sa.Text(),
                nullable=True,
                comment="the district (or city) the plan is of, as its document names it",
            )
        )

    with op.batch_alter_table("raw_files") as table:
        table.add_column(sa.Column("plan_id", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE raw_files SET plan_id = (SELECT min(s.plan_id) FROM submissions s "
        "WHERE s.raw_file_id = raw_files.id)"
    )
    op.execute(f"UPDATE raw_files SET plan_id = {_ONLY_PLAN} WHERE plan_id IS NULL")
    with op.batch_alter_table("raw_files") as table:
        table.alter_column("plan_id", existing_type=sa.String(length=40), nullable=False)
        table.alter_column(
            "source",
            existing_type=sa.String(length=40),
            type_=sa.String(length=200),
            existing_nullable=False,
            existing_comment="e.g. 'inbox', 'http'",
            comment="e.g. 'inbox', 'http:kf.kobotoolbox.org/api/v2/assets/<uid>/data'",
        )
        table.drop_constraint("uq_raw_files_sha256", type_="unique")
        table.create_unique_constraint("uq_raw_files_plan_sha256", ["plan_id", "sha256"])
        table.create_foreign_key(
            "fk_raw_files_plan_id_plans", "plans", ["plan_id"], ["id"], ondelete="RESTRICT"
        )

    with op.batch_alter_table("source_cursors") as table:
        table.add_column(sa.Column("plan_id", sa.String(length=40), nullable=True))
    op.execute(f"UPDATE source_cursors SET plan_id = {_ONLY_PLAN}")
    with op.batch_alter_table("source_cursors") as table:
        table.alter_column("plan_id", existing_type=sa.String(length=40), nullable=False)
        table.drop_constraint("pk_source_cursors", type_="primary")
        table.create_primary_key("pk_source_cursors", ["plan_id", "source"])
        table.create_foreign_key(
            "fk_source_cursors_plan_id_plans", "plans", ["plan_id"], ["id"], ondelete="RESTRICT"
        )

    op.create_index("ix_submissions_plan_period", "submissions", ["plan_id", "period_code"])


def downgrade() -> None:
    op.drop_index("ix_submissions_plan_period", table_name="submissions")
    with op.batch_alter_table("source_cursors") as table:
        table.drop_constraint("fk_source_cursors_plan_id_plans", type_="foreignkey")
        table.drop_constraint("pk_source_cursors", type_="primary")
        table.create_primary_key("pk_source_cursors", ["source"])
        table.drop_column("plan_id")
    with op.batch_alter_table("raw_files") as table:
        table.alter_column(
            "source", existing_type=sa.String(length=200), type_=sa.String(length=40)
        )
        table.drop_constraint("fk_raw_files_plan_id_plans", type_="foreignkey")
        table.drop_constraint("uq_raw_files_plan_sha256", type_="unique")
        table.create_unique_constraint("uq_raw_files_sha256", ["sha256"])
        table.drop_column("plan_id")
    with op.batch_alter_table("plans") as table:
        table.drop_column("district")
