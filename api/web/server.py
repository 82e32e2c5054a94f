"""How ``folio serve`` runs Uvicorn: limits on connections, and access logs without secrets.

Uvicorn closes an idle keep-alive connection only once it has answered on it, and puts no time
or size limit on a request head: a client that connects and sends nothing, or drips its
headers a byte at a time (slowloris), holds a connection and a file descriptor for ever, and a
few thousand of them starve everyone else. ``GuardedHttpProtocol`` adds those limits to
Uvicorn's own protocol. It is written here because Uvicorn has no setting for them; behind
HAProxy or nginx the same limits are theirs (``timeout http-request``, ``client_header_timeout``).
"""

import asyncio
import logging
import re
import resource
import signal
import threading
from asyncio import TimerHandle, Transport
from collections.abc import Callable
from copy import deepcopy
from http import HTTPStatus
from types import FrameType
from typing import Any

import orjson
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.core.config import get_settings

MAX_HEAD_BYTES = 64 * 1024  # request line and headers; larger is a 431


class CoalescingTransport:
    """A transport whose writes in one turn of the event loop go out as one write.

    Uvicorn writes a response's status line and headers, then its body, each with a write of
    its own: two system calls and two TCP segments for every answer, where the body is ready
    at once (a cached answer, any response of one piece). Held until the end of the turn (or
    until ``LIMIT`` bytes are held), they leave in one. Written here because Uvicorn has no
    setting for it. Everything else is the wrapped transport's; closing sends what is held
    first."""

    LIMIT = 64 * 1024  # past this, held bytes go at once: flow control sees them as before

    def __init__(self, transport: Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)
        self._size += len(data)
        if self._size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if not self._held:
            return
        held, self._held, self._size = self._held, [], 0
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedHttpProtocol(HttpToolsProtocol):
    """Uvicorn's HTTP/1.1 protocol, with a deadline for every request head: from when the
    connection opens, or the previous answer was sent, until the head has arrived whole; and
    each answer written at once (``CoalescingTransport``)."""

    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]
        coalescing = CoalescingTransport(transport, self.loop)
        super().connection_made(coalescing)  # type: ignore[arg-type]
        self._head_timer: TimerHandle | None = None
        self._head_bytes = 0
        self._awaiting_head = True
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        awaiting = self._awaiting_head
        super().data_received(data)
        if awaiting and self._awaiting_head and not self.transport.is_closing():
            self._head_bytes += len(data)  # still no whole head: all of it was head
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request head is too large."
                )

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._awaiting_head, self._head_bytes = True, 0
            self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        timeout = get_settings().header_timeout_seconds
        self._head_timer = self.loop.call_later(timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        busy = self.pipeline or (self.cycle is not None and not self.cycle.response_complete)
        if self.transport.is_closing() or busy or not self._awaiting_head:
            return
        if self._head_bytes:
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, "The request head did not arrive in time.")
        else:
            self.transport.close()  # idle: nothing to answer (RFC 9112 §9.5)

    def _refuse(self, status: HTTPStatus, detail: str) -> None:
        body = orjson.dumps(
            {
                "type": "about:blank",
                "title": status.phrase,
                "status": status.value,
                "detail": detail,
            }
        )
        head = (
            f"HTTP/1.1 {status.value} {status.phrase}\r\n"
            "content-type: application/problem+json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.transport.close()


# Query parameters whose values must never reach a log, and API keys wherever they appear.
_SECRET_PARAMETER = re.compile(
    r"([?&][^=&#\s]*(?:token|key|secret|password|auth|preview|signature)[^=&#\s]*=)[^&#\s\"]*",
    re.IGNORECASE,
)
_API_KEY = re.compile(r"folio_[A-Za-z0-9]+_[A-Za-z0-9_-]+")


def redact(text: str) -> str:
    return _API_KEY.sub("folio_[redacted]", _SECRET_PARAMETER.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """Takes secrets out of Uvicorn's access log lines (their request line holds the query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict[str, Any]:
    config = deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": f"{__name__}.RedactSecrets"}}
    config["handlers"]["access"]["filters"] = ["redact"]
    return config


def raise_open_file_limit() -> None:
    """Every connection is a file descriptor: allow as many as the system lets this process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def drain_on_sigterm(
    state: Any,
    seconds: float,
    loop: asyncio.AbstractEventLoop,
    on_stop: Callable[[], None] = lambda: None,
) -> Callable[[], None]:
    """A graceful stop behind a load balancer: on SIGTERM, ``state.draining`` becomes true
    (``/readyz`` answers 503 and the balancer's health check takes the node out) while every
    request is still served; ``seconds`` later, Uvicorn's own handler stops taking
    connections, finishes those in flight and exits. A second SIGTERM stops at once. On
    SIGTERM and SIGINT alike, ``on_stop`` is called on the loop at once: what never finishes
    by itself (a change stream) ends then, and its client resumes elsewhere. Returns what
    puts Uvicorn's handlers back. Nothing to do outside the main thread (a test client)."""
    state.draining = False
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    if not all(callable(handler) for handler in previous.values()):
        return lambda: None

    def stopping(signum: int, frame: FrameType | None) -> None:
        handler: Any = previous[signal.Signals(signum)]
        again = state.draining
        state.draining = True
        loop.call_soon_threadsafe(on_stop)
        if again or signum != signal.SIGTERM or seconds <= 0:
            handler(signum, frame)
        else:
            loop.call_soon_threadsafe(loop.call_later, seconds, handler, signum, frame)

    for sig in previous:
        signal.signal(sig, stopping)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
