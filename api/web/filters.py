"""The filters every list shares, spelled alike on articles, roles and comparisons: several
values comma-separated (any of them), ``not_`` before a name for none of them, ``_after`` /
``_since`` and ``_before`` around a date, ``_min`` and ``_max`` around a number, and
``status`` (with a key). Each is a condition on indexed columns or a correlated EXISTS, so the
planner can walk the sort's index and stop at the page."""

from datetime import datetime
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import ColumnElement, Exists, select
from sqlmodel import col

from api.core.clock import clock
from api.core.errors import Unauthorized
from api.core.fields import Moment
from api.core.workflow import Status, Workflow, not_trashed, readable, visible
from api.web.pagination import ListParams

Statement = TypeVar("Statement", bound=Any)

# ``?locale=``, on every read of translatable content.
LOCALE_QUERY: Any = Field(
    None,
    max_length=35,
    pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}$",
    description="One of FOLIO_LOCALES: the content in that locale, or in the next of its"
    " fallback chain that has it (`de-CH → de →` the default). Accept-Language otherwise.",
)


class LocaleQuery(BaseModel):
    """A read that takes nothing but ``locale``."""

    model_config = ConfigDict(extra="forbid")

    locale: str | None = LOCALE_QUERY


class Filtered(ListParams):
    """List parameters with the workflow's status and the dates every collection has."""

    status: Status | None = Field(None, description="Needs a key: drafts are not public.")
    locale: str | None = LOCALE_QUERY
    published_after: Moment | None = Field(None, description="Published at or after this.")
    published_before: Moment | None = Field(None, description="Published before this.")
    created_after: Moment | None = None
    created_before: Moment | None = None
    updated_since: Moment | None = None
    updated_before: Moment | None = None

    # (lower, upper) bounds that make a range: [lower, upper).
    RANGES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("published_after", "published_before"),
        ("created_after", "created_before"),
        ("updated_since", "updated_before"),
    )

    @model_validator(mode="after")
    def _ranges_are_ranges(self) -> Self:
        """A lower bound past its upper bound is a mistake, not an empty page: 422."""
        for low, high in self.RANGES:
            start, end = getattr(self, low), getattr(self, high)
            if start is not None and end is not None and start > end:
                raise ValueError(f"{low} is past {high}")
        return self


def workflow_filters(
    statement: Statement, model: Any, query: Filtered, *, preview: bool
) -> Statement:
    """``statement`` narrowed by ``query``'s status and date ranges."""
    if query.status is not None:
        if not preview:
            raise Unauthorized("Filtering by status needs an API key.", token_sent=False)
        statement = statement.where(status_is(model, query.status, clock.now()))
    for moment, since, before in (
        (col(model.published_at), query.published_after, query.published_before),
        (col(model.created_at), query.created_after, query.created_before),
        (col(model.updated_at), query.updated_since, query.updated_before),
    ):
        if since is not None:
            statement = statement.where(moment >= since)
        if before is not None:
            statement = statement.where(moment < before)
    return statement


def status_is(model: Any, status: Status, now: datetime) -> ColumnElement[bool]:
    """The rows whose status, as a reader sees it (``effective_status``), is ``status``."""
    if status == Status.published:
        return visible(model, now)
    if status == Status.scheduled:
        return (col(model.status) == Status.scheduled) & (col(model.published_at) > now)
    return col(model.status) == status


def linked(
    owner_id: Any, link_owner: Any, link_target: Any, target: Any, slugs: str, shown: Any
) -> Exists:
    """EXISTS a link from the owner row (``owner_id``) to a ``target`` whose slug is one of
    ``slugs`` (comma-separated) and which the reader may see (``shown``). Correlated: the
    planner walks the sort's index and stops at the page, where an IN list would fetch and
    sort every linked row first."""
    return (
        select(link_owner)
        .join(target, col(target.id) == link_target)
        .where(link_owner == owner_id, col(target.slug).in_(slugs.split(",")), shown)
        .exists()
    )


# What a list filters by: the link table, its column naming the target, the target's table.
Link = tuple[Any, Any, Any]


def by_links(
    statement: Any,
    owner_id: Any,
    owner_column: str,
    links: dict[str, Link],
    query: Any,
    *,
    preview: bool,
    cover: Any = None,
) -> Any:
    """``statement`` narrowed by the link filters ``query`` asks for: for each ``name`` of
    ``links``, ``query.<name>`` keeps owners (``owner_id``, named by the link table's
    ``owner_column``) with a link to a target of one of its slugs (a list: one of each), and
    ``query.not_<name>`` those with none, among the targets the reader may see (a kind
    without a workflow: all but the trashed); with ``cover`` (the owner's cover column),
    ``query.has_cover`` keeps those with or without one."""
    for name, (link, column, target) in links.items():
        asked = getattr(query, name, None)
        wanted = dict.fromkeys(asked) if isinstance(asked, list) else [asked]
        for slugs, keep in [*((w, True) for w in wanted), (getattr(query, f"not_{name}"), False)]:
            if slugs is not None:
                workflow = issubclass(target, Workflow)
                seen = readable(target, preview=preview) if workflow else not_trashed(target)
                owner = col(getattr(link, owner_column))
                exists = linked(owner_id, owner, column, target, slugs, seen)
                statement = statement.where(exists if keep else ~exists)
    if cover is not None and query.has_cover is not None:
        column = col(cover)
        statement = statement.where(column.is_not(None) if query.has_cover else column.is_(None))
    return statement
