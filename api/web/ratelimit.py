"""Counting requests per client against limits written in the ``limits`` notation
(``20/minute``): in this process's memory, or in Redis (``FOLIO_REDIS_URL``) so that every
process and node shares the counts.
"""

import hashlib
import math
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import structlog
from limits import RateLimitItem, parse, storage, strategies
from limits.aio import storage as aio_storage
from limits.aio import strategies as aio_strategies
from limits.errors import ConfigurationError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.config import Settings
from api.core.errors import TooManyRequests, problem_response

log = structlog.get_logger(__name__)
T = TypeVar("T")


def parse_limit(value: str) -> RateLimitItem | None:
    """``20/minute`` as a limit; ``off`` (or nothing) as none."""
    if value.strip().lower() in ("", "off", "none"):
        return None
    return parse(value)


class Limiter:
    """Counts of failed keys and sign-in attempts over a moving window, in shared storage:
    exact at every moment (an approximated window lets one attempt more through at a
    window's turn, and these limits are small). When the storage cannot be reached (Redis
    down), each process counts on its own until it answers again (logged once per outage): a
    guesser who can make Redis fail must still not get unlimited tries."""

    def __init__(self, settings: Settings) -> None:
        uri = settings.redis_url or "memory://"
        try:
            self.storage = storage.storage_from_string(uri, socket_timeout=0.5)
        except ConfigurationError as exc:
            raise ValueError(f"FOLIO_REDIS_URL: {exc}") from exc
        self.strategy = strategies.MovingWindowRateLimiter(self.storage)
        self.local = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.auth_failures = parse_limit(settings.auth_failure_limit)
        # Failed sign-ins to the studio, per account (the email as typed, in lower case:
        # unknown ones too) and per client address.
        self.sign_in_account = parse_limit(settings.sign_in_limit_account)
        self.sign_in_address = parse_limit(settings.sign_in_limit_address)
        self._down_since: float | None = None

    def _counted(self, call: Callable[[strategies.RateLimiter], T]) -> T:
        """``call`` on the shared counters, or on this process's while they do not answer."""
        try:
            result = call(self.strategy)
        except Exception as exc:  # the storage's own errors (redis.ConnectionError, ...)
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning("rate_limit_storage_down", error=str(exc)[:200])
            return call(self.local)
        self._down_since = None
        return result

    def refuse_when_over(self, item: RateLimitItem | None, *identifiers: str) -> None:
        """429 when ``identifiers`` have used up ``item`` (without counting this request)."""
        if item is None:
            return
        if not self._counted(lambda counters: counters.test(item, *identifiers)):
            raise self._refusal(item, identifiers)

    def _refusal(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> TooManyRequests:
        stats = self._counted(lambda counters: counters.get_window_stats(item, *identifiers))
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return TooManyRequests(
            f"Too many requests from this client; retry in {retry_after} s.",
            retry_after=retry_after,
        )

    def count(self, item: RateLimitItem | None, *identifiers: str) -> None:
        if item is not None:
            self._counted(lambda counters: counters.hit(item, *identifiers))

    def take(self, *limits: tuple[RateLimitItem | None, tuple[str, ...]]) -> None:
        """Counts one attempt against each of ``limits`` before the attempt's work runs, 429
        when any is used up (an exhausted one first, so that it costs none of the others). A
        count taken after the work (a password's hash) would let every attempt that started
        before the first one ended through: a burst of concurrent guesses, or one at a
        window's turn, would get as many tries as the server has threads."""
        for item, identifiers in limits:
            self.refuse_when_over(item, *identifiers)
        for item, identifiers in limits:
            if item is None:
                continue
            if not self._counted(partial(_hit, item=item, identifiers=identifiers)):
                raise self._refusal(item, identifiers)  # another attempt took the last one

    def clear(self, item: RateLimitItem | None, *identifiers: str) -> None:
        if item is not None:
            self._counted(lambda counters: counters.clear(item, *identifiers))


def _hit(
    counters: strategies.RateLimiter, *, item: RateLimitItem, identifiers: tuple[str, ...]
) -> bool:
    return counters.hit(item, *identifiers)


def client_address(request: Request) -> str:
    """Who is asking: the peer's address (Uvicorn replaces it with X-Forwarded-For's only for
    the proxies in FOLIO_TRUSTED_PROXIES)."""
    return request.client.host if request.client is not None else "unknown"


# Operations endpoints a monitor polls: never limited.
UNLIMITED = frozenset({"/healthz", "/readyz", "/metrics"})


class RateLimitMiddleware:
    """Requests per client per window (``FOLIO_RATE_LIMIT_ANONYMOUS`` per address,
    ``FOLIO_RATE_LIMIT_KEY`` per API key, in the ``limits`` notation), counted before the
    response cache so cached answers count too, in memory or in Redis (``FOLIO_REDIS_URL``,
    shared by every process and node). Every answer says where its client stands, in the IETF
    draft's fields (``RateLimit-Policy: "anonymous";q=1200;w=60``, ``RateLimit:
    "anonymous";r=1187;t=42``); past the limit, 429 with ``Retry-After``. When the storage does
    not answer, requests are not limited (logged once per outage).

    A key is known by its token's public prefix, unchecked here (``api.auth`` checks it, and
    limits failed checks per address): counting costs no database round trip."""

    def __init__(self, app: ASGIApp, limits: "RequestLimits") -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.limits.answer(self.app, scope, receive, send)


class RequestLimits:
    """The limits, their storage and its outage state (``RateLimitMiddleware``); made with
    the app, closed with it. In memory the counts are kept by the synchronous storage (no I/O,
    and no event loop of its own to outlive); in Redis by the asynchronous one, so that
    counting never blocks the event loop (its client belongs to that loop)."""

    def __init__(self, settings: Settings) -> None:
        self.anonymous = parse_limit(settings.rate_limit_anonymous)
        self.key = parse_limit(settings.rate_limit_key)
        self.storage: aio_storage.Storage | None = None
        self.memory = strategies.SlidingWindowCounterRateLimiter(storage.MemoryStorage())
        if settings.redis_url:
            try:
                made = storage.storage_from_string(
                    f"async+{settings.redis_url}", implementation="redispy", socket_timeout=0.5
                )
            except ConfigurationError as exc:
                raise ValueError(f"FOLIO_REDIS_URL: {exc}") from exc
            assert isinstance(made, aio_storage.Storage)
            self.storage = made
        self.strategy = (
            aio_strategies.SlidingWindowCounterRateLimiter(self.storage) if self.storage else None
        )
        self._down_since: float | None = None

    async def close(self) -> None:
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()

    async def _count(self, item: RateLimitItem, *identifiers: str) -> tuple[bool, Any]:
        if self.strategy is None:
            allowed = self.memory.hit(item, *identifiers)
            return allowed, self.memory.get_window_stats(item, *identifiers)
        allowed = await self.strategy.hit(item, *identifiers)
        return allowed, await self.strategy.get_window_stats(item, *identifiers)

    async def answer(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED:
            await app(scope, receive, send)
            return
        policy, item, who = self._who(scope)
        if item is None:
            await app(scope, receive, send)
            return
        try:
            allowed, stats = await self._count(item, policy, who)
        except Exception as exc:  # the storage's own errors (redis.ConnectionError, ...)
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning("rate_limit_storage_down", error=str(exc)[:200])
            await app(scope, receive, send)
            return
        self._down_since = None
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        fields = [
            (b"ratelimit-policy", f'"{policy}";q={item.amount};w={item.get_expiry()}'.encode()),
            (b"ratelimit", f'"{policy}";r={stats.remaining};t={reset}'.encode()),
        ]
        if not allowed:
            refusal = problem_response(
                429,
                TooManyRequests.title,
                f"More than {item.amount} requests in {item.get_expiry()} s from this"
                f" {'address' if policy == 'anonymous' else policy}; retry in {reset} s.",
                instance=scope["path"],
                type_=f"urn:folio:problem:{TooManyRequests.code}",
                headers={"Retry-After": str(reset), "Cache-Control": "private, no-store"},
            )
            refusal.raw_headers.extend(fields)
            await refusal(scope, receive, send)
            return

        async def send_with_fields(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *fields]
            await send(message)

        await app(scope, receive, send_with_fields)

    def _who(self, scope: Scope) -> tuple[str, RateLimitItem | None, str]:
        studio = scope["path"].startswith("/studio")
        for name, value in scope["headers"]:
            if name == b"authorization":
                prefix = _KEY_PREFIX.match(value)
                if prefix is not None:
                    return "key", self.key, prefix.group(1).decode()
            elif name == b"cookie" and studio:
                # A person in the studio (autosave, the preview as they type) is counted by
                # their session, as a key is, not with everyone behind their address; by a
                # hash of the token (no secret is kept in the counters' store), unchecked
                # here as a key's prefix is (the studio checks it, and sends a stranger to
                # sign in).
                found = _SESSION.search(value)
                if found is not None:
                    return "session", self.key, hashlib.sha256(found.group(1)).hexdigest()[:24]
        client = scope.get("client")
        return "anonymous", self.anonymous, client[0] if client else "unknown"


_KEY_PREFIX = re.compile(rb"Bearer folio_([A-Za-z0-9]{1,16})_", re.IGNORECASE)
SESSION_COOKIE = "folio_session"  # the studio's session cookie (``__Host-`` over HTTPS)
_SESSION = re.compile(rb"(?:^|;)\s*(?:__Host-)?" + SESSION_COOKIE.encode() + rb"=([^;\s]{16,512})")
