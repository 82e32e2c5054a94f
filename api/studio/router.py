"""Folio Studio's door: signing in (with a second factor when set), a person's account (their
sessions, two-factor sign-in, signing out), and the pages a single-use link opens to choose a
password. HTML rendered on the server (Jinja2, escaped by default), forms that work without
scripts, every answer ``no-store``. The session cookie is read here only (``guard``)."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from starlette.responses import Response

from api.changes import stream
from api.core import db, locales, sealed
from api.core.db import SessionDep
from api.core.errors import FolioError, Forbidden, Unauthorized
from api.people import passwords, sessions
from api.people import service as people
from api.people.models import User
from api.studio import admin, articles, dashboard, documents, forms, guard, lists, media
from api.studio import translations as studio_translations
from api.studio.pages import Person, Post, SignedIn, SignIn, page, redirect
from api.web.ratelimit import Limiter, client_address

router = APIRouter(prefix="/studio", include_in_schema=False)
PENDING = "folio_pending"  # a sign-in waiting for its second factor (signed, five minutes)
PENDING_SECONDS = 300
Text = Annotated[str, Form(max_length=1000)]
Secret = Annotated[str, Form(max_length=passwords.MAX_LENGTH * 4)]


def _next(value: str | None) -> str:
    """Where to go after signing in: a studio page of this site, never anywhere else."""
    if value and value.startswith("/studio") and "//" not in value and "\\" not in value:
        return value
    return "/studio"


def install(app: Any) -> None:
    """The studio's routes, and its answer to a page that needs a session it lacks."""

    async def to_sign_in(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignIn)
        return redirect(exc.to)

    app.add_exception_handler(SignIn, to_sign_in)
    # A problem on a studio page is a page that says it, in words; elsewhere, problem+json.
    as_json = app.exception_handlers[FolioError]

    def as_page(request: Request, exc: Exception) -> Response:
        if not request.url.path.startswith("/studio") or not isinstance(exc, FolioError):
            return as_json(request, exc)  # type: ignore[no-any-return]
        context = {"title": exc.title, "detail": exc.detail}
        return page(request, "problem.html", context, status=exc.status)

    app.add_exception_handler(FolioError, as_page)
    app.include_router(router)
    app.include_router(articles.router)
    app.include_router(media.router)
    app.include_router(lists.router)
    app.include_router(documents.router)
    app.include_router(studio_translations.router)
    app.include_router(admin.router)
    app.mount("/studio/static", StaticFiles(directory=Path(__file__).parent / "static"))


# --- Signing in and out ------------------------------------------------------------------------


@router.get("")
def studio_home(request: Request, session: SessionDep, person: Person) -> Response:
    """The studio's entry: the dashboard."""
    context = {
        "user": person.user,
        "csrf": guard.session_csrf(request),
        "section": "",
        "several": locales.several(),
        **dashboard.dashboard(session, person.user),
    }
    return page(request, "dashboard.html", context)


@router.get(
    "/changes/stream",
    response_class=Response,
    responses={200: {"content": {stream.EVENT_STREAM: {}}}},
)
async def changes_stream(request: Request, person: Person, asked: stream.AskedDep) -> Response:
    """The changes as they happen, drafts too, for the editor's pages: the same stream as
    ``/v1/changes/stream`` for a key (the studio tells an editor of a save made elsewhere)."""
    del person  # signed in: that is all a stream of the studio asks
    return await stream.opened(request, asked, preview=True)


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    return _anonymous_form(request, "sign-in.html", {"next": _next(next)})


def _anonymous_form(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> Response:
    """A page with a form of a browser not signed in: its token tied to a cookie of its own."""
    token, fresh = guard.form_token(request)
    response = page(request, name, {**context, "csrf": token}, status=status)
    if fresh is not None:
        guard.set_cookie(request, response, guard.FORM, fresh)
    return response


def _throttled(request: Request, email: str) -> Callable[[], None]:
    """Counts an attempt to sign in (a password or a second factor) for the client's address
    and for the account, before any hash is computed: 429 past either limit. Gives what clears
    the account's count once the person is in (the address's stays: one valid account must
    not reset what its address has tried on others)."""
    limiter: Limiter = request.app.state.limiter
    address, account = client_address(request), email.strip().lower()[:254]
    limiter.take(
        (limiter.sign_in_address, ("sign-in-address", address)),
        (limiter.sign_in_account, ("sign-in-account", account)),
    )
    return lambda: limiter.clear(limiter.sign_in_account, "sign-in-account", account)


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    email: Text = "",
    password: Secret = "",
    csrf: Text = "",
    next: Text = "/studio",
) -> Response:
    """A password, then (when the person has one) a second factor; each failure counted."""
    context: dict[str, Any] = {"next": _next(next), "email": email[:254]}
    try:
        guard.check_post(request, csrf, signed_in=False)
        signed_in = _throttled(request, email)
        user = sessions.check_password(session, email, password)
    except FolioError as exc:
        return _anonymous_form(
            request, "sign-in.html", {**context, "error": exc.detail}, status=exc.status
        )
    if sessions.needs_second_factor(user):
        response = redirect(f"/studio/sign-in/second-factor?next={quote(_next(next))}")
        pending = sealed.sign("pending", f"{user.id}:{user.generation}", seconds=PENDING_SECONDS)
        guard.set_cookie(request, response, PENDING, pending, max_age=PENDING_SECONDS)
        session.commit()  # a rehashed password
        return response
    signed_in()
    return _start(request, session, user, _next(next))


def _start(request: Request, session: Session, user: User, to: str) -> Response:
    started = sessions.start(
        session,
        user,
        address=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    response = redirect(to)
    guard.set_cookie(request, response, guard.SESSION, started.token)
    guard.clear_cookie(request, response, PENDING)
    return response


def _pending(request: Request, session: Session) -> User | None:
    value = sealed.unsign("pending", guard.cookie(request, PENDING) or "")
    if value is None:
        return None
    user_id, _, generation = value.partition(":")
    user = session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or str(user.generation) != generation or user.disabled:
        return None
    return user


@router.get("/sign-in/second-factor")
def second_factor_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if _pending(request, session) is None:
        return redirect("/studio/sign-in")
    return _anonymous_form(request, "second-factor.html", {"next": _next(next)})


@router.post("/sign-in/second-factor")
def second_factor(
    request: Request, session: SessionDep, code: Text = "", csrf: Text = "", next: Text = ""
) -> Response:
    """The code of the person's authenticator, or one of their recovery codes (used up)."""
    user = _pending(request, session)
    if user is None:
        return redirect("/studio/sign-in")
    context: dict[str, Any] = {"next": _next(next)}
    try:
        guard.check_post(request, csrf, signed_in=False)
        signed_in = _throttled(request, user.email)
        if not sessions.check_second_factor(session, user, code):
            raise Unauthorized("That code is not right: try the current one, or a recovery code.")
    except FolioError as exc:
        return _anonymous_form(
            request, "second-factor.html", {**context, "error": exc.detail}, status=exc.status
        )
    signed_in()
    return _start(request, session, user, _next(next))


@router.post("/sign-out")
def sign_out(post: Post) -> Response:
    assert post.person.session.id is not None
    sessions.end(post.session, post.person.user, post.person.session.id, action="sign-out")
    response = redirect("/studio/sign-in")
    guard.clear_cookie(post.request, response, guard.SESSION)
    return response


# --- The person's account ----------------------------------------------------------------------


@router.get("/account")
def account(request: Request, session: SessionDep, person: Person) -> Response:
    return page(request, "account.html", _account(request, session, person))


def _account(request: Request, session: Session, person: SignedIn) -> dict[str, Any]:
    return {
        "user": person.user,
        "current": person.session.id,
        "sessions": [
            (row, sessions.expires_at(row)) for row in sessions.sessions_of(session, person.user)
        ],
        "recovery_left": sessions.recovery_codes_left(session, person.user),
        "csrf": guard.session_csrf(request),
        "done": "Password changed: your other sessions have ended."
        if request.query_params.get("done") == "password"
        else None,
    }


@router.post("/account/password")
def change_password(post: Post, current: Secret = "", password: Secret = "") -> Response:
    """A new password, the current one given first (a wrong one counts as a failed sign-in);
    every session of the person ends, and this browser gets a new one."""
    request, session, user = post.request, post.session, post.person.user
    try:
        signed_in = _throttled(request, user.email)
        if not passwords.verify(user.password_hash, current):
            raise Forbidden("The current password is wrong.")
        signed_in()
        checked = passwords.checked(password, user.email, ("body", "password"))
        db.begin_write(session)
        people.set_password(session, user, checked, action="password-changed")
        session.commit()
    except FolioError as exc:
        session.rollback()
        words = forms.errors_of(exc, ("password",))
        shown = words.get("password") or words.get("form") or exc.detail
        context = {**_account(request, session, post.person), "password_error": shown}
        return page(request, "account.html", context, status=exc.status)
    return _start(request, session, user, "/studio/account?done=password")


@router.post("/sessions/{session_id}/end")
def end_session(post: Post, session_id: int) -> Response:
    """Ends one of the person's own sessions (another browser's, or this one)."""
    sessions.end(post.session, post.person.user, session_id)
    if session_id == post.person.session.id:
        response = redirect("/studio/sign-in")
        guard.clear_cookie(post.request, response, guard.SESSION)
        return response
    return redirect("/studio/account")


@router.get("/two-factor")
def two_factor_form(request: Request, person: Person) -> Response:
    """A new secret for the person's authenticator, as a QR code and as text."""
    secret = sessions.new_totp_secret()
    return page(request, "two-factor.html", _two_factor(request, person, secret))


def _two_factor(request: Request, person: SignedIn, secret: str) -> dict[str, Any]:
    uri = sessions.provisioning_uri(person.user, secret)
    return {
        "user": person.user,
        "secret": secret,
        "sealed": sealed.seal(secret),
        "qr": _qr(uri),
        "required": sessions.two_factor_required(person.user),
        "csrf": guard.session_csrf(request),
    }


@router.post("/two-factor")
def two_factor(
    post: Post, code: Text = "", setup: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    """Turns two-factor sign-in on once a code proves the authenticator has the secret; the
    recovery codes are shown this once. The person's other sessions end; this one goes on."""
    request, session, person = post.request, post.session, post.person
    secret = sealed.unseal(setup)
    if secret is None:
        raise Forbidden("The setup expired: start again.")
    try:
        codes = sessions.enable_two_factor(session, person.user, secret, code)
    except Forbidden as exc:
        context = {**_two_factor(request, person, secret), "error": exc.detail}
        return page(request, "two-factor.html", context, status=exc.status)
    # The new generation ended every session, this one too: a new one carries on.
    response = page(request, "recovery-codes.html", {"codes": codes, "user": person.user})
    started = sessions.start(
        session,
        person.user,
        address=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    guard.set_cookie(request, response, guard.SESSION, started.token)
    return response


# --- Choosing a password with a link -----------------------------------------------------------


@router.get("/welcome/{token}")
@router.get("/reset/{token}")
def password_form(request: Request, token: str) -> Response:
    return _anonymous_form(request, "password.html", {"token": token[:200]})


@router.post("/welcome/{token}")
@router.post("/reset/{token}")
def choose_password(
    request: Request, session: SessionDep, token: str, password: Secret = "", csrf: Text = ""
) -> Response:
    try:
        guard.check_post(request, csrf, signed_in=False)
        people.use_link(session, token, password)
    except FolioError as exc:
        context = {"token": token[:200], "error": exc.detail}
        return _anonymous_form(request, "password.html", context, status=exc.status)
    return redirect("/studio/sign-in?chosen=1")


def _qr(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI; segno is imported here, where it is used,
    as it takes a tenth of a second to load in every process that starts."""
    import segno

    return str(segno.make(uri, error="m").svg_data_uri(scale=4))
