"""Absolute URLs: in the API (``FOLIO_BASE_URL``), of pages on the site (``FOLIO_SITE_URL``)."""

from api.core.config import get_settings


def api_url(path: str) -> str:
    return get_settings().base_url.rstrip("/") + path


def resource_url(collection: str, slug: str) -> str:
    return api_url(f"/v1/{collection}/{slug}")


def site_url(collection: str, slug: str) -> str:
    """The page that shows a resource: on the site when there is one (``FOLIO_SITE_URL``),
    else the resource in this API, so that a link never points at a page that is not there."""
    site = get_settings().site_url
    if site is None:
        return resource_url(collection, slug)
    return f"{site.rstrip('/')}/{collection}/{slug}"


def site_home() -> str:
    """The site's home page; with no site, the list of articles in this API."""
    site = get_settings().site_url
    return site if site is not None else api_url("/v1/articles")


def card_url(collection: str, resource_id: int, locale: str | None = None) -> str:
    """A resource's social card (a 1200x630 PNG), in ``locale`` when it is not the default."""
    return api_url(f"/v1/{collection}/{resource_id}/card.png") + (
        f"?locale={locale}" if locale else ""
    )
