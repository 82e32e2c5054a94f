"""Folio Studio's translations: a document of a translatable kind (articles, roles,
comparisons, and a kind added to the registry as translatable) in another locale of
``FOLIO_LOCALES``, edited beside its source, the source read-only. Its fields are the kind's
translated fields (``kinds.Kind.fields``) and what else its translation's input shape holds
(an article's fields for search engines); an article's body is translated as Markdown when its
source body has a Markdown form (``api.articles.as_markdown``), else in the rich editor,
starting from the source's (its embedded comparisons, definitions and images in place); a
comparison's rows are translated dimension by dimension and cell by cell, by the rows' ids. A
translation has its own slug and workflow (save, publish, unpublish), written by the
translations' service with its revision and audit entry; the page says where a reader asking
for that locale is sent while no translation is public."""

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api import editing
from api.articles import as_markdown
from api.articles import service as articles
from api.articles.prosemirror import to_doc
from api.articles.render import render_body_html
from api.core import kinds, locales
from api.core.db import SessionDep
from api.core.errors import FolioError, InvalidBody, StalePrecondition
from api.core.fields import MAX_ID
from api.core.workflow import Status
from api.people.rules import Actor
from api.studio import forms, grid, guard
from api.studio.articles import body_sent, image_src
from api.studio.documents import (
    MAX_FIELDS,
    FormField,
    fields_of,
    kind_frame,
    sent_fields,
    translated,
)
from api.studio.pages import Person, SignedIn, page, redirect
from api.translations import reading
from api.translations import service as translations
from api.translations.models import TranslationInput
from api.web.http import make_etag

router = APIRouter(prefix="/studio", include_in_schema=False)
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
Locale = Annotated[str, Path(max_length=35)]
BODY_LIMIT = 200_000  # a body's Markdown, in characters
DOCUMENT_LIMIT = 4_000_000  # a body's document from the rich editor, in bytes
# What a translation's input holds beyond its kind's translated fields and its workflow, and
# is not a plain field (the body, a comparison's rows).
NOT_PLAIN = frozenset({"body", "body_markdown", "rows"})
LABELS = {
    "meta_title": "Title for search engines",
    "meta_description": "Description for search engines",
}


def _body_mode(session: Session, kind: kinds.Kind, source: Any) -> str:
    """How the translation's body is edited here: as Markdown, in the rich editor (a body
    Markdown cannot hold), or not at all (a kind without a body)."""
    if kind is not kinds.ARTICLE:
        return ""
    return "rich" if as_markdown.lost(session, source.body) else "markdown"


def _fields(kind: kinds.Kind) -> list[FormField]:
    """The plain fields of ``kind``'s translation: its translated fields, then the other plain
    fields its translation's input has (read from the input shape, labelled for a writer)."""
    names = kind.field_names(translated=True)
    shown = [f for f in fields_of(kind) if f.name in names]
    model = reading.TRANSLATABLE[kind.name].model
    skipped = set(TranslationInput.model_fields) | set(names) | NOT_PLAIN
    for name, info in model.model_fields.items():
        if name in skipped:
            continue
        limit = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        label = LABELS.get(name, name.replace("_", " ").capitalize())
        shown.append(FormField(name, label, False, (limit or 0) > 300, False, limit))
    return shown


def _rows(
    session: Session,
    kind: kinds.Kind,
    source: Any,
    content: dict[str, Any],
    typed: dict[str, str] | None = None,
) -> Any:
    """A comparison's rows to translate: each row's source dimension and cells (by role, in
    the columns' order) beside what the translation has for them (or what was ``typed``)."""
    if kind is not kinds.COMPARISON:
        return None
    document = editing.room(kind.collection).kind.document(session, source)
    subjects = grid.part(session, kind, document)["subjects"]  # (slug, name), in order
    theirs = {r.get("id"): r for r in content.get("rows", []) if isinstance(r, dict)}
    shown = []
    for row in document.get("rows", []):
        mine = theirs.get(row["id"], {})
        cells = {}
        for slug, _name in subjects:
            cell = row.get("cells", {}).get(slug)
            text = cell.get("text", "") if isinstance(cell, dict) else str(cell or "")
            cells[slug] = (text, str(mine.get("cells", {}).get(slug) or ""))
        dimension = mine.get("dimension") or ""
        if typed is not None:  # a refused form, shown again as it was
            dimension = typed.get(f"row-{row['id']}-dimension", "")
            cells = {
                slug: (text, typed.get(f"row-{row['id']}-cell-{slug}", ""))
                for slug, (text, _) in cells.items()
            }
        shown.append({"id": row["id"], "dimension": row["dimension"],
                      "translated": dimension, "cells": cells})  # fmt: skip
    return {"subjects": subjects, "rows": shown}


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
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    t = reading.TRANSLATABLE[kind.name]
    row = translated(session, kind, source.id).get(locale)
    content = row.content if row is not None else {}
    shown = _fields(kind)
    mode = _body_mode(session, kind, source)
    values: dict[str, str] = {"slug": row.slug if row is not None else ""}
    for field in shown:
        value = content.get(field.name)
        values[field.name] = "\n".join(value or []) if field.many else str(value or "")
    source_values = {
        f.name: "\n".join(getattr(source, f.name) or [])
        if f.many
        else str(getattr(source, f.name) or "")
        for f in shown
    }
    source_html = ""
    if mode == "markdown":
        source_values["body"] = as_markdown.to_markdown(session, source.body)
        theirs = content.get("body")
        values["body"] = as_markdown.to_markdown(session, theirs) if theirs else ""
    elif mode == "rich":  # the source's body drawn as readers get it; the translation from it
        drawn = articles.get_article(
            session, str(source.id), preview=True, locale=locales.default()
        )
        source_html = render_body_html(drawn)
        start = content.get("body") or source.body
        values["body_doc"] = json.dumps(
            to_doc(start, image_src=image_src), separators=(",", ":"), ensure_ascii=False
        )
    values.update(sent or {})
    public = translations.to_public(session, t, row) if row is not None else None
    return {
        **kind_frame(request, person, kind),
        "source": source,
        "label": getattr(source, kind.label),
        "locale": locale,
        "row": row,
        "fields": shown,
        "body": mode,
        "source_html": source_html,
        "grid": _rows(session, kind, source, content, typed),
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


@dataclass
class Opened:
    """What a translation's page is asked for: by whom, the source document and the locale."""

    request: Request
    session: SessionDep
    person: Person
    document_id: DocumentId
    locale: Locale


At = Annotated[Opened, Depends()]


def _editor(kind: kinds.Kind) -> Any:
    def edit(at: At) -> Response:
        locale, session = _locale(at.locale), at.session
        source = editing.room(kind.collection).kind.find(session, str(at.document_id), False)
        context = _page(at.request, session, at.person, kind, source, locale)
        return page(at.request, "translation.html", context)

    edit.__name__ = f"studio_translation_{kind.name}"
    return edit


def _sent(
    session: Session, kind: kinds.Kind, form: FormData, mode: str, source: Any
) -> dict[str, Any]:
    """The translation a form holds, as its input shape has it (a field the form lacks is
    left out, and so is left to the source's)."""
    fields = _fields(kind)
    model = reading.TRANSLATABLE[kind.name].model
    # A field whose default is None, sent empty, follows the source.
    optional = frozenset(f.name for f in fields if model.model_fields[f.name].default is None)
    sent = sent_fields(fields, form, optional)
    if mode == "markdown" and "body" in form:
        text = str(form.get("body") or "")
        if len(text) > BODY_LIMIT:
            raise InvalidBody.at(["body", "body"], f"at most {BODY_LIMIT} characters")
        sent["body_markdown"] = text
    elif mode == "rich" and "body_doc" in form:
        blocks = body_sent(session, {"body_markdown": None, "body_doc": str(form["body_doc"])})
        if blocks is not None:
            sent["body"] = blocks
    if kind is kinds.COMPARISON and "rows" in form:
        sent["rows"] = _rows_sent(session, kind, form, source)
    return sent


def _rows_sent(
    session: Session, kind: kinds.Kind, form: FormData, source: Any
) -> list[dict[str, Any]]:
    """A comparison's translated rows: each source row's dimension and cells the form has
    words for (what is left empty shows the source's)."""
    shown = _rows(session, kind, source, {})
    rows = []
    for row in shown["rows"]:
        dimension = str(form.get(f"row-{row['id']}-dimension") or "").strip()
        cells = {
            slug: text
            for slug, _name in shown["subjects"]
            if (text := str(form.get(f"row-{row['id']}-cell-{slug}") or "").strip())
        }
        if dimension or cells:
            rows.append({"id": row["id"], "dimension": dimension or None, "cells": cells})
    return rows


def _saver(kind: kinds.Kind) -> Any:
    async def save(at: At) -> Response:
        """Writes the translation (made when missing) and does what the button said."""
        request, session, person, document_id = at.request, at.session, at.person, at.document_id
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=DOCUMENT_LIMIT)
        guard.check_form(request, form)
        locale = _locale(at.locale)
        t = reading.TRANSLATABLE[kind.name]
        source = editing.room(kind.collection).kind.find(session, str(document_id), False)
        mode = _body_mode(session, kind, source)
        action = str(form.get("action") or "save")
        etag = str(form.get("etag") or "")
        row = translated(session, kind, source.id).get(locale)
        try:
            sent = _sent(session, kind, form, mode, source)
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
            fields = (*(f.name for f in _fields(kind)), "slug", "body", "rows")
            errors = forms.errors_of(exc, fields)
            if isinstance(exc, StalePrecondition):
                errors = {"form": "Someone else saved this translation since you opened it."}
            shown = _form_values(kind, form)
            typed = {k: str(v) for k, v in form.items() if k.startswith("row-")}
            context = _page(
                request, session, person, kind, source, locale,
                sent=shown, errors=errors, etag=etag, typed=typed if "rows" in form else None,
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
    names = (*(f.name for f in _fields(kind)), "slug", "body", "body_doc")
    return {name: str(form.get(name) or "") for name in names if name in form}


for _kind in kinds.TRANSLATABLE:
    _base = f"/{_kind.collection}/{{document_id}}/translations"
    router.add_api_route(_base, _chooser(_kind), methods=["GET"])
    router.add_api_route(f"{_base}/{{locale}}", _editor(_kind), methods=["GET"])
    router.add_api_route(f"{_base}/{{locale}}", _saver(_kind), methods=["POST"])
