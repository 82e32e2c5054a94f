"""Bulk content for the benchmark: copies of the seed article, in batches, with no API call.

    python -m bench.seed --articles 100000      # DATABASE_URL names the database

Each copy keeps the seed's body (its role definitions, its comparison, its links), gets its own
title, slug, date, tag and a search document, and is published. Rows go in with executemany in
batches of ``BATCH``; ids are given, so the links need no round trip, and PostgreSQL's sequence
is moved past them at the end. A second run adds nothing (the slugs are taken).
"""

import argparse
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, insert, select, text

from api.articles.models import Article, ArticleComparison, ArticleRole, ArticleTag
from api.assets.models import ArticleAsset
from api.core.config import get_settings
from api.core.db import make_engine
from api.labels.models import Tag
from api.search.models import SearchDocument

BATCH = 2_000
TAGS = ("operations", "strategy", "hiring", "governance", "tooling")


def seed(engine: Engine, articles: int) -> int:
    """Makes the database hold ``articles`` articles (the seed and copies); how many it added."""
    with engine.begin() as conn:
        template = conn.execute(select(Article.__table__).where(Article.__table__.c.id == 1)).one()
        have = conn.execute(select(func.count()).select_from(Article.__table__)).scalar_one()
        if have >= articles:
            return 0
        start = conn.execute(select(func.max(Article.__table__.c.id))).scalar_one() + 1
        links = {
            table: [
                dict(row._mapping)
                for row in conn.execute(select(table.__table__).where(table.article_id == 1))
            ]
            for table in (ArticleRole, ArticleComparison, ArticleAsset)
        }
        document = conn.execute(
            select(SearchDocument.__table__).where(
                SearchDocument.resource_type == "articles", SearchDocument.resource_id == 1
            )
        ).one()
        tag_ids = []
        for name in TAGS:
            found = conn.execute(select(Tag.__table__.c.id).where(Tag.slug == name)).scalar()
            if found is None:
                now = datetime.now(UTC)
                found = conn.execute(
                    insert(Tag.__table__)
                    .values(name=name.title(), slug=name, created_at=now, updated_at=now)
                    .returning(Tag.__table__.c.id)
                ).scalar_one()
            tag_ids.append(found)
    base = dict(template._mapping)
    words = ("operating", "partner", "fractional", "chief", "AI", "officer", "playbook")
    first = datetime(2020, 1, 1, tzinfo=UTC)
    step = (datetime.now(UTC) - timedelta(days=1) - first) / (articles + 1)  # all in the past
    added = 0
    for batch_start in range(start, start + articles - have, BATCH):
        batch = range(batch_start, min(batch_start + BATCH, start + articles - have))
        rows, docs, roles, comparisons, assets, tagged = [], [], [], [], [], []
        for number in batch:
            when = first + step * number
            title = f"{base['title']} ({words[number % len(words)]} {number})"
            slug = f"{base['slug'][:100]}-{number}"
            rows.append(
                {**base, "id": number, "title": title, "slug": slug, "published_at": when}
                | {"created_at": when, "updated_at": when, "version": 1}
            )
            docs.append(
                {
                    **{k: v for k, v in document._mapping.items() if k != "id"},
                    "resource_id": number,
                    "slug": slug,
                    "title": title,
                    "published_at": when,
                    "updated_at": when,
                }
            )
            roles += [{**link, "article_id": number} for link in links[ArticleRole]]
            comparisons += [{**link, "article_id": number} for link in links[ArticleComparison]]
            assets += [{**link, "article_id": number} for link in links[ArticleAsset]]
            tagged.append(
                {"article_id": number, "tag_id": tag_ids[number % len(tag_ids)], "position": 0}
            )
        with engine.begin() as conn:
            conn.execute(insert(Article.__table__), rows)
            conn.execute(insert(SearchDocument.__table__), docs)
            for table, values in (
                (ArticleRole, roles),
                (ArticleComparison, comparisons),
                (ArticleAsset, assets),
                (ArticleTag, tagged),
            ):
                if values:
                    conn.execute(insert(table.__table__), values)
        added += len(rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("article", "search_document"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, choices=range(1, 1_000_001))
    options = parser.parse_args()
    engine = make_engine(get_settings().database_url)
    began = time.monotonic()
    added = seed(engine, options.articles)
    print(f"added {added} articles in {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()
