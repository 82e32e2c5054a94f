"""Folio Studio's editor of every kind but articles (which have their own, with a rich body):
roles, comparisons, authors, tags, and a kind added to the registry later. Its form is derived
from the kind (``kinds.Kind.fields``, their limits read from the room's input shape), with
the parts a kind holds beyond plain fields (a comparison's roles and rows: ``grid``); the
workflow's buttons, history, compare, restore, delete and undo are the articles' own, through
the same room, so each is limited by the person's role in the service, as every way in is."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, get_origin
from urllib.parse import urlencode

from annotated_types import MaxLen
from fastapi import APIRouter, Form, Path, Request
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.datastructures import FormData
from starlette.responses import Response

from api import editing
from api.changes import service as change_feed
from api.comparisons import service as comparisons
from api.core import kinds, locales
from api.core.config import get_settings
from api.core.db import SessionDep
from api.core.errors import FolioError, InvalidBody, StalePrecondition
from api.core.fields import MAX_ID
from api.history import service as history
from api.people.rules import Actor
from api.sharing import embed
from api.studio import forms, grid, guard, media
from api.studio.pages import NO_STORE, Person, Post, SignedIn, page, redirect
from api.translations.models import Translation
from api.trash import service as trash
from api.web.http import make_etag
from api.web.pagination import PageParams

router = APIRouter(prefix="/studio", include_in_schema=False)
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, Form(max_length=1000)]
MAX_FIELDS = 12_500  # a comparison's grid: 200 rows of 20 cells with notes and sources


@dataclass(frozen=True)
class FormField:
    """One plain field of a kind, as its form shows it."""

    name: str
    label: str
    many: bool  # a list of short texts: one a line
    long: bool  # a text area
    required: bool
    max_length: int | None


def fields_of(kind: kinds.Kind) -> tuple[FormField, ...]:
    """The kind's plain fields, as a form shows them: read from the registry and from the
    room's input shape (a field added to both appears here without a line of its own)."""
    model = editing.room(kind.collection).model
    shown = []
    for field in kind.fields:
        info = model.model_fields[field.name]
        limit = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        many = get_origin(info.annotation) is list
        long = many or (limit or 0) > 300
        label = field.name.replace("_", " ").capitalize()
        shown.append(FormField(field.name, label, many, long, info.is_required(), limit))
    return tuple(shown)


def may(person: SignedIn, kind: kinds.Kind) -> dict[str, bool]:
    """What the person may do to a document of ``kind`` (the buttons shown; the service
    refuses the rest anyway)."""
    can = set(editing_actor(person).may())
    write = "labels.write" if not kind.workflow else "content.write"
    return {
        "edit": write in can,
        "publish": kind.workflow and "content.publish" in can,
        "delete": "content.delete" in can,
        "restore": "content.restore" in can,
    }


def editing_actor(person: SignedIn) -> Actor:
    return Actor(person.user, None)


def has_cover(kind: kinds.Kind) -> bool:
    """Whether documents of ``kind`` have a cover (their room's input shape says so)."""
    return "cover" in editing.room(kind.collection).model.model_fields


def _values(kind: kinds.Kind, document: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"slug": str(document.get("slug") or "")}
    if has_cover(kind):
        values["cover"] = document.get("cover")
    for field in fields_of(kind):
        value = document.get(field.name)
        values[field.name] = "\n".join(value or []) if field.many else str(value or "")
    return values


def sent_fields(
    fields: Iterable[FormField], form: FormData, optional: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The posted values of ``fields`` (a line a list item), and the slug when one is sent;
    a field the form lacks is left out. An ``optional`` field sent empty is None."""
    sent: dict[str, Any] = {}
    for field in fields:
        if field.name not in form:
            continue
        text = str(form.get(field.name) or "")
        if field.many:
            sent[field.name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif field.name in optional:
            sent[field.name] = text.strip() or None
        else:
            sent[field.name] = text
    slug = str(form.get("slug") or "").strip()
    if slug:
        sent["slug"] = slug
    return sent


def _sent_fields(kind: kinds.Kind, form: FormData) -> dict[str, Any]:
    """The plain fields of a posted form, as the document has them (a line a list item);
    a field the form lacks is left as it is."""
    sent = sent_fields(fields_of(kind), form)
    if has_cover(kind):
        cover = form.get("cover")
        sent |= media.cover_sent(cover if isinstance(cover, str) else None)
    return sent


def kind_frame(request: Request, person: SignedIn, kind: kinds.Kind) -> dict[str, Any]:
    """What every page about a document of ``kind`` is given: the person, the form's token,
    the studio's section and the kind."""
    return {
        "user": person.user,
        "csrf": guard.session_csrf(request),
        "section": kind.collection,
        "kind": kind,
        "noun": kind.name,
    }


def _frame(request: Request, person: SignedIn, kind: kinds.Kind) -> dict[str, Any]:
    return {
        **kind_frame(request, person, kind),
        "fields": fields_of(kind),
        "may": may(person, kind),
    }


async def _form(request: Request) -> FormData:
    """The posted form, bounded, from this site and with its token (checked)."""
    form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=64 * 1024)
    guard.check_form(request, form)
    return form


# --- New -------------------------------------------------------------------------------------


def _new_page(kind: kinds.Kind) -> Callable[..., Response]:
    def new(request: Request, session: SessionDep, person: Person) -> Response:
        context = {**_frame(request, person, kind), "values": {}, "errors": {}}
        context["part"] = grid.new_part(session, kind, None)
        return page(request, "document-new.html", context)

    new.__name__ = f"studio_new_{kind.name}"
    return new


def _create(kind: kinds.Kind) -> Callable[..., Any]:
    async def create(request: Request, session: SessionDep, person: Person) -> Response:
        form = await _form(request)
        sent = {kind.label: str(form.get(kind.label) or "")} | grid.new_sent(kind, form)
        room = editing.room(kind.collection)
        try:
            data = editing.parse(room.model, sent)
            editing.begin(session)
            row = room.create(session, data, key=editing_actor(person))
            editing.commit(session)
        except IntegrityError as exc:
            session.rollback()
            raise editing.integrity_conflict(exc, kind.collection, "") from exc
        except FolioError as exc:
            session.rollback()
            context = {
                **_frame(request, person, kind),
                "values": {kind.label: sent[kind.label]},
                "errors": forms.errors_of(exc, (kind.label, "subjects")),
                "part": grid.new_part(session, kind, form),
            }
            return page(request, "document-new.html", context, status=exc.status)
        return redirect(f"/studio/{kind.collection}/{row.id}?done=created")

    create.__name__ = f"studio_create_{kind.name}"
    return create


# --- The editor --------------------------------------------------------------------------------


def _etag(session: Session, kind: kinds.Kind, row: Any) -> str:
    room = editing.room(kind.collection)
    return make_etag(editing.etag_body(room.kind.public(session, row)))


def _editor(
    request: Request,
    session: Session,
    person: SignedIn,
    kind: kinds.Kind,
    row: Any,
    *,
    document: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    etag: str | None = None,
    unsaved: bool = False,
) -> dict[str, Any]:
    """The editor's page: the document as stored, or as sent (``document``, when a save
    was refused or the grid changed before a save), with the problems by field."""
    room = editing.room(kind.collection)
    stored = room.kind.document(session, row)
    shown = document if document is not None else stored
    public = room.kind.public(session, row)
    return {
        **_frame(request, person, kind),
        "row": row,
        "label": getattr(row, kind.label),
        "status": getattr(row, "status", None),
        "publish_at": getattr(row, "published_at", None),
        "values": _values(kind, shown) | {"publish_at": ""},
        "errors": errors or {},
        "etag": etag if etag is not None else make_etag(editing.etag_body(public)),
        "part": grid.part(session, kind, shown),
        "covers": media.cover_choices(session, shown.get("cover")) if has_cover(kind) else None,
        "unsaved": unsaved,
        "other_locales": locales.configured()[1:] if kind.translatable else (),
        "translated": translated(session, kind, row.id) if kind.translatable else {},
    }


def translated(session: Session, kind: kinds.Kind, resource_id: int) -> dict[str, Any]:
    """The document's translations, by locale."""
    rows = session.exec(
        select(Translation).where(
            Translation.resource_type == kind.name, Translation.resource_id == resource_id
        )
    )
    return {row.locale: row for row in rows}


def _find(session: Session, kind: kinds.Kind, document_id: int) -> Any:
    return editing.room(kind.collection).kind.find(session, str(document_id), False)


def _edit_page(kind: kinds.Kind) -> Callable[..., Response]:
    def edit(
        request: Request, session: SessionDep, person: Person, document_id: DocumentId
    ) -> Response:
        row = _find(session, kind, document_id)
        context = _editor(request, session, person, kind, row)
        context["done"] = forms.DONE.get(request.query_params.get("done", ""))
        context["changes_since"] = change_feed.position(session)
        return page(request, "document.html", context)

    edit.__name__ = f"studio_edit_{kind.name}"
    return edit


def _save(kind: kinds.Kind) -> Callable[..., Any]:
    async def save(
        request: Request, session: SessionDep, person: Person, document_id: DocumentId
    ) -> Response:
        """Saves the form and does what its button said (save, publish, unpublish,
        schedule); a button of the grid (add or move a row or a role) shows the change
        first, unsaved, under the same ETag."""
        form = await _form(request)
        row = _find(session, kind, document_id)
        room = editing.room(kind.collection)
        action = str(form.get("action") or "save")
        etag = str(form.get("etag") or "")
        document = room.kind.document(session, row)
        try:
            document = grid.sent(kind, form, document | _sent_fields(kind, form), session)
            if grid.changes(kind, action):
                role = str(form.get("add_role") or "")
                document = grid.change(kind, action, document, session, role=role)
                context = _editor(request, session, person, kind, row, document=document, etag=etag)
                context["unsaved"] = True
                return page(request, "document.html", context)
            if action not in forms.WORKFLOW or (action != "save" and not kind.workflow):
                raise InvalidBody.at(["body", "action"], "save, publish, unpublish or schedule")
            patch = {
                **{k: v for k, v in document.items() if k not in ("status", "publish_at")},
                **forms.workflow(
                    action, str(form.get("publish_at") or ""), str(form.get("zone") or "")
                ),
            }
            room.update(
                session,
                str(document_id),
                patch=patch,
                key=editing_actor(person),
                if_match=etag or None,
            )
        except FolioError as exc:
            session.rollback()
            row = _find(session, kind, document_id)
            names = (*(f.name for f in fields_of(kind)), "slug", "rows", "cover")
            errors = forms.errors_of(exc, names)
            if said := grid.located(kind, exc, document, session):
                errors["rows"] = said
            if isinstance(exc, StalePrecondition):
                errors = {"form": f"Someone else saved this {kind.name} since you opened it."}
            context = _editor(
                request, session, person, kind, row, document=document, errors=errors, etag=etag
            )
            return page(request, "document.html", context, status=exc.status)
        return redirect(f"/studio/{kind.collection}/{document_id}?done={action}")

    save.__name__ = f"studio_save_{kind.name}"
    return save


def _delete(kind: kinds.Kind) -> Callable[..., Any]:
    def delete(post: Post, document_id: DocumentId, etag: Text = "") -> Response:
        room = editing.room(kind.collection)
        room.delete(post.session, str(document_id), key=post.actor, if_match=etag or None)
        query = urlencode({"done": "deleted", "trashed": document_id})
        return redirect(f"/studio/{kind.collection}?{query}")

    delete.__name__ = f"studio_delete_{kind.name}"
    return delete


def _undelete(kind: kinds.Kind) -> Callable[..., Any]:
    def undelete(post: Post, document_id: DocumentId) -> Response:
        trash.restore(post.session, kind.collection, document_id, key=post.actor)
        return redirect(f"/studio/{kind.collection}/{document_id}?done=back")

    undelete.__name__ = f"studio_undelete_{kind.name}"
    return undelete


# --- History -----------------------------------------------------------------------------------


def _history(kind: kinds.Kind) -> Callable[..., Response]:
    def revisions(
        request: Request, session: SessionDep, person: Person, document_id: DocumentId
    ) -> Response:
        row = _find(session, kind, document_id)
        params = PageParams(limit=50, cursor=request.query_params.get("cursor") or None)
        found = history.list_revisions(session, kind.collection, row.id, row.slug, params=params)
        compared = None
        numbers = [request.query_params.get(name, "") for name in ("from", "to")]
        if all(n.isdigit() and 0 < int(n) <= MAX_ID for n in numbers):
            compared = compare(session, kind.collection, row.id, int(numbers[0]), int(numbers[1]))
        context = {
            **_frame(request, person, kind),
            "document": {"id": row.id, "label": getattr(row, kind.label), "version": row.version},
            "revisions": found,
            "compared": compared,
            "base": f"/studio/{kind.collection}/{row.id}",
        }
        return page(request, "history.html", context)

    revisions.__name__ = f"studio_history_{kind.name}"
    return revisions


def compare(
    session: Session, collection: str, resource_id: int, before: int, after: int
) -> dict[str, Any]:
    """Two revisions side by side, field by field (the fields that differ)."""
    old = history.get_revision(session, collection, resource_id, before).content
    new = history.get_revision(session, collection, resource_id, after).content

    def shown(value: Any) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)

    rows = [
        (name, shown(old.get(name)), shown(new.get(name)))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]
    return {"from": before, "to": after, "rows": rows}


def _restore_revision(kind: kinds.Kind) -> Callable[..., Any]:
    def restore(post: Post, document_id: DocumentId, number: Number) -> Response:
        room = editing.room(kind.collection)
        room.restore(post.session, str(document_id), number, key=post.actor, if_match=None)
        return redirect(f"/studio/{kind.collection}/{document_id}?done=restored")

    restore.__name__ = f"studio_restore_{kind.name}"
    return restore


# --- A comparison as readers get it ------------------------------------------------------------


@router.get("/comparisons/{document_id}/embed")
def comparison_embed(
    request: Request, session: SessionDep, person: Person, document_id: DocumentId
) -> Response:
    """The comparison's public embed (what oEmbed frames on other sites), drawn from what is
    saved, drafts too, for the editor's frame beside the grid."""
    del request, person
    table = comparisons.get_comparison(session, str(document_id), preview=True)
    headers = {
        **NO_STORE,
        "Content-Security-Policy": embed.content_security_policy(["'self'"]),
        "X-Frame-Options": "SAMEORIGIN",
        "Content-Language": table.locale,
    }
    shown = embed.embed_page(table, site_name=get_settings().site_name)
    return Response(shown, media_type="text/html", headers=headers)


for _kind in kinds.KINDS:
    if _kind is kinds.ARTICLE:  # articles: api.studio.articles
        continue
    _base = f"/{_kind.collection}"
    router.add_api_route(f"{_base}/new", _new_page(_kind), methods=["GET"])
    router.add_api_route(_base, _create(_kind), methods=["POST"])
    router.add_api_route(f"{_base}/{{document_id}}", _edit_page(_kind), methods=["GET"])
    router.add_api_route(f"{_base}/{{document_id}}", _save(_kind), methods=["POST"])
    router.add_api_route(f"{_base}/{{document_id}}/delete", _delete(_kind), methods=["POST"])
    router.add_api_route(
        f"/trash{_base}/{{document_id}}/restore", _undelete(_kind), methods=["POST"]
    )
    router.add_api_route(f"{_base}/{{document_id}}/history", _history(_kind), methods=["GET"])
    router.add_api_route(
        f"{_base}/{{document_id}}/history/{{number}}/restore",
        _restore_revision(_kind),
        methods=["POST"],
    )
