"""Keyset pagination: opaque cursors, list parameters and the list envelope.

A cursor holds the sort key of the row it points at, never an offset, so a page boundary is
stable while rows are inserted and the database never scans the rows it skips.
"""

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urlencode

import orjson
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlmodel import Session, SQLModel
from sqlmodel.sql.expression import SelectOfScalar

from api.errors import InvalidParameter
from api.urls import api_url

T = TypeVar("T")
Row = TypeVar("Row", bound=SQLModel)

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class ListParams(BaseModel):
    """Query parameters every collection takes; unknown parameters are rejected."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    cursor: str | None = Field(
        None, max_length=512, description="`meta.next_cursor` or `meta.prev_cursor` of a page."
    )


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset: how to compare, read and (de)serialize it."""

    column: Any  # a mapped column, as given by sqlmodel.col()
    descending: bool = False

    def value_of(self, row: Any) -> Any:
        return getattr(row, self.column.key)

    def dump(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    def load(self, raw: Any) -> Any:
        sa_type = self.column.type
        python_type = getattr(sa_type, "impl", sa_type).python_type  # through TypeDecorators
        if python_type is datetime:
            if not isinstance(raw, str):
                raise ValueError("expected a datetime")
            return datetime.fromisoformat(raw)
        if not isinstance(raw, python_type) or isinstance(raw, bool):
            raise ValueError(f"expected {python_type.__name__}")
        return raw


Direction = Literal["next", "prev"]


def encode_cursor(direction: Direction, sort: str, values: Sequence[Any]) -> str:
    raw = orjson.dumps({"d": direction, "s": sort, "k": list(values)})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, sort: str, keys: Sequence[SortKey]) -> tuple[Direction, list[Any]]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = orjson.loads(raw)
        direction = data["d"]
        if direction not in ("next", "prev") or data["s"] != sort:
            raise ValueError("cursor of another listing")
        if not isinstance(data["k"], list) or len(data["k"]) != len(keys):
            raise ValueError("wrong key length")
        values = [key.load(raw_value) for key, raw_value in zip(keys, data["k"], strict=True)]
    except (ValueError, KeyError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidParameter("cursor", "not a cursor of this listing") from exc
    return direction, values


def _beyond(
    keys: Sequence[SortKey], values: Sequence[Any], *, forward: bool
) -> ColumnElement[bool]:
    # (a, b, c) after (x, y, z) in mixed directions: a > x OR (a = x AND (b > y OR ...)).
    # Row-value comparison would need one direction for all columns, so it is spelled out.
    clauses: list[ColumnElement[bool]] = []
    for i, key in enumerate(keys):
        smaller = key.descending == forward  # which side of the cursor the wanted rows are on
        step = key.column < values[i] if smaller else key.column > values[i]
        equal = [keys[j].column == values[j] for j in range(i)]
        clauses.append(and_(*equal, step))
    return or_(*clauses)


@dataclass
class Page(Generic[T]):
    items: list[T]
    limit: int
    next_cursor: str | None
    prev_cursor: str | None
    total: int | None = None


def keyset_page(
    session: Session,
    statement: SelectOfScalar[Any] | Select[Any],
    *,
    keys: Sequence[SortKey],
    sort: str,
    params: ListParams,
) -> Page[Any]:
    """One page of ``statement`` in ``keys`` order, plus cursors to the pages on either side."""
    direction: Direction = "next"
    if params.cursor is not None:
        direction, values = decode_cursor(params.cursor, sort, keys)
        statement = statement.where(_beyond(keys, values, forward=direction == "next"))
    forward = direction == "next"
    order = [key.column.desc() if key.descending == forward else key.column.asc() for key in keys]
    paged = statement.order_by(*order).limit(params.limit + 1)
    # Entities come back as objects (exec), column selections as rows (execute).
    result = session.exec(paged) if isinstance(paged, SelectOfScalar) else session.execute(paged)
    rows = list(result.all())
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    if not forward:
        rows.reverse()

    def cursor_at(d: Direction, row: Any) -> str:
        return encode_cursor(d, sort, [key.dump(key.value_of(row)) for key in keys])

    next_cursor = prev_cursor = None
    if rows:
        if more if forward else True:
            next_cursor = cursor_at("next", rows[-1])
        if (params.cursor is not None) if forward else more:
            prev_cursor = cursor_at("prev", rows[0])
    return Page(rows, params.limit, next_cursor, prev_cursor)


def map_page(page: Page[Any], convert: Callable[[list[Any]], list[T]]) -> Page[T]:
    return Page(convert(page.items), page.limit, page.next_cursor, page.prev_cursor, page.total)


def envelope(
    page: Page[BaseModel], *, path: str, query: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """The list body ``{data, meta, links}`` and the matching RFC 8288 ``Link`` header."""

    def url(params: dict[str, Any]) -> str:
        present = {k: v for k, v in params.items() if v is not None}
        return api_url(path) + ("?" + urlencode(present, doseq=True) if present else "")

    links: dict[str, str | None] = {
        "self": url(query),
        "next": url({**query, "cursor": page.next_cursor}) if page.next_cursor else None,
        "prev": url({**query, "cursor": page.prev_cursor}) if page.prev_cursor else None,
    }
    meta: dict[str, Any] = {
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }
    if page.total is not None:
        meta["total"] = page.total
    body = {
        "data": [item.model_dump(mode="json") for item in page.items],
        "meta": meta,
        "links": links,
    }
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return body, header


class ListMeta(BaseModel):
    limit: int
    next_cursor: str | None
    prev_cursor: str | None
    total: int | None = None


class ListLinks(BaseModel):
    self: str
    next: str | None
    prev: str | None


class ListEnvelope(BaseModel, Generic[T]):
    """The shape of every collection response (for OpenAPI)."""

    data: list[T]
    meta: ListMeta
    links: ListLinks
