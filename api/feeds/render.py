"""Articles as feeds: RSS 2.0 and Atom 1.0 (made by feedgen), and JSON Feed 1.1.

JSON Feed is plain JSON, so it is built from its spec's fields directly; the XML formats go
through feedgen, which escapes and dates them correctly.
"""

import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from api.articles.models import ArticlePublic
from api.articles.render import render_body_html
from api.assets.models import ImageAsset
from api.core.config import get_settings
from api.core.urls import resource_url, site_home, site_url

# XML 1.0 has no place for most control characters; text may hold them, feeds drop them.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"


def _categories(article: ArticlePublic) -> list[str]:
    names = [article.category] if article.category else []
    return [_xml(n) for n in names + [t.name for t in article.tags if t.name not in names]]


def entry_id(article: ArticlePublic) -> str:
    """An entry's id in every feed (Atom ``id``, RSS ``guid``, JSON Feed ``id``): the article's
    URL in the API by its id, which a slug change leaves as it was, so feed readers never show
    an article twice."""
    return resource_url("articles", str(article.id))


def _updated(articles: Sequence[ArticlePublic]) -> datetime | None:
    return max((a.updated_at for a in articles), default=None)


def _generator(articles: Sequence[ArticlePublic], self_url: str, language: str) -> FeedGenerator:
    settings = get_settings()
    feed = FeedGenerator()
    # RSS 2.0's <author> must be an e-mail address: names go in Dublin Core's <dc:creator>.
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(self_url)
    feed.title(_xml(settings.site_name))
    feed.subtitle(_xml(f"Articles from {settings.site_name}"))
    # feedgen makes RSS's <link> from the last link given: the site, after the feed itself.
    feed.link(href=self_url, rel="self")
    feed.link(href=site_home(), rel="alternate")
    feed.language(language)
    # Atom wants an author for every entry, or one for the feed (RFC 4287 §4.1.1): the site,
    # for entries whose article has none. RSS's author is an e-mail address, so it has none.
    feed.author(name=_xml(settings.site_name))
    feed.generator("Folio")
    updated = _updated(articles)
    if updated is not None:
        feed.updated(updated)
        feed.lastBuildDate(updated)
    for article in articles:
        permalink = site_url("articles", article.slug)
        entry = feed.add_entry(order="append")
        entry.id(entry_id(article))
        entry.guid(entry_id(article), permalink=False)
        entry.title(_xml(article.title))
        entry.link(href=permalink)
        # Both are HTML to feed readers (RSS description, Atom type="html"): the summary is
        # text, so it goes in escaped, and markup in it shows as the characters it is.
        entry.summary(html.escape(_xml(article.summary or article.title)), type="html")
        entry.content(_xml(render_body_html(article)), type="html")
        if article.author is not None:
            entry.author(name=_xml(article.author.name))
            entry.dc.dc_creator(_xml(article.author.name))
        if article.published_at is not None:
            entry.published(article.published_at)
        entry.updated(article.updated_at)
        for name in _categories(article):
            entry.category(term=name)
        if article.cover is not None:
            entry.register_extension("cover", _Cover)
            entry.cover.image = article.cover
    return feed


class _Cover(BaseEntryExtension):  # type: ignore[misc]
    """An entry's cover image: RSS ``<enclosure>``, Atom ``<link rel="enclosure">``.

    Written as an extension because feedgen's own ``enclosure`` loses the Atom link's
    ``rel``, ``type`` and ``length`` (its writer overwrites the link it reads them from), which
    would leave a second alternate link."""

    image: ImageAsset | None = None

    def extend_rss(self, item: Any) -> Any:
        if self.image is not None:
            enclosure = etree.SubElement(item, "enclosure")
            enclosure.attrib.update(self._attributes(url="url"))
        return item

    def extend_atom(self, entry: Any) -> Any:
        if self.image is not None:
            link = etree.SubElement(entry, "link")
            link.attrib.update({"rel": "enclosure", **self._attributes(url="href")})
        return entry

    def _attributes(self, *, url: str) -> dict[str, str]:
        assert self.image is not None
        return {url: self.image.url, "type": self.image.media_type, "length": str(self.image.size)}


def render_rss(articles: Sequence[ArticlePublic], self_url: str, language: str) -> bytes:
    return bytes(_generator(articles, self_url, language).rss_str(pretty=False))


def render_atom(articles: Sequence[ArticlePublic], self_url: str, language: str) -> bytes:
    return bytes(_generator(articles, self_url, language).atom_str(pretty=False))


def render_json_feed(
    articles: Sequence[ArticlePublic], self_url: str, language: str
) -> dict[str, Any]:
    settings = get_settings()
    items = []
    for article in articles:
        permalink = site_url("articles", article.slug)
        item: dict[str, Any] = {
            "id": entry_id(article),
            "url": permalink,
            "title": article.title,
            "content_html": render_body_html(article),
            "summary": article.summary,
            "date_modified": article.updated_at.isoformat().replace("+00:00", "Z"),
            "tags": _categories(article),
            "language": article.locale,  # a fallback's is not the feed's
        }
        if article.published_at is not None:
            item["date_published"] = article.published_at.isoformat().replace("+00:00", "Z")
        if article.author is not None:
            item["authors"] = [{"name": article.author.name}]
        if article.cover is not None:
            item["image"] = article.cover.url
        items.append(item)
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings.site_name,
        "home_page_url": site_home(),
        "feed_url": self_url,
        "description": f"Articles from {settings.site_name}",
        "language": language,
        "authors": [{"name": settings.site_name}],
        "items": items,
    }
