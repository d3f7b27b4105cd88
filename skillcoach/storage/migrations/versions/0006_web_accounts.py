"""web accounts: sign-in names, password hashes and the operator role of the browser face

Revision ID: 0006
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_accounts",
        sa.Column("learner_id", sa.String(length=64), sa.ForeignKey("learners.id"), primary_key=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("operator", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_accounts")
