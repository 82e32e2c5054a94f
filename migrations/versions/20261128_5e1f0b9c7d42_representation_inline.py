"""Stored representations kept in their row on PostgreSQL

A stored body is zlib-compressed already, and most are a few kilobytes: PostgreSQL moved every
one past 2 kB out to the TOAST table, so a miss read an index and a heap page there besides the
row's own. Kept in the row (``STORAGE MAIN``, with rows allowed to fill a page), a miss reads
the row and nothing else. Rows stored before this are moved as they are stored again. SQLite
keeps a row's bytes together anyway: nothing to do there.

Revision ID: 5e1f0b9c7d42
Revises: c2a9e4f71d03
Create Date: 2026-11-28 05:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e1f0b9c7d42"
down_revision: str | None = "c2a9e4f71d03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE representation ALTER COLUMN body SET STORAGE MAIN")
    op.execute("ALTER TABLE representation ALTER COLUMN headers SET STORAGE MAIN")
    op.execute("ALTER TABLE representation SET (toast_tuple_target = 8160)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE representation RESET (toast_tuple_target)")
    op.execute("ALTER TABLE representation ALTER COLUMN headers SET STORAGE EXTENDED")
    op.execute("ALTER TABLE representation ALTER COLUMN body SET STORAGE EXTENDED")
