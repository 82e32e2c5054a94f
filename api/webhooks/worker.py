"""``folio worker``: delivers webhooks, and announces scheduled publications as they come due.

Deliveries are claimed with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock
on SQLite): a lease names the worker's claim, and each delivery's lease is renewed, in the
database, right before its request is sent, for longer than that request may take
(FOLIO_WEBHOOK_TIMEOUT_SECONDS bounds the whole attempt: connecting, sending, the answer). A
delivery whose lease ran out meanwhile is skipped, and its attempt is recorded only under the
lease that made it, so two workers never send one delivery at the same time. The HTTP request
itself runs outside any transaction, to the address the webhook's URL was checked against.
A failure is retried with exponential backoff and jitter, up to FOLIO_WEBHOOK_MAX_ATTEMPTS; a
webhook that keeps failing is disabled. Messages follow the Standard Webhooks spec (webhook-id,
webhook-timestamp, webhook-signature: HMAC-SHA256), signed with the ``standardwebhooks``
package.
"""

import asyncio
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
import httpx2 as httpx
import orjson
import structlog
from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from standardwebhooks.webhooks import Webhook as Signer

from api.audit import service as audit
from api.core import db
from api.core.bounds import UNAVAILABLE
from api.core.clock import clock
from api.core.config import get_settings
from api.core.urls import resource_url
from api.events import service as events
from api.events.models import Event
from api.schedule import announce_due
from api.webhooks.models import (
    TEST_EVENT,
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookTestResult,
)
from api.webhooks.service import find_webhook, reveal
from api.webhooks.targets import Refused, target

log = structlog.get_logger(__name__)
BATCH = 20
MAX_ANSWER_BYTES = 64 * 1024  # what is read of a receiver's answer; the rest is not needed
LEASE_MARGIN = timedelta(seconds=5)


def _lease() -> timedelta:
    """How long a claim holds: one whole attempt and a margin."""
    return timedelta(seconds=get_settings().webhook_timeout_seconds) + LEASE_MARGIN


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    lease: str


def claim(session: Session, *, limit: int = BATCH) -> list[Claim]:
    """Takes up to ``limit`` due deliveries for this worker, under a lease of its own."""
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
    lease = uuid.uuid4().hex
    if ids:
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id).in_(ids))
            .values(locked_until=now + _lease(), lease=lease)
        )
    session.commit()
    return [Claim(i, lease) for i in ids if i is not None]


def _held(claimed: Claim) -> ColumnElement[bool]:
    return and_(
        col(WebhookDelivery.id) == claimed.delivery_id,
        col(WebhookDelivery.lease) == claimed.lease,
        col(WebhookDelivery.status) == DeliveryStatus.pending,
    )


def renew(session: Session, claimed: Claim) -> bool:
    """Extends the lease for one attempt, starting now; False when it is no longer ours
    (it ran out and another worker took the delivery, or it was delivered)."""
    db.begin_write(session)
    now = clock.now()
    renewed = session.execute(
        update(WebhookDelivery)
        .where(_held(claimed), col(WebhookDelivery.locked_until) > now)
        .values(locked_until=now + _lease())
        .returning(col(WebhookDelivery.id))
    ).first()
    session.commit()
    return renewed is not None


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


async def post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], seconds: float
) -> tuple[int | None, str | None]:
    """One request to a webhook's receiver, bounded as a whole by ``seconds``: the status
    code, and what went wrong (None when it answered 2xx)."""
    try:
        destination = target(url)
    except Refused as exc:
        return None, str(exc)
    headers = {**headers, "host": destination.host}
    try:
        with anyio.fail_after(seconds):
            async with client.stream(
                "POST",
                destination.url,
                content=body,
                headers=headers,
                extensions=destination.extensions,
            ) as response:
                read = 0
                async for chunk in response.aiter_raw():
                    read += len(chunk)
                    if read >= MAX_ANSWER_BYTES:
                        break
    except TimeoutError:
        return None, f"no whole answer within {seconds:g} s"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:1000]
    if not 200 <= response.status_code < 300:
        return response.status_code, f"answered {response.status_code}"
    return response.status_code, None


def _signed(msg_id: str, started: datetime, body: bytes, secret: str) -> dict[str, str]:
    """A message's headers, as the Standard Webhooks spec has them, signed with ``secret``."""
    return {
        "content-type": "application/json",
        "user-agent": "Folio-Webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(started.timestamp())),
        "webhook-signature": Signer(secret).sign(msg_id, started, body.decode()),
    }


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=None)


def send_test(session: Session, webhook_id: int) -> WebhookTestResult:
    """A test delivery to a webhook, sent now and once: a signed ``webhook.test`` message (its
    receiver checks the signature as it does every delivery's), and what the receiver answered.
    Nothing changed, so it is no event: it is not in the delivery log and is never retried; a
    disabled webhook can be tested before it is enabled again."""
    webhook = find_webhook(session, webhook_id)
    url, secret = webhook.url, reveal(webhook)
    session.rollback()  # no transaction stays open during the request
    started = clock.now()
    body = orjson.dumps(
        {
            "type": TEST_EVENT,
            "timestamp": started.isoformat().replace("+00:00", "Z"),
            "data": {"webhook": webhook_id, "text": "A test delivery from Folio: nothing changed."},
        }
    )
    headers = _signed(f"msg_test_{uuid.uuid4().hex}", started, body, secret)

    async def once() -> tuple[int | None, str | None]:
        async with _client() as client:
            return await post(client, url, body, headers, get_settings().webhook_timeout_seconds)

    status_code, error = asyncio.run(once())
    duration = int((clock.now() - started).total_seconds() * 1000)
    log.info("webhook_test", webhook=webhook_id, status=status_code, error=error)
    return WebhookTestResult(
        delivered=error is None, status_code=status_code, error=error, duration_ms=duration
    )


def deliver(
    session: Session, claimed: Claim, client: httpx.AsyncClient, runner: asyncio.Runner
) -> bool:
    """One attempt at one delivery, if this worker still holds it; records the attempt and
    what comes next. True when delivered."""
    settings = get_settings()
    delivery = session.get(WebhookDelivery, claimed.delivery_id)
    if delivery is None or delivery.lease != claimed.lease:
        session.rollback()
        return False
    webhook = session.get(Webhook, delivery.webhook_id)
    event = session.get(Event, delivery.event_id)
    assert webhook is not None
    assert event is not None
    session.rollback()  # no transaction stays open during the request
    if not renew(session, claimed):
        return False
    body = message(event)
    started = clock.now()
    headers = _signed(f"msg_{delivery.id}", started, body, reveal(webhook))
    if event.request_id is not None:  # the request that made the change
        headers["x-request-id"] = event.request_id
    status_code, error = runner.run(
        post(client, webhook.url, body, headers, settings.webhook_timeout_seconds)
    )
    duration = int((clock.now() - started).total_seconds() * 1000)
    with structlog.contextvars.bound_contextvars(request_id=event.request_id):
        return _record(session, claimed, started, duration, status_code, error)


def _record(
    session: Session,
    claimed: Claim,
    started: datetime,
    duration: int,
    status_code: int | None,
    error: str | None,
) -> bool:
    """The attempt, numbered in the row it counts (so no two share a number), and the
    delivery's next state; only under the lease that made it."""
    settings = get_settings()
    delivered = error is None
    db.begin_write(session)
    delivery = session.exec(select(WebhookDelivery).where(_held(claimed)).with_for_update()).first()
    if delivery is None:
        session.rollback()
        log.warning("webhook_lease_lost", delivery=claimed.delivery_id)
        return False
    webhook = session.get(Webhook, delivery.webhook_id, with_for_update=True)
    assert webhook is not None
    delivery.attempts += 1
    session.add(
        WebhookAttempt(
            delivery_id=claimed.delivery_id,
            number=delivery.attempts,
            started_at=started,
            duration_ms=duration,
            status_code=status_code,
            error=error,
        )
    )
    delivery.locked_until = None
    delivery.lease = None
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
    log.info("webhook_attempt", delivery=claimed.delivery_id, status=status_code, error=error)
    return delivered


class _Every:
    """Whether an hour has passed since the last time (the first time: yes). The audit trail
    is pruned by the hour, not on every round: a round must not take SQLite's writer lock
    for what changes once a day."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.last: float | None = None

    def due(self) -> bool:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.seconds:
            return False
        self.last = now
        return True


_PRUNING = _Every(3600)


def run_once(engine: Engine) -> int:
    """Announces due publications, forgets what is past keeping (old events and audit
    entries), then makes one attempt at every due delivery."""
    attempted = 0
    with db.open_session(engine) as session, asyncio.Runner() as runner:
        announce_due(session)
        events.compact(session)
        if _PRUNING.due():
            audit.prune(session)
        client = _client()
        try:
            while claims := claim(session):
                for claimed in claims:
                    deliver(session, claimed, client, runner)
                    attempted += 1
        finally:
            runner.run(client.aclose())
    return attempted


def run(engine: Engine, *, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            busy = run_once(engine)
        except UNAVAILABLE as exc:  # within its bounds (api.core.bounds): wait, try again
            log.warning("worker_database_unavailable", error=str(exc).splitlines()[0][:300])
            busy = 0
        except Exception:  # a worker outlives a bad round: log it, wait, go on
            log.exception("worker_round_failed")
            busy = 0
        if not busy:
            stop.wait(interval)
        else:
            time.sleep(0)
