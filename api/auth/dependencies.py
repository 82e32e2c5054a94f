"""Who is calling: the API key of the request, and the scope a route needs."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import service
from api.auth.models import ApiKey, Scope
from api.db import SessionDep
from api.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="An API key: `folio_…`")


def current_key(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey | None:
    if "authorization" not in request.headers:
        return None
    if credentials is None:
        raise Unauthorized("Send the key as 'Authorization: Bearer <key>'.")
    return service.authenticate(session, credentials.credentials)


CurrentKey = Annotated[ApiKey | None, Depends(current_key)]


def _scope(scope: Scope) -> object:
    def dependency(key: CurrentKey) -> ApiKey:
        return service.require(key, scope)

    return Depends(dependency)


ReadKey = Annotated[ApiKey, _scope(Scope.read)]
WriteKey = Annotated[ApiKey, _scope(Scope.write)]
AdminKey = Annotated[ApiKey, _scope(Scope.admin)]
