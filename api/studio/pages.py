"""What every studio page shares: the signed-in person (or a redirect to sign in), and how a
page is answered: rendered by Jinja2 (escaped by default), never stored by a cache, never
framed (but for the preview beside the editor), under a Content-Security-Policy whose only
scripts are the studio's own files carrying the response's nonce."""

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.templating import Jinja2Templates
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from api.core import kinds, locales
from api.core.db import SessionDep
from api.people import sessions
from api.people.models import User, UserSession
from api.people.rules import Actor
from api.studio import guard

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# The navigation's sections, from the registry of kinds: those with a workflow, the media,
# then the labels (a kind added to the registry has its link, and its list: api.studio.lists).
SECTIONS = (
    *((k.collection, k.collection.capitalize()) for k in kinds.WORKFLOW),
    ("media", "Media"),
    *((k.collection, k.collection.capitalize()) for k in kinds.KINDS if not k.workflow),
)
ADMIN_SECTIONS = (
    ("people", "People"),
    ("keys", "API keys"),
    ("webhooks", "Webhooks"),
    ("audit", "Audit"),
)
templates.env.globals.update(
    sections=SECTIONS, admin_sections=ADMIN_SECTIONS, default_locale=locales.default
)
NO_STORE = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
# What a person who must set up a second factor may still reach.
SETUP_PATHS = frozenset({"/studio/two-factor", "/studio/sign-out"})


def csp(nonce: str, *, framed_by_self: bool = False) -> str:
    """No inline script or style, no eval; images from this site (and, in a body, the web's);
    the only frame is the preview, from this site."""
    ancestors = "'self'" if framed_by_self else "'none'"
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self';"
        " img-src 'self' data: https:; frame-src 'self'; object-src 'none'; base-uri 'none';"
        f" form-action 'self'; frame-ancestors {ancestors}"
    )


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    framed_by_self: bool = False,
) -> Response:
    nonce = secrets.token_urlsafe(18)
    response = templates.TemplateResponse(
        request, name, {**context, "nonce": nonce}, status_code=status
    )
    response.headers.update(NO_STORE)
    response.headers["Content-Security-Policy"] = csp(nonce, framed_by_self=framed_by_self)
    if framed_by_self:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303, headers=NO_STORE)


class SignedIn:
    """The person of the request's session, or a redirect to sign in (raised)."""

    def __init__(self, row: UserSession, user: User) -> None:
        self.session, self.user = row, user


class SignIn(Exception):
    """Raised where a page needs a session the request lacks: a redirect to ``to``."""

    def __init__(self, to: str) -> None:
        self.to = to


def signed_in(request: Request, session: SessionDep) -> SignedIn:
    found = sessions.current(session, guard.session_token(request))
    if found is None:
        raise SignIn(f"/studio/sign-in?next={quote(request.url.path)}")
    row, user = found
    if sessions.two_factor_required(user) and request.url.path not in SETUP_PATHS:
        raise SignIn("/studio/two-factor")
    return SignedIn(row, user)


Person = Annotated[SignedIn, Depends(signed_in)]


@dataclass(frozen=True)
class Posted:
    """A form a signed-in person posted, from this site and with its token (checked)."""

    request: Request
    session: Session
    person: SignedIn

    @property
    def actor(self) -> Actor:
        """Who the services act for: the person, with no key."""
        return Actor(self.person.user, None)


def _posted(
    request: Request,
    session: SessionDep,
    person: Person,
    csrf: Annotated[str, Form(max_length=1000)] = "",
) -> Posted:
    guard.check_post(request, csrf, signed_in=True)
    return Posted(request, session, person)


Post = Annotated[Posted, Depends(_posted)]
