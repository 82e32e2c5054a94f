"""What makes content travel: social cards, oEmbed, sitemaps and llms.txt. Each shows only
what is public, and names what it depends on (``surrogates.depend``) so that it is cached and
invalidated like every other answer."""

import math
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import literal, union_all
from sqlmodel import Session, col, func, select

from api.articles import service as articles
from api.articles.models import ArticleListQuery
from api.articles.render import render_markdown
from api.comparisons import service as comparisons
from api.comparisons.models import Comparison, ComparisonPublic
from api.comparisons.render import render_markdown as render_table
from api.core import kinds, surrogates
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import FolioError, NotFound
from api.core.slugs import is_slug
from api.core.urls import api_url, card_url, site_home, site_url
from api.core.workflow import visible
from api.models import TABLES
from api.sharing.cards import HEIGHT, WIDTH
from api.translations.models import Translation

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_MAX_URLS = 50_000  # the protocol's limit per file
MAPPED = {collection: TABLES[collection] for collection in kinds.collections(kinds.MAPPED)}
LLMS_MAX = 2_000  # entries per section of llms.txt, the newest
LLMS_FULL_MAX = 200  # articles (and as many comparisons) in llms-full.txt, the newest
EMBED_WIDTH = 640


class FormatNotImplemented(
    FolioError, status=501, code="format-not-implemented", title="Not implemented"
):
    pass


class NotEmbeddable(NotFound):
    title = "Not an embeddable URL"


# --- oEmbed -------------------------------------------------------------------------------------


def oembed(
    session: Session, url: str, *, maxwidth: int | None, maxheight: int | None, fmt: str
) -> dict[str, Any]:
    """The oEmbed 1.0 answer for an article or a comparison at ``url``: a page of the site, or
    the resource in this API. A comparison is ``rich`` (an iframe of its embed page), an
    article a ``link`` with its card as thumbnail."""
    if fmt != "json":
        raise FormatNotImplemented("Only format=json is served.")
    collection, slug = _recognise(url)
    settings = get_settings()
    answer: dict[str, Any] = {
        "version": "1.0",
        "provider_name": settings.site_name,
        "provider_url": site_home(),
        "cache_age": settings.cache_max_age,
    }
    thumb = min(maxwidth or WIDTH, WIDTH)
    if collection == "articles":
        article = articles.get_article(session, slug)
        answer |= {
            "type": "link",
            "title": article.title,
            "url": site_url("articles", article.slug),
        }
        if article.author is not None:
            answer["author_name"] = article.author.name
            answer["author_url"] = site_url("authors", article.author.slug)
        reference = article.id
    else:
        table = comparisons.get_comparison(session, slug)
        width = min(maxwidth or EMBED_WIDTH, EMBED_WIDTH)
        height = min(maxheight or 10_000, 96 + 54 * len(table.rows))
        source = api_url(f"/v1/comparisons/{table.slug}/embed")
        answer |= {
            "type": "rich",
            "title": table.title,
            "width": width,
            "height": height,
            "html": (
                f'<iframe src="{_attr(source)}" width="{width}" height="{height}" '
                f'title="{_attr(table.title)}" loading="lazy" '
                f'style="border:0;width:100%;max-width:{width}px"></iframe>'
            ),
        }
        reference = table.id
    if maxheight is None or maxheight >= thumb * HEIGHT // WIDTH:
        answer |= {
            "thumbnail_url": card_url(collection, reference),
            "thumbnail_width": thumb,
            "thumbnail_height": thumb * HEIGHT // WIDTH,
        }
    return answer


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _recognise(url: str) -> tuple[str, str]:
    """(collection, id or slug) of a URL of this API's or its site's; else 404."""
    settings = get_settings()
    parts = urlsplit(url.strip())
    bases = [(settings.base_url, "/v1/")]
    if settings.site_url:
        bases.append((settings.site_url, "/"))
    for base, prefix in bases:
        root = urlsplit(base)
        if (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
            continue
        path = parts.path.removeprefix(root.path.rstrip("/"))
        if not path.startswith(prefix):
            continue
        pieces = path.removeprefix(prefix).strip("/").split("/")
        if len(pieces) == 2 and pieces[0] in ("articles", "comparisons") and is_slug(pieces[1]):
            return pieces[0], pieces[1]
        if len(pieces) == 2 and pieces[0] in ("articles", "comparisons") and pieces[1].isdigit():
            return pieces[0], pieces[1]
    raise NotEmbeddable(f"{url[:200]!r} is no article or comparison of this site.")


# --- Sitemaps -----------------------------------------------------------------------------------


def _published(model: Any) -> Any:
    return visible(model, clock.now())


def _pages(collection: str) -> Any:
    """Every published page of ``collection``: each published item's own (in the default
    locale) and its published translations' (each at its own slug), in order of the item's
    id, its own page first, then its translations by locale."""
    model = MAPPED[collection]
    now = clock.now()
    own: Any = select(
        col(model.id).label("item"),  # type: ignore[attr-defined]
        literal("").label("locale"),
        col(model.slug).label("slug"),  # type: ignore[attr-defined]
        col(model.updated_at).label("at"),  # type: ignore[attr-defined]
    ).where(_published(model))
    translated: Any = (
        select(
            col(Translation.resource_id).label("item"),
            col(Translation.locale).label("locale"),
            col(Translation.slug).label("slug"),
            col(Translation.updated_at).label("at"),
        )
        .join(model, col(model.id) == Translation.resource_id)  # type: ignore[attr-defined]
        .where(
            Translation.resource_type == model.__tablename__,
            visible(Translation, now),
            _published(model),
        )
    )
    return union_all(own, translated).subquery()


def _count(session: Session, collection: str) -> int:
    return int(session.exec(select(func.count()).select_from(_pages(collection))).one())


def sitemap(session: Session) -> bytes:
    """Every published article, role and comparison, translations included, each at its own
    URL, or, past 50,000, an index of files."""
    surrogates.depend(session, *MAPPED)
    counts = {name: _count(session, name) for name in MAPPED}
    if sum(counts.values()) <= SITEMAP_MAX_URLS:
        return _urlset(session, [(name, 0, SITEMAP_MAX_URLS) for name in MAPPED])
    index = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
    for name, count in counts.items():
        for page in range(1, math.ceil(count / SITEMAP_MAX_URLS) + 1):
            item = ET.SubElement(index, "sitemap")
            ET.SubElement(item, "loc").text = api_url(f"/sitemaps/{name}-{page}.xml")
    return _xml(index)


def sitemap_page(session: Session, collection: str, page: int) -> bytes:
    """One file of a sitemap index: ``collection``'s published pages ``page`` (from 1)."""
    surrogates.depend(session, collection)
    count = _count(session, collection)
    if page > max(1, math.ceil(count / SITEMAP_MAX_URLS)):
        raise NotFound(f"No page {page} of the {collection} sitemap.")
    return _urlset(session, [(collection, (page - 1) * SITEMAP_MAX_URLS, SITEMAP_MAX_URLS)])


def _urlset(session: Session, parts: list[tuple[str, int, int]]) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for collection, offset, limit in parts:
        pages = _pages(collection)
        rows = session.exec(
            select(pages.c.slug, pages.c.at)
            .order_by(pages.c.item, pages.c.locale)
            .offset(offset)
            .limit(limit)
        ).all()
        for slug, updated_at in rows:
            url = ET.SubElement(urlset, "url")
            ET.SubElement(url, "loc").text = site_url(collection, slug)
            ET.SubElement(url, "lastmod").text = _w3c(updated_at)
    return _xml(urlset)


def _w3c(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _xml(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def robots() -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {api_url('/sitemap.xml')}\n"


# --- llms.txt -----------------------------------------------------------------------------------


def _markdown_url(collection: str, slug: str) -> str:
    return api_url(f"/v1/{collection}/{slug}?format=md")


def _newest_articles(session: Session, limit: int, *, with_body: bool) -> list[Any]:
    """The newest ``limit`` published articles, a page of 100 at a time."""
    found: list[Any] = []
    cursor: str | None = None
    while len(found) < limit:
        query = ArticleListQuery(limit=min(limit - len(found), 100), cursor=cursor)
        page = articles.list_articles(session, query=query, preview=False, with_body=with_body)
        found.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    return found


def _comparisons(session: Session, limit: int) -> list[ComparisonPublic]:
    ids = session.exec(
        select(Comparison.id)
        .where(_published(Comparison))
        .order_by(col(Comparison.updated_at).desc(), col(Comparison.id))
        .limit(limit)
    ).all()
    tables = comparisons.load_comparisons(session, [i for i in ids if i is not None], preview=False)
    return [tables[i] for i in ids if i in tables]


def llms(session: Session) -> str:
    """llms.txt: the site, then its articles and comparisons, each a link to its Markdown
    and a line that says what it is."""
    surrogates.depend(session, "articles", "comparisons", "roles")
    settings = get_settings()
    lines = [
        f"# {settings.site_name}",
        "",
        f"> Articles, role pages and comparisons of roles from {settings.site_name}, each"
        " linked as Markdown. The whole text: " + api_url("/llms-full.txt"),
        "",
        "## Articles",
        "",
    ]
    for article in _newest_articles(session, LLMS_MAX, with_body=False):
        summary = " ".join(article.summary.split())
        line = f"- [{article.title}]({_markdown_url('articles', article.slug)})"
        lines.append(line + (f": {summary}" if summary else ""))
    lines += ["", "## Comparisons", ""]
    for table in _comparisons(session, LLMS_MAX):
        roles = " vs ".join(s.name for s in table.subjects)
        lines.append(
            f"- [{table.title}]({_markdown_url('comparisons', table.slug)}): {roles},"
            f" {len(table.rows)} dimensions"
        )
    return "\n".join(lines) + "\n"


def llms_full(session: Session) -> str:
    """llms-full.txt: the newest articles and comparisons whole, in Markdown."""
    surrogates.depend(session, "articles", "comparisons", "roles")
    settings = get_settings()
    parts = [f"# {settings.site_name}\n"]
    for article in _newest_articles(session, LLMS_FULL_MAX, with_body=True):
        parts.append(f"Source: {site_url('articles', article.slug)}\n\n{render_markdown(article)}")
    for table in _comparisons(session, LLMS_FULL_MAX):
        parts.append(f"Source: {site_url('comparisons', table.slug)}\n\n{render_table(table)}")
    return "\n\n---\n\n".join(part.strip() for part in parts) + "\n"
