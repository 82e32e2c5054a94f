"""Absolute URLs: in the API (``FOLIO_BASE_URL``), of pages on the site (``FOLIO_SITE_URL``)."""

from api.core.config import get_settings


def api_url(path: str) -> str:
    return get_settings().base_url.rstrip("/") + path


def resource_url(collection: str, slug: str) -> str:
    return api_url(f"/v1/{collection}/{slug}")


def site_url(collection: str, slug: str) -> str:
    return f"{get_settings().site_url.rstrip('/')}/{collection}/{slug}"
