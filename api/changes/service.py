"""Changes since a token: what a static-site build or a search index needs to stay in sync.

A token is the id of the last event seen. Each resource changed since appears once, with its
current public form, or as a tombstone when it is no longer there to be seen (deleted,
unpublished, or purged). Events are written in commit order, so no change can slip in behind a
token that has been handed out.
"""

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from api import editing
from api.changes.models import Change, ChangeFilters, ChangesQuery
from api.core import kinds, locales
from api.core.clock import clock
from api.core.errors import InvalidParameter
from api.core.urls import resource_url
from api.core.workflow import not_trashed, visible
from api.events.models import Event
from api.models import TABLES
from api.schedule import announce_due


def encode_token(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"e{event_id}".encode()).rstrip(b"=").decode()


MAX_EVENT_ID = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite


def decode_token(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        if not raw.startswith("e") or not raw[1:].isdigit() or len(raw) > 20:
            raise ValueError(raw)
        event_id = int(raw[1:])
        if event_id > MAX_EVENT_ID:
            raise ValueError(raw)
        return event_id
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidParameter("since", "not a token from /v1/changes") from exc


def changes(
    session: Session, query: ChangesQuery, *, preview: bool
) -> tuple[list[Change], int, bool]:
    """The changes after ``query.since``, the token to use next, and whether more are waiting."""
    since = decode_token(query.since) if query.since else 0
    found, next_since, more = after(session, since, query, limit=query.limit, preview=preview)
    return [change for _, change in found], next_since, more


def latest(session: Session) -> int:
    """The id of the newest event: where a stream that asks for nothing older starts."""
    return int(session.exec(select(func.max(Event.id))).one() or 0)


def position(session: Session) -> str:
    """The token of the newest event: a page drawn now follows the changes from there."""
    return encode_token(latest(session))


def after(
    session: Session, since: int, filters: ChangeFilters, *, limit: int, preview: bool
) -> tuple[list[tuple[int, Change]], int, bool]:
    """At most ``limit`` changes after the event ``since`` that ``filters`` let through, each
    with the id of its newest event, the event id to ask after next, and whether more are
    waiting."""
    announce_due(session)
    last = func.max(Event.id).label("last")
    narrowed: list[ColumnElement[bool]] = [] if preview else [col(Event.once_public).is_(True)]
    if types := filters.types():
        narrowed.append(col(Event.resource_type).in_(types))
    if filters.locale is not None:
        locale = locales.parse_locale(filters.locale)
        narrowed.append(col(Event.locale) == ("" if locale == locales.default() else locale))
    rows = session.exec(
        select(Event.resource_type, Event.resource_id, Event.locale, last)
        .where(col(Event.id) > since, *narrowed)
        .group_by(col(Event.resource_type), col(Event.resource_id), col(Event.locale))
        .order_by(last)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    events = {
        e.id: e for e in session.exec(select(Event).where(col(Event.id).in_([r[3] for r in rows])))
    }
    wanted: dict[tuple[str, str], list[int]] = {}
    for collection, resource_id, locale, _ in rows:
        wanted.setdefault((collection, locale), []).append(resource_id)
    current = _current(session, wanted, preview=preview)
    result = []
    for collection, resource_id, locale, event_id in rows:
        event = events[event_id]
        resource = current.get((collection, locale, resource_id))
        change = Change(
            type=collection,
            locale=locale or locales.default(),
            id=resource_id,
            slug=resource["slug"] if resource else event.slug,
            deleted=resource is None,
            version=resource["version"] if resource else event.version,
            changed_at=event.occurred_at,
            url=resource_url(collection, resource["slug"] if resource else event.slug),
            resource=resource,
        )
        result.append((int(event_id or 0), change))
    next_since = int(rows[-1][3] or 0) if rows else since
    return result, next_since, more


def _current(
    session: Session, wanted: dict[tuple[str, str], list[int]], *, preview: bool
) -> dict[tuple[str, str, int], dict[str, Any]]:
    """The public forms of the resources still there to be seen, in a few queries per kind
    and locale (a translation no longer there to be seen is gone, in its locale)."""
    now = clock.now()
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for (collection, locale), ids in wanted.items():
        room, kind = editing.room(collection), kinds.by_collection(collection)
        model: Any = TABLES[collection]
        # A kind with no workflow (a label) is public unless trashed.
        shown = not_trashed(model) if preview or not kind.workflow else visible(model, now)
        rows = session.exec(select(model).where(col(model.id).in_(ids), shown)).all()
        publics: Sequence[Any] = room.public_many(
            session, rows, preview=preview, locale=locale or None
        )
        for public in publics:
            if locale and getattr(public, "locale", None) != locale:
                continue  # the translation is gone (or no longer public): a tombstone
            found[(collection, locale, public.id)] = public.model_dump(mode="json")
    return found
