"""Search-engine fields of articles: meta title and description, canonical URL, image

Revision ID: 5b6388344263
Revises: 0eb7d8439fd6
Create Date: 2026-11-27 08:15:59.440502
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b6388344263"
down_revision: str | None = "0eb7d8439fd6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meta_title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("meta_description", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("canonical_url", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("image_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("image_url")
        batch_op.drop_column("canonical_url")
        batch_op.drop_column("meta_description")
        batch_op.drop_column("meta_title")
