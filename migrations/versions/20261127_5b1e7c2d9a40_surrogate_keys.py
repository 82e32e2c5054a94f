"""Precise invalidation: the keys each committed write changed (content_change), and rendered
representations stored for every process with the keys they depend on

Revision ID: 5b1e7c2d9a40
Revises: de3cc4642dbc
Create Date: 2026-11-27 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e7c2d9a40"
down_revision: str | None = "de3cc4642dbc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "content_change",
        sa.Column("id", Id, nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_change")),
    )
    op.create_index(
        op.f("ix_content_change_committed_at"), "content_change", ["committed_at"], unique=False
    )
    op.create_table(
        "representation",
        sa.Column("id", Id, nullable=False),
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=40), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fresh_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representation")),
        sa.UniqueConstraint(
            "resource_type",
            "resource_id",
            "variant",
            name=op.f("uq_representation_resource_type_resource_id_variant"),
        ),
    )
    op.create_table(
        "representation_key",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("representation_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["representation_id"],
            ["representation.id"],
            name=op.f("fk_representation_key_representation_id_representation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "representation_id", name=op.f("pk_representation_key")),
    )


def downgrade() -> None:
    op.drop_table("representation_key")
    op.drop_table("representation")
    op.drop_index(op.f("ix_content_change_committed_at"), table_name="content_change")
    op.drop_table("content_change")
