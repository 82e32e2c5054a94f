"""Visibility: a comparison made from an article's table is owned by it; each event says
whether its resource had been public by then

Revision ID: 801bfe28bf7a
Revises: 652e6df77d07
Create Date: 2026-11-27 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "801bfe28bf7a"
down_revision: str | None = "652e6df77d07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_article_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_comparison_owner_article_id"), ["owner_article_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_comparison_owner_article_id_article"),
            "article",
            ["owner_article_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("once_public", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # An event is once_public from the first publication of its resource on; authors and tags
    # have no workflow and are public from the start.
    op.execute(
        sa.text(
            "UPDATE event SET once_public = :yes WHERE EXISTS (SELECT 1 FROM event AS earlier"
            " WHERE earlier.resource_type = event.resource_type"
            " AND earlier.resource_id = event.resource_id AND earlier.id <= event.id"
            " AND (earlier.type LIKE '%.published' OR earlier.type LIKE '%.unpublished'"
            " OR earlier.resource_type IN ('authors', 'tags')))"
        ).bindparams(yes=True)
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("once_public", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("once_public")
    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_comparison_owner_article_id_article"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_comparison_owner_article_id"))
        batch_op.drop_column("owner_article_id")
