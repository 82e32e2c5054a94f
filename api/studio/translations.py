"""Folio Studio's translations: a document of a translatable kind (articles, roles,
comparisons, and a kind added to the registry as translatable) in another locale of
``FOLIO_LOCALES``, edited beside its source, the source read-only. Its fields are the kind's
translated fields (``kinds.Kind.fields``); an article's body is translated as Markdown when its
source body has a Markdown form (``api.articles.as_markdown``), else it stays the source's
until translated through the API. A translation has its own slug and workflow (save, publish,
unpublish), written by the translations' service with its revision and audit entry; the page
says where a reader asking for that locale is sent while no translation is public."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api import editing
from api.articles import as_markdown
from api.core import kinds, locales
from api.core.db import SessionDep
from api.core.errors import FolioError, InvalidBody, StalePrecondition
from api.core.fields import MAX_ID
from api.core.workflow import Status
from api.people.rules import Actor
from api.studio import forms, guard
from api.studio.documents import fields_of, translated
from api.studio.pages import Person, SignedIn, page, redirect
from api.translations import reading
from api.translations import service as translations
from api.web.http import make_etag

router = APIRouter(prefix="/studio", include_in_schema=False)
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
Locale = Annotated[str, Path(max_length=35)]
BODY_LIMIT = 200_000


def _with_body(session: Session, kind: kinds.Kind, source: Any) -> bool:
    """Whether the translation's body is edited here (as Markdown)."""
    return kind is kinds.ARTICLE and not as_markdown.lost(session, source.body)


def _page(
    request: Request,
    session: Session,
    person: SignedIn,
    kind: kinds.Kind,
    source: Any,
    locale: str,
    *,
    sent: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    etag: str | None = None,
) -> dict[str, Any]:
    t = reading.TRANSLATABLE[kind.name]
    row = translated(session, kind, source.id).get(locale)
    names = kind.field_names(translated=True)
    shown = [f for f in fields_of(kind) if f.name in names]
    body = _with_body(session, kind, source)
    values: dict[str, str] = {"slug": row.slug if row is not None else ""}
    for field in shown:
        value = (row.content if row is not None else {}).get(field.name)
        values[field.name] = "\n".join(value or []) if field.many else str(value or "")
    source_values = {
        f.name: "\n".join(getattr(source, f.name) or [])
        if f.many
        else str(getattr(source, f.name) or "")
        for f in shown
    }
    if body:
        source_values["body"] = as_markdown.to_markdown(session, source.body)
        translated_body = (row.content if row is not None else {}).get("body")
        values["body"] = (
            as_markdown.to_markdown(session, translated_body) if translated_body else ""
        )
    values.update(sent or {})
    public = translations.to_public(session, t, row) if row is not None else None
    return {
        "user": person.user,
        "csrf": guard.session_csrf(request),
        "section": kind.collection,
        "kind": kind,
        "noun": kind.name,
        "source": source,
        "label": getattr(source, kind.label),
        "locale": locale,
        "row": row,
        "fields": shown,
        "body": body,
        "values": values,
        "source_values": source_values,
        "errors": errors or {},
        "etag": etag
        if etag is not None
        else (make_etag(editing.etag_body(public)) if public is not None else ""),
        "fallback": locales.chain(locale)[1:],
        "may": {"edit": _may_write(person, kind, source)},
        "done": forms.DONE.get(request.query_params.get("done", "")),
    }


def _may_write(person: SignedIn, kind: kinds.Kind, source: Any) -> bool:
    can = set(Actor(person.user, None).may())
    own = getattr(source, "owner_id", None) == person.user.id
    return "content.write" in can or (kind is kinds.ARTICLE and own)


def _locale(value: str) -> str:
    """A locale a translation may be in (a page that says why, else)."""
    return translations.translation_locale(value)


def _chooser(kind: kinds.Kind) -> Any:
    def choose(
        request: Request, session: SessionDep, person: Person, document_id: DocumentId
    ) -> Response:
        """The Locale selector's answer: that translation's page (made there when missing);
        the first locale after the default when none is chosen."""
        del person
        editing.room(kind.collection).kind.find(session, str(document_id), False)
        asked = request.query_params.get("locale", "")[:35]
        locale = _locale(asked or next(iter(locales.configured()[1:]), ""))
        return redirect(f"/studio/{kind.collection}/{document_id}/translations/{locale}")

    choose.__name__ = f"studio_choose_locale_{kind.name}"
    return choose


def _editor(kind: kinds.Kind) -> Any:
    def edit(
        request: Request,
        session: SessionDep,
        person: Person,
        document_id: DocumentId,
        locale: Locale,
    ) -> Response:
        locale = _locale(locale)
        source = editing.room(kind.collection).kind.find(session, str(document_id), False)
        context = _page(request, session, person, kind, source, locale)
        return page(request, "translation.html", context)

    edit.__name__ = f"studio_translation_{kind.name}"
    return edit


def _sent(kind: kinds.Kind, form: FormData, body: bool) -> dict[str, Any]:
    names = kind.field_names(translated=True)
    sent: dict[str, Any] = {}
    for field in fields_of(kind):
        if field.name not in names or field.name not in form:
            continue
        text = str(form.get(field.name) or "")
        sent[field.name] = (
            [line.strip() for line in text.splitlines() if line.strip()] if field.many else text
        )
    slug = str(form.get("slug") or "").strip()
    if slug:
        sent["slug"] = slug
    if body and "body" in form:
        text = str(form.get("body") or "")
        if len(text) > BODY_LIMIT:
            raise InvalidBody.at(["body", "body"], f"at most {BODY_LIMIT} characters")
        sent["body_markdown"] = text
    return sent


def _saver(kind: kinds.Kind) -> Any:
    async def save(
        request: Request,
        session: SessionDep,
        person: Person,
        document_id: DocumentId,
        locale: Locale,
    ) -> Response:
        """Writes the translation (made when missing) and does what the button said."""
        form = await request.form(max_files=0, max_fields=50, max_part_size=BODY_LIMIT * 4)
        token = form.get("csrf")
        guard.check_post(request, token if isinstance(token, str) else "", signed_in=True)
        locale = _locale(locale)
        t = reading.TRANSLATABLE[kind.name]
        source = editing.room(kind.collection).kind.find(session, str(document_id), False)
        body = _with_body(session, kind, source)
        action = str(form.get("action") or "save")
        etag = str(form.get("etag") or "")
        row = translated(session, kind, source.id).get(locale)
        try:
            sent = _sent(kind, form, body)
            status = {"publish": Status.published, "unpublish": Status.draft}.get(action)
            if action not in ("save", "publish", "unpublish"):
                raise InvalidBody.at(["body", "action"], "save, publish or unpublish")
            kept = row.status if row is not None else Status.draft
            workflow: dict[str, Any] = {"status": status or kept}
            if row is not None and status is None:
                workflow["publish_at"] = row.published_at if kept == Status.scheduled else None
            data = editing.parse(t.model, {**sent, **workflow})
            translations.put(
                session,
                t,
                str(document_id),
                locale,
                data=data,
                key=Actor(person.user, None),
                if_match=etag or None,
            )
        except FolioError as exc:
            session.rollback()
            fields = (*kind.field_names(translated=True), "slug", "body")
            errors = forms.errors_of(exc, fields)
            if isinstance(exc, StalePrecondition):
                errors = {"form": "Someone else saved this translation since you opened it."}
            shown = _form_values(kind, form)
            context = _page(
                request, session, person, kind, source, locale,
                sent=shown, errors=errors, etag=etag,
            )  # fmt: skip
            return page(request, "translation.html", context, status=exc.status)
        done = "created" if row is None else action
        return redirect(
            f"/studio/{kind.collection}/{document_id}/translations/{locale}?done={done}"
        )

    save.__name__ = f"studio_save_translation_{kind.name}"
    return save


def _form_values(kind: kinds.Kind, form: FormData) -> dict[str, str]:
    """What was typed, to show again as it was."""
    names = (*kind.field_names(translated=True), "slug", "body")
    return {name: str(form.get(name) or "") for name in names if name in form}


for _kind in kinds.TRANSLATABLE:
    _base = f"/{_kind.collection}/{{document_id}}/translations"
    router.add_api_route(_base, _chooser(_kind), methods=["GET"])
    router.add_api_route(f"{_base}/{{locale}}", _editor(_kind), methods=["GET"])
    router.add_api_route(f"{_base}/{{locale}}", _saver(_kind), methods=["POST"])
