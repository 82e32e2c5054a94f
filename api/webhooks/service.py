"""Webhook subscriptions (admin), the fan-out of events to them, and their delivery log."""

import base64
import secrets
from datetime import UTC, datetime

from cryptography.fernet import InvalidToken
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from api.audit import record as audit
from api.core import db, sealed
from api.core.clock import clock
from api.core.errors import Conflict, InvalidBody, NotFound, SecretKeyMissing, WebhookNotFound
from api.events.models import Event
from api.people import rules
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page
from api.webhooks.models import (
    AttemptPublic,
    DeliveryPublic,
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
    WebhookPublic,
)
from api.webhooks.targets import refusal


def reveal(webhook: Webhook) -> str:
    """The signing secret, decrypted for signing a delivery; never returned again."""
    try:
        return sealed.fernet().decrypt(webhook.secret_encrypted.encode()).decode()
    except InvalidToken as exc:
        raise SecretKeyMissing("FOLIO_SECRET_KEY is not the key the secret was made with.") from exc


def to_public(webhook: Webhook) -> WebhookPublic:
    return WebhookPublic.model_validate(webhook, from_attributes=True)


def create_webhook(
    session: Session, data: WebhookCreate, *, by: rules.Caller = None
) -> WebhookCreated:
    reason = refusal(data.url)
    if reason is not None:
        raise InvalidBody.at(["body", "url"], reason)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    db.begin_write(session)
    webhook = Webhook(
        url=data.url,
        events=sorted(set(data.events)),
        description=data.description,
        enabled=data.enabled,
        secret_encrypted=sealed.fernet().encrypt(secret.encode()).decode(),
    )
    session.add(webhook)
    session.flush()
    _audit(session, webhook, "created", by)
    session.commit()
    return WebhookCreated(**to_public(webhook).model_dump(), secret=secret)


def find_webhook(session: Session, webhook_id: int) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise WebhookNotFound(f"No webhook {webhook_id}.")
    return webhook


_OLDEST_FIRST = Sortable({"id": col(Webhook.id)}, "id", col(Webhook.id))
_NEWEST_FIRST = Sortable({"id": col(WebhookDelivery.id)}, "-id", col(WebhookDelivery.id))


def list_webhooks(session: Session, params: PageParams) -> Page[WebhookPublic]:
    """A page of the subscriptions, oldest first."""
    page = keyset_page(
        session, select(Webhook), sortable=_OLDEST_FIRST, params=params.list_params()
    )
    return map_page(page, lambda rows: [to_public(w) for w in rows])


def update_webhook(
    session: Session, webhook_id: int, data: WebhookCreate, *, by: rules.Caller = None
) -> WebhookPublic:
    reason = refusal(data.url)
    if reason is not None:
        raise InvalidBody.at(["body", "url"], reason)
    db.begin_write(session)
    webhook = find_webhook(session, webhook_id)
    webhook.url = data.url
    webhook.events = sorted(set(data.events))
    webhook.description = data.description
    if data.enabled and not webhook.enabled:
        webhook.failures_in_a_row, webhook.disabled_reason = 0, None
    webhook.enabled = data.enabled
    webhook.version += 1
    webhook.updated_at = clock.now()
    session.add(webhook)
    _audit(session, webhook, "replaced", by)
    session.commit()
    return to_public(webhook)


def delete_webhook(session: Session, webhook_id: int, *, by: rules.Caller = None) -> None:
    db.begin_write(session)
    webhook = find_webhook(session, webhook_id)
    _audit(session, webhook, "deleted", by)
    session.delete(webhook)
    session.commit()


def _audit(session: Session, webhook: Webhook, change: str, by: rules.Caller) -> None:
    detail = {"change": change, "url": webhook.url, "events": webhook.events}
    audit.record(
        session,
        "webhook-changed",
        key=by,
        object_type="webhooks",
        object_id=webhook.id,
        detail={**detail, "enabled": webhook.enabled},
    )


def list_deliveries(session: Session, webhook_id: int, params: PageParams) -> Page[DeliveryPublic]:
    """A page of the deliveries to ``webhook_id``, newest first, with their attempts."""
    find_webhook(session, webhook_id)
    page = keyset_page(
        session,
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id),
        sortable=_NEWEST_FIRST,
        params=params.list_params(),
    )
    return map_page(page, lambda rows: _deliveries(session, rows))


def _deliveries(session: Session, rows: list[WebhookDelivery]) -> list[DeliveryPublic]:
    ids = [d.id for d in rows]
    events = {
        e.id: e
        for e in session.exec(select(Event).where(col(Event.id).in_([d.event_id for d in rows])))
    }
    deliveries = [(d, events[d.event_id]) for d in rows]
    attempts: dict[int, list[AttemptPublic]] = {}
    for attempt in session.exec(
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(ids))
        .order_by(col(WebhookAttempt.number))
    ):
        attempts.setdefault(attempt.delivery_id, []).append(
            AttemptPublic.model_validate(attempt, from_attributes=True)
        )
    return [
        DeliveryPublic(
            id=d.id or 0,
            event_id=e.id or 0,
            event_type=e.type,
            status=d.status,
            attempts=attempts.get(d.id or 0, []),
            next_attempt_at=d.next_attempt_at if d.status == DeliveryStatus.pending else None,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
        )
        for d, e in deliveries
    ]


def resend(session: Session, webhook_id: int, delivery_id: int) -> None:
    """Queues the delivery's event again, as a new delivery with its own attempts."""
    db.begin_write(session)
    webhook = find_webhook(session, webhook_id)
    original = session.get(WebhookDelivery, delivery_id)
    if original is None or original.webhook_id != webhook.id:
        raise NotFound(f"No delivery {delivery_id} of webhook {webhook_id}.")
    if not webhook.enabled:
        raise Conflict("The webhook is disabled: enable it first.")
    last = session.exec(
        select(col(WebhookDelivery.resend))
        .where(
            WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.event_id == original.event_id
        )
        .order_by(col(WebhookDelivery.resend).desc())
    ).first()
    session.add(
        WebhookDelivery(
            webhook_id=original.webhook_id,
            event_id=original.event_id,
            resend=(last or 0) + 1,
            next_attempt_at=clock.now(),
        )
    )
    session.commit()


def queue_figures(engine: Engine) -> list[tuple[str, str, float]]:
    """For ``/metrics`` (two statements): deliveries waiting and the age of the oldest, and
    the event log's newest entry and its age."""
    now = clock.now()
    with Session(engine) as session:
        waiting, oldest = session.exec(
            select(func.count(), func.min(col(WebhookDelivery.created_at))).where(
                WebhookDelivery.status == DeliveryStatus.pending
            )
        ).one()
        newest_id, newest_at = session.exec(
            select(func.max(col(Event.id)), func.max(col(Event.occurred_at)))
        ).one()

    def age(when: datetime | None) -> float:
        return (now - as_utc(when)).total_seconds() if when is not None else 0.0

    return [
        ("folio_webhook_queue_depth", "Webhook deliveries waiting to be sent.", waiting),
        (
            "folio_webhook_queue_oldest_seconds",
            "Age of the oldest webhook delivery waiting (0 when none).",
            age(oldest),
        ),
        ("folio_event_log_last_id", "Id of the newest event in the log.", newest_id or 0),
        (
            "folio_event_log_last_age_seconds",
            "Seconds since the newest event was recorded (0 when the log is empty).",
            age(newest_at),
        ),
    ]


def as_utc(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
