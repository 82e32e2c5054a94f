"""Purge cursors: how far each HTTP cache in front (FOLIO_PURGE_URLS) has been purged

Revision ID: 3f6d2b8c9e11
Revises: 0a9e7428cb76
Create Date: 2026-11-27 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f6d2b8c9e11"
down_revision: str | None = "0a9e7428cb76"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "purge_cursor",
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column(
            "last_change", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_purge_cursor")),
    )


def downgrade() -> None:
    op.drop_table("purge_cursor")
