"""Rich content: article bodies (and their revisions) in Portable Text; media assets, their
bytes in the database when so configured, covers of articles and roles, and which article
shows which asset

Revision ID: de3cc4642dbc
Revises: 3c5e9a1f7b20
Create Date: 2026-11-27 16:30:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "de3cc4642dbc"
down_revision: str | None = "3c5e9a1f7b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "asset",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("alt", sa.String(length=500), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
    )
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_sha256"), ["sha256"], unique=True)
        batch_op.create_index("ix_asset_created_at_id", ["created_at", "id"], unique=False)
    op.create_table(
        "asset_blob",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_asset_blob")),
    )
    op.create_table(
        "article_asset",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_asset_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
            name=op.f("fk_article_asset_asset_id_asset"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("article_id", "asset_id", name=op.f("pk_article_asset")),
    )
    with op.batch_alter_table("article_asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_asset_asset_id"), ["asset_id"], unique=False)
    for table in ("article", "role"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("cover_asset_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_cover_asset_id"), ["cover_asset_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_cover_asset_id_asset"),
                "asset",
                ["cover_asset_id"],
                ["id"],
                ondelete="RESTRICT",
            )
    _convert_bodies(_to_portable_text)


def downgrade() -> None:
    _convert_bodies(_from_portable_text)
    for table in ("role", "article"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_cover_asset_id_asset"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_cover_asset_id"))
            batch_op.drop_column("cover_asset_id")
    with op.batch_alter_table("article_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_asset_asset_id"))
    op.drop_table("article_asset")
    op.drop_table("asset_blob")
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_index("ix_asset_created_at_id")
        batch_op.drop_index(batch_op.f("ix_asset_sha256"))
    op.drop_table("asset")


# --- The bodies, old blocks to Portable Text and back ------------------------------------------
# Written out here: a revision never imports Folio's code, which moves on.


def _convert_bodies(convert: Any) -> None:
    connection = op.get_bind()
    article = sa.table("article", sa.column("id"), sa.column("body", sa.JSON()))
    for row in connection.execute(sa.select(article.c.id, article.c.body)).all():
        connection.execute(
            article.update().where(article.c.id == row.id).values(body=convert(row.body or []))
        )
    revision_table = sa.table(
        "revision",
        sa.column("id"),
        sa.column("resource_type"),
        sa.column("content", sa.JSON()),
    )
    for row in connection.execute(
        sa.select(revision_table.c.id, revision_table.c.content).where(
            revision_table.c.resource_type == "articles"
        )
    ).all():
        content = row.content if isinstance(row.content, dict) else json.loads(row.content)
        content = {**content, "body": convert(content.get("body") or [])}
        connection.execute(
            revision_table.update().where(revision_table.c.id == row.id).values(content=content)
        )


def _text(text: str, **fields: Any) -> dict[str, Any]:
    return {
        "_type": "block",
        "style": "normal",
        **fields,
        "children": [{"_type": "span", "text": text, "marks": []}],
        "markDefs": [],
    }


def _linked(text: str, links: list[dict[str, Any]]) -> dict[str, Any]:
    children: list[dict[str, Any]] = []
    mark_defs = []
    position = 0
    for n, link in enumerate(links, start=1):
        found = text.find(link["text"], position)
        if found < 0:
            continue
        if found > position:
            children.append({"_type": "span", "text": text[position:found], "marks": []})
        target = {k: link[k] for k in ("role_id", "article_id", "href") if link.get(k) is not None}
        mark_defs.append({"_type": "link", "_key": f"l{n}", **target})
        children.append({"_type": "span", "text": link["text"], "marks": [f"l{n}"]})
        position = found + len(link["text"])
    if position < len(text) or not children:
        children.append({"_type": "span", "text": text[position:], "marks": []})
    return {"_type": "block", "style": "normal", "children": children, "markDefs": mark_defs}


def _to_portable_text(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if blocks and "_type" in blocks[0]:
        return blocks  # converted already
    out: list[dict[str, Any]] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "heading":
            out.append(_text(block["text"], style=f"h{block.get('level', 2)}"))
        elif kind == "paragraph":
            out.append(_text(block["text"]))
        elif kind == "list":
            item = "number" if block.get("ordered") else "bullet"
            out.extend(_text(text, listItem=item, level=1) for text in block["items"])
        elif kind == "links":
            out.append(_linked(block["text"], block.get("links", [])))
        elif kind == "callout":
            content = [_text(p) for p in block["text"].split("\n\n") if p]
            out.append({"_type": "callout", "title": block.get("title", ""), "content": content})
        elif kind == "role_definitions":
            out.append({"_type": "role_definitions", "items": block["items"]})
        elif kind == "comparison":
            out.append({"_type": "comparison", "comparison_id": block["comparison_id"]})
        elif kind == "related":
            out.append({"_type": "related", "article_ids": block["article_ids"]})
    for i, block in enumerate(out):
        block["_key"] = f"b{i}"
        for name in ("children", "items", "content"):
            for j, child in enumerate(block.get(name, [])):
                child.setdefault("_key", f"b{i}{name[0]}{j}")
    return out


def _plain(block: dict[str, Any]) -> str:
    return "".join(span.get("text", "") for span in block.get("children", []))


def _from_portable_text(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Best effort: what the old blocks can say (images, code and tables cannot)."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        kind = block.get("_type")
        if kind == "block":
            style = block.get("style", "normal")
            if block.get("listItem"):
                ordered = block["listItem"] == "number"
                if out and out[-1]["type"] == "list" and out[-1]["ordered"] == ordered:
                    out[-1]["items"].append(_plain(block))
                else:
                    out.append({"type": "list", "ordered": ordered, "items": [_plain(block)]})
            elif style.startswith("h") and style[1:].isdigit():
                out.append(
                    {"type": "heading", "text": _plain(block), "level": min(int(style[1:]), 4)}
                )
            elif block.get("markDefs"):
                keys = {d["_key"]: d for d in block["markDefs"]}
                links = []
                for span in block.get("children", []):
                    for mark in span.get("marks", []):
                        if mark in keys:
                            target = {
                                k: v
                                for k, v in keys[mark].items()
                                if k in ("role_id", "article_id", "href")
                            }
                            links.append({"text": span["text"], **target})
                out.append({"type": "links", "text": _plain(block), "links": links})
            else:
                out.append({"type": "paragraph", "text": _plain(block)})
        elif kind == "callout":
            text = "\n\n".join(
                _plain(b) for b in block.get("content", []) if b.get("_type") == "block"
            )
            out.append({"type": "callout", "title": block.get("title", ""), "text": text})
        elif kind == "role_definitions":
            items = [{k: v for k, v in item.items() if k != "_key"} for item in block["items"]]
            out.append({"type": "role_definitions", "items": items})
        elif kind == "comparison":
            out.append({"type": "comparison", "comparison_id": block["comparison_id"]})
        elif kind == "related":
            out.append({"type": "related", "article_ids": block["article_ids"]})
    return out
