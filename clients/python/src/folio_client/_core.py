"""What the synchronous and the asynchronous client share and that does no input or output:
building a request, reading an answer (a model, a page, a problem), when to retry, the ETags
a client remembers and the answers it may revalidate."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import quote

import httpx2 as httpx
from pydantic import BaseModel

from folio_client.errors import FolioProblem, problem_from
from folio_client.models import CellPublic, RowPublic

if TYPE_CHECKING:  # pandas is an optional extra: `pip install "folio-client[pandas]"`
    import pandas  # type: ignore[import-untyped,unused-ignore]  # untyped without pandas' type package

Model = TypeVar("Model", bound=BaseModel)

# A list's filter, as the API's query parameters take it: a list becomes a comma-separated
# value (``tag=["ai", "strategy"]``), a datetime or a date its ISO 8601 form, a bool true/false.
Filter = str | int | bool | datetime | date | Sequence[str] | None

DEFAULT_URL = "http://127.0.0.1:8000"
MERGE_PATCH = "application/merge-patch+json"
# Answers that say "the same request later": 429 (too many) and 503 (not now), always safe to
# send again when the method is idempotent or the request carries an Idempotency-Key.
RETRIED = frozenset({429, 503})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def path(collection: str, ref: str | int, *rest: str | int) -> str:
    """``/v1/{collection}/{ref}/…``, each part quoted (a slug or an id, as given)."""
    return "/".join(["/v1", collection, *(quote(str(part), safe="") for part in (ref, *rest))])


def params(filters: Mapping[str, Filter]) -> dict[str, str]:
    """A list's filters as query parameters (``None`` leaves one out)."""
    encoded: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, datetime | date):
            encoded[name] = value.isoformat()
        elif isinstance(value, str | int):
            encoded[name] = str(value)
        else:
            encoded[name] = ",".join(value)
    return encoded


def body(data: BaseModel | Mapping[str, Any]) -> Any:
    """A write's JSON body: a model without the fields left unset (a patch changes only what
    it names; ``None`` set on purpose removes a field), or a mapping as it is."""
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", exclude_unset=True, by_alias=True)
    return dict(data)


@dataclass(frozen=True)
class Retry:
    """How often and how long to retry an answer of ``RETRIED``: at most ``attempts`` more
    times, waiting what ``Retry-After`` says (capped at ``max_wait`` seconds), else
    ``backoff`` seconds doubled on each try."""

    attempts: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0

    def delay(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before sending ``request`` again, or None: answer as it is."""
        if response.status_code not in RETRIED or attempt >= self.attempts:
            return None
        # A 429 was refused before any work was done; a 503 may have come after it.
        once = request.method not in IDEMPOTENT and "Idempotency-Key" not in request.headers
        if once and response.status_code != 429:
            return None
        wait = retry_after(response.headers.get("Retry-After"))
        if wait is None:
            wait = self.backoff * 2**attempt
        return min(max(wait, 0.0), self.max_wait)


def retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date (RFC 9110)."""
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return (when - datetime.now(UTC)).total_seconds()


def sleep(seconds: float) -> None:
    time.sleep(seconds)


async def asleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class Revalidation:
    """The GET answers a client keeps to ask again with ``If-None-Match`` (a 304 is answered
    from here: Folio sends no body, and its rate limit counts a revalidation like any read),
    the ``size`` most recent ones."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[str, httpx.Response] = OrderedDict()

    def prepare(self, request: httpx.Request) -> None:
        kept = self._kept.get(str(request.url))
        if kept is not None and request.method == "GET":
            request.headers["If-None-Match"] = kept.headers["ETag"]

    def answer(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        url = str(request.url)
        if request.method != "GET":
            return response
        if response.status_code == 304 and url in self._kept:
            self._kept.move_to_end(url)
            return self._kept[url]
        if response.status_code == 200 and "ETag" in response.headers and self.size:
            self._kept[url] = response
            self._kept.move_to_end(url)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return response


class ETags:
    """The ETag last seen for each resource this client read whole or wrote, so that a write
    sends ``If-Match`` by itself: Folio answers 412 if someone changed it in between."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def remember(self, resource_path: str, response: httpx.Response, *refs: str | int) -> None:
        etag = response.headers.get("ETag")
        if etag is None:
            return
        for ref in {resource_path, *(resource_path.rsplit("/", 1)[0] + f"/{r}" for r in refs)}:
            self._seen[ref] = etag

    def forget(self, resource_path: str) -> None:
        self._seen.pop(resource_path, None)

    def headers(self, resource_path: str, if_match: str | None) -> dict[str, str]:
        etag = if_match if if_match is not None else self._seen.get(resource_path)
        return {} if etag is None else {"If-Match": etag}


def checked(response: httpx.Response) -> httpx.Response:
    """The answer, or its problem raised (``FolioProblem`` and its subclasses)."""
    if response.status_code >= 400:
        raise problem_from(response)
    return response


def one(model: type[Model], response: httpx.Response) -> Model:
    return model.model_validate_json(checked(response).content)


def text(response: httpx.Response) -> str:
    return checked(response).text


@dataclass(frozen=True)
class Page(Generic[Model]):
    """One page of a list: its items, the link to the next page (None on the last) and the
    total when it was asked for (``count=True``)."""

    items: list[Model]
    next: str | None
    total: int | None = None

    @classmethod
    def of(cls, model: type[Model], response: httpx.Response) -> Page[Model]:
        envelope = json.loads(checked(response).content)
        meta = envelope.get("meta") or {}
        return cls(
            [model.model_validate(item) for item in envelope["data"]],
            (envelope.get("links") or {}).get("next"),
            meta.get("total"),
        )


@dataclass(frozen=True)
class Cell:
    """One cell of a comparison, flat: its row's dimension, the role it is about, its text."""

    row_id: int
    dimension: str
    role: str
    text: str
    note: str | None = None
    source_url: str | None = None


@dataclass(frozen=True)
class Rows:
    """A comparison's rows (each a dimension with one cell per role), in order; iterable,
    and convertible for analysis: ``to_dicts()``, ``to_dataframe()`` (with pandas)."""

    rows: list[RowPublic] = field(default_factory=list)

    def __iter__(self) -> Iterator[RowPublic]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> RowPublic:
        return self.rows[index]

    @property
    def roles(self) -> list[str]:
        """The roles of the columns, in the order their first cells come."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row.cells))
        return list(seen)

    def cells(self) -> list[Cell]:
        """Every cell, row by row, as ``Cell``."""
        return [
            Cell(row.id, row.dimension, role, *_cell(cell))
            for row in self.rows
            for role, cell in row.cells.items()
        ]

    def to_dicts(self) -> list[dict[str, str | None]]:
        """One plain dict a row: ``{"dimension": …, role: its cell's text, …}`` (None where a
        role has no cell), ready for ``csv.DictWriter`` or JSON."""
        roles = self.roles
        flat: list[dict[str, str | None]] = []
        for row in self.rows:
            cells = {role: row.cells[role].text if role in row.cells else None for role in roles}
            flat.append({"dimension": row.dimension, **cells})
        return flat

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame indexed by dimension, a column a role."""
        try:
            import pandas  # type: ignore[import-untyped,unused-ignore]
        except ImportError as missing:
            message = 'to_dataframe needs pandas: pip install "folio-client[pandas]"'
            raise ImportError(message) from missing
        return pandas.DataFrame.from_records(self.to_dicts(), index="dimension")


def _cell(cell: CellPublic) -> tuple[str, str | None, str | None]:
    return cell.text, cell.note, cell.source_url


__all__ = ["Cell", "Filter", "FolioProblem", "Page", "Retry", "Rows"]
