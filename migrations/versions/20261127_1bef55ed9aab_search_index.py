"""Search index: one document per article, role and comparison; a weighted tsvector with a GIN
index on PostgreSQL, an FTS5 table (Porter stemming) kept in step by triggers on SQLite

Revision ID: 1bef55ed9aab
Revises: a48c211e52a7
Create Date: 2026-11-27 07:58:48.441386
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1bef55ed9aab"
down_revision: str | None = "a48c211e52a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "published",
                "archived",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint(
            "resource_type",
            "resource_id",
            name=op.f("uq_search_document_resource_type_resource_id"),
        ),
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED"
        )
        op.execute(
            "CREATE INDEX ix_search_document_search_vector ON search_document "
            "USING GIN (search_vector)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
            "content='search_document', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_document BEGIN "
            "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_document BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, title, body) "
            "VALUES ('delete', old.id, old.title, old.body); END"
        )
        op.execute(
            "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_document BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, title, body) "
            "VALUES ('delete', old.id, old.title, old.body); "
            "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_document_search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER search_fts_{trigger}")
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_document")
