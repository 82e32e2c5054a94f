"""What guards the studio's pages: the session cookie, and the CSRF checks every form post
passes.

The cookie holds a random token (only its hash is in the database); it is ``HttpOnly``,
``SameSite=Lax``, ``Secure`` with a ``__Host-`` name whenever the site is served over HTTPS,
and it is read here only: ``/v1`` authenticates by bearer key alone, so no page of another
site can write through the API with a person's cookie.

A form post must come from this site (``Sec-Fetch-Site`` and ``Origin``, when the browser sends
them, name it) and carry a token: with a session, an HMAC of the session's token; before one
(the sign-in form, a password link), an HMAC of a random value the browser holds in a cookie
of its own. Written here rather than taken from ``starlette-csrf`` or ``asgi-csrf``: those
guard by a double-submitted cookie alone and know nothing of Folio's sessions, while a token
tied to the session dies with it (at sign-out, or when the person's role changes)."""

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from api.core import sealed
from api.core.config import get_settings
from api.core.errors import Forbidden
from api.web import ratelimit

SESSION = ratelimit.SESSION_COOKIE  # counted by the rate limits as its own client
FORM = "folio_form"


def secure(request: Request) -> bool:
    """Whether the studio is served over HTTPS (the request's scheme, as a trusted proxy
    tells it, or the configured public URL's)."""
    return request.url.scheme == "https" or get_settings().base_url.startswith("https://")


def cookie_name(request: Request, name: str) -> str:
    return f"__Host-{name}" if secure(request) else name


def set_cookie(
    request: Request, response: Response, name: str, value: str, **extra: object
) -> None:
    response.set_cookie(
        cookie_name(request, name),
        value,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
        **extra,  # type: ignore[arg-type]
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        cookie_name(request, name), path="/", secure=secure(request), httponly=True, samesite="lax"
    )


def cookie(request: Request, name: str) -> str | None:
    return request.cookies.get(cookie_name(request, name))


def session_token(request: Request) -> str | None:
    return cookie(request, SESSION)


def form_token(request: Request) -> tuple[str, str | None]:
    """The token an anonymous form of this browser carries, and the value of the form cookie
    to set when the browser has none yet (None when it has)."""
    nonce = cookie(request, FORM)
    fresh = None
    if not nonce or len(nonce) > 64:
        nonce = fresh = secrets.token_urlsafe(24)
    return sealed.mac("csrf-form", nonce), fresh


def session_csrf(request: Request) -> str:
    """The token the forms of a signed-in browser carry: tied to its session."""
    return sealed.mac("csrf-session", session_token(request) or "")


def check_form(request: Request, form: Any) -> None:
    """``check_post`` for a form a signed-in person posted, its token in its ``csrf`` field."""
    token = form.get("csrf")
    check_post(request, token if isinstance(token, str) else "", signed_in=True)


def check_post(request: Request, given: str | None, *, signed_in: bool) -> None:
    """403 unless a state-changing request comes from this site and carries its token."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden("This form was sent from another site.")
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and not _same_origin(request, origin):
        raise Forbidden("This form was sent from another origin.")
    if origin == "null" and site != "same-origin":
        # An opaque origin (a sandboxed frame, a data: page); a browser says null for its own
        # forms too under some referrer policies, and then Sec-Fetch-Site vouches for them.
        raise Forbidden("This form was sent from an opaque origin.")
    secret = session_token(request) if signed_in else cookie(request, FORM)
    if not secret or not given:
        raise Forbidden("The form's security token is missing: reload the page and try again.")
    expected = sealed.mac("csrf-session" if signed_in else "csrf-form", secret)
    if not hmac.compare_digest(expected, given):
        raise Forbidden("The form's security token is wrong: reload the page and try again.")


def _same_origin(request: Request, origin: str) -> bool:
    parts = urlsplit(origin)
    mine = {f"{request.url.scheme}://{request.url.netloc}"}
    configured = urlsplit(get_settings().base_url)
    mine.add(f"{configured.scheme}://{configured.netloc}")
    return f"{parts.scheme}://{parts.netloc}" in mine
