"""Stored representations of lists, searches and feeds: the variant holds the request's path
and query (up to 1,000 characters), an index on (resource_type, id) keeps their number
bounded cheaply, and bodies are stored compressed (zlib) from this revision on

Revision ID: 9c3e5a7b1f20
Revises: 5b1e7c2d9a40
Create Date: 2026-11-27 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c3e5a7b1f20"
down_revision: str | None = "5b1e7c2d9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _forget() -> None:
    # Stored representations are a cache: emptying it loses nothing (the next read renders),
    # and no body stored before this revision (plain) is read after it (compressed), or back.
    op.execute("DELETE FROM representation_key")
    op.execute("DELETE FROM representation")


def upgrade() -> None:
    _forget()
    with op.batch_alter_table("representation") as batch:
        batch.alter_column(
            "variant", existing_type=sa.String(length=40), type_=sa.String(length=1000)
        )
        batch.create_index(
            batch.f("ix_representation_resource_type_id"), ["resource_type", "id"], unique=False
        )


def downgrade() -> None:
    _forget()
    with op.batch_alter_table("representation") as batch:
        batch.drop_index(batch.f("ix_representation_resource_type_id"))
        batch.alter_column(
            "variant", existing_type=sa.String(length=1000), type_=sa.String(length=40)
        )
