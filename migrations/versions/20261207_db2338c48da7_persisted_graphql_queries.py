"""Persisted GraphQL queries

A query's text by its SHA-256 (the automatic persisted queries protocol), shared by every
process and node, so that a GET can name a query by its hash alone.

Revision ID: db2338c48da7
Revises: 79e948c019ca
Create Date: 2026-12-07 06:19:02.888717
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "db2338c48da7"
down_revision: str | None = "79e948c019ca"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "persisted_query",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_persisted_query")),
    )


def downgrade() -> None:
    op.drop_table("persisted_query")
