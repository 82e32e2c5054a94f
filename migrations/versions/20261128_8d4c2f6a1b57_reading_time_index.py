"""An index on articles' reading time, for narrow ranges of it

Revision ID: 8d4c2f6a1b57
Revises: 7b2e4d1a6c35
Create Date: 2026-11-28 00:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8d4c2f6a1b57"
down_revision: str | None = "7b2e4d1a6c35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_article_reading_time_minutes", "article", ["reading_time_minutes"])


def downgrade() -> None:
    op.drop_index("ix_article_reading_time_minutes", table_name="article")
