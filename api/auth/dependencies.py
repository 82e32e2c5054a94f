"""Who is calling: the API key of the request, the scope a route needs, and what every read
and write route is given with it (``Read``, ``Write``)."""

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlmodel import Session
from starlette.responses import Response

from api.auth import service
from api.auth.models import ApiKey, Scope
from api.core.config import get_settings
from api.core.db import SessionDep
from api.core.errors import Unauthorized
from api.web.http import (
    AcceptLanguage,
    IfMatch,
    NoQueryDep,
    created,
    represent,
    represent_page,
)
from api.web.pagination import Page
from api.web.ratelimit import Limiter, client_address

# Two schemes of one kind, so that OpenAPI can tell the routes that need a key (``api.openapi``
# makes them one): ``_bearer`` checks a key wherever one is sent, ``_needed`` marks a scope.
_bearer = HTTPBearer(auto_error=False, scheme_name="ApiKeyIfSent")
_needed = HTTPBearer(auto_error=False, scheme_name="ApiKey", description="An API key: `folio_…`")


async def current_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey | None:
    """The key the request sends, checked on every route (``create_app`` makes it a
    dependency of all of them): a revoked, expired or unknown key is 401 wherever it is sent.
    Failed attempts are counted per client: past FOLIO_AUTH_FAILURE_LIMIT, 429.

    Async, so a request without a key costs nothing here; one with a key is looked up in a
    worker thread."""
    if "authorization" not in request.headers:
        return None
    token = credentials.credentials if credentials is not None else None
    return await to_thread.run_sync(_authenticate, request, token)


def _authenticate(request: Request, token: str | None) -> ApiKey:
    limiter: Limiter = request.app.state.limiter
    client = client_address(request)
    limiter.refuse_when_over(limiter.auth_failures, "auth-failures", client)
    try:
        if token is None:
            raise Unauthorized("Send the key as 'Authorization: Bearer <key>'.")
        with request.app.state.sessions() as session:
            return service.authenticate(session, token)
    except Unauthorized:
        limiter.count(limiter.auth_failures, "auth-failures", client)
        raise


CurrentKey = Annotated[ApiKey | None, Depends(current_key)]


def _scope(scope: Scope) -> object:
    async def dependency(
        key: CurrentKey, _: Annotated[HTTPAuthorizationCredentials | None, Depends(_needed)]
    ) -> ApiKey:
        return service.require(key, scope)

    return Depends(dependency)


ReadKey = Annotated[ApiKey, _scope(Scope.read)]
WriteKey = Annotated[ApiKey, _scope(Scope.write)]
AdminKey = Annotated[ApiKey, _scope(Scope.admin)]


def metrics_reader(request: Request, key: CurrentKey) -> None:
    """Who may read ``/metrics``: a scraper at an address in ``FOLIO_METRICS_FROM`` (loopback
    unless set; behind a proxy, the client's, once the proxy is in FOLIO_TRUSTED_PROXIES), or
    an admin key from anywhere. The metrics tell of unpublished activity (event ids, the
    webhook queue)."""
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        address = None
    networks = get_settings().metrics_networks()
    if address is None or not any(address in network for network in networks):
        service.require(key, Scope.admin)


# What a route is given besides its own arguments, taken as one parameter (``read: Read``,
# ``write: Write``): the request, the session, the caller's key and the headers every route
# of its sort reads, declared once here rather than in every route's signature.


@dataclass(frozen=True)
class Reading:
    """A read: anonymous (public content only) or with a key (drafts too: a preview)."""

    request: Request
    session: Session
    key: ApiKey | None
    accept_language: str | None

    @property
    def preview(self) -> bool:
        return self.key is not None


def _reading(
    request: Request, session: SessionDep, key: CurrentKey, accept_language: AcceptLanguage = None
) -> Reading:
    return Reading(request, session, key, accept_language)


@dataclass(frozen=True)
class Acting:
    """A call made with a key of the scope its route needs: the request, its session, the key.
    ``With{Read,Write,Admin}`` take no query parameter (any is a 422); the ``…Query`` forms
    leave the query to the route's own model."""

    request: Request
    session: Session
    key: ApiKey

    def answer(self, payload: object) -> Response:
        """``payload`` as JSON for this caller alone (``Cache-Control: private``)."""
        return represent(self.request, payload, public=False)

    def listed(
        self, page: Page[Any], query: BaseModel, *, fields: frozenset[str] | None = None
    ) -> Response:
        """A page of a list, for this caller alone."""
        return represent_page(self.request, page, query, public=False, fields=fields)

    def made(self, payload: object, *, location: str) -> Response:
        """201 with ``payload`` and where it now is."""
        return created(self.request, payload, location=location)


@dataclass(frozen=True)
class Writing(Acting):
    """A write of something that exists, with a write key, no query, and If-Match if sent."""

    if_match: str | None


def _writing(
    request: Request, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
) -> Writing:
    return Writing(request, session, key, if_match)


Read = Annotated[Reading, Depends(_reading)]
Write = Annotated[Writing, Depends(_writing)]


def _acting(scope: Scope, *, query: bool) -> Callable[..., Acting]:
    needed = _scope(scope)

    def asking(request: Request, session: SessionDep, key: Annotated[ApiKey, needed]) -> Acting:
        return Acting(request, session, key)

    def acting(
        request: Request, session: SessionDep, key: Annotated[ApiKey, needed], _: NoQueryDep
    ) -> Acting:
        return Acting(request, session, key)

    return asking if query else acting


WithRead = Annotated[Acting, Depends(_acting(Scope.read, query=False))]
WithReadQuery = Annotated[Acting, Depends(_acting(Scope.read, query=True))]
WithWrite = Annotated[Acting, Depends(_acting(Scope.write, query=False))]
WithWriteQuery = Annotated[Acting, Depends(_acting(Scope.write, query=True))]
WithAdmin = Annotated[Acting, Depends(_acting(Scope.admin, query=False))]
WithAdminQuery = Annotated[Acting, Depends(_acting(Scope.admin, query=True))]
