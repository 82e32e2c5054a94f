"""Preview links: a token (kept hashed) that shows one article to whoever has it, until it
expires or is revoked

Revision ID: 7b2e4d1a6c35
Revises: 3f6d2b8c9e11
Create Date: 2026-11-27 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b2e4d1a6c35"
down_revision: str | None = "3f6d2b8c9e11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "preview_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_preview_link_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview_link")),
    )
    with op.batch_alter_table("preview_link") as batch:
        batch.create_index(batch.f("ix_preview_link_article_id"), ["article_id"], unique=False)
        batch.create_index(batch.f("ix_preview_link_prefix"), ["prefix"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("preview_link") as batch:
        batch.drop_index(batch.f("ix_preview_link_prefix"))
        batch.drop_index(batch.f("ix_preview_link_article_id"))
    op.drop_table("preview_link")
