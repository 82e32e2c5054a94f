"""HTTP routes for webhooks (admin keys only)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.auth.dependencies import AdminKey
from api.core.db import SessionDep
from api.core.errors import (
    AUTH_ERRORS,
    Conflict,
    InvalidBody,
    NotFound,
    SecretKeyMissing,
    WebhookNotFound,
    problem_responses,
)
from api.core.fields import MAX_ID
from api.web.http import NoQueryDep, created, no_content, represent, represent_page
from api.web.pagination import ListEnvelope, PageParams
from api.webhooks import service
from api.webhooks.models import (
    DeliveriesQuery,
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "", response_model=ListEnvelope[WebhookPublic], responses=problem_responses(*AUTH_ERRORS)
)
def list_webhooks(
    request: Request, session: SessionDep, _key: AdminKey, query: Annotated[PageParams, Query()]
) -> Response:
    """List webhook subscriptions, oldest first (never their secrets)."""
    page = service.list_webhooks(session, query)
    return represent_page(request, page, query, public=False)


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    responses=problem_responses(*AUTH_ERRORS, InvalidBody, SecretKeyMissing),
)
def create_webhook(
    data: WebhookCreate, request: Request, session: SessionDep, _key: AdminKey, _: NoQueryDep
) -> Response:
    """Subscribe a URL to events; the response is the only time its signing secret is shown."""
    webhook = service.create_webhook(session, data)
    return created(request, webhook, location=f"/v1/webhooks/{webhook.id}")


@router.get(
    "/{webhook_id}",
    response_model=WebhookPublic,
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound),
)
def get_webhook(
    webhook_id: WebhookId, request: Request, session: SessionDep, _key: AdminKey, _: NoQueryDep
) -> Response:
    """Get a webhook subscription."""
    webhook = service.to_public(service.find_webhook(session, webhook_id))
    return represent(request, webhook, public=False)


@router.put(
    "/{webhook_id}",
    response_model=WebhookPublic,
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound, InvalidBody),
)
def replace_webhook(
    webhook_id: WebhookId,
    data: WebhookCreate,
    request: Request,
    session: SessionDep,
    _key: AdminKey,
    _: NoQueryDep,
) -> Response:
    """Change a webhook's URL, events, description, or enable it again."""
    return represent(request, service.update_webhook(session, webhook_id, data), public=False)


@router.delete(
    "/{webhook_id}", status_code=204, responses=problem_responses(*AUTH_ERRORS, WebhookNotFound)
)
def delete_webhook(
    webhook_id: WebhookId, session: SessionDep, _key: AdminKey, _: NoQueryDep
) -> Response:
    """Delete a webhook subscription and its delivery log."""
    service.delete_webhook(session, webhook_id)
    return no_content()


@router.get(
    "/{webhook_id}/deliveries",
    response_model=ListEnvelope[DeliveryPublic],
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound),
)
def list_webhook_deliveries(
    webhook_id: WebhookId,
    request: Request,
    session: SessionDep,
    _key: AdminKey,
    query: Annotated[DeliveriesQuery, Query()],
) -> Response:
    """The latest deliveries, newest first, each with every attempt and its outcome."""
    page = service.list_deliveries(session, webhook_id, query)
    return represent_page(request, page, query, public=False)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/resend",
    status_code=202,
    responses=problem_responses(*AUTH_ERRORS, NotFound, Conflict),
)
def resend_webhook_delivery(
    webhook_id: WebhookId,
    delivery_id: WebhookId,
    session: SessionDep,
    _key: AdminKey,
    _: NoQueryDep,
) -> Response:
    """Send a delivery's event again (as a new delivery); the worker picks it up."""
    service.resend(session, webhook_id, delivery_id)
    return Response(status_code=202, headers={"Cache-Control": "private, no-store"})
