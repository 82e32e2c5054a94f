"""Folio from Python with folio-client: the five steps of the API tour, then a comparison as
data, then the same reads with the asynchronous client.

    pip install "./clients/python[pandas]"
    FOLIO_URL=http://127.0.0.1:8000 FOLIO_KEY=<a write key> python clients/python/example.py

1. the seed article by slug, and its comparison's rows;
2. every article, page after page (the client follows ``links.next``);
3. a draft, published (the client sends ``If-Match`` with the ETag it read), a stale change
   refused with 412, then deleted: nothing is left behind in the feeds or the sitemap (it goes
   to the trash, which an admin empties);
4. one role against another;
5. a 404 as a typed problem.

It type-checks under ``mypy --strict`` with no casts, and checks every answer: it fails loudly
if Folio does not do what it documents.
"""

import asyncio
import csv
import io
import os
from uuid import uuid4

from folio_client import AsyncFolio, Folio, NotFound, PreconditionFailed
from folio_client.models import ArticleInput, ArticlePatch

SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
COMPARISON = "ai-operating-partner-vs-fractional-caio"


def tour(folio: Folio, writer: Folio) -> None:
    # 1. The seed by slug, and its comparison's rows.
    article = folio.articles.get(SEED)
    rows = folio.comparisons.rows(COMPARISON)
    print(f"1. {article.title}: {len(rows)} rows, first {rows[0].dimension!r}")

    # 2. Every article, two a page.
    titles = [item.title for item in folio.articles.list(limit=2)]
    print(f"2. {len(titles)} articles, newest first")

    # 3. A draft, then published with If-Match; a stale change is refused.
    # A title of its own on each run: a slug, once used, stays taken.
    title = f"Which AI leader first? {uuid4().hex[:6]}"
    draft = writer.articles.create(ArticleInput(title=title, body_markdown="A note."))
    assert draft.status == "draft"
    try:
        folio.articles.get(draft.slug)  # without a key: a draft is not there
        raise AssertionError("a draft was public")
    except NotFound:
        pass
    stale_etag = writer.articles.etag(draft.id)  # the version created
    assert stale_etag is not None
    published = writer.articles.update(draft.id, ArticlePatch(status="published"))
    assert folio.articles.get(draft.slug).status == published.status == "published"
    try:
        writer.articles.update(draft.id, {"title": "Too late"}, if_match=stale_etag)
        raise AssertionError("a stale If-Match was accepted")
    except PreconditionFailed as stale:
        refused = stale.status
    writer.articles.delete(draft.id)
    print(f"3. published /v1/articles/{draft.slug}; a stale If-Match is {refused}; deleted")

    # 4. One role against another.
    side_by_side = folio.comparisons.versus("ai-operating-partner", "fractional-caio")
    print(f"4. {len(side_by_side.dimensions)} dimensions side by side")

    # 5. A typed 404.
    try:
        folio.articles.get("no-such-article")
        raise AssertionError("a missing article was found")
    except NotFound as missing:
        print(f"5. {missing.title}: {missing.detail}")


def analysis(folio: Folio) -> None:
    """A comparison as data: its rows filtered, flat cells, dicts, CSV and a DataFrame."""
    comparison = folio.comparisons.get(COMPARISON)
    rows = folio.comparisons.rows(COMPARISON, q="budget")
    cells = folio.comparisons.cells(COMPARISON)
    table = folio.comparisons.rows(COMPARISON).to_dicts()
    from_csv = list(csv.DictReader(io.StringIO(folio.comparisons.csv(COMPARISON))))
    assert len(from_csv) == len(table) == len(comparison.rows)
    roles = [role.slug for role in folio.roles.list()]
    frame = folio.comparisons.rows(COMPARISON).to_dataframe()
    print(
        f"6. {comparison.title}: {len(rows)} rows about budget, {len(cells)} cells,"
        f" {len(roles)} roles, a {frame.shape[0]}x{frame.shape[1]} table"
    )


async def asynchronous(base: str) -> None:
    """The same client for asyncio."""
    async with AsyncFolio(base) as folio:
        article, rows = await asyncio.gather(
            folio.articles.get(SEED), folio.comparisons.rows(COMPARISON)
        )
        slugs = [item.slug async for item in folio.articles.list(limit=1)]
    print(f"7. async: {article.title}: {len(rows)} rows; {len(slugs)} articles")


def main() -> None:
    base = os.environ.get("FOLIO_URL", "http://127.0.0.1:8000")
    with Folio(base) as folio, Folio(base, key=os.environ["FOLIO_KEY"]) as writer:
        tour(folio, writer)
        analysis(folio)
    asyncio.run(asynchronous(base))


if __name__ == "__main__":
    main()
