"""Content model: authors, tags, roles, comparisons (subjects, rows, cells), articles, API keys,
revisions, slug history and idempotency records

Revision ID: a48c211e52a7
Revises:
Create Date: 2026-11-27 07:41:56.810541
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a48c211e52a7"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "read",
                "write",
                "admin",
                name="scope",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_name"), ["name"], unique=True)
        batch_op.create_index(batch_op.f("ix_api_key_prefix"), ["prefix"], unique=True)

    op.create_table(
        "author",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author")),
    )
    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_author_slug"), ["slug"], unique=True)

    op.create_table(
        "comparison",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
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
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("dimension_label", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison")),
    )
    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comparison_slug"), ["slug"], unique=True)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("key_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint(
            "resource_type",
            "resource_id",
            "number",
            name=op.f("uq_revision_resource_type_resource_id_number"),
        ),
    )
    op.create_table(
        "role",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
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
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
    )
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_slug"), ["slug"], unique=True)

    op.create_table(
        "slug_redirect",
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("resource_type", "slug", name=op.f("pk_slug_redirect")),
    )
    with op.batch_alter_table("slug_redirect", schema=None) as batch_op:
        batch_op.create_index(
            "ix_slug_redirect_resource", ["resource_type", "resource_id"], unique=False
        )

    op.create_table(
        "tag",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
    )
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_slug"), ["slug"], unique=True)

    op.create_table(
        "article",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
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
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kicker", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("reading_time_minutes", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["author.id"],
            name=op.f("fk_article_author_id_author"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_slug"), ["slug"], unique=True)
        batch_op.create_index(
            "ix_article_status_published_at_id", ["status", "published_at", "id"], unique=False
        )

    op.create_table(
        "comparison_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_comparison_row_comparison_id_comparison"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_row")),
        sa.UniqueConstraint(
            "comparison_id", "dimension", name=op.f("uq_comparison_row_comparison_id_dimension")
        ),
        sa.UniqueConstraint("id", "comparison_id", name=op.f("uq_comparison_row_id_comparison_id")),
    )
    with op.batch_alter_table("comparison_row", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comparison_row_comparison_id_position", ["comparison_id", "position"], unique=False
        )

    op.create_table(
        "comparison_subject",
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_comparison_subject_comparison_id_comparison"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["role.id"],
            name=op.f("fk_comparison_subject_role_id_role"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("comparison_id", "role_id", name=op.f("pk_comparison_subject")),
        sa.UniqueConstraint(
            "comparison_id", "position", name=op.f("uq_comparison_subject_comparison_id_position")
        ),
    )
    with op.batch_alter_table("comparison_subject", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comparison_subject_role_id"), ["role_id"], unique=False
        )

    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_idempotency_record_api_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("api_key_id", "key", name=op.f("uq_idempotency_record_api_key_id_key")),
    )
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_record_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "article_comparison",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_comparison_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_article_comparison_comparison_id_comparison"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("article_id", "comparison_id", name=op.f("pk_article_comparison")),
    )
    with op.batch_alter_table("article_comparison", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_comparison_comparison_id"), ["comparison_id"], unique=False
        )

    op.create_table(
        "article_role",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_role_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["role.id"], name=op.f("fk_article_role_role_id_role"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("article_id", "role_id", name=op.f("pk_article_role")),
    )
    with op.batch_alter_table("article_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_role_role_id"), ["role_id"], unique=False)

    op.create_table(
        "article_tag",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_tag_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_article_tag_tag_id_tag"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("article_id", "tag_id", name=op.f("pk_article_tag")),
    )
    with op.batch_alter_table("article_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_tag_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "comparison_cell",
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("comparison_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["comparison_id", "role_id"],
            ["comparison_subject.comparison_id", "comparison_subject.role_id"],
            name=op.f("fk_comparison_cell_comparison_id_comparison_subject"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["row_id", "comparison_id"],
            ["comparison_row.id", "comparison_row.comparison_id"],
            name=op.f("fk_comparison_cell_row_id_comparison_row"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("row_id", "role_id", name=op.f("pk_comparison_cell")),
    )
    with op.batch_alter_table("comparison_cell", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comparison_cell_comparison_id_role_id", ["comparison_id", "role_id"], unique=False
        )
        batch_op.create_index("ix_comparison_cell_role_id", ["role_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comparison_cell", schema=None) as batch_op:
        batch_op.drop_index("ix_comparison_cell_role_id")
        batch_op.drop_index("ix_comparison_cell_comparison_id_role_id")

    op.drop_table("comparison_cell")
    with op.batch_alter_table("article_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_tag_tag_id"))

    op.drop_table("article_tag")
    with op.batch_alter_table("article_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_role_role_id"))

    op.drop_table("article_role")
    with op.batch_alter_table("article_comparison", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_comparison_comparison_id"))

    op.drop_table("article_comparison")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_record_created_at"))

    op.drop_table("idempotency_record")
    with op.batch_alter_table("comparison_subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_subject_role_id"))

    op.drop_table("comparison_subject")
    with op.batch_alter_table("comparison_row", schema=None) as batch_op:
        batch_op.drop_index("ix_comparison_row_comparison_id_position")

    op.drop_table("comparison_row")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_status_published_at_id")
        batch_op.drop_index(batch_op.f("ix_article_slug"))
        batch_op.drop_index(batch_op.f("ix_article_category"))
        batch_op.drop_index(batch_op.f("ix_article_author_id"))

    op.drop_table("article")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_slug"))

    op.drop_table("tag")
    with op.batch_alter_table("slug_redirect", schema=None) as batch_op:
        batch_op.drop_index("ix_slug_redirect_resource")

    op.drop_table("slug_redirect")
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_slug"))

    op.drop_table("role")
    op.drop_table("revision")
    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_slug"))

    op.drop_table("comparison")
    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_author_slug"))

    op.drop_table("author")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_prefix"))
        batch_op.drop_index(batch_op.f("ix_api_key_name"))

    op.drop_table("api_key")
