"""Rendering ahead: the stored representation of every public article, made in bulk.

A read stores what it renders, so the first reader of an article pays for the render and every
later one, in any process, gets the stored bytes in one query. After a bulk import, or to have
no reader pay at all, ``folio warm`` renders every public article that has no stored JSON yet,
a batch at a time (a fixed number of queries per batch, ``to_public_many``), and stores them
with ``RepresentationStore.save_many``: a batch that a write overtook is not stored.

The bytes and headers are the ones a request gets. The keys are wider than a request's (each
collection of what an article can show, but never ``articles``): editing another article
leaves a warmed one stored, while editing any role, comparison, tag or asset drops them all,
and the next reader renders and stores it with its exact keys.
"""

import structlog
from sqlalchemy import Engine, text
from sqlmodel import col, select

from api.articles import body
from api.articles import service as articles_service
from api.articles.models import Article
from api.core.clock import clock
from api.core.db import open_session
from api.core.surrogates import Representation
from api.core.workflow import visible
from api.schedule import next_publication
from api.web.entry import Entry
from api.web.http import JSON, public_headers
from api.web.store import RepresentationStore, Stored

log = structlog.get_logger(__name__)

# What an article can show besides itself, its author and the articles it names: by
# collection, so that no change to one of them leaves a warmed article stale.
SHOWN = ("roles", "comparisons", "tags", "assets")


def warm_articles(engine: Engine, *, batch: int = 200) -> int:
    """Renders and stores every public article without stored JSON; how many it stored."""
    store = RepresentationStore(engine)
    stored, after = 0, 0
    while True:
        mark = store.latest()
        with open_session(engine) as session:
            missing = (
                select(Representation.resource_id)
                .where(Representation.resource_type == "article", Representation.variant == "")
                .scalar_subquery()
            )
            rows = session.exec(
                select(Article)
                .where(visible(Article, clock.now()), col(Article.id) > after)
                .where(col(Article.id).not_in(missing))
                .order_by(col(Article.id))
                .limit(batch)
            ).all()
            if not rows:
                if stored:
                    _analyze(engine)
                return stored
            after = rows[-1].id or after
            named = {
                row.id: body.references(articles_service.blocks_of(row)).ids("article")
                for row in rows
            }
            renders = []
            for article in articles_service.to_public_many(session, rows, preview=False):
                data = article.model_dump_json().encode()
                keys = {f"article:{article.id}", *SHOWN}
                if article.author is not None:
                    keys.add(f"author:{article.author.id}")
                keys.update(f"article:{i}" for i in named.get(article.id, ()))
                headers = public_headers(data, media_type=JSON, keys=keys, language=article.locale)
                etag = next(v for n, v in headers if n == b"etag")
                entry = Entry(200, headers, data, etag, frozenset(keys))
                renders.append((Stored("article", str(article.id), ""), article.id, entry))
            session.rollback()
        if store.save_many(renders, mark=mark, fresh_until=next_publication(engine)):
            stored += len(renders)
        else:
            log.info("warm_batch_overtaken", after=after)


def _analyze(engine: Engine) -> None:
    """On PostgreSQL, fresh planner statistics for the store after a bulk of rows went in (as
    after any bulk load), so that its reads are planned for what it holds now rather than
    when autovacuum gets to it, in the middle of the traffic that follows."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE representation, representation_key"))
