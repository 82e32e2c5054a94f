"""Events keep the X-Request-ID of the request that made the change, for its webhook
deliveries

Revision ID: 0a9e7428cb76
Revises: 9c3e5a7b1f20
Create Date: 2026-11-27 22:29:30.038479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0a9e7428cb76"
down_revision: str | None = "9c3e5a7b1f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("request_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("request_id")
