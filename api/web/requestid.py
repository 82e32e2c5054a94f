"""``X-Request-ID``: every answer carries one. A client's (or a proxy's) id is kept when it is
a plain token of at most 128 characters; otherwise Folio makes one. The id is in every log
line the request causes and in the events it records, so a webhook delivery names the
request that caused it."""

import itertools
import os
import re
import secrets

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.logs import CLIENT_ADDRESS, REQUEST_ID

HEADER = b"x-request-id"
_TOKEN = re.compile(rb"[A-Za-z0-9._:-]{1,128}")


class _Ids:
    """32 hex digits, unique without a system call each: 64 random bits drawn once per
    process (again in a forked child), then a counter. ``uuid4`` reads the kernel's random
    source for every request, which was a twentieth of a cached answer's time."""

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix = secrets.token_hex(8)
        self.counter = itertools.count(secrets.randbits(32))

    def next(self) -> bytes:
        return f"{self.prefix}{next(self.counter) & 0xFFFFFFFFFFFFFFFF:016x}".encode()


_ids = _Ids()


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == HEADER), b"")
        value = given if _TOKEN.fullmatch(given) else _ids.next()
        request_id = value.decode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, value)]
            await send(message)

        token = REQUEST_ID.set(request_id)
        client = scope.get("client")
        address = CLIENT_ADDRESS.set(client[0] if client else None)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            CLIENT_ADDRESS.reset(address)
            REQUEST_ID.reset(token)
