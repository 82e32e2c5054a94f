"""Folio's API from Python.

    from folio_client import Folio

    with Folio("http://127.0.0.1:8000") as folio:
        rows = folio.comparisons.rows("ai-operating-partner-vs-fractional-caio")
        print(rows.to_dicts())

``Folio`` is synchronous, ``AsyncFolio`` the same API for asyncio; the models (``models``) are
generated from Folio's OpenAPI document; errors are ``FolioProblem`` and its subclasses.
"""

from folio_client import models
from folio_client._async.client import AsyncArticles, AsyncCollection, AsyncComparisons, AsyncFolio
from folio_client._core import Cell, Filter, Page, Retry, Rows
from folio_client._sync.client import Articles, Collection, Comparisons, Folio
from folio_client.errors import (
    Conflict,
    FolioError,
    FolioProblem,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthorized,
    Unavailable,
)

__all__ = [
    "Articles",
    "AsyncArticles",
    "AsyncCollection",
    "AsyncComparisons",
    "AsyncFolio",
    "Cell",
    "Collection",
    "Comparisons",
    "Conflict",
    "Filter",
    "Folio",
    "FolioError",
    "FolioProblem",
    "InvalidRequest",
    "NotFound",
    "Page",
    "PreconditionFailed",
    "RateLimited",
    "Retry",
    "Rows",
    "Unauthorized",
    "Unavailable",
    "models",
]
