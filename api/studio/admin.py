"""Folio Studio's pages for admins: the people, the API keys, the webhooks and the audit
trail, each a list with its pages (what they show is what ``/v1/users``, ``/v1/keys``,
``/v1/webhooks`` and ``/v1/audit`` answer an admin's key), and what an admin does to them:
invite a person (the invitation link shown, and mailed when mail is set up), change their
role, disable or enable them, end their sessions; make a key (its token shown once) and
revoke one; add a webhook (its secret shown once), read its deliveries and retry one; read
the audit trail by person, action, object and time. Each calls the service the API calls,
as the signed-in admin, so the audit trail names them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from api import editing
from api.audit import service as audit
from api.audit.models import ACTIONS, AuditQuery
from api.auth import service as auth
from api.auth.models import KeyCreate, Scope
from api.core import kinds
from api.core.db import SessionDep
from api.core.errors import FolioError
from api.core.fields import MAX_ID
from api.people import service as people
from api.people import sessions
from api.people.models import UserCreate, UserPatch, UserRole
from api.people.rules import Actor, require_role
from api.studio import forms, guard
from api.studio.pages import Person, Post, Posted, SignedIn, page, redirect
from api.web.pagination import Page, PageParams
from api.webhooks import service as webhooks
from api.webhooks import worker as webhook_worker
from api.webhooks.models import EVENT_TYPES, WebhookCreate

router = APIRouter(prefix="/studio", include_in_schema=False)
DONE = {
    "role": "Role changed: their sessions have ended.",
    "disabled": "Disabled: they can no longer sign in, and their keys stop working.",
    "enabled": "Enabled again.",
    "ended": "Their sessions have ended.",
    "revoked": "Revoked: the key no longer works.",
    "retried": "Queued again: the worker sends it shortly.",
    "saved": "Saved.",
    "deleted": "Deleted, with its deliveries.",
}


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


@dataclass(frozen=True)
class AdminList:
    path: str
    title: str
    doing: str  # what the role rule says it takes
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]
    lister: Callable[[Session, dict[str, str]], Page[Any]]
    new: str = ""  # the link that makes one ("Invite", "New key"…), if any


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
        lambda session, asked: people.list_users(session, PageParams(cursor=asked.get("cursor"))),
        "Invite",
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
        lambda session, asked: auth.list_keys(session, PageParams(cursor=asked.get("cursor"))),
        "New key",
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
        lambda session, asked: webhooks.list_webhooks(
            session, PageParams(cursor=asked.get("cursor"))
        ),
        "New webhook",
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
        lambda session, asked: audit.list_entries(session, _audit_query(asked)),
    ),
)


def _object_link(shown: Any) -> str | None:
    """Where the studio shows an audit entry's object, if it shows it."""
    kind = {k.collection: k for k in kinds.KINDS}.get(shown.type)
    if kind is not None and str(shown.id).isdigit():
        return f"/studio/{kind.collection}/{shown.id}"
    if shown.type in ("users", "keys", "webhooks", "assets"):
        place = {"users": "people", "keys": "keys", "webhooks": "webhooks", "assets": "media"}
        if shown.type == "webhooks" and str(shown.id).isdigit():
            return f"/studio/webhooks/{shown.id}"
        return f"/studio/{place[shown.type]}"
    return None


AUDIT_FILTERS = ("action", "user_id", "object_type", "object_id", "since", "until", "zone")


def _audit_query(asked: dict[str, str]) -> AuditQuery:
    """The audit trail's filters as the form sends them: a person, an action, an object, a
    time span in the admin's time zone."""
    given: dict[str, Any] = {k: v for k, v in asked.items() if v and k != "zone"}
    for edge in ("since", "until"):
        if edge in given:
            given[edge] = forms.utc(given[edge], asked.get("zone", ""))
    return editing.parse(AuditQuery, given)


def _admin_page(listed: AdminList) -> Callable[..., Response]:
    def shown(request: Request, session: SessionDep, person: Person) -> Response:
        require_role(Actor(person.user, None), UserRole.admin, listed.doing)
        given = request.query_params
        asked = {k: given[k][:512] for k in ("cursor", *AUDIT_FILTERS) if given.get(k)}
        error = None
        try:
            found = listed.lister(session, asked)
        except FolioError as exc:  # a cursor of another list, or a filter that is wrong
            error, found = exc.detail, listed.lister(session, {})
        context = {
            "user": person.user,
            "csrf": guard.session_csrf(request),
            "section": listed.path,
            "listed": listed,
            "page": found,
            "error": error,
            "asked": asked,
            "done": DONE.get(given.get("done", "")),
            "roles": [r.value for r in UserRole],
            "object_link": _object_link,
        }
        if listed.path == "audit":
            context["filters"] = {
                "actions": ACTIONS,
                "people": people.all_users(session),
                "types": (
                    "articles",
                    "roles",
                    "comparisons",
                    "authors",
                    "tags",
                    "assets",
                    "users",
                    "keys",
                    "webhooks",
                ),
            }
        return page(request, "admin-list.html", context, status=422 if error else 200)

    shown.__name__ = f"studio_{listed.path}"
    return shown


for _listed in LISTS:
    router.add_api_route(f"/{_listed.path}", _admin_page(_listed), methods=["GET"])


# --- What an admin does ----------------------------------------------------------------------

Text = Annotated[str, Form(max_length=1000)]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _admin(post: Posted, doing: str) -> Actor:
    """The signed-in admin, as the services record them (403 for anyone else)."""
    require_role(post.actor, UserRole.admin, doing)
    return post.actor


def _form_page(
    post: Posted | None,
    request: Request,
    person: SignedIn,
    name: str,
    context: dict[str, Any],
    *,
    exc: FolioError | None = None,
) -> Response:
    del post
    shown = {
        "user": person.user,
        "csrf": guard.session_csrf(request),
        "errors": forms.errors_of(exc, FORM_FIELDS) if exc is not None else {},
        **context,
    }
    return page(request, name, shown, status=exc.status if exc is not None else 200)


FORM_FIELDS = ("email", "name", "role", "scope", "user_id", "url", "events", "description")


@router.get("/people/invite")
def invite_form(request: Request, session: SessionDep, person: Person) -> Response:
    require_role(Actor(person.user, None), UserRole.admin, "invite people")
    del session
    context = {"section": "people", "values": {"role": "author"}, "roles": list(UserRole)}
    return _form_page(None, request, person, "invite.html", context)


@router.post("/people/invite")
def invite_person(post: Post, email: Text = "", name: Text = "", role: Text = "") -> Response:
    """An account without a password, and its single-use link (shown here, once)."""
    by = _admin(post, "invite people")
    values = {"email": email, "name": name, "role": role}
    try:
        data = editing.parse(UserCreate, values)
        invited = people.invite(post.session, data, by=by)
    except FolioError as exc:
        post.session.rollback()
        context: dict[str, Any] = {"section": "people", "values": values, "roles": list(UserRole)}
        return _form_page(post, post.request, post.person, "invite.html", context, exc=exc)
    context = {"section": "people", "invited": invited}
    return _form_page(post, post.request, post.person, "invited.html", context)


@router.post("/people/{user_id}/role")
def change_role(post: Post, user_id: UserId, role: Text = "") -> Response:
    by = _admin(post, "change people's roles")
    people.change_user(post.session, user_id, editing.parse(UserPatch, {"role": role}), by=by)
    return redirect(f"/studio/people?done=role#person-{user_id}")


@router.post("/people/{user_id}/disable")
def disable_person(post: Post, user_id: UserId, disabled: Text = "true") -> Response:
    """Disables a person (or enables them again, ``disabled=false``)."""
    by = _admin(post, "disable people")
    off = disabled != "false"
    people.change_user(post.session, user_id, UserPatch(disabled=off), by=by)
    return redirect(f"/studio/people?done={'disabled' if off else 'enabled'}#person-{user_id}")


@router.post("/people/{user_id}/sessions/end")
def end_sessions(post: Post, user_id: UserId) -> Response:
    by = _admin(post, "end people's sessions")
    sessions.end_all(post.session, people.get_user(post.session, user_id), by=by)
    return redirect(f"/studio/people?done=ended#person-{user_id}")


@router.get("/keys/new")
def key_form(request: Request, session: SessionDep, person: Person) -> Response:
    require_role(Actor(person.user, None), UserRole.admin, "make API keys")
    context = {
        "section": "keys",
        "values": {"scope": "read", "user_id": str(person.user.id)},
        "scopes": list(Scope),
        "people": people.all_users(session),
    }
    return _form_page(None, request, person, "key-new.html", context)


@router.post("/keys")
def make_key(post: Post, name: Text = "", scope: Text = "", user_id: Text = "") -> Response:
    """A key (for the admin, or for another person); its token is shown once, here."""
    by = _admin(post, "make API keys")
    values = {"name": name, "scope": scope, "user_id": user_id or None}
    owner = int(user_id) if user_id.isdigit() and len(user_id) < 12 else user_id or None
    try:
        data = editing.parse(KeyCreate, values | {"user_id": owner})
        made = auth.create_key(post.session, data, by=by)
    except FolioError as exc:
        post.session.rollback()
        context: dict[str, Any] = {
            "section": "keys",
            "values": values,
            "scopes": list(Scope),
            "people": people.all_users(post.session),
        }
        return _form_page(post, post.request, post.person, "key-new.html", context, exc=exc)
    context = {"section": "keys", "made": made}
    return _form_page(post, post.request, post.person, "key-made.html", context)


@router.post("/keys/{key_id}/revoke")
def revoke(post: Post, key_id: ItemId) -> Response:
    by = _admin(post, "revoke API keys")
    auth.revoke_key(post.session, str(key_id), by=by)
    return redirect(f"/studio/keys?done=revoked#key-{key_id}")


@router.get("/webhooks/new")
def webhook_form(request: Request, session: SessionDep, person: Person) -> Response:
    require_role(Actor(person.user, None), UserRole.admin, "add webhooks")
    del session
    context = {"section": "webhooks", "values": {"events": []}, "events": EVENT_TYPES}
    return _form_page(None, request, person, "webhook-new.html", context)


@router.post("/webhooks")
async def add_webhook(request: Request, session: SessionDep, person: Person) -> Response:
    """A webhook (its signing secret shown once, here)."""
    _, values = await _webhook_form(request)
    by = Actor(person.user, None)
    require_role(by, UserRole.admin, "add webhooks")
    try:
        data = editing.parse(WebhookCreate, values)
        made = await run_in_threadpool(webhooks.create_webhook, session, data, by=by)
    except FolioError as exc:
        session.rollback()
        context: dict[str, Any] = {"section": "webhooks", "values": values, "events": EVENT_TYPES}
        return _form_page(None, request, person, "webhook-new.html", context, exc=exc)
    context = {"section": "webhooks", "made": made}
    return _form_page(None, request, person, "webhook-made.html", context)


async def _webhook_form(request: Request) -> tuple[FormData, dict[str, Any]]:
    """A webhook's posted form, bounded and with its token checked, and its fields."""
    form = await request.form(max_files=0, max_fields=len(EVENT_TYPES) + 10)
    guard.check_form(request, form)
    values = {
        "url": str(form.get("url") or ""),
        "description": str(form.get("description") or ""),
        "events": [str(e) for e in form.getlist("events")],
    }
    return form, values


def _webhook_page(
    request: Request,
    session: Session,
    person: SignedIn,
    webhook_id: int,
    *,
    values: dict[str, Any] | None = None,
    exc: FolioError | None = None,
    tested: Any = None,
) -> Response:
    """A webhook: its settings (edited here), a test delivery, and its deliveries, newest
    first, each attempt's answer or error, and Retry."""
    hook = webhooks.to_public(webhooks.find_webhook(session, webhook_id))
    cursor = request.query_params.get("cursor") or None
    try:
        found = webhooks.list_deliveries(session, webhook_id, PageParams(cursor=cursor))
    except FolioError:
        found = webhooks.list_deliveries(session, webhook_id, PageParams())
    context = {
        "section": "webhooks",
        "hook": hook,
        "values": values or hook.model_dump(),
        "events": EVENT_TYPES,
        "page": found,
        "tested": tested,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return _form_page(None, request, person, "webhook.html", context, exc=exc)


@router.get("/webhooks/{webhook_id}")
def webhook_deliveries(
    request: Request, session: SessionDep, person: Person, webhook_id: ItemId
) -> Response:
    require_role(Actor(person.user, None), UserRole.admin, "read webhooks' deliveries")
    return _webhook_page(request, session, person, webhook_id)


@router.post("/webhooks/{webhook_id}")
async def edit_webhook(
    request: Request, session: SessionDep, person: Person, webhook_id: ItemId
) -> Response:
    """The webhook's address, events, description, and whether it is on (turned on again,
    its count of failures starts over)."""
    form, values = await _webhook_form(request)
    by = Actor(person.user, None)
    require_role(by, UserRole.admin, "change webhooks")
    values["enabled"] = form.get("enabled") == "on"
    try:
        data = editing.parse(WebhookCreate, values)
        await run_in_threadpool(webhooks.update_webhook, session, webhook_id, data, by=by)
    except FolioError as exc:
        session.rollback()
        return await run_in_threadpool(
            _webhook_page, request, session, person, webhook_id, values=values, exc=exc
        )
    return redirect(f"/studio/webhooks/{webhook_id}?done=saved")


@router.post("/webhooks/{webhook_id}/test")
def test_webhook(post: Post, webhook_id: ItemId) -> Response:
    """A test delivery, sent now; what the receiver answered is shown on the webhook's page."""
    _admin(post, "test webhooks")
    tested = webhook_worker.send_test(post.session, webhook_id)
    return _webhook_page(post.request, post.session, post.person, webhook_id, tested=tested)


@router.post("/webhooks/{webhook_id}/delete")
def delete_webhook(post: Post, webhook_id: ItemId) -> Response:
    by = _admin(post, "delete webhooks")
    webhooks.delete_webhook(post.session, webhook_id, by=by)
    return redirect("/studio/webhooks?done=deleted")


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/retry")
def retry_delivery(post: Post, webhook_id: ItemId, delivery_id: ItemId) -> Response:
    _admin(post, "retry deliveries")
    webhooks.resend(post.session, webhook_id, delivery_id)
    return redirect(f"/studio/webhooks/{webhook_id}?done=retried")
