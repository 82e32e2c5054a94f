"""Every route of the studio, for a browser not signed in and for each of the four roles in
turn (one matrix, through TestClient on the test's database): the pages that need a session
send a stranger to sign in, each role reaches what it may and is refused (403, on a page
that says why) what it may not, and nothing answers 500. A route added to the studio fails
here until it is classified."""

import importlib
import pkgutil
import re
from contextlib import nullcontext
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import api.studio
from api import editing
from api.assets import service as assets
from api.auth import service as auth
from api.auth.models import KeyCreate, Scope
from api.core import kinds
from api.core.clock import clock
from api.events.models import Event
from api.main import create_app
from api.people.models import UserSession
from api.webhooks import service as webhooks
from api.webhooks.models import DeliveryStatus, WebhookCreate, WebhookDelivery
from tests.assets.images import png
from tests.conftest import Configure, Database, settings_for
from tests.helpers import make_person
from tests.studio.test_article_pages import as_person, csrf_of

ROLES = ("contributor", "author", "editor", "admin")


def _new_form(kind: kinds.Kind) -> dict[str, Any]:
    form: dict[str, Any] = {kind.label: f"A new {kind.name}"}
    if kind is kinds.COMPARISON:
        form["subjects"] = ["fractional-caio"]
    return form


def _writer(kind: kinds.Kind) -> str:
    """The least role that writes ``kind`` (roles, comparisons and labels: editors)."""
    del kind
    return "editor"


ORDER = {role: n for n, role in enumerate(ROLES)}
# (method, path, form, the least role that may; "anyone": every signed-in person; "door":
# pages for a browser not signed in). ``{asset}``, ``{trashed}``, ``{session}``: made below.
ROUTES: list[tuple[str, str, Any, str]] = [
    ("GET", "/studio", None, "anyone"),
    ("GET", "/studio/account", None, "anyone"),
    ("GET", "/studio/changes/stream", None, "anyone"),  # ends after one read in tests
    ("POST", "/studio/account/password", {"current": "wrong", "password": "y" * 14}, "nobody"),
    ("GET", "/studio/two-factor", None, "anyone"),
    ("POST", "/studio/two-factor", {"code": "000000", "setup": "x"}, "nobody"),  # expired setup
    ("POST", "/studio/sessions/{session}/end", {}, "anyone"),
    ("POST", "/studio/sign-out", {}, "anyone"),
    ("GET", "/studio/articles", None, "anyone"),
    ("GET", "/studio/articles/new", None, "anyone"),
    ("POST", "/studio/articles", {"title": "Mine"}, "contributor"),
    ("GET", "/studio/articles/1", None, "anyone"),
    ("POST", "/studio/articles/1", {"title": "Changed", "summary": "", "body_doc": ""}, "editor"),
    ("POST", "/studio/articles/1/delete", {}, "editor"),
    ("POST", "/studio/trash/articles/{trashed}/restore", {}, "editor"),
    ("GET", "/studio/articles/1/preview", None, "anyone"),
    ("POST", "/studio/articles/1/preview", {"title": "Not saved", "body_doc": ""}, "anyone"),
    ("POST", "/studio/articles/1/share", {}, "editor"),
    ("GET", "/studio/find/{what}", None, "anyone"),
    ("GET", "/studio/articles/1/history", None, "anyone"),
    ("POST", "/studio/articles/1/history/1/restore", {}, "editor"),
    ("GET", "/studio/roles", None, "anyone"),
    ("GET", "/studio/comparisons", None, "anyone"),
    ("GET", "/studio/comparisons/1/embed", None, "anyone"),
    ("GET", "/studio/authors", None, "anyone"),
    ("GET", "/studio/tags", None, "anyone"),
    ("GET", "/studio/media", None, "anyone"),
    ("POST", "/studio/media", "png", "author"),
    ("POST", "/studio/media/{asset}", {"alt": "Described"}, "author"),
    ("POST", "/studio/media/{asset}/replace", "png", "editor"),
    ("POST", "/studio/media/{asset}/delete", {}, "editor"),
    ("GET", "/studio/media/{asset}/file", None, "anyone"),
    ("GET", "/studio/people", None, "admin"),
    ("GET", "/studio/keys", None, "admin"),
    ("GET", "/studio/webhooks", None, "admin"),
    ("GET", "/studio/audit", None, "admin"),
    ("GET", "/studio/people/invite", None, "admin"),
    (
        "POST",
        "/studio/people/invite",
        {"email": "new@example.org", "name": "N", "role": "author"},
        "admin",
    ),
    ("POST", "/studio/people/{person}/role", {"role": "editor"}, "admin"),
    ("POST", "/studio/people/{person}/disable", {"disabled": "true"}, "admin"),
    ("POST", "/studio/people/{person}/sessions/end", {}, "admin"),
    ("GET", "/studio/keys/new", None, "admin"),
    ("POST", "/studio/keys", {"name": "made here", "scope": "read"}, "admin"),
    ("POST", "/studio/keys/{key}/revoke", {}, "admin"),
    ("GET", "/studio/webhooks/new", None, "admin"),
    (
        "POST",
        "/studio/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["article.published"]},
        "admin",
    ),
    ("GET", "/studio/webhooks/{hook}", None, "admin"),
    ("POST", "/studio/webhooks/{hook}/deliveries/{delivery}/retry", {}, "admin"),
    (
        "POST",
        "/studio/webhooks/{hook}",
        {"url": "http://127.0.0.1:9/edited", "events": ["role.published"], "enabled": "on"},
        "admin",
    ),
    ("POST", "/studio/webhooks/{hook}/test", {}, "admin"),
    ("POST", "/studio/webhooks/{hook}/delete", {}, "admin"),
    *(
        route
        for kind in kinds.KINDS
        if kind is not kinds.ARTICLE
        for route in (
            ("GET", f"/studio/{kind.collection}/new", None, "anyone"),
            ("POST", f"/studio/{kind.collection}", _new_form(kind), _writer(kind)),
            ("GET", f"/studio/{kind.collection}/{{doc}}", None, "anyone"),
            ("POST", f"/studio/{kind.collection}/{{doc}}", {kind.label: "Changed"}, _writer(kind)),
            ("POST", f"/studio/{kind.collection}/{{doc}}/delete", {}, "editor"),
            ("POST", f"/studio/trash/{kind.collection}/{{gone}}/restore", {}, "editor"),
            ("GET", f"/studio/{kind.collection}/{{doc}}/history", None, "anyone"),
            ("POST", f"/studio/{kind.collection}/{{doc}}/history/1/restore", {}, _writer(kind)),
        )
    ),
    *(
        route
        for kind in kinds.TRANSLATABLE
        for route in (
            ("GET", f"/studio/{kind.collection}/{{doc}}/translations", None, "anyone"),
            ("GET", f"/studio/{kind.collection}/{{doc}}/translations/{{locale}}", None, "anyone"),
            (
                "POST",
                f"/studio/{kind.collection}/{{doc}}/translations/{{locale}}",
                {kind.label: "Übersetzt"},
                _writer(kind),
            ),
        )
    ),
    ("GET", "/studio/sign-in", None, "door"),
    ("POST", "/studio/sign-in", {"email": "x@example.org", "password": "x" * 12}, "door"),
    ("GET", "/studio/sign-in/second-factor", None, "door"),
    ("POST", "/studio/sign-in/second-factor", {"code": "1"}, "door"),
    ("GET", "/studio/welcome/{token}", None, "door"),
    ("POST", "/studio/welcome/{token}", {"password": "x" * 12}, "door"),
    ("GET", "/studio/reset/{token}", None, "door"),
    ("POST", "/studio/reset/{token}", {"password": "x" * 12}, "door"),
]


def test_every_studio_route_is_in_the_matrix() -> None:
    served = set()
    for module in pkgutil.iter_modules(api.studio.__path__, "api.studio."):
        router = getattr(importlib.import_module(module.name), "router", None)
        if isinstance(router, APIRouter):
            for route in router.routes:
                assert isinstance(route, APIRoute)
                served |= {(method, _template(route.path)) for method in route.methods or ()}
    assert served == {(method, _template(path)) for method, path, _, _ in ROUTES}


def _template(path: str) -> str:
    return re.sub(r"/(\{\w+\}|\d+)(?=/|$)", "/{}", path)


@pytest.fixture(scope="module")
def one_app(database: Database) -> FastAPI:
    """One app for every case (FastAPI readies its routes at an app's first request)."""
    return create_app(settings_for(database.url), engine=database.engine)


@pytest.fixture
def app(one_app: FastAPI, session: Session) -> FastAPI:
    """That app, its every request in the test's transaction (rolled back after it)."""
    one_app.state.sessions = lambda: nullcontext(session)
    # Hundreds of sign-ins from one address in a minute: the matrix is not an attack (the
    # limits are tested in tests/people and tests/web).
    one_app.state.limiter.sign_in_address = one_app.state.limiter.sign_in_account = None
    one_app.state.rate_limits.anonymous = None
    return one_app


def _made(client: TestClient, session: Session, path: str) -> dict[str, str]:
    """What ``path`` names: an image no content uses, an article in the trash, a document of
    a kind (``{doc}``: one no other uses), one in the trash (``{gone}``)."""
    names = {"token": "nope", "what": "links", "doc": "", "gone": "", "asset": "", "trashed": ""}
    names["locale"] = "de"
    names |= _admin_things(session, path)
    if "{asset}" in path:
        storage = client.app.state.storage  # type: ignore[attr-defined]
        asset, _ = assets.upload(session, storage, png(20, 20), alt="", filename="a.png")
        names["asset"] = str(asset.id)
    if any(name in path for name in ("{trashed}", "{doc}", "{gone}")):
        parts = path.split("/")
        collection = parts[3] if parts[2] == "trash" else parts[2]
        gone = "{gone}" in path or "{trashed}" in path
        names["trashed"] = names["doc"] = names["gone"] = _document(session, collection, gone)
    return names


def _admin_things(session: Session, path: str) -> dict[str, str]:
    """A person (not the caller), a key and a webhook with one failed delivery, if ``path``
    names them."""
    names: dict[str, str] = {}
    if "{person}" in path:
        other, _ = make_person(session, "author", email="other@example.org")
        names["person"] = str(other.id)
    if "{key}" in path:
        made = auth.create_key(session, KeyCreate(name="to revoke", scope=Scope.read))
        names["key"] = str(made.id)
    if "{hook}" in path:
        hook = webhooks.create_webhook(
            session,
            WebhookCreate(url="http://127.0.0.1:9/hook", events=["article.published"]),
        )
        event = Event(
            type="article.published", resource_type="articles", resource_id=1, slug="a", version=1
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        delivery = WebhookDelivery(
            webhook_id=hook.id,
            event_id=event.id,
            status=DeliveryStatus.failed,
            next_attempt_at=clock.now(),
        )
        session.add(delivery)
        session.commit()
        names |= {"hook": str(hook.id), "delivery": str(delivery.id)}
    return names


def _document(session: Session, collection: str, trashed: bool) -> str:
    kind = kinds.by_collection(collection)
    room = editing.room(collection)
    data: dict[str, Any] = {kind.label: f"Made for the matrix {collection}"}
    if kind is kinds.COMPARISON:
        data["subjects"] = ["fractional-caio"]
    editing.begin(session)
    made = room.create(session, editing.parse(room.model, data), key=None)
    editing.commit(session)
    if trashed:
        room.delete(session, str(made.id), key=None, if_match=None)
    return str(made.id)


@pytest.mark.parametrize("caller", ["anonymous", *ROLES])
@pytest.mark.parametrize(
    ("method", "path", "form", "least"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES]
)
def test_each_caller_is_let_in_or_refused_as_the_roles_say(
    client: TestClient,
    session: Session,
    configure: Configure,
    caller: str,
    method: str,
    path: str,
    form: Any,
    least: str,
) -> None:
    # A webhook to loopback (never called); a second locale to translate into.
    configure(FOLIO_WEBHOOK_ALLOW_PRIVATE="true", FOLIO_LOCALES="en,de")
    names = _made(client, session, path)
    if caller != "anonymous":
        user = as_person(client, session, caller)
        names["session"] = str(
            session.exec(select(UserSession.id).where(UserSession.user_id == user.id)).first()
        )
    else:
        names["session"] = "1"
    url = path.format(**names)
    if method == "GET":
        answer = client.get(url, follow_redirects=False)
    else:
        token = csrf_of(
            client.get("/studio/sign-in" if caller == "anonymous" else "/studio/articles/new")
        )
        if form == "png":
            answer = client.post(
                url,
                data={"csrf": token},
                files=[("file", ("b.png", png(21, 21), "image/png"))],
                follow_redirects=False,
            )
        else:
            answer = client.post(url, data={**form, "csrf": token}, follow_redirects=False)
    status = answer.status_code
    assert status < 500, (url, answer.text[:500])
    if least == "door":  # what a stranger's form meets (a wrong password, a link unknown)
        assert status in (200, 303, 400, 401, 403, 422), (url, status)
    elif caller == "anonymous":
        assert status == 303, (url, status)
        assert answer.headers["location"].startswith("/studio/sign-in"), url
    elif least == "nobody":
        assert status == 403, (url, status)
    elif least == "anyone" or ORDER[caller] >= ORDER[least]:
        assert status in (200, 201, 303), (url, caller, status, answer.text[:300])
    else:
        assert status == 403, (url, caller, status)
        assert "role" in answer.text
