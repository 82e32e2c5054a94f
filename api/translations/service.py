"""Writing translations: each is written (PUT, or PATCH as a merge patch) and deleted like a
resource of its own, under its own ETag, with a revision, an event (the resource's, naming the
locale) and a search document in its language, all in one transaction. Reading them in place
of the resource's own words is ``localize`` in each domain's service."""

from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, delete, select

from api import editing
from api.core import kinds, locales
from api.core.clock import clock
from api.core.errors import InvalidParameter, NotFound, SlugTaken, StalePrecondition
from api.core.slugs import slugify
from api.core.urls import resource_url
from api.core.workflow import effective_status
from api.events import service as events
from api.history import service as history
from api.history.models import SlugRedirect
from api.models import TABLES
from api.people import rules
from api.search import index as search_index
from api.translations import reading
from api.translations.models import (
    Translation,
    TranslationInput,
    TranslationMeta,
    TranslationSummary,
)

REVISIONS = "translations"  # the collection translations' revisions are kept under


class TranslationNotFound(NotFound):
    title = "Translation not found"


def translation_locale(value: str) -> str:
    """A locale a translation may be in: configured, and not the default (which is the
    resource itself)."""
    found = locales.canonical(value)
    if found is None:
        raise InvalidParameter(
            "locale",
            f"not one of this API's locales: {', '.join(locales.configured())}",
            where="path",
        )
    if found == locales.default():
        raise InvalidParameter(
            "locale", f"{found} is the default locale: write the resource itself", where="path"
        )
    return found


def _find(
    session: Session, t: reading.Translatable, resource_id: int, locale: str, *, lock: bool = False
) -> Translation | None:
    statement = select(Translation).where(
        Translation.resource_type == t.kind.name,
        Translation.resource_id == resource_id,
        Translation.locale == locale,
    )
    return editing.lock(session, statement) if lock else session.exec(statement).first()


def _located(
    session: Session, t: reading.Translatable, ref: str, locale: str, *, lock: bool
) -> tuple[str, Any, Translation | None]:
    """The locale (checked), the resource ``ref`` names and its translation into that
    locale (None: none yet); both locked until the commit when ``lock``, as a write begins."""
    locale = translation_locale(locale)
    if lock:
        editing.begin(session)
    resource = editing.room(t.collection).kind.find(session, ref, lock)
    return locale, resource, _find(session, t, resource.id, locale, lock=lock)


def _missing(t: reading.Translatable, ref: str, locale: str) -> TranslationNotFound:
    return TranslationNotFound(f"{t.collection} {ref!r} has no {locale} translation.")


def get(session: Session, t: reading.Translatable, ref: str, locale: str) -> TranslationMeta:
    locale, _, found = _located(session, t, ref, locale, lock=False)
    if found is None:
        raise _missing(t, ref, locale)
    return to_public(session, t, found)


def list_translations(
    session: Session, t: reading.Translatable, ref: str
) -> list[TranslationSummary]:
    row = editing.room(t.collection).kind.find(session, ref, False)
    found = session.exec(
        select(Translation)
        .where(Translation.resource_type == t.kind.name, Translation.resource_id == row.id)
        .order_by(col(Translation.locale))
    ).all()
    now = clock.now()
    return [
        TranslationSummary(
            locale=x.locale,
            slug=x.slug,
            status=effective_status(x.status, x.published_at, now),
            published_at=x.published_at,
            version=x.version,
            updated_at=x.updated_at,
            url=resource_url(t.collection, x.slug),
        )
        for x in found
    ]


def to_public(session: Session, t: reading.Translatable, row: Translation) -> TranslationMeta:
    assert row.id is not None
    return t.public.model_validate(
        {
            **t.shown(session, row.content),
            "id": row.id,
            "resource_id": row.resource_id,
            "locale": row.locale,
            "slug": row.slug,
            "status": effective_status(row.status, row.published_at, clock.now()),
            "published_at": row.published_at,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "url": resource_url(t.collection, row.slug),
        }
    )


def document(row: Translation) -> dict[str, Any]:
    """The translation as its input: what PATCH merges into, what a revision keeps."""
    return {**editing.workflow_document(row), "slug": row.slug, **row.content}


def put(
    session: Session,
    t: reading.Translatable,
    ref: str,
    locale: str,
    *,
    data: BaseModel | None = None,
    patch: Any = None,
    key: rules.Caller,
    if_match: str | None,
) -> tuple[Translation, bool]:
    """Writes the ``locale`` translation of what ``ref`` names: whole (``data``, made when
    missing) or a merge ``patch`` of it; with its revision, event and search document. The
    translation and whether it is new."""
    locale, resource, row = _located(session, t, ref, locale, lock=True)
    if row is None:
        if patch is not None:
            raise _missing(t, ref, locale)
        if if_match is not None and if_match.strip() != "*":
            raise StalePrecondition("There is no such translation yet: send no If-Match.")
    else:
        current = to_public(session, t, row)
        editing.check_precondition(if_match, lambda: editing.etag_body(current))
    if data is None:
        assert row is not None
        data = editing.patched(t.model, document(row), patch)
    assert isinstance(data, TranslationInput)
    was_public = row is not None and _public(resource, row)
    slug = data.slug or (row.slug if row is not None else slugify(t.title(data)))
    _slug_free(session, t, locale, slug, row)
    content = t.content(session, resource, data)
    now = clock.now()
    new = row is None
    if row is None:
        row = Translation(
            resource_type=t.kind.name,
            resource_id=resource.id,
            locale=locale,
            slug=slug,
            created_at=now,
            updated_at=now,
            version=0,
        )
    namespace = f"{t.collection}:{locale}"
    history.claim_slug(session, namespace, slug, resource_id=row.id)
    if row.id is not None and row.slug != slug:
        history.move_slug(session, namespace, row.slug, resource_id=row.id)
    row.slug = slug
    row.content = content
    editing.apply_workflow(row, data.status, data.publish_at)
    rules.check_content(
        key, t.collection, row, action="translate", was_public=was_public, owner=resource
    )
    row.version += 1
    row.updated_at = now
    session.add(row)
    session.flush()
    _record(
        session,
        t,
        resource,
        row,
        action="create" if new else "update",
        key=key,
        was_public=was_public,
    )
    editing.commit(session)
    return row, new


def delete_translation(
    session: Session,
    t: reading.Translatable,
    ref: str,
    locale: str,
    *,
    key: rules.Caller,
    if_match: str | None,
) -> None:
    """Deletes the ``locale`` translation for good: readers get the fallback's words again."""
    locale, resource, row = _located(session, t, ref, locale, lock=True)
    if row is None:
        raise _missing(t, ref, locale)
    current = to_public(session, t, row)
    editing.check_precondition(if_match, lambda: editing.etag_body(current))
    rules.check_content(key, t.collection, row, action="delete", was_public=False, owner=resource)
    assert row.id is not None
    events.record(
        session,
        t.collection,
        _as_resource(resource, row),
        "deleted",
        was_public=_public(resource, row),
        locale=locale,
    )
    _forget(session, t, row)
    editing.commit(session)


def imported(session: Session, row: Translation) -> None:
    """An imported translation's search document and event (its resource's were made)."""
    t = reading.TRANSLATABLE[row.resource_type]
    resource: Any = session.get(TABLES[t.collection], row.resource_id)
    public = _public(resource, row)
    events.record(
        session,
        t.collection,
        _as_resource(resource, row),
        "published" if public else "created",
        locale=row.locale,
    )
    _index(session, t, resource, row)


def _index(session: Session, t: reading.Translatable, resource: Any, row: Translation) -> None:
    """The translation's search document, as its locale reads it."""
    title, text = t.search(session, resource, row)
    search_index.store(
        session,
        t.collection,
        resource.id,
        locale=row.locale,
        slug=row.slug,
        title=title,
        body=text,
        row=row,
        resource=resource,
    )


def forget_all(session: Session, collection: str, resource_id: int) -> None:
    """A purged resource's translations, with their revisions and old slugs (flushed)."""
    if not kinds.by_collection(collection).translatable:
        return
    t = reading.translatable(collection)
    for row in session.exec(
        select(Translation).where(
            Translation.resource_type == t.kind.name, Translation.resource_id == resource_id
        )
    ).all():
        _forget(session, t, row)


def _forget(session: Session, t: reading.Translatable, row: Translation) -> None:
    assert row.id is not None
    history.forget(session, REVISIONS, row.id)
    session.execute(
        delete(SlugRedirect).where(
            col(SlugRedirect.resource_type) == f"{t.collection}:{row.locale}",
            col(SlugRedirect.resource_id) == row.id,
        )
    )
    search_index.remove(session, t.collection, row.resource_id, locale=row.locale)
    session.delete(row)
    session.flush()


def _public(resource: Any, row: Translation) -> bool:
    return events.is_visible(resource) and events.is_visible(_as_resource(resource, row))


def _as_resource(resource: Any, row: Translation) -> Any:
    """The translation as the event log names a change: the resource's id, the translation's
    slug, version and workflow (in the resource's trash when the resource is)."""
    return SimpleNamespace(
        id=resource.id,
        slug=row.slug,
        version=row.version,
        status=row.status,
        published_at=row.published_at,
        deleted_at=resource.deleted_at,
    )


def _record(
    session: Session,
    t: reading.Translatable,
    resource: Any,
    row: Translation,
    *,
    action: str,
    key: rules.Caller,
    was_public: bool,
) -> None:
    """The change's event, revision and search document (flushed, not committed)."""
    assert row.id is not None
    now_public = _public(resource, row)
    change = events.change_of(action, was_public, now_public)
    if action == "create" and not now_public:
        change = "created"
    events.record(
        session,
        t.collection,
        _as_resource(resource, row),
        change,
        was_public=was_public,
        locale=row.locale,
    )
    history.record(
        session,
        collection=REVISIONS,
        resource_id=row.id,
        number=row.version,
        action=action,
        content=document(row),
        key=key,
    )
    _index(session, t, resource, row)


def _slug_free(
    session: Session, t: reading.Translatable, locale: str, slug: str, row: Translation | None
) -> None:
    """409 for a slug another translation in ``locale`` has, or any of the resources has
    (now or before): a slug names one page."""
    other = session.exec(
        select(Translation.id).where(
            Translation.resource_type == t.kind.name,
            Translation.locale == locale,
            Translation.slug == slug,
        )
    ).first()
    if other is not None and (row is None or other != row.id):
        raise SlugTaken(f"{t.collection} ({locale})", slug)
    if history.redirect_or_none(session, t.collection, slug) is not None or _resource_slug(
        session, t, slug
    ):
        raise SlugTaken(t.collection, slug)


def _resource_slug(session: Session, t: reading.Translatable, slug: str) -> bool:
    table: Any = TABLES[t.collection]
    return session.exec(select(table.id).where(table.slug == slug)).first() is not None
