"""evidence: attempt details and disputes, provisional mastery, learner misconceptions

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("disputed", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("objective_state") as batch_op:
        batch_op.add_column(sa.Column("provisional_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("kinds", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("recheck", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("lessons", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("stuck_sessions", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("review_misses", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "learner_misconceptions",
        sa.Column("learner_id", sa.String(length=64), sa.ForeignKey("learners.id"), primary_key=True),
        sa.Column("misconception_id", sa.String(length=200), primary_key=True),
        sa.Column("objective_id", sa.String(length=160), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("learner_misconceptions")
    with op.batch_alter_table("objective_state") as batch_op:
        for column in ("review_misses", "stuck_sessions", "lessons", "recheck", "kinds", "provisional_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("attempts") as batch_op:
        batch_op.drop_column("disputed")
        batch_op.drop_column("details")
