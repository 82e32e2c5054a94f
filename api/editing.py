"""What every write does, whatever it writes: finding the resource, preconditions, merge
patches, validation, the workflow, versions, revisions, slugs and the one commit at the end.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from api.audit import record as audit
from api.core import db, kinds
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import (
    Conflict,
    InvalidBody,
    Moved,
    NotFound,
    PreconditionRequired,
    SlugTaken,
    StalePrecondition,
    StillReferenced,
)
from api.core.slugs import is_slug, ref_filter, slugify
from api.core.workflow import Status, effective_status, readable
from api.events import service as events
from api.history import service as history
from api.people import rules
from api.reads import Reads as Reads  # a room's reads, registered with it
from api.search import index as search_index
from api.translations import reading
from api.translations.models import Translation
from api.web import pagination
from api.web.http import etag_matches, make_etag
from api.web.pagination import Page

Input = TypeVar("Input", bound=BaseModel)
Row = TypeVar("Row", bound=SQLModel)
Public = TypeVar("Public", bound=BaseModel)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch. Written here because the algorithm is the RFC's ten lines
    and the PyPI packages that implement it are unmaintained."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def parse(model: type[Input], data: Any) -> Input:
    """Validates a request body (or a merged document) into ``model``; 422 names the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidBody.from_validation(exc, model=model) from exc


def patched(model: type[Input], document: dict[str, Any], patch: Any) -> Input:
    if not isinstance(patch, dict):
        raise InvalidBody.at(["body"], "a merge patch is a JSON object")
    return parse(model, merge_patch(document, patch))


@dataclass(frozen=True)
class Kind(Generic[Row]):
    """What the write frame needs to know of one kind of resource."""

    collection: str
    # The row a ref names, drafts included; locked until the commit when asked.
    find: Callable[[Session, str, bool], Row]
    # What GET shows of it (If-Match is checked against that representation's ETag).
    public: Callable[[Session, Row], BaseModel]
    # The editable content: what a PATCH merges into and what a revision keeps.
    document: Callable[[Session, Row], dict[str, Any]]

    def patched(self, session: Session, row: Row, model: type[Input], patch: Any) -> Input:
        return patched(model, self.document(session, row), patch)

    def revision(self, session: Session, ref: str, number: int, model: type[Input]) -> Input:
        """Revision ``number`` of what ``ref`` names, as the input that restores it."""
        row: Any = self.find(session, ref, False)
        content = history.get_revision(session, self.collection, row.id, number).content
        return parse(model, content)


@dataclass(frozen=True)
class Room:
    """A kind's pieces that the surfaces every kind shares call (its routes, a batch, the
    trash, /v1/changes), registered by its own service (``ROOMS``)."""

    kind: Kind[Any]  # its write frame
    model: type[BaseModel]  # the input a create or a replace reads, a patch merges into
    create: Callable[..., Any]  # (session, data, *, key)
    update: Callable[..., Any]  # (session, ref, *, data | patch, key, if_match)
    delete: Callable[..., Any]  # (session, ref, *, key, if_match): to the trash
    # (session, rows, *, preview, locale) → their public forms, in order, in a few queries.
    public_many: Callable[..., Sequence[BaseModel]]
    missing: type[NotFound]  # the problem when no resource has the ref asked for
    # (session, ref, number, *, key, if_match): revision ``number`` made current (a new one).
    restore: Callable[..., Any]
    # (session, asked) → a page of the kind as the people who write it see it (the studio's
    # lists): every item not in the trash, drafts too, narrowed by ``asked`` (the list's
    # query parameters as given: ``q``, ``cursor``…), counted.
    listing: Callable[[Session, dict[str, str]], Page[Any]]
    reads: Reads  # how readers read it (``Reads``)


# Every kind's room (checked complete at start-up).
ROOMS: kinds.Registry[Room] = kinds.Registry("room", kinds.KINDS)


@dataclass(frozen=True)
class Writes(Generic[Row, Input]):
    """A kind's create, update (PUT, PATCH, or a change to part of it), restore and delete,
    made from what only the kind knows: its table, and how an input is written into a row.
    Every kind's room uses it, so each write goes through the same frame the same way."""

    kind: Kind[Row]
    model: type[Input]
    table: type[Row]
    apply: Callable[[Session, Row, Input, rules.Caller], None]  # ``data`` into ``row``
    # Who still uses a row (``"articles/slug"``): a delete is refused while any does.
    used_by: Callable[[Session, Row], list[str]] = lambda _session, _row: []
    # After a row went to the trash (what it owns goes with it).
    trashed: Callable[[Session, Row, rules.Caller], None] | None = None
    # What a merge patch is merged into: the document, less what the patch replaces whole.
    merged_into: Callable[[dict[str, Any], Any], dict[str, Any]] = lambda document, _patch: document

    def new(self, data: Input) -> Row:
        """A row not yet written: its required columns (a slug comes with ``apply``)."""
        label = kinds.by_collection(self.kind.collection).label
        now = clock.now()
        return self.table(slug="", **{label: getattr(data, label)}, created_at=now, updated_at=now)

    def create(self, session: Session, data: Input, *, key: rules.Caller) -> Row:
        """A new row with its first revision, flushed in the caller's transaction."""
        row = self.new(data)
        rules.claim(key, row)
        self.apply(session, row, data, key)
        created(session, row, self.kind, key)
        return row

    def update(
        self,
        session: Session,
        ref: str,
        *,
        data: Input | None = None,
        patch: Any = None,
        edit: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        part: Callable[[dict[str, Any]], tuple[list[str | int], list[str | int]]] | None = None,
        key: rules.Caller,
        if_match: str | None,
        action: str = "update",
    ) -> Row:
        """PUT (``data``), PATCH (``patch``, a JSON merge patch) or a change of part of the
        document (``edit``) under an optional If-Match; ``part`` says, of the changed
        document, where that part is in it and where the client sent it, so an error in it
        is reported where the client put it (``InvalidBody.moved``)."""

        def apply(row: Row) -> None:
            changed = None
            try:
                written = data
                if written is None:
                    document = self.kind.document(session, row)
                    if edit is not None:
                        changed = edit(document)
                        written = parse(self.model, changed)
                    else:
                        written = patched(self.model, self.merged_into(document, patch), patch)
                self.apply(session, row, written, key)
            except InvalidBody as exc:
                if part is None or changed is None:
                    raise
                raise exc.moved(*part(changed)) from None

        return change(
            session, self.kind, ref, if_match=if_match, key=key, action=action, apply=apply
        )

    def restore(
        self, session: Session, ref: str, number: int, *, key: rules.Caller, if_match: str | None
    ) -> Row:
        """Makes revision ``number`` current again, as a new revision."""
        data = self.kind.revision(session, ref, number, self.model)
        return self.update(session, ref, data=data, key=key, if_match=if_match, action="restore")

    def delete(self, session: Session, ref: str, *, key: rules.Caller, if_match: str | None) -> Row:
        """Moves the row to the trash; refused while anything uses it (``used_by``)."""
        trashed = self.trashed
        return trash(
            session,
            self.kind,
            ref,
            if_match=if_match,
            key=key,
            used_by=lambda row: self.used_by(session, row),
            then=(lambda row: trashed(session, row, key)) if trashed is not None else None,
        )

    def room(
        self,
        reads: Reads,
        public_many: Callable[..., Sequence[BaseModel]],
        missing: type[NotFound],
        *,
        listing: Callable[[Session, dict[str, str]], Page[Any]] | None = None,
        create: Callable[..., Any] | None = None,
    ) -> Room:
        """The kind's room: these writes, with how it is read, shown, and its not-found
        problem; the studio lists it as its reads list it (with drafts) unless ``listing``
        says otherwise."""
        return Room(
            self.kind,
            self.model,
            create or self.create,
            self.update,
            self.delete,
            public_many=public_many,
            missing=missing,
            restore=self.restore,
            listing=listing or pagination.listing(reads.many, reads.query),
            reads=reads,
        )


def room(collection: str) -> Room:
    """The room of the kind whose path is ``collection``."""
    return ROOMS[kinds.by_collection(collection).name]


def change(
    session: Session,
    kind: Kind[Row],
    ref: str,
    *,
    if_match: str | None,
    key: rules.Caller,
    action: str,
    apply: Callable[[Row], None],
) -> Row:
    """The frame of every change to an existing resource: begin a write, find the row and
    lock it, check If-Match against its current representation, ``apply`` the change, then
    record the revision (with its event and search document) and commit. A problem raised
    anywhere leaves the database as it was."""
    begin(session)
    row = kind.find(session, ref, True)
    check_precondition(if_match, lambda: etag_body(kind.public(session, row)))
    was_public, before = events.is_visible(row), audit.state(row)
    # The roles' rule before the change (whose it is, whether it may be deleted) and after it
    # (what it has become: publishing is an author's).
    rules.check_content(key, kind.collection, row, action=action, was_public=was_public)
    apply(row)
    rules.check_content(key, kind.collection, row, action=action, was_public=was_public)
    try:
        record_revision(session, row, kind, action=action, key=key, was_public=was_public)
        audit.content_changed(
            session,
            kind.collection,
            row,
            action=action,
            before=before,
            was_public=was_public,
            key=key,
        )
        commit(session)
    except IntegrityError as exc:  # a unique slug a concurrent writer took first: 409
        session.rollback()
        raise integrity_conflict(exc, kind.collection, getattr(row, "slug", "")) from exc
    return row


def trash(
    session: Session,
    kind: Kind[Row],
    ref: str,
    *,
    if_match: str | None,
    key: rules.Caller,
    used_by: Callable[[Row], list[str]],
    then: Callable[[Row], None] | None = None,
) -> Row:
    """Moves a resource to the trash (``change``), refused (409) while ``used_by`` names
    anything that uses it; ``then`` does what follows from it in the same transaction."""

    def apply(row: Any) -> None:
        used = used_by(row)
        if used:
            raise StillReferenced(f"Still used by {', '.join(used[:10])}: change those first.")
        row.deleted_at = clock.now()
        if then is not None:
            then(row)

    return change(session, kind, ref, if_match=if_match, key=key, action="delete", apply=apply)


def etag_body(public: BaseModel) -> bytes:
    """The bytes a representation's ETag is made of (as ``api.web.http.represent`` makes it)."""
    return public.model_dump_json().encode()


def check_precondition(if_match: str | None, current: Callable[[], bytes]) -> None:
    """If-Match against the current JSON representation (RFC 9110 §13.1.1, strong comparison).

    ``current`` renders that representation; it is only called when there is a tag to compare.
    """
    if if_match is None:
        if get_settings().require_if_match:
            raise PreconditionRequired("Send If-Match with the ETag of the version you edited.")
        return
    if if_match.strip() == "*":
        return
    if if_match.strip().startswith("W/") or not etag_matches(if_match, make_etag(current())):
        raise StalePrecondition(
            "The resource changed since that ETag: fetch it again and redo the change."
        )


def lock(session: Session, statement: Any) -> Any:
    """The row to change, locked until the commit (PostgreSQL; SQLite writers are serialized)."""
    return session.exec(statement.with_for_update()).first()


def apply_workflow(row: Any, status: Status, publish_at: datetime | None) -> None:
    now = clock.now()
    if status == Status.scheduled:
        if publish_at is None:
            raise InvalidBody.at(["body", "publish_at"], "scheduling needs publish_at")
        if publish_at <= now:
            raise InvalidBody.at(["body", "publish_at"], "publish_at must be in the future")
        row.status, row.published_at = status, publish_at
    elif status == Status.published:
        row.status = status
        row.published_at = min(publish_at, now) if publish_at is not None else now
    else:
        row.status, row.published_at = status, publish_at


def workflow_document(row: Any) -> dict[str, Any]:
    status = effective_status(row.status, row.published_at, clock.now())
    publish_at = row.published_at.isoformat() if row.published_at is not None else None
    return {"status": status.value, "publish_at": publish_at}


def begin(session: Session) -> None:
    if not session.info.get(_BATCH):
        db.begin_write(session)


def commit(session: Session) -> None:
    """Commits a write; inside ``batched`` only flushes it, for the batch to commit."""
    if session.info.get(_BATCH):
        session.flush()
    else:
        session.commit()


_BATCH = "folio_batch"


@contextmanager
def batched(session: Session) -> Iterator[None]:
    """Writes made inside are one transaction: each change is flushed (its event, revision and
    search document with it) and the caller commits them all at once, or rolls them back."""
    session.info[_BATCH] = True
    try:
        yield
    finally:
        session.info.pop(_BATCH, None)


def claim_slug(session: Session, collection: str, row: Any, slug: str) -> None:
    """Sets ``row.slug``, keeping the old one as a redirect; refuses one taken now or before."""
    history.claim_slug(session, collection, slug, resource_id=row.id)
    if row.id is not None and row.slug != slug:
        history.move_slug(session, collection, row.slug, resource_id=row.id)
    row.slug = slug


def take_slug(session: Session, collection: str, row: Any, data: Any) -> None:
    """Gives ``row`` the slug ``data`` asks for, or keeps its own, or makes one from its label
    (a title, a name): 409 when another resource has it, the old one kept as a redirect."""
    label = kinds.by_collection(collection).label
    slug = data.slug or (row.slug if row.id is not None else slugify(getattr(data, label)))
    slug_free(session, type(row), collection, slug, row.id)
    claim_slug(session, collection, row, slug)


def slug_free(
    session: Session, model: type[SQLModel], collection: str, slug: str, row_id: int | None
) -> None:
    """409 before anything is written when another resource has the slug now."""
    other = session.exec(select(model).where(model.slug == slug)).first()  # type: ignore[attr-defined]
    if other is not None and other.id != row_id:  # type: ignore[attr-defined]
        raise SlugTaken(collection, slug)
    translated = session.exec(
        select(Translation.id).where(
            Translation.resource_type == model.__tablename__, Translation.slug == slug
        )
    ).first()
    if translated is not None:  # a translation's page has it
        raise SlugTaken(collection, slug)


def record_revision(
    session: Session,
    row: Any,
    kind: Kind[Any],
    *,
    action: str,
    key: rules.Caller,
    was_public: bool,
) -> None:
    """Bumps the version and records the change: its event (``published`` when the row has
    become public, ``unpublished`` when it no longer is, judged against ``was_public``, taken
    before the change began: a query in between flushes, which would lose the row's earlier
    state), its revision, its search document (flushed, not committed)."""
    row.version += 1
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    change = events.change_of(action, was_public, events.is_visible(row))
    events.record(session, kind.collection, row, change, was_public=was_public)
    _keep(session, row, kind, action=action, key=key)


def integrity_conflict(exc: IntegrityError, collection: str, slug: str) -> Conflict:
    """The 409 for a constraint that a concurrent writer broke first."""
    if "slug" in str(exc.orig):
        return SlugTaken(collection, slug)
    return Conflict(f"The change conflicts with the current state of {collection}.")


@dataclass(frozen=True)
class Finder(Generic[Row]):
    """How one kind's rows are found by a ref (an id or a slug, old slugs redirecting), as the
    kind's own or in a locale."""

    table: type[Row]
    collection: str
    missing: type[NotFound]  # the problem when nothing has the ref

    def find(self, session: Session, ref: str, *, preview: bool, for_update: bool = False) -> Row:
        return find(
            session,
            self.table,
            self.collection,
            ref,
            preview=preview,
            missing=self.missing,
            for_update=for_update,
        )

    def in_locale(
        self,
        session: Session,
        ref: str,
        *,
        preview: bool,
        locale: str | None,
        accept_language: str | None,
    ) -> tuple[Row, str]:
        """The row ``ref`` names, and the locale to show it in: ``?locale=``, else the one
        its slug is in (a translation's), else the best of ``Accept-Language``."""
        return reading.found_in(
            session,
            self.table,
            self.collection,
            ref,
            preview=preview,
            asked=locale,
            accept_language=accept_language,
            own=lambda: self.find(session, ref, preview=preview),
            missing=self.missing,
        )


Shown_co = TypeVar("Shown_co", bound=BaseModel, covariant=True)
Table_contra = TypeVar("Table_contra", bound=SQLModel, contravariant=True)


class Render(Protocol[Table_contra, Shown_co]):
    """A row as a reader sees it, embedding whole what ``include`` names, in ``locale``."""

    def __call__(
        self,
        session: Session,
        row: Table_contra,
        /,
        *,
        preview: bool,
        include: frozenset[str],
        locale: str,
    ) -> Shown_co: ...


@dataclass(frozen=True)
class Reader(Finder[Row], Generic[Row, Public]):
    """A kind's rows found by a ref and shown as readers see them (``GET /v1/{kind}/{ref}``)."""

    render: Render[Row, Public]

    def get(
        self,
        session: Session,
        ref: str,
        *,
        preview: bool = False,
        include: frozenset[str] = frozenset(),
        locale: str | None = None,
        accept_language: str | None = None,
    ) -> Public:
        """What ``ref`` names, in the locale ``?locale=`` asks for, else the one its slug is in
        (a translation's), else the best of ``Accept-Language``."""
        row, shown = self.in_locale(
            session, ref, preview=preview, locale=locale, accept_language=accept_language
        )
        return self.render(session, row, preview=preview, include=include, locale=shown)


def find(
    session: Session,
    model: type[Row],
    collection: str,
    ref: str,
    *,
    preview: bool,
    missing: type[NotFound],
    for_update: bool = False,
) -> Row:
    """The resource ``ref`` names: public ones only, or everything not trashed for a preview.

    An old slug raises ``Moved`` (301) when the resource is still there to be seen.
    """
    shown = readable(model, preview=preview)
    statement = select(model).where(ref_filter(model.id, model.slug, ref), shown)  # type: ignore[attr-defined]
    row = lock(session, statement) if for_update else session.exec(statement).first()
    if row is not None:
        return row
    moved_to = history.redirect_or_none(session, collection, ref) if is_slug(ref) else None
    if moved_to is not None:
        slug = session.exec(
            select(model.slug).where(model.id == moved_to, shown)  # type: ignore[attr-defined]
        ).first()
        if slug is not None:
            raise Moved(collection, ref, slug)
    raise missing(f"No {collection[:-1]} with id or slug {ref!r}.")


def created(session: Session, row: Any, kind: Kind[Any], key: rules.Caller) -> None:
    """A new row made by a caller (its rule checked) with its event, revision 1, search
    document and audit entry (flushed, not committed)."""
    rules.check_content(key, kind.collection, row, action="create", was_public=False)
    record_created(session, row, kind, key)
    audit.content_changed(
        session, kind.collection, row, action="create", before=None, was_public=False, key=key
    )


def record_created(session: Session, row: Any, kind: Kind[Any], key: rules.Caller) -> None:
    """A new row with its event, revision 1 and search document (flushed, not committed)."""
    session.add(row)
    session.flush()
    events.record(
        session, kind.collection, row, "published" if events.is_visible(row) else "created"
    )
    _keep(session, row, kind, action="create", key=key)


def _keep(session: Session, row: Any, kind: Kind[Any], *, action: str, key: rules.Caller) -> None:
    """The revision of the row's version, and its search document."""
    history.record(
        session,
        collection=kind.collection,
        resource_id=row.id,
        number=row.version,
        action=action,
        content=kind.document(session, row),
        key=key,
    )
    search_index.refresh(session, kind.collection, row)
