"""Folio Studio's pages for admins: the people, the API keys, the webhooks and the audit
trail, each a list newest first with its pages (what they show is what ``/v1/users``,
``/v1/keys``, ``/v1/webhooks`` and ``/v1/audit`` answer an admin's key). Changing them from
the studio comes with its forms; until then the command line and the API do."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from api.audit import service as audit
from api.audit.models import AuditQuery
from api.auth import service as auth
from api.core.db import SessionDep
from api.core.errors import FolioError
from api.people import service as people
from api.people.models import UserRole
from api.people.rules import Actor, require_role
from api.studio import guard
from api.studio.pages import Person, page
from api.web.pagination import Page, PageParams
from api.webhooks import service as webhooks

router = APIRouter(prefix="/studio", include_in_schema=False)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


@dataclass(frozen=True)
class AdminList:
    path: str
    title: str
    doing: str  # what the role rule says it takes
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]
    lister: Callable[[Session, str | None], Page[Any]]


LISTS = (
    AdminList(
        "people",
        "People",
        "manage people",
        (
            ("Name", lambda u: u.name),
            ("Email", lambda u: u.email),
            ("Role", lambda u: u.role.value),
            ("State", lambda u: "Disabled" if u.disabled else "Active"),
            ("Two-factor", lambda u: "On" if u.two_factor else "Off"),
            ("Last sign-in", lambda u: _when(u.last_sign_in_at)),
        ),
        lambda session, cursor: people.list_users(session, PageParams(cursor=cursor)),
    ),
    AdminList(
        "keys",
        "API keys",
        "manage API keys",
        (
            ("Name", lambda k: k.name),
            ("Scope", lambda k: k.scope.value),
            ("Starts with", lambda k: k.prefix),
            ("Made", lambda k: _when(k.created_at)),
            ("Expires", lambda k: _when(k.expires_at) or "Never"),
            ("Revoked", lambda k: _when(k.revoked_at)),
        ),
        lambda session, cursor: auth.list_keys(session, PageParams(cursor=cursor)),
    ),
    AdminList(
        "webhooks",
        "Webhooks",
        "manage webhooks",
        (
            ("Address", lambda w: w.url),
            ("Events", lambda w: ", ".join(w.events)),
            ("State", lambda w: "On" if w.enabled else f"Off: {w.disabled_reason or ''}"),
            ("Failures in a row", lambda w: w.failures_in_a_row),
        ),
        lambda session, cursor: webhooks.list_webhooks(session, PageParams(cursor=cursor)),
    ),
    AdminList(
        "audit",
        "Audit",
        "read the audit trail",
        (
            ("When", lambda e: _when(e.at)),
            ("What", lambda e: e.action),
            ("Who", lambda e: e.actor.user_email or e.actor.key_name or e.actor.kind),
            ("On", lambda e: f"{e.object.type} {e.object.id}" if e.object else ""),
            ("From", lambda e: e.address or ""),
        ),
        lambda session, cursor: audit.list_entries(session, AuditQuery(cursor=cursor)),
    ),
)


def _admin_page(listed: AdminList) -> Callable[..., Response]:
    def shown(request: Request, session: SessionDep, person: Person) -> Response:
        require_role(Actor(person.user, None), UserRole.admin, listed.doing)
        cursor = request.query_params.get("cursor") or None
        error = None
        try:
            found = listed.lister(session, cursor[:512] if cursor else None)
        except FolioError as exc:  # a cursor of another list, or tampered with
            error, found = exc.detail, listed.lister(session, None)
        context = {
            "user": person.user,
            "csrf": guard.session_csrf(request),
            "section": listed.path,
            "listed": listed,
            "page": found,
            "error": error,
        }
        return page(request, "admin-list.html", context, status=422 if error else 200)

    shown.__name__ = f"studio_{listed.path}"
    return shown


for _listed in LISTS:
    router.add_api_route(f"/{_listed.path}", _admin_page(_listed), methods=["GET"])
