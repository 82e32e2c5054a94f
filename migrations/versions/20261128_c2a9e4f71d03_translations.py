"""Translations: articles, roles and comparisons in other locales, each with its own slug,
workflow, version and revisions; search documents per locale, stemmed in their language

Revision ID: c2a9e4f71d03
Revises: 8d4c2f6a1b57
Create Date: 2026-11-28 01:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c2a9e4f71d03"
down_revision: str | None = "8d4c2f6a1b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL's text search configurations with a Snowball stemmer (``api.core.locales``).
LANGUAGES = (
    "danish", "dutch", "english", "finnish", "french", "german", "hungarian", "italian",
    "norwegian", "portuguese", "romanian", "russian", "spanish", "swedish", "turkish",
)  # fmt: skip


def _vector(columns: tuple[str, ...], weights: str) -> str:
    """A document's tsvector in its own language: a CASE over constant configurations (a
    generated column takes no configuration named by a value)."""

    def in_(config: str) -> str:
        return " || ".join(
            f"setweight(to_tsvector('{config}', coalesce({column}, '')), '{weight}')"
            for column, weight in zip(columns, weights, strict=True)
        )

    cases = " ".join(f"WHEN '{name}' THEN {in_(name)}" for name in LANGUAGES)
    return f"CASE language {cases} ELSE {in_('simple')} END"


_FTS_TRIGGERS = {
    "insert": "AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title, body, stems) "
    "VALUES (new.id, new.title, new.body, new.stems); END",
    "delete": "AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body, stems) "
    "VALUES ('delete', old.id, old.title, old.body, old.stems); END",
    "update": "AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body, stems) "
    "VALUES ('delete', old.id, old.title, old.body, old.stems); "
    "INSERT INTO search_fts(rowid, title, body, stems) "
    "VALUES (new.id, new.title, new.body, new.stems); END",
}


def upgrade() -> None:
    op.create_table(
        "translation",
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "scheduled", "published", "archived",
                name="status", native_enum=False, create_constraint=True, length=16,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation")),
        sa.UniqueConstraint(
            "resource_type", "locale", "slug",
            name=op.f("uq_translation_resource_type_locale_slug"),
        ),
        sa.UniqueConstraint(
            "resource_type", "resource_id", "locale",
            name=op.f("uq_translation_resource_type_resource_id_locale"),
        ),
    )  # fmt: skip
    op.create_index(
        "ix_translation_resource", "translation", ["resource_type", "resource_id"], unique=False
    )
    with op.batch_alter_table("event") as batch:
        batch.add_column(
            sa.Column("locale", sa.String(length=35), nullable=False, server_default="")
        )
    with op.batch_alter_table("preview_link") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=35), nullable=True))
    postgres = op.get_context().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX ix_search_document_search_vector")
        op.execute("ALTER TABLE search_document DROP COLUMN search_vector")
    else:
        for trigger in _FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER search_fts_{trigger}")
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table("search_document") as batch:
        batch.add_column(
            sa.Column("locale", sa.String(length=35), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("language", sa.String(length=20), nullable=False, server_default="english")
        )
        batch.add_column(sa.Column("stems", sa.Text(), nullable=False, server_default=""))
        batch.drop_constraint("uq_search_document_resource_type_resource_id", type_="unique")
        batch.create_unique_constraint(
            "uq_search_document_resource_type_resource_id_locale",
            ["resource_type", "resource_id", "locale"],
        )
    if postgres:
        op.execute(
            "ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            + _vector(("title", "body"), "AB")
            + ") STORED"
        )
        op.execute(
            "CREATE INDEX ix_search_document_search_vector ON search_document "
            "USING GIN (search_vector)"
        )
    else:
        # ``stems``: the words of a document in a language other than English, each reduced
        # by its Snowball stemmer (FTS5's own stemmer knows English only).
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, stems, "
            "content='search_document', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        for trigger, definition in _FTS_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER search_fts_{trigger} {definition}")
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def downgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    op.execute("DELETE FROM search_document WHERE locale <> ''")
    if postgres:
        op.execute("DROP INDEX ix_search_document_search_vector")
        op.execute("ALTER TABLE search_document DROP COLUMN search_vector")
    else:
        for trigger in _FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER search_fts_{trigger}")
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table("search_document") as batch:
        batch.drop_constraint("uq_search_document_resource_type_resource_id_locale", type_="unique")
        batch.create_unique_constraint(
            "uq_search_document_resource_type_resource_id", ["resource_type", "resource_id"]
        )
        batch.drop_column("stems")
        batch.drop_column("language")
        batch.drop_column("locale")
    if postgres:
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
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("locale")
    with op.batch_alter_table("preview_link") as batch:
        batch.drop_column("locale")
    op.drop_index("ix_translation_resource", table_name="translation")
    op.drop_table("translation")
