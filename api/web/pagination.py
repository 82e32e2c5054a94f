"""Keyset pagination: opaque cursors, list parameters and the list envelope.

A cursor holds the sort key of the row it points at, never an offset, so a page boundary is
stable while rows are inserted and the database never scans the rows it skips.
"""

import base64
import binascii
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urlencode

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import ColumnElement, Select, and_, func, literal, or_
from sqlalchemy import select as sql_select
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from api.core import surrogates
from api.core.errors import InvalidBody, InvalidParameter
from api.core.fields import MAX_ID
from api.core.urls import api_url

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_SORT_FIELDS = 3
CURSOR_TEXT_MAX = 1_000  # the longest text a cursor may hold (titles are at most 300)


def _listing(names: Iterable[str], *, signed: bool = False, most: int | None = None) -> str:
    """The pattern of a comma-separated list of ``names`` (``-`` before each when ``signed``),
    so that OpenAPI says exactly which values a list parameter takes."""
    one = ("-?" if signed else "") + "(?:" + "|".join(sorted(names)) + ")"
    repeat = "*" if most is None else "{0," + str(most - 1) + "}"
    return f"^{one}(?:,{one}){repeat}$"


def sort_query(names: Iterable[str], default: str) -> Any:
    """The ``sort`` parameter of a collection sorted on ``names``."""
    names = list(names)
    return Field(
        None,
        max_length=200,
        pattern=_listing(names, signed=True, most=MAX_SORT_FIELDS),
        description=f"Up to {MAX_SORT_FIELDS} of {', '.join(names)}, comma-separated; `-` "
        f"for descending. Default: `{default}`.",
    )


def fields_query(model: type[BaseModel]) -> Any:
    """The ``fields`` parameter: some fields of ``model`` only (``id`` always comes too)."""
    return Field(
        None,
        max_length=1000,
        pattern=_listing(model.model_fields),
        description="Only these fields (and `id`), comma-separated, of: "
        + ", ".join(model.model_fields)
        + ".",
    )


def include_query(names: Iterable[str]) -> Any:
    """The ``include`` parameter: related resources to embed whole."""
    names = sorted(names)
    return Field(
        None,
        max_length=200,
        pattern=_listing(names),
        description=f"Embed these whole: {', '.join(names)} (comma-separated).",
    )


class PageParams(BaseModel):
    """The query of a list in one fixed order: a page size and where to go on from."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    cursor: str | None = Field(
        None, max_length=512, description="`meta.next_cursor` or `meta.prev_cursor` of a page."
    )

    def list_params(self) -> "ListParams":
        return ListParams(limit=self.limit, cursor=self.cursor)


class ListParams(BaseModel):
    """Query parameters every collection takes; unknown parameters are rejected."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    cursor: str | None = Field(
        None, max_length=512, description="`meta.next_cursor` or `meta.prev_cursor` of a page."
    )
    sort: str | None = Field(
        None,
        max_length=100,
        description="Comma-separated fields, `-` for descending: `sort=-updated_at,title`.",
    )
    count: bool = Field(False, description="Also count all matches (`meta.total`).")


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset: how to compare, read and (de)serialize it.

    A nullable column sorts with ``null_as`` in place of NULL, so the keyset comparison (which
    NULL would make unknown) holds on both databases; lists that cannot hold NULLs leave it
    unset and keep the plain column, which an index serves.
    """

    column: Any  # a mapped column, as given by sqlmodel.col()
    descending: bool = False
    null_as: Any = None

    @property
    def expression(self) -> Any:
        if self.null_as is None:
            return self.column
        return func.coalesce(self.column, literal(self.null_as, self.column.type))

    def value_of(self, row: Any) -> Any:
        value = getattr(row, self.column.key)
        return self.null_as if value is None and self.null_as is not None else value

    def dump(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    def load(self, raw: Any) -> Any:
        """A value from a cursor, which a client may have forged: checked to be what this
        column holds, and within what both databases can compare it to."""
        sa_type = self.column.type
        python_type = getattr(sa_type, "impl", sa_type).python_type  # through TypeDecorators
        if python_type is datetime:
            if not isinstance(raw, str) or len(raw) > 40:
                raise ValueError("expected a datetime")
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                raise ValueError("expected a datetime with its offset")
            return moment.astimezone(UTC)  # OverflowError past year 9999 or before year 1
        if not isinstance(raw, python_type) or isinstance(raw, bool):
            raise ValueError(f"expected {python_type.__name__}")
        if isinstance(raw, int) and not -MAX_ID - 1 <= raw <= MAX_ID:
            raise ValueError("out of range")
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueError("out of range")
        if isinstance(raw, str) and (len(raw) > CURSOR_TEXT_MAX or "\x00" in raw):
            raise ValueError("not a value of this listing")
        return raw


EPOCH = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Sortable:
    """The fields a collection sorts on, its default order, and the unique tie-breaker."""

    fields: dict[str, Any]
    default: str
    tie: Any

    @classmethod
    def on(cls, model: Any, names: Iterable[str], *, default: str) -> "Sortable":
        """Sorting on columns of ``model`` of those ``names``, ``id`` breaking ties."""
        return cls({name: col(getattr(model, name)) for name in names}, default, col(model.id))

    def keys(self, sort: str | None, *, nulls: bool = False) -> tuple[str, list[SortKey]]:
        """The normalised sort and its keyset; ``nulls`` when sorted columns may hold NULL."""
        spec = sort if sort else self.default
        keys: list[SortKey] = []
        names = []
        for part in spec.split(","):
            name = part.strip().removeprefix("-")
            if name not in self.fields:
                allowed = ", ".join(sorted(self.fields))
                raise InvalidParameter("sort", f"{part.strip()!r} is not one of: {allowed}")
            if name in names:
                continue  # a field already sorted on: its first mention decides
            names.append(name)
            column = self.fields[name]
            null_as = None
            if nulls and column.nullable:
                null_as = EPOCH
            keys.append(SortKey(column, descending=part.strip().startswith("-"), null_as=null_as))
        if len(keys) > MAX_SORT_FIELDS:
            raise InvalidParameter("sort", f"at most {MAX_SORT_FIELDS} fields")
        keys.append(SortKey(self.tie, descending=keys[0].descending))
        normalised = ",".join(
            ("-" if k.descending else "") + n for k, n in zip(keys, names, strict=False)
        )
        return normalised, keys


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
    except (
        ValueError,
        KeyError,
        TypeError,
        OverflowError,
        binascii.Error,
        orjson.JSONDecodeError,
    ) as exc:
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
        step = key.expression < values[i] if smaller else key.expression > values[i]
        equal = [keys[j].expression == values[j] for j in range(i)]
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
    sortable: Sortable,
    params: ListParams,
    nulls: bool = False,
) -> Page[Any]:
    """One page of ``statement`` in ``params.sort`` order, with cursors to the pages on either
    side and, when asked, the number of all matches."""
    sort, keys = sortable.keys(params.sort, nulls=nulls)
    surrogates.depend_on_tables(session, find_tables(statement, include_aliases=True))
    total = None
    if params.count:
        total = session.execute(
            sql_select(func.count()).select_from(statement.order_by(None).subquery())
        ).scalar_one()
    direction: Direction = "next"
    if params.cursor is not None:
        direction, values = decode_cursor(params.cursor, sort, keys)
        statement = statement.where(_beyond(keys, values, forward=direction == "next"))
    forward = direction == "next"
    order = [
        key.expression.desc() if key.descending == forward else key.expression.asc() for key in keys
    ]
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
    return Page(rows, params.limit, next_cursor, prev_cursor, total)


def parse_include(value: str | None, allowed: frozenset[str]) -> frozenset[str]:
    """``include=author,tags``: the related resources to embed whole."""
    if not value:
        return frozenset()
    names = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = names - allowed
    if unknown:
        raise InvalidParameter(
            "include",
            f"{', '.join(sorted(unknown))}: can include {', '.join(sorted(allowed)) or 'nothing'}",
        )
    return names


def parse_fields(value: str | None, model: type[BaseModel]) -> frozenset[str] | None:
    """``fields=title,slug``: the fields to return (``id`` always comes too)."""
    if not value:
        return None
    names = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = names - set(model.model_fields)
    if unknown:
        raise InvalidParameter("fields", f"no field {', '.join(sorted(unknown))}")
    return names | {"id"}


def map_page(page: Page[Any], convert: Callable[[list[Any]], list[T]]) -> Page[T]:
    return Page(convert(page.items), page.limit, page.next_cursor, page.prev_cursor, page.total)


def envelope(page: Page[Any], *, path: str, query: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The list body ``{data, meta, links}`` and the matching RFC 8288 ``Link`` header."""

    def url(params: dict[str, Any]) -> str:
        present = {
            k: ("true" if v is True else v)
            for k, v in params.items()
            if v is not None and v is not False and v != []
        }
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


LIST_LIMIT = 25  # items on a page of a studio's list


def listing(lister: Any, query: type[BaseModel]) -> Callable[[Session, dict[str, str]], Page[Any]]:
    """A kind's ``Room.listing`` made of its list (as ``GET /v1/{collection}`` with a key
    calls it) and that list's query model: what is asked is validated as the API validates
    it (a 422 naming the parameter)."""

    def listed(session: Session, asked: dict[str, str]) -> Page[Any]:
        try:
            params = query.model_validate({"limit": LIST_LIMIT, **asked, "count": True})
        except ValidationError as exc:
            raise InvalidBody.from_validation(exc, model=query) from exc
        page: Page[Any] = lister(session, query=params, preview=True)
        return page

    return listed
