"""The ``folio`` command: database migrations, seeding, and the server."""

import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from cryptography.fernet import Fernet
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from api.audit import service as audit_service
from api.audit.models import AuditQuery
from api.auth import service as auth_service
from api.auth.models import KeyCreate, Scope
from api.core import db
from api.core.clock import clock
from api.core.config import REPO_ROOT, get_settings, listening_url
from api.core.db import make_engine, open_session
from api.core.errors import FolioError, SeedError
from api.people import passwords
from api.people import service as people_service
from api.people.models import UserCreate, UserPatch, UserRole
from api.web import commits

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic and Uvicorn are imported by the commands that use them: every other command (export,
# import, keys, worker) starts half a second sooner without them.

app = typer.Typer(help="Folio, a headless content API.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
users_app = typer.Typer(help="People who sign in to the studio.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


def alembic_config() -> "Config":
    from alembic.config import Config

    return Config(str(REPO_ROOT / "alembic.ini"))


def _seed(directory: Path) -> None:
    from api.seed import load_seeds

    try:
        with _session() as session:
            loaded = load_seeds(session, directory)
    except SeedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"seeded {len(loaded)} new article(s) from {directory}", err=True)


def _ensure_secret_key() -> None:
    """Writes a FOLIO_SECRET_KEY to .env when none is configured, so webhooks work out of the
    box; every process and node of an install must then share it."""
    if get_settings().secret_key:
        return
    env = Path(".env")
    key = Fernet.generate_key().decode()
    with env.open("a", encoding="utf-8") as out:
        out.write(f"FOLIO_SECRET_KEY={key}\n")
    env.chmod(0o600)
    get_settings.cache_clear()
    typer.echo(
        f"wrote a new FOLIO_SECRET_KEY to {env.resolve()} (keep it; share it between nodes)",
        err=True,
    )


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Do not load the seeds.")] = False,
) -> None:
    """Migrate the database to REVISION, then load the seeds that are not there yet."""
    from alembic import command

    _ensure_secret_key()
    command.upgrade(alembic_config(), revision)
    if not no_seed:
        _seed(get_settings().seeds_dir)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision.")]) -> None:
    """Migrate the database down to REVISION (``base`` empties it)."""
    from alembic import command

    command.downgrade(alembic_config(), revision)


@contextmanager
def _schema_current() -> Iterator[None]:
    """A table that is not there means a database not migrated yet: say so in one line."""
    try:
        yield
    except (ProgrammingError, OperationalError) as exc:
        text = str(exc.orig)
        if "no such table" not in text and "does not exist" not in text:
            raise
        typer.echo(
            f"error: the database has no such table ({text.splitlines()[0]}):"
            " run `folio db upgrade` first",
            err=True,
        )
        raise typer.Exit(1) from exc


@contextmanager
def _session() -> Iterator[Session]:
    # An export reads whole tables, an import writes many rows: no statement bound here.
    settings = get_settings()
    engine = make_engine(
        settings.database_url, bounds=replace(settings.db_bounds(), statement=None)
    )
    try:
        with _schema_current(), open_session(engine) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _failing() -> Iterator[None]:
    """A problem a service raised, as one line on stderr and exit status 1."""
    try:
        yield
    except FolioError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from exc


Model = TypeVar("Model", bound=BaseModel)


def _valid(model: type[Model], **values: object) -> Model:
    """``values`` as ``model``, or the first thing wrong with them and exit status 2."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        typer.echo(f"error: {'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
        raise typer.Exit(2) from exc


def _password(email: str) -> str:
    """A new password: asked twice at a terminal, else the first line of standard input. Never
    an argument (it would stay in the shell's history and in the process list)."""
    if sys.stdin.isatty():
        password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    reason = passwords.problem(password, email)
    if reason is not None:
        typer.echo(f"error: password: {reason}", err=True)
        raise typer.Exit(2)
    return password


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Their email; they sign in with it.")],
    name: Annotated[str, typer.Option(help="Their name, as the studio and the trail show it.")],
    role: Annotated[UserRole, typer.Option(help="What they may do.")],
    author: Annotated[
        int | None, typer.Option(help="The id of the author whose byline they sign.")
    ] = None,
) -> None:
    """Create a person with a password, read from a prompt (or standard input when it is not a
    terminal). The first admin is made so; the first admin takes every key that had nobody."""
    data = _valid(UserCreate, email=email, name=name, role=role, author_id=author)
    password = _password(data.email)
    with _session() as session, _failing():
        db.begin_write(session)
        user = people_service.create_user(session, data, password=password)
        session.commit()
        typer.echo(f"created {user.role} {user.email} (id {user.id})", err=True)


@users_app.command("list")
def users_list() -> None:
    """List people: email, name, role, state, last sign-in."""
    with _session() as session:
        for user in people_service.all_users(session):
            state = "disabled" if user.disabled else "active"
            seen = f"{user.last_sign_in_at:%Y-%m-%d %H:%M}" if user.last_sign_in_at else "never"
            typer.echo(f"{user.email}\t{user.name}\t{user.role}\t{state}\tsigned in {seen}")


@users_app.command("change")
def users_change(
    email: Annotated[str, typer.Argument(help="Their email.")],
    role: Annotated[UserRole | None, typer.Option(help="A new role.")] = None,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    disabled: Annotated[
        bool | None, typer.Option("--disable/--enable", help="Stop or restore their access.")
    ] = None,
) -> None:
    """Change a person's role, name or state; a new role or state ends their sessions."""
    values = {"role": role, "name": name, "disabled": disabled}
    data = _valid(UserPatch, **{k: v for k, v in values.items() if v is not None})
    with _session() as session, _failing():
        user = people_service.change_user(
            session, people_service.find_user(session, email).id or 0, data, by=None
        )
        typer.echo(f"{user.email}: {user.role}, {'disabled' if user.disabled else 'active'}")


@users_app.command("reset-password")
def users_reset_password(email: Annotated[str, typer.Argument(help="Their email.")]) -> None:
    """Print a single-use link by which the person chooses a new password (mailed to them too
    when FOLIO_SMTP_URL is set). No mail server is needed: give them the link."""
    with _session() as session, _failing():
        link = people_service.reset_link(session, people_service.find_user(session, email), by=None)
    typer.echo(f"expires {link.expires_at:%Y-%m-%d %H:%M} UTC", err=True)
    typer.echo(link.url)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 50,
    action: Annotated[str | None, typer.Option(help="Only this action.")] = None,
    user: Annotated[str | None, typer.Option(help="Only this person's acts (email).")] = None,
) -> None:
    """Print the newest events of the audit trail, one a line (tab-separated)."""
    with _session() as session, _failing():
        user_id = people_service.find_user(session, user).id if user else None
        query = _valid(AuditQuery, limit=min(limit, 100), action=action, user_id=user_id)
        printed = 0
        while printed < limit:
            page = audit_service.list_entries(session, query)
            for entry in page.items[: limit - printed]:
                who = entry.actor.user_email or entry.actor.key_name or entry.actor.kind
                thing = f"{entry.object.type}/{entry.object.id}" if entry.object else "-"
                typer.echo(
                    f"{entry.at:%Y-%m-%dT%H:%M:%SZ}\t{entry.action}\t{who}\t{thing}"
                    f"\t{entry.address or '-'}\t{entry.request_id or '-'}"
                )
                printed += 1
            if page.next_cursor is None:
                break
            query = query.model_copy(update={"cursor": page.next_cursor})


@audit_app.command("prune")
def audit_prune() -> None:
    """Delete the audit events older than FOLIO_AUDIT_RETENTION_DAYS (the worker does it hourly)."""
    with _session() as session:
        typer.echo(f"pruned {audit_service.prune(session)} audit event(s)", err=True)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")],
    scope: Annotated[Scope, typer.Option(help="read: previews; write: content; admin: all.")],
    expires: Annotated[
        int | None, typer.Option(help="Days until it stops working (default: never).")
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Email of the person it belongs to (default: first admin).")
    ] = None,
) -> None:
    """Create an API key and print its token, once: only a hash of it is kept. It belongs to
    --user (default: the first admin) and never does more than they may."""
    with _session() as session, _failing():
        owner = people_service.find_user(session, user).id if user else None
        data = _valid(KeyCreate, name=name, scope=scope, expires_in_days=expires, user_id=owner)
        created = auth_service.create_key(session, data)
    typer.echo(
        f"created {created.scope} key {created.name!r}"
        + (f", expiring {created.expires_at:%Y-%m-%d}" if created.expires_at else "")
        + ". Its token follows; it will not be shown again.",
        err=True,
    )
    typer.echo(created.token)


@keys_app.command("list")
def keys_list() -> None:
    """List API keys (never their tokens)."""
    with _session() as session:
        now = clock.now()
        for key in auth_service.all_keys(session):
            state = "active"
            if key.revoked_at is not None:
                state = "revoked"
            elif key.expires_at is not None and key.expires_at <= now:
                state = "expired"
            expires = f"{key.expires_at:%Y-%m-%d}" if key.expires_at else "never"
            typer.echo(f"{key.name}\t{key.scope}\t{key.prefix}\t{state}\texpires {expires}")


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke an API key: it stops working at once."""
    with _session() as session, _failing():
        auth_service.revoke_key(session, name)
    typer.echo(f"revoked {name!r}", err=True)


@app.command()
def seed(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Folder of seed pages (default: seeds/).")
    ] = None,
) -> None:
    """Load the seed pages that are not in the database yet."""
    _seed(directory or get_settings().seeds_dir)


@app.command("export")
def export(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write: FILE.ndjson (content only), FILE.tar (content and asset "
            "bytes), or a directory (content.ndjson and assets/). Default, or -: NDJSON on "
            "standard output.",
        ),
    ] = None,
) -> None:
    """Write every article, author, tag, asset, role, comparison, revision and old slug as
    NDJSON; an archive (a tar or a directory) holds the assets' bytes too."""
    from api.assets.storage import make_storage
    from api.transfer.export import export_archive, export_directory, export_lines

    storage = make_storage(get_settings())
    with _session() as session:
        if out is None or str(out) == "-":
            for line in export_lines(session):
                typer.echo(line)
            return
        if out.suffix.lower() == ".tar":
            with out.open("wb") as handle:
                export_archive(session, storage, handle)
        elif out.is_dir() or not out.suffix:
            export_directory(session, storage, out)
        else:
            with out.open("w", encoding="utf-8") as handle:
                for line in export_lines(session):
                    handle.write(line + "\n")
    typer.echo(f"exported to {out}", err=True)


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(help="An export (.ndjson, .tar or a directory) or Markdown files."),
    ],
    merge: Annotated[
        bool, typer.Option("--merge", help="Upsert by slug into a database with content.")
    ] = False,
) -> None:
    """Load an export into an empty database (made by folio db upgrade --no-seed), or
    Markdown files with YAML front matter; a bad file is refused whole, naming the line."""
    import tarfile

    from api.transfer.markdown import import_markdown
    from api.transfer.service import import_archive, import_directory, import_lines

    with _session() as session:
        for path in files:
            try:
                if path.suffix.lower() in (".md", ".markdown"):
                    text = path.read_text(encoding="utf-8")
                    article = import_markdown(session, text, merge=merge, source=path.name)
                    typer.echo(f"{path.name}: article {article.slug}", err=True)
                    continue
                if path.is_dir():
                    counts = import_directory(session, path, merge=merge)
                elif tarfile.is_tarfile(path):
                    with path.open("rb") as archive:
                        counts = import_archive(session, archive, merge=merge, source=path.name)
                else:
                    with path.open(encoding="utf-8") as handle:
                        counts = import_lines(session, handle, merge=merge, source=path.name)
                summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items()))
                typer.echo(f"{path.name}: {summary or 'nothing'}", err=True)
            except FolioError as exc:
                typer.echo(f"error: {exc.detail}", err=True)
                raise typer.Exit(1) from exc


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between rounds when idle.")] = 1.0,
) -> None:
    """Deliver webhooks, announce scheduled publications and purge the HTTP caches in front
    (FOLIO_PURGE_URLS); run one or more, on any node."""
    from api.purge import service as purge
    from api.webhooks.worker import run, run_once

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if once:
            purged = purge.run_once(engine)
            typer.echo(f"{run_once(engine)} delivery attempt(s), {purged} purge(s)", err=True)
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        purging = threading.Thread(
            target=purge.run,
            args=(engine,),
            kwargs={"interval": settings.purge_interval_seconds, "stop": stop},
            daemon=True,
        )
        if settings.purge_urls:
            purging.start()
        try:
            run(engine, interval=interval, stop=stop)
        except KeyboardInterrupt:
            stop.set()
        if purging.is_alive():
            purging.join(timeout=10)
    finally:
        engine.dispose()


@app.command()
def warm(
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Articles rendered at a time.")] = 200,
) -> None:
    """Render every public article that has no stored representation yet (after a bulk import,
    say), so that no reader pays for the first render."""
    from api.warm import warm_articles

    engine = make_engine(get_settings().database_url)
    try:
        with _schema_current():
            stored = warm_articles(engine, batch=batch)
    finally:
        engine.dispose()
    typer.echo(f"stored {stored} article(s)", err=True)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: FOLIO_HOST, 127.0.0.1].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: FOLIO_PORT, 8000].")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Serve the API with Uvicorn."""
    from api.web.server import raise_open_file_limit

    settings = get_settings()
    host = settings.host if host is None else host
    port = settings.port if port is None else port
    if "base_url" not in settings.model_fields_set:
        # Links name the address served (its workers read it from the environment), not the
        # default port. `folio worker` reads FOLIO_HOST and FOLIO_PORT (or FOLIO_BASE_URL,
        # behind a proxy) to agree with it; the address on this command line is this one's.
        os.environ["FOLIO_BASE_URL"] = listening_url(host, port)
        get_settings.cache_clear()
    raise_open_file_limit()
    # Metrics in prometheus_client's multiprocess mode: each worker writes its numbers to
    # files in this directory, and a scrape that any worker answers reads them all. Set
    # before the app (and prometheus_client) is imported, in this process and the workers.
    made = [node := Path(tempfile.mkdtemp(prefix="folio-node-"))]
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        made.append(metrics := Path(tempfile.mkdtemp(prefix="folio-metrics-")))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    # What the workers share besides: the count of content commits (``api.web.commits``).
    commits.make(node)
    os.environ["FOLIO_NODE_DIR"] = str(node)
    get_settings.cache_clear()
    try:
        _run(host, port, workers, access_log)
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def _run(host: str, port: int, workers: int, access_log: bool) -> None:
    import uvicorn

    from api.web.server import GuardedHttpProtocol, log_config

    settings = get_settings()
    uvicorn.run(
        "api.main:app",
        host=host,
        port=port,
        workers=workers,
        http=GuardedHttpProtocol,
        timeout_keep_alive=settings.keepalive_seconds,
        limit_concurrency=settings.max_connections,
        access_log=access_log,
        log_config=log_config(),
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        server_header=False,
        log_level=settings.log_level,
        # How long a worker may leave the supervisor's ping unanswered before it is killed and
        # started again. Uvicorn's 5 s is shorter than a worker takes to import the app on a
        # machine whose cores are busy, and each restart then starts that import over.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


WORKER_HEALTHCHECK_SECONDS = 30


if __name__ == "__main__":
    app()
