"""Counting requests per client against limits written in the ``limits`` notation
(``20/minute``): in this process's memory, or in Redis (``FOLIO_REDIS_URL``) so that every
process and node shares the counts.
"""

import math
import time
from collections.abc import Callable
from typing import TypeVar

import structlog
from limits import RateLimitItem, parse, storage, strategies
from limits.errors import ConfigurationError
from starlette.requests import Request

from api.core.config import Settings
from api.core.errors import TooManyRequests

log = structlog.get_logger(__name__)
T = TypeVar("T")


def parse_limit(value: str) -> RateLimitItem | None:
    """``20/minute`` as a limit; ``off`` (or nothing) as none."""
    if value.strip().lower() in ("", "off", "none"):
        return None
    return parse(value)


class Limiter:
    """Sliding-window counters in shared storage. When the storage cannot be reached (Redis
    down), limits are not enforced rather than refusing every request: logged once per outage."""

    def __init__(self, settings: Settings) -> None:
        uri = settings.redis_url or "memory://"
        try:
            self.storage = storage.storage_from_string(uri, socket_timeout=0.5)
        except ConfigurationError as exc:
            raise ValueError(f"FOLIO_REDIS_URL: {exc}") from exc
        self.strategy = strategies.SlidingWindowCounterRateLimiter(self.storage)
        self.auth_failures = parse_limit(settings.auth_failure_limit)
        self._down_since: float | None = None

    def _safely(self, action: str, call: Callable[[], T]) -> T | None:
        try:
            result = call()
        except Exception as exc:  # the storage's own errors (redis.ConnectionError, ...)
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning("rate_limit_storage_down", action=action, error=str(exc)[:200])
            return None
        self._down_since = None
        return result

    def refuse_when_over(self, item: RateLimitItem | None, *identifiers: str) -> None:
        """429 when ``identifiers`` have used up ``item`` (without counting this request)."""
        if item is None:
            return
        allowed = self._safely("test", lambda: self.strategy.test(item, *identifiers))
        if allowed is False:
            stats = self._safely(
                "stats", lambda: self.strategy.get_window_stats(item, *identifiers)
            )
            reset = getattr(stats, "reset_time", time.time() + item.get_expiry())
            retry_after = max(1, math.ceil(reset - time.time()))
            raise TooManyRequests(
                f"Too many requests from this client; retry in {retry_after} s.",
                retry_after=retry_after,
            )

    def count(self, item: RateLimitItem | None, *identifiers: str) -> None:
        if item is not None:
            self._safely("hit", lambda: self.strategy.hit(item, *identifiers))


def client_address(request: Request) -> str:
    """Who is asking: the peer's address (Uvicorn replaces it with X-Forwarded-For's only for
    the proxies in FOLIO_TRUSTED_PROXIES)."""
    return request.client.host if request.client is not None else "unknown"
