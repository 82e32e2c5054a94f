"""HTTP routes for webhooks (admin keys only)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.auth.dependencies import WithAdmin, WithAdminQuery
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
from api.web.http import no_content
from api.web.pagination import ListEnvelope, PageParams
from api.webhooks import service, worker
from api.webhooks.models import (
    DeliveriesQuery,
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhookTestResult,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "", response_model=ListEnvelope[WebhookPublic], responses=problem_responses(*AUTH_ERRORS)
)
def list_webhooks(admin: WithAdminQuery, query: Annotated[PageParams, Query()]) -> Response:
    """List webhook subscriptions, oldest first (never their secrets)."""
    page = service.list_webhooks(admin.session, query)
    return admin.listed(page, query)


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    responses=problem_responses(*AUTH_ERRORS, InvalidBody, SecretKeyMissing),
)
def create_webhook(data: WebhookCreate, admin: WithAdmin) -> Response:
    """Subscribe a URL to events; the response is the only time its signing secret is shown."""
    webhook = service.create_webhook(admin.session, data, by=admin.key)
    return admin.made(webhook, location=f"/v1/webhooks/{webhook.id}")


@router.get(
    "/{webhook_id}",
    response_model=WebhookPublic,
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound),
)
def get_webhook(webhook_id: WebhookId, admin: WithAdmin) -> Response:
    """Get a webhook subscription."""
    webhook = service.to_public(service.find_webhook(admin.session, webhook_id))
    return admin.answer(webhook)


@router.put(
    "/{webhook_id}",
    response_model=WebhookPublic,
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound, InvalidBody),
)
def replace_webhook(webhook_id: WebhookId, data: WebhookCreate, admin: WithAdmin) -> Response:
    """Change a webhook's URL, events, description, or enable it again."""
    return admin.answer(service.update_webhook(admin.session, webhook_id, data, by=admin.key))


@router.delete(
    "/{webhook_id}", status_code=204, responses=problem_responses(*AUTH_ERRORS, WebhookNotFound)
)
def delete_webhook(webhook_id: WebhookId, admin: WithAdmin) -> Response:
    """Delete a webhook subscription and its delivery log."""
    service.delete_webhook(admin.session, webhook_id, by=admin.key)
    return no_content()


@router.post(
    "/{webhook_id}/test",
    response_model=WebhookTestResult,
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound),
)
def test_webhook(webhook_id: WebhookId, admin: WithAdmin) -> Response:
    """Send a test delivery now (a signed `webhook.test` message, as every delivery is
    signed) and say what the receiver answered: 200 whether or not it took it, `delivered`
    says. It is not an event: not in the deliveries, never retried."""
    result = worker.send_test(admin.session, webhook_id)
    return admin.answer(result)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=ListEnvelope[DeliveryPublic],
    responses=problem_responses(*AUTH_ERRORS, WebhookNotFound),
)
def list_webhook_deliveries(
    webhook_id: WebhookId, admin: WithAdminQuery, query: Annotated[DeliveriesQuery, Query()]
) -> Response:
    """The latest deliveries, newest first, each with every attempt and its outcome."""
    page = service.list_deliveries(admin.session, webhook_id, query)
    return admin.listed(page, query)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/resend",
    status_code=202,
    responses=problem_responses(*AUTH_ERRORS, NotFound, Conflict),
)
def resend_webhook_delivery(
    webhook_id: WebhookId, delivery_id: WebhookId, admin: WithAdmin
) -> Response:
    """Send a delivery's event again (as a new delivery); the worker picks it up."""
    service.resend(admin.session, webhook_id, delivery_id)
    return Response(status_code=202, headers={"Cache-Control": "private, no-store"})
