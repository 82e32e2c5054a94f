"""Settings, read once from the environment (and a ``.env`` file) by pydantic-settings."""

import ipaddress
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import limits
from pydantic import AfterValidator, AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.core.bounds import Bounds

REPO_ROOT = Path(__file__).resolve().parents[2]


def _a_limit(value: str) -> str:
    """``20/minute`` (the ``limits`` notation) or ``off``: checked at start, not at the first
    request."""
    if value.strip().lower() not in ("", "off", "none"):
        try:
            limits.parse(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit ({exc}): write e.g. 100/minute, or off") from exc
    return value


RateLimit = Annotated[str, AfterValidator(_a_limit)]


def _limit(default: str, counted: str) -> Any:
    """A setting that limits what is counted (``counted``), in the ``limits`` notation."""
    return Field(default=default, description=f"{counted} (limits notation, or off).")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOLIO_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./folio.db",
        validation_alias=AliasChoices("DATABASE_URL", "FOLIO_DATABASE_URL"),
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    host: str = Field(default="127.0.0.1", description="Address `folio serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `folio serve` listens on.")
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URL of this API; every `url` and `links` field starts with it,"
        " webhook payloads' included. Unset, it is where FOLIO_HOST and FOLIO_PORT are reached"
        " on this machine, the same for `folio serve`, `folio worker` and every other command.",
    )
    site_url: str | None = Field(
        default=None,
        description="Public website that shows the content: links to roles, articles and"
        " authors go to {site}/roles/{slug} and so on. Unset, they go to the API's own"
        " documents ({base}/v1/roles/{slug}), which exist.",
    )
    site_name: str = Field(default="Folio", max_length=200, description="Title of feeds.")
    publisher_name: str = Field(
        default="Folio", max_length=200, description="schema.org publisher of articles."
    )
    publisher_logo: str | None = Field(default=None, description="URL of the publisher's logo.")
    seeds_dir: Path = Field(default=REPO_ROOT / "seeds", description="Seed documents to load.")
    cors_origins: list[str] = Field(default=["*"], description="Origins allowed by CORS.")
    db_pool_size: int = Field(
        default=10, ge=1, le=200, description="Connections per process (as many may overflow)."
    )
    db_pool_timeout: float = Field(
        default=10.0, gt=0, le=300, description="Seconds a request may wait for a connection."
    )
    db_connect_timeout: int = Field(
        default=3,
        ge=2,
        le=300,
        description="Seconds to open a database connection (and to answer a health ping).",
    )
    db_statement_timeout: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Seconds a database statement may run (PostgreSQL's statement_timeout;"
        " on SQLite, the wait for the writer's lock). A connection still silent a second"
        " later is cut, and its request answered 503.",
    )
    db_hold_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds a request may hold a database connection; it is cut after,"
        " and the request answered 503.",
    )
    ready_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Seconds /readyz waits for the database before it answers 503.",
    )
    cache_max_entries: int = Field(
        default=4096, ge=0, le=1_000_000, description="Rendered responses kept per process."
    )
    cache_max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0, description="Largest total size of those responses."
    )
    log_level: str = Field(default="info")
    opentelemetry: bool = Field(
        default=False,
        description="FastAPI's own OpenTelemetry spans and metrics (for a configured provider).",
    )
    cache_max_age: int = Field(
        default=60, ge=0, le=31_536_000, description="Seconds browsers and CDNs may reuse it."
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="Largest request body."
    )
    secret_key: str | None = Field(
        default=None,
        description="Fernet key encrypting webhook secrets at rest (folio db upgrade makes one).",
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Allow webhook targets in private, loopback or link-local ranges.",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_max_attempts: int = Field(default=8, ge=1, le=30)
    webhook_backoff_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="First retry delay; doubles each time, jittered."
    )
    webhook_disable_after: int = Field(
        default=20, ge=1, le=1000, description="Failed attempts in a row that disable a webhook."
    )
    max_import_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024, description="Largest import."
    )
    event_retention_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Events older than this, superseded by a newer one, are compacted away.",
    )
    keepalive_seconds: int = Field(
        default=5, ge=1, le=600, description="An idle keep-alive connection is closed after it."
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, le=600, description="A request head must arrive whole within it."
    )
    body_timeout_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="A request body must arrive whole within it."
    )
    max_connections: int = Field(
        default=1000, ge=1, le=100_000, description="Connections per worker; 503 beyond."
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://host:6379/0: rate-limit counters shared by every process and node.",
    )
    rate_limit_anonymous: RateLimit = _limit(
        "1200/minute", "Requests per client address without a key"
    )
    rate_limit_key: RateLimit = _limit("6000/minute", "Requests per API key")
    auth_failure_limit: RateLimit = _limit(
        "20/minute", "Failed authentications per client before 429"
    )
    sign_in_limit_account: RateLimit = _limit(
        "10/15 minutes", "Sign-in attempts per account since it last signed in, before it is locked"
    )
    sign_in_limit_address: RateLimit = _limit(
        "50/15 minutes", "Sign-in attempts per client address (successful ones too) before 429"
    )
    argon2_time_cost: int = Field(default=2, ge=1, le=20, description="argon2id passes.")
    argon2_memory_kib: int = Field(
        default=19456, ge=8, le=1024 * 1024, description="argon2id memory (KiB); OWASP: 19 MiB."
    )
    argon2_parallelism: int = Field(default=1, ge=1, le=16, description="argon2id lanes.")
    invitation_hours: int = Field(
        default=72, ge=1, le=24 * 30, description="Hours an invitation or a reset link works."
    )
    session_idle_minutes: int = Field(
        default=120, ge=5, le=24 * 60 * 30, description="A studio session unused this long ends."
    )
    session_hours: int = Field(
        default=24 * 7,
        ge=1,
        le=24 * 90,
        description="A studio session ends this long after sign-in.",
    )
    two_factor_required: bool = Field(
        default=False, description="Admins and editors must set up two-factor sign-in."
    )
    audit_retention_days: int = Field(
        default=365, ge=1, le=36500, description="Audit events older than this are pruned."
    )
    smtp_url: str | None = Field(
        default=None,
        description="smtp://user:password@host:587 (or smtps://): invitations and reset links are"
        " mailed through it; unset, they are only shown to whoever made them.",
    )
    mail_from: str = Field(default="folio@localhost", description="Sender of those mails.")

    metrics_from: list[str] = Field(
        default=["127.0.0.0/8", "::1/128"],
        description="Addresses (networks) that may read /metrics without a key, as Prometheus"
        " scrapes it (JSON list); from elsewhere it takes an admin key.",
    )

    def metrics_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(network, strict=False) for network in self.metrics_from]

    @field_validator("metrics_from")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError: not an address or network
        return value

    trusted_proxies: list[str] = Field(
        default=[],
        description="Addresses whose X-Forwarded-For and X-Forwarded-Proto are believed.",
    )
    preview_ttl: int = Field(
        default=3600,
        ge=60,
        le=30 * 24 * 3600,
        description="Seconds a preview link lasts unless its creation says otherwise.",
    )
    read_database_url: str | None = Field(
        default=None,
        description="A streaming replica of DATABASE_URL (PostgreSQL) that answers anonymous"
        " reads of content whenever it has replayed what they must show.",
    )
    drain_seconds: float = Field(
        default=0.0,
        ge=0,
        le=300,
        description="After SIGTERM, how long /readyz answers 503 (requests are still served)"
        " before the server stops taking connections, finishes those in flight and exits.",
    )
    purge_urls: list[str] = Field(
        default=[],
        description="HTTP caches in front (Varnish, say) that `folio worker` sends a PURGE to"
        " after each change, naming the surrogate keys it changed (JSON list of URLs).",
    )
    purge_interval_seconds: float = Field(
        default=0.2, gt=0, le=60, description="How often `folio worker` looks for changes to purge."
    )
    media_storage: Literal["local", "database"] = Field(
        default="local",
        description="Where asset bytes live: a local directory, or the database (shared).",
    )
    media_dir: Path = Field(default=REPO_ROOT / "media", description="The local directory.")
    max_asset_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024, description="Largest upload."
    )
    max_image_pixels: int = Field(
        default=40_000_000, ge=10_000, le=500_000_000, description="Largest image, in pixels."
    )
    store_representations: bool = Field(
        default=True,
        description="Keep rendered articles, roles and comparisons in the database, for every"
        " process and node (a miss in memory is then one query).",
    )
    stored_queries_max: int = Field(
        default=10_000,
        ge=0,
        le=1_000_000,
        description="How many rendered lists, searches and feeds (one per URL) the database"
        " keeps beside them; the oldest go first. 0 keeps none.",
    )
    require_if_match: bool = Field(
        default=False, description="Refuse PUT, PATCH and DELETE without If-Match (428)."
    )
    embed_origins: list[str] = Field(
        default=["*"],
        description="Who may show a comparison's embed page in a frame: its CSP"
        " frame-ancestors (JSON list of origins; [] for nobody).",
    )
    locales: str = Field(
        default="en",
        max_length=500,
        description="The content's locales, comma-separated, the default first: `en,de,fr`."
        " Content is written in the default; the others are translations.",
    )

    graphql_introspection: bool = Field(
        default=True, description="Whether /graphql answers introspection (GraphiQL needs it)."
    )
    graphql_max_query_bytes: int = Field(
        default=20_000, ge=100, le=1_000_000, description="A longer GraphQL query is refused (413)."
    )
    graphql_max_depth: int = Field(
        default=10, ge=2, le=100, description="Fields within fields a GraphQL query may nest."
    )
    graphql_max_aliases: int = Field(
        default=30, ge=0, le=1_000, description="Aliases a GraphQL query may use."
    )
    graphql_max_cost: int = Field(
        default=10_000,
        ge=10,
        le=1_000_000,
        description="A GraphQL query's cost: a field is 1, once per item under a list's nodes.",
    )
    graphql_max_persisted: int = Field(
        default=10_000,
        ge=0,
        le=10_000_000,
        description="Persisted queries kept; beyond, a new one is answered, not kept.",
    )
    stream_max_per_process: int = Field(
        default=100,
        ge=0,
        le=10_000,
        description="Open change streams a process serves; one more is answered 503.",
    )
    stream_heartbeat_seconds: float = Field(
        default=15.0, gt=0, le=300, description="A quiet change stream sends a comment this often."
    )
    stream_max_seconds: float = Field(
        default=300.0,
        gt=0,
        le=86_400,
        description="A change stream ends after it (the client resumes from its last event).",
    )
    stream_send_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="A change stream whose client takes longer to take an event is closed.",
    )
    watch_poll_seconds: float = Field(
        default=0.05,
        gt=0,
        le=10,
        description="How often a process polls SQLite for what other processes committed"
        " (the workers of one `folio serve` tell each other at once; PostgreSQL tells every"
        " process at once).",
    )
    watch_stale_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="Memory serves nothing while a process's content watcher is further behind"
        " than this (starved of CPU, or waiting on the database): requests are answered from the"
        " database instead, so no answer is older. `folio_cache_watch_lag_seconds` says how far"
        " behind it is.",
    )
    node_dir: Path | None = Field(
        default=None,
        description="Set by `folio serve` for its workers: a directory of what they share on"
        " this node (a count of content commits). Leave it unset.",
    )

    def db_bounds(self, *, hold: bool = False) -> Bounds:
        """The database bounds of a process; ``hold``: a request's (the API's engine)."""
        return Bounds(
            connect=self.db_connect_timeout,
            statement=self.db_statement_timeout,
            hold=self.db_hold_seconds if hold else None,
        )

    @model_validator(mode="after")
    def _base_url_from_address(self) -> "Settings":
        if "base_url" not in self.model_fields_set:
            self.base_url = listening_url(self.host, self.port)
            self.model_fields_set.discard("base_url")  # still not configured, but derived
        return self

    @field_validator("locales")
    @classmethod
    def _locales(cls, value: str) -> str:
        """Language tags (BCP 47: ``de``, ``de-CH``, ``pt-BR``), each once; checked at start."""
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
        if not tags:
            raise ValueError("name at least one locale, the default first: en,de")
        for tag in tags:
            if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}", tag):
                raise ValueError(f"{tag!r} is not a language tag such as de or de-CH")
        if len({tag.lower() for tag in tags}) != len(tags):
            raise ValueError("a locale is named twice")
        return ",".join(tags)


def listening_url(host: str, port: int) -> str:
    """The URL a client on this machine reaches ``host:port`` at (an address that listens on
    every interface is reached on loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
