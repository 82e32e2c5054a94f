"""Structured logs (structlog): JSON lines when not on a terminal, readable lines when on one."""

import logging
import sys
from contextvars import ContextVar

import structlog

# The id of the request being answered (``X-Request-ID``): in every log line it causes (bound
# in structlog's context vars too), and in the events it records, so that the webhook
# deliveries of a change carry the id of the request that made it.
REQUEST_ID: ContextVar[str | None] = ContextVar("folio_request_id", default=None)
# The address of the client of that request (a proxy's client's, once the proxy is trusted):
# the audit trail records it with every act.
CLIENT_ADDRESS: ContextVar[str | None] = ContextVar("folio_client_address", default=None)


def configure_logging(level: str = "info") -> None:
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer()
        if sys.stderr.isatty()
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
