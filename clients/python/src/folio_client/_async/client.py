"""Folio's API as a client: its collections read, listed page after page and written, with
the retries, the ETags and the problems handled. The asynchronous client (``_async``) is the
source; the synchronous one (``_sync``) is generated from it by unasync (``make openapi``; a
test keeps the two the same), so the two cannot drift."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx2 as httpx
from pydantic import BaseModel

from folio_client import _core
from folio_client._core import Filter, Page, Retry, Rows
from folio_client.models import (
    ArticleInput,
    ArticleListItem,
    ArticlePatch,
    ArticlePublic,
    CellInput,
    ComparisonInput,
    ComparisonListItem,
    ComparisonPatch,
    ComparisonPublic,
    LabelInput,
    LabelPatch,
    LabelPublic,
    RoleComparison,
    RoleInput,
    RoleListItem,
    RolePatch,
    RolePublic,
    RowCreate,
    RowPatch,
    RowPublic,
    SearchHit,
)

Public = TypeVar("Public", bound=BaseModel)
Item = TypeVar("Item", bound=BaseModel)
Input = TypeVar("Input", bound=BaseModel)
Patch = TypeVar("Patch", bound=BaseModel)
Model = TypeVar("Model", bound=BaseModel)

# Pages a list follows at the most (a page is up to 100 items): the bound of every loop here.
MAX_PAGES = 100_000


class AsyncFolio:
    """Folio's API: ``articles``, ``roles``, ``comparisons``, ``authors`` and ``tags``, each
    read, listed page after page and written, and ``search``.

    ``key`` (an API key) is sent on every request: drafts become readable and writes allowed,
    as its scope says. An answer of 429 or 503 is retried as ``Retry-After`` says (``retry``);
    an error answer is raised as a ``FolioProblem``. With ``revalidate`` set, the client keeps
    that many recent GET answers and asks again with ``If-None-Match``.
    """

    def __init__(
        self,
        base_url: str = _core.DEFAULT_URL,
        key: str | None = None,
        *,
        timeout: float = 10.0,
        retry: Retry | None = None,
        revalidate: int = 0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        # Sent on each request (a client passed as ``http`` is left as it is, and may serve
        # several: one with a key, one without).
        self.headers = {"Accept": "application/json", "User-Agent": "folio-client"}
        if key is not None:
            self.headers["Authorization"] = f"Bearer {key}"
        self.owns_http = http is None  # closed with this client only if made by it
        self.http = http or httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self.retry = retry or Retry()
        self.revalidation = _core.Revalidation(revalidate)
        self.etags = _core.ETags()
        self.articles = AsyncArticles(self, "articles", ArticlePublic, ArticleListItem)
        self.roles = AsyncCollection[RolePublic, RoleListItem, RoleInput, RolePatch](
            self, "roles", RolePublic, RoleListItem
        )
        self.comparisons = AsyncComparisons(
            self, "comparisons", ComparisonPublic, ComparisonListItem
        )
        self.authors = AsyncCollection[LabelPublic, LabelPublic, LabelInput, LabelPatch](
            self, "authors", LabelPublic, LabelPublic
        )
        self.tags = AsyncCollection[LabelPublic, LabelPublic, LabelInput, LabelPatch](
            self, "tags", LabelPublic, LabelPublic
        )

    async def __aenter__(self) -> AsyncFolio:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self.owns_http:
            await self.http.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Any request to Folio, with the key, the retries and the revalidation; the answer
        as it came (an error is not raised here: see ``_core.checked``)."""
        headers = {**self.headers, **(headers or {})}
        request = self.http.build_request(method, url, params=params, json=json, headers=headers)
        self.revalidation.prepare(request)
        for attempt in range(self.retry.attempts + 1):
            response = await self.http.send(request)
            wait = self.retry.delay(request, response, attempt)
            if wait is None:
                break
            await response.aclose()
            await _core.asleep(wait)
        return self.revalidation.answer(request, response)

    async def search(self, q: str, **filters: Filter) -> AsyncIterator[SearchHit]:
        """Every article, role and comparison that matches ``q``, best first."""
        async for hit in self.follow(SearchHit, "/v1/search", {"q": q, **filters}):
            yield hit

    async def follow(
        self, model: type[Model], url: str, filters: Mapping[str, Filter]
    ) -> AsyncIterator[Model]:
        """Each item of a list, page after page, following ``links.next``."""
        page = Page.of(model, await self.request("GET", url, params=_core.params(filters)))
        for _ in range(MAX_PAGES):
            for item in page.items:
                yield item
            if page.next is None:
                return
            page = Page.of(model, await self.request("GET", page.next))


class AsyncCollection(Generic[Public, Item, Input, Patch]):
    """A kind of content at ``/v1/{collection}``: read one, list them, write them."""

    def __init__(
        self, folio: AsyncFolio, collection: str, public: type[Public], item: type[Item]
    ) -> None:
        self.folio = folio
        self.collection = collection
        self.public = public
        self.item = item

    def etag(self, ref: str | int) -> str | None:
        """The ETag of the version of ``ref`` this client last read whole or wrote (what
        ``update``, ``replace`` and ``delete`` send as ``If-Match``)."""
        return self.folio.etags.headers(_core.path(self.collection, ref), None).get("If-Match")

    async def get(
        self, ref: str | int, *, include: str | None = None, locale: str | None = None
    ) -> Public:
        """One by id or slug (a draft too, with a key that may read drafts); ``include``
        embeds what it links to (``"author,tags"``), ``locale`` a translation."""
        url = _core.path(self.collection, ref)
        asked = _core.params({"include": include, "locale": locale})
        response = await self.folio.request("GET", url, params=asked)
        found = _core.one(self.public, response)
        if not asked:  # the representation a write's If-Match is compared with
            self._remember(url, response, found)
        return found

    async def page(self, **filters: Filter) -> Page[Item]:
        """One page of the list (``limit``, ``cursor``, ``sort`` and the kind's filters)."""
        asked = _core.params(filters)
        url = f"/v1/{self.collection}"
        return Page.of(self.item, await self.folio.request("GET", url, params=asked))

    async def list(self, **filters: Filter) -> AsyncIterator[Item]:
        """Every item of the list, page after page (``links.next``), as the filters narrow it."""
        async for item in self.folio.follow(self.item, f"/v1/{self.collection}", filters):
            yield item

    async def text(self, ref: str | int, format: str) -> str:
        """One in another format, as text: ``md`` (Markdown), ``html``, ``txt``, ``csv``."""
        url = _core.path(self.collection, ref)
        return _core.text(await self.folio.request("GET", url, params={"format": format}))

    async def create(
        self, data: Input | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Public:
        """A new one. Its Idempotency-Key (a new UUID unless given) makes a retry of the same
        request answer the first creation instead of making a second."""
        key = idempotency_key or str(uuid.uuid4())
        response = await self.folio.request(
            "POST",
            f"/v1/{self.collection}",
            json=_core.body(data),
            headers={"Idempotency-Key": key},
        )
        created = _core.one(self.public, response)
        self._remember(_core.path(self.collection, response_id(created)), response, created)
        return created

    async def update(
        self, ref: str | int, changes: Patch | Mapping[str, Any], *, if_match: str | None = None
    ) -> Public:
        """Changes some fields (a JSON merge patch: ``None`` removes one). It is sent with
        ``If-Match``: ``if_match`` when given, else the ETag of the version this client last
        read or wrote, so a change made by someone else in between raises
        ``PreconditionFailed`` rather than being overwritten."""
        return await self._write("PATCH", ref, changes, if_match, _core.MERGE_PATCH)

    async def replace(
        self, ref: str | int, data: Input | Mapping[str, Any], *, if_match: str | None = None
    ) -> Public:
        """Replaces it whole (fields left out take their defaults), with ``If-Match`` as
        ``update`` sends it."""
        return await self._write("PUT", ref, data, if_match, "application/json")

    async def delete(self, ref: str | int, *, if_match: str | None = None) -> None:
        """Moves it to the trash (an admin restores or empties it)."""
        url = _core.path(self.collection, ref)
        headers = self.folio.etags.headers(url, if_match)
        _core.checked(await self.folio.request("DELETE", url, headers=headers))
        self.folio.etags.forget(url)

    async def _write(
        self,
        method: str,
        ref: str | int,
        data: BaseModel | Mapping[str, Any],
        if_match: str | None,
        media_type: str,
    ) -> Public:
        url = _core.path(self.collection, ref)
        headers = {"Content-Type": media_type, **self.folio.etags.headers(url, if_match)}
        response = await self.folio.request(method, url, json=_core.body(data), headers=headers)
        written = _core.one(self.public, response)
        self._remember(url, response, written)
        return written

    def _remember(self, url: str, response: httpx.Response, found: BaseModel) -> None:
        self.folio.etags.remember(url, response, *refs_of(found))


class AsyncArticles(AsyncCollection[ArticlePublic, ArticleListItem, ArticleInput, ArticlePatch]):
    """Articles: ``markdown`` and ``html`` give one as text (the HTML is sanitized)."""

    async def markdown(self, ref: str | int) -> str:
        return await self.text(ref, "md")

    async def html(self, ref: str | int) -> str:
        return await self.text(ref, "html")


class AsyncComparisons(
    AsyncCollection[ComparisonPublic, ComparisonListItem, ComparisonInput, ComparisonPatch]
):
    """Comparisons: their rows (a dimension each, one cell per role), filtered and as CSV, and
    one role against another across every comparison."""

    async def rows(
        self, ref: str | int, *, q: str | None = None, dimension: str | None = None
    ) -> Rows:
        """Its rows in order, all pages of them; ``q`` keeps those whose dimension or cells
        hold the words, ``dimension`` those of that dimension."""
        url = _core.path(self.collection, ref, "rows")
        filters: dict[str, Filter] = {"q": q, "dimension": dimension, "limit": 100}
        return Rows([row async for row in self.folio.follow(RowPublic, url, filters)])

    async def cells(self, ref: str | int, *, q: str | None = None) -> list[_core.Cell]:
        """Every cell, flat (row, dimension, role, text, note, source)."""
        return (await self.rows(ref, q=q)).cells()

    async def csv(self, ref: str | int) -> str:
        """Its table as CSV: a header row (the dimension, then each role), a line a row."""
        return await self.text(ref, "csv")

    async def versus(self, a: str | int, b: str | int) -> RoleComparison:
        """Role ``a`` against role ``b``: each dimension where a comparison has both."""
        url = _core.path("roles", a, "compare", str(b))
        return _core.one(RoleComparison, await self.folio.request("GET", url))

    async def add_row(
        self, ref: str | int, row: RowCreate | Mapping[str, Any], *, if_match: str | None = None
    ) -> RowPublic:
        """A new row (its dimension, and cells by role slug); last unless ``position`` says."""
        return await self._row("POST", ref, ("rows",), row, if_match)

    async def update_row(
        self,
        ref: str | int,
        row_id: int,
        changes: RowPatch | Mapping[str, Any],
        *,
        if_match: str | None = None,
    ) -> RowPublic:
        """Changes a row's dimension, position or cells (a merge patch)."""
        return await self._row("PATCH", ref, ("rows", row_id), changes, if_match)

    async def set_cell(
        self,
        ref: str | int,
        row_id: int,
        role: str,
        cell: CellInput | Mapping[str, Any],
        *,
        if_match: str | None = None,
    ) -> RowPublic:
        """Writes one cell (``{"text": …}``, with a ``note`` and a ``source_url`` if wanted):
        row ``row_id``, column ``role``."""
        return await self._row("PUT", ref, ("rows", row_id, "cells", role), cell, if_match)

    async def _row(
        self,
        method: str,
        ref: str | int,
        parts: tuple[str | int, ...],
        data: BaseModel | Mapping[str, Any],
        if_match: str | None,
    ) -> RowPublic:
        """A write to the rows: ``If-Match`` (the comparison's ETag) only when given, since
        each row write changes the comparison's version."""
        url = _core.path(self.collection, ref, *parts)
        headers = {"Content-Type": _core.MERGE_PATCH if method == "PATCH" else "application/json"}
        if if_match is not None:
            headers["If-Match"] = if_match
        response = await self.folio.request(method, url, json=_core.body(data), headers=headers)
        self.folio.etags.forget(_core.path(self.collection, ref))
        return _core.one(RowPublic, response)


def response_id(found: BaseModel) -> int:
    """The id of a resource Folio answered (every kind has one)."""
    value = getattr(found, "id", None)
    if not isinstance(value, int):
        raise TypeError(f"{type(found).__name__} has no id")
    return value


def refs_of(found: BaseModel) -> list[str | int]:
    """The refs a resource is reached by: its id and its slug."""
    return [ref for ref in (getattr(found, "id", None), getattr(found, "slug", None)) if ref]
