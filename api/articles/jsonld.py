"""An article as schema.org ``Article`` JSON-LD, for search engines; its comparisons as
``Table``s and the roles it is about as ``Occupation``s."""

import html
from typing import Any
from urllib.parse import urlencode

import orjson

from api.articles.blocks import ComparisonBlockPublic
from api.articles.models import ArticlePublic
from api.comparisons.render import render_csv
from api.core import locales
from api.core.config import get_settings
from api.core.urls import api_url, site_url

CARD_WIDTH, CARD_HEIGHT = 1200, 630  # api.sharing.cards


def _time(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def to_jsonld(article: ArticlePublic) -> dict[str, Any]:
    settings = get_settings()
    publisher: dict[str, Any] = {"@type": "Organization", "name": settings.publisher_name}
    if settings.publisher_logo:
        publisher["logo"] = {"@type": "ImageObject", "url": settings.publisher_logo}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.seo.meta_title[:110],  # Google's limit for a headline
        "name": article.title,
        "description": article.seo.meta_description,
        "url": article.seo.canonical_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.seo.canonical_url},
        "datePublished": _time(article.published_at),
        "dateModified": _time(article.updated_at),
        "publisher": publisher,
        "inLanguage": article.locale,
    }
    default = locales.default()
    others = [
        {"@type": "Article", "inLanguage": a.locale, "url": a.url}
        for a in article.translations
        if a.locale != default
    ]
    if others:
        data["workTranslation"] = others
    original = next((a for a in article.translations if a.locale == default), None)
    if original is not None:
        data["translationOfWork"] = {
            "@type": "Article",
            "inLanguage": original.locale,
            "url": original.url,
        }
    if article.author is not None:
        data["author"] = {
            "@type": "Person",
            "name": article.author.name,
            "url": site_url("authors", article.author.slug),
        }
    cover = article.cover
    if cover is not None and article.seo.image == cover.url and cover.width and cover.height:
        data["image"] = {
            "@type": "ImageObject",
            "url": cover.url,
            "width": cover.width,
            "height": cover.height,
        }
    elif article.seo.image and article.seo.image.split("?")[0].endswith("/card.png"):
        data["image"] = {"@type": "ImageObject", "url": article.seo.image,
                         "width": CARD_WIDTH, "height": CARD_HEIGHT}  # fmt: skip
    elif article.seo.image:
        data["image"] = article.seo.image
    if article.category:
        data["articleSection"] = article.category
    if article.tags:
        data["keywords"] = [t.name for t in article.tags]
    if article.reading_time_minutes:
        data["timeRequired"] = f"PT{article.reading_time_minutes}M"
    if article.roles:
        data["about"] = [
            {"@type": "Occupation", "name": r.name, "url": site_url("roles", r.slug)}
            for r in article.roles
        ]
    tables = [b.comparison for b in article.body if isinstance(b, ComparisonBlockPublic)]
    if tables:
        data["hasPart"] = [
            {
                "@type": "Table",
                "name": table.title,
                "about": [
                    {"@type": "Occupation", "name": s.name, "url": site_url("roles", s.slug)}
                    for s in table.subjects
                ],
                "encodingFormat": "text/csv",
                "text": render_csv(table),
            }
            for table in tables
        ]
    return {k: v for k, v in data.items() if v is not None}


def inline_safe(article: ArticlePublic) -> bytes:
    """The JSON-LD with ``<``, ``>`` and ``&`` written as JSON escapes: the same data, and
    safe to put inside a <script> element as it is (no text in it can close the element)."""
    text = orjson.dumps(to_jsonld(article))
    return text.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def head_links(article: ArticlePublic) -> str:
    """What a page's <head> says of the article: its oEmbed (discovery), and a
    ``<link rel="alternate" hreflang>`` for every other locale it is in."""
    oembed = api_url("/v1/oembed") + "?" + urlencode({"url": article.url, "format": "json"})
    links = [
        f'<link rel="alternate" type="application/json+oembed" href="{html.escape(oembed)}" '
        f'title="{html.escape(article.title)}">\n'
    ]
    links += [
        f'<link rel="alternate" hreflang="{html.escape(a.locale)}" href="{html.escape(a.url)}">\n'
        for a in article.translations
    ]
    return "".join(links)


def script_tag(article: ArticlePublic) -> str:
    """The JSON-LD as a <script> element that no text in it can break out of."""
    return f'<script type="application/ld+json">{inline_safe(article).decode()}</script>\n'
