"""Indexes for every sort of every collection, each ending with id (the keyset tie-breaker)

Revision ID: 0eb7d8439fd6
Revises: 1bef55ed9aab
Create Date: 2026-11-27 08:07:28.235512
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0eb7d8439fd6"
down_revision: str | None = "1bef55ed9aab"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index("ix_article_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_article_published_at_id", ["published_at", "id"], unique=False)
        batch_op.create_index("ix_article_title_id", ["title", "id"], unique=False)
        batch_op.create_index("ix_article_updated_at_id", ["updated_at", "id"], unique=False)

    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.create_index("ix_author_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_author_name_id", ["name", "id"], unique=False)
        batch_op.create_index("ix_author_updated_at_id", ["updated_at", "id"], unique=False)

    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.create_index("ix_comparison_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_comparison_title_id", ["title", "id"], unique=False)
        batch_op.create_index("ix_comparison_updated_at_id", ["updated_at", "id"], unique=False)

    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.create_index("ix_role_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_role_name_id", ["name", "id"], unique=False)
        batch_op.create_index("ix_role_updated_at_id", ["updated_at", "id"], unique=False)

    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index("ix_tag_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_tag_name_id", ["name", "id"], unique=False)
        batch_op.create_index("ix_tag_updated_at_id", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index("ix_tag_updated_at_id")
        batch_op.drop_index("ix_tag_name_id")
        batch_op.drop_index("ix_tag_created_at_id")

    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.drop_index("ix_role_updated_at_id")
        batch_op.drop_index("ix_role_name_id")
        batch_op.drop_index("ix_role_created_at_id")

    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.drop_index("ix_comparison_updated_at_id")
        batch_op.drop_index("ix_comparison_title_id")
        batch_op.drop_index("ix_comparison_created_at_id")

    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.drop_index("ix_author_updated_at_id")
        batch_op.drop_index("ix_author_name_id")
        batch_op.drop_index("ix_author_created_at_id")

    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_updated_at_id")
        batch_op.drop_index("ix_article_title_id")
        batch_op.drop_index("ix_article_published_at_id")
        batch_op.drop_index("ix_article_created_at_id")
