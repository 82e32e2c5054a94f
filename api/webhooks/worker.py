"""``folio worker``: delivers webhooks, and announces scheduled publications as they come due.

Deliveries are claimed with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock
on SQLite), so several workers on several nodes never send one delivery at the same time; the
HTTP request itself runs outside any transaction. Each attempt is recorded. A failure is
retried with exponential backoff and jitter, up to FOLIO_WEBHOOK_MAX_ATTEMPTS; a webhook that
keeps failing is disabled. Messages follow the Standard Webhooks spec (webhook-id,
webhook-timestamp, webhook-signature: HMAC-SHA256), signed with the ``standardwebhooks``
package.
"""

import random
import threading
import time
from datetime import timedelta

import httpx2 as httpx
import orjson
import structlog
from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from standardwebhooks.webhooks import Webhook as Signer

from api import db
from api.clock import clock
from api.config import get_settings
from api.events import service as events
from api.events.models import Event
from api.schedule import announce_due
from api.urls import resource_url
from api.webhooks.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from api.webhooks.service import refusal, reveal

log = structlog.get_logger(__name__)
BATCH = 20


def _lease() -> timedelta:
    return timedelta(seconds=get_settings().webhook_timeout_seconds * 2 + 5)


def claim(session: Session, *, limit: int = BATCH) -> list[int]:
    """Takes up to ``limit`` due deliveries for this worker, for the length of a lease."""
    db.begin_write(session)
    now = clock.now()
    ids = list(
        session.exec(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.pending,
                col(WebhookDelivery.next_attempt_at) <= now,
                or_(
                    col(WebhookDelivery.locked_until).is_(None),
                    col(WebhookDelivery.locked_until) < now,
                ),
            )
            .order_by(col(WebhookDelivery.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if ids:
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id).in_(ids))
            .values(locked_until=now + _lease())
        )
    session.commit()
    return [i for i in ids if i is not None]


def message(event: Event) -> bytes:
    return orjson.dumps(
        {
            "type": event.type,
            "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
            "data": {
                **event.data,
                "type": event.resource_type,
                "url": resource_url(event.resource_type, event.slug),
            },
        }
    )


def deliver(session: Session, delivery_id: int, client: httpx.Client) -> bool:
    """One attempt at one delivery; records it, and what comes next. True when delivered."""
    settings = get_settings()
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.pending:
        return False
    webhook = session.get(Webhook, delivery.webhook_id)
    event = session.get(Event, delivery.event_id)
    assert webhook is not None
    assert event is not None
    session.rollback()  # no transaction stays open during the request
    body = message(event)
    started = clock.now()
    status_code, error = None, refusal(webhook.url)
    if error is None:
        sent_at = clock.now()
        msg_id = f"msg_{delivery.id}"
        headers = {
            "content-type": "application/json",
            "user-agent": "Folio-Webhooks/1",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Signer(reveal(webhook)).sign(msg_id, sent_at, body.decode()),
        }
        try:
            response = client.post(webhook.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"answered {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]
    duration = int((clock.now() - started).total_seconds() * 1000)
    delivered = error is None

    db.begin_write(session)
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    webhook = session.get(Webhook, webhook.id, with_for_update=True)
    assert delivery is not None
    assert webhook is not None
    delivery.attempts += 1
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            number=delivery.attempts,
            started_at=started,
            duration_ms=duration,
            status_code=status_code,
            error=error,
        )
    )
    delivery.locked_until = None
    if delivered:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = clock.now()
        webhook.failures_in_a_row = 0
    else:
        webhook.failures_in_a_row += 1
        if delivery.attempts >= settings.webhook_max_attempts:
            delivery.status = DeliveryStatus.failed
        else:
            backoff = settings.webhook_backoff_seconds * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = clock.now() + timedelta(
                seconds=min(backoff, 6 * 3600) * random.uniform(0.5, 1.5)  # jitter
            )
        if webhook.enabled and webhook.failures_in_a_row >= settings.webhook_disable_after:
            webhook.enabled = False
            webhook.disabled_reason = f"{webhook.failures_in_a_row} failed attempts in a row"
            log.warning("webhook_disabled", webhook=webhook.id, url=webhook.url)
    session.add_all([delivery, webhook])
    session.commit()
    log.info("webhook_attempt", delivery=delivery_id, status=status_code, error=error)
    return delivered


def run_once(engine: Engine) -> int:
    """Announces due publications, then makes one attempt at every due delivery."""
    settings = get_settings()
    attempted = 0
    with (
        db.open_session(engine) as session,
        httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False) as client,
    ):
        announce_due(session)
        events.compact(session)
        while ids := claim(session):
            for delivery_id in ids:
                deliver(session, delivery_id, client)
                attempted += 1
    return attempted


def run(engine: Engine, *, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            busy = run_once(engine)
        except Exception:  # a worker outlives a bad round: log it, wait, go on
            log.exception("worker_round_failed")
            busy = 0
        if not busy:
            stop.wait(interval)
        else:
            time.sleep(0)
