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
from api.web.http import NoQueryDep, created, no_content, represent
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


@router.get("", response_model=list[WebhookPublic], responses=problem_responses(*AUTH_ERRORS))
def list_webhooks(request: Request, session: SessionDep, _key: AdminKey, _: NoQueryDep) -> Response:
    """List webhook subscriptions (never their secrets)."""
    body = [w.model_dump(mode="json") for w in service.list_webhooks(session)]
    return represent(request, body, public=False)


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
    response_model=list[DeliveryPublic],
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound),
)
def list_deliveries(
    webhook_id: WebhookId,
    request: Request,
    session: SessionDep,
    _key: AdminKey,
    query: Annotated[DeliveriesQuery, Query()],
) -> Response:
    """The latest deliveries, newest first, each with every attempt and its outcome."""
    deliveries = service.list_deliveries(session, webhook_id, limit=query.limit)
    return represent(request, [d.model_dump(mode="json") for d in deliveries], public=False)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/resend",
    status_code=202,
    responses=problem_responses(*AUTH_ERRORS, NotFound, Conflict),
)
def resend_delivery(
    webhook_id: WebhookId,
    delivery_id: WebhookId,
    session: SessionDep,
    _key: AdminKey,
    _: NoQueryDep,
) -> Response:
    """Send a delivery's event again (as a new delivery); the worker picks it up."""
    service.resend(session, webhook_id, delivery_id)
    return Response(status_code=202, headers={"Cache-Control": "private, no-store"})
