"""Folio Studio's list of every kind but articles (which have a page of their own): each
made from the kind's room (``Room.listing``), so a kind added to the registry has its list
here without a copy. Words, a count, keyset pages; drafts too."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from api import editing
from api.core import kinds
from api.core.db import SessionDep
from api.core.errors import FolioError
from api.studio import documents, forms, guard
from api.studio.pages import Person, page

router = APIRouter(prefix="/studio", include_in_schema=False)
ASKED = ("q", "cursor")


def _list_page(kind: kinds.Kind) -> Callable[..., Response]:
    def listed(request: Request, session: SessionDep, person: Person) -> Response:
        given = request.query_params
        asked = {name: given[name][:512] for name in ASKED if given.get(name)}
        listing = editing.room(kind.collection).listing
        error = None
        try:
            found = listing(session, asked)
        except FolioError as exc:
            session.rollback()
            error, asked = exc.detail, {}
            found = listing(session, {})
        context: dict[str, Any] = {
            "user": person.user,
            "csrf": guard.session_csrf(request),
            "section": kind.collection,
            "kind": kind,
            "title": kind.collection.capitalize(),
            "page": found,
            "asked": asked,
            "error": error,
            "link": lambda **changed: _link(kind, asked, changed),
            "may": documents.may(person, kind),
            "done": forms.DONE["deleted"] if given.get("done") == "deleted" else None,
            "trashed": given.get("trashed", "")[:20] if given.get("trashed", "").isdigit() else "",
        }
        return page(request, "list.html", context, status=422 if error else 200)

    listed.__name__ = f"studio_{kind.collection}"
    return listed


def _link(kind: kinds.Kind, asked: dict[str, str], changed: dict[str, str | None]) -> str:
    query = {k: v for k, v in {**asked, **changed}.items() if v}
    return f"/studio/{kind.collection}" + (f"?{urlencode(query)}" if query else "")


for _kind in kinds.KINDS:
    if _kind is not kinds.ARTICLE:  # articles: api.studio.articles
        router.add_api_route(f"/{_kind.collection}", _list_page(_kind), methods=["GET"])
