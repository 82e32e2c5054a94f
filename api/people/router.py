"""HTTP routes for people: the caller (``/v1/me``), accounts (admins only) and the single-use
links by which someone chooses a password (no key: the link is the proof)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.auth.dependencies import WithAdmin, WithAdminQuery, WithRead
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    Conflict,
    InvalidBody,
    LinkNotValid,
    UserNotFound,
    problem_responses,
)
from api.core.fields import MAX_ID
from api.people import service, sessions
from api.people.models import (
    InvitationAccept,
    Me,
    PasswordLink,
    SessionsEnded,
    UserCreate,
    UserInvited,
    UserPatch,
    UserPublic,
)
from api.web.http import NoQueryDep, represent
from api.web.pagination import ListEnvelope, PageParams

router = APIRouter(tags=["people"])
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
# What a route about one person may answer besides its own success.
ONE = problem_responses(*AUTH_ERRORS, UserNotFound)


@router.get("/v1/me", response_model=Me, responses=problem_responses(*AUTH_ERRORS))
def get_me(read: WithRead) -> Response:
    """The caller: the person its key belongs to, the key, and what they may do now."""
    return represent(read.request, service.me(read.key), public=False)


@router.get(
    "/v1/users", response_model=ListEnvelope[UserPublic], responses=problem_responses(*AUTH_ERRORS)
)
def list_users(admin: WithAdminQuery, query: Annotated[PageParams, Query()]) -> Response:
    """List the people who may sign in, by email."""
    page = service.list_users(admin.session, query)
    return admin.listed(page, query)


@router.post(
    "/v1/users",
    status_code=201,
    response_model=UserInvited,
    responses=problem_responses(*AUTH_ERRORS, InvalidBody, Conflict),
)
def invite_user(data: UserCreate, admin: WithAdmin) -> Response:
    """Invite a person: their account, and a single-use link (shown once, mailed when a mail
    server is set) by which they choose their password."""
    invited = service.invite(admin.session, data, by=admin.key)
    return admin.made(invited, location=f"/v1/users/{invited.id}")


@router.get("/v1/users/{user_id}", response_model=UserPublic, responses=ONE)
def get_user(user_id: UserId, admin: WithAdmin) -> Response:
    """One person."""
    user = service.to_public(service.get_user(admin.session, user_id))
    return admin.answer(user)


@router.patch(
    "/v1/users/{user_id}",
    response_model=UserPublic,
    responses=problem_responses(*AUTH_ERRORS, UserNotFound, InvalidBody, Conflict),
)
def patch_user(user_id: UserId, data: UserPatch, admin: WithAdmin) -> Response:
    """Change a person's name, role, byline or disabled state. A new role or a disabled
    account ends their sessions at once, and their keys do only what the new role allows;
    the last admin cannot be demoted or disabled."""
    user = service.change_user(admin.session, user_id, data, by=admin.key)
    return admin.answer(service.to_public(user))


@router.post(
    "/v1/users/{user_id}/reset-link",
    status_code=201,
    response_model=PasswordLink,
    responses=problem_responses(*AUTH_ERRORS, UserNotFound, Conflict),
)
def create_user_reset_link(user_id: UserId, admin: WithAdmin) -> Response:
    """A single-use link by which a person chooses a new password (shown once, mailed when a
    mail server is set); their password works until they use it."""
    user = service.get_user(admin.session, user_id)
    return admin.made(
        service.reset_link(admin.session, user, by=admin.key), location=f"/v1/users/{user_id}"
    )


@router.delete("/v1/users/{user_id}/sessions", response_model=SessionsEnded, responses=ONE)
def end_user_sessions(user_id: UserId, admin: WithAdmin) -> Response:
    """Sign a person out of every browser at once (their keys are untouched: revoke those,
    or disable the person, to stop them too)."""
    user = service.get_user(admin.session, user_id)
    ended = sessions.end_all(admin.session, user, by=admin.key)
    return admin.answer(SessionsEnded(ended=ended))


@router.post(
    "/v1/password",
    response_model=UserPublic,
    responses=problem_responses(InvalidBody, LinkNotValid),
)
def accept_password_link(
    data: InvitationAccept, request: Request, session: SessionDep, _: NoQueryDep
) -> Response:
    """Choose a password with an invitation or reset link (its token): once, before it
    expires. Every session the person had ends."""
    user = service.use_link(session, data.token, data.password)
    return represent(request, service.to_public(user), public=False)
