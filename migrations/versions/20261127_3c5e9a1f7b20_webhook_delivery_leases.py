"""Webhook delivery leases: each claim is named, and an attempt is recorded only under it

Revision ID: 3c5e9a1f7b20
Revises: 801bfe28bf7a
Create Date: 2026-11-27 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c5e9a1f7b20"
down_revision: str | None = "801bfe28bf7a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_column("lease")
