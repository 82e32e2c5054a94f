"""The ``folio`` command: database migrations, seeding, and the server."""

from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from alembic import command
from alembic.config import Config

from api.config import REPO_ROOT, get_settings
from api.db import make_engine, open_session
from api.errors import SeedError

app = typer.Typer(help="Folio, a headless content API.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def alembic_config() -> Config:
    return Config(str(REPO_ROOT / "alembic.ini"))


def _seed(directory: Path) -> None:
    from api.seed import load_seeds

    engine = make_engine(get_settings().database_url)
    try:
        with open_session(engine) as session:
            loaded = load_seeds(session, directory)
    except SeedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(f"seeded {len(loaded)} new article(s) from {directory}", err=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Do not load the seeds.")] = False,
) -> None:
    """Migrate the database to REVISION, then load the seeds that are not there yet."""
    command.upgrade(alembic_config(), revision)
    if not no_seed:
        _seed(get_settings().seeds_dir)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision.")]) -> None:
    """Migrate the database down to REVISION (``base`` empties it)."""
    command.downgrade(alembic_config(), revision)


@app.command()
def seed(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Folder of seed pages (default: seeds/).")
    ] = None,
) -> None:
    """Load the seed pages that are not in the database yet."""
    _seed(directory or get_settings().seeds_dir)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Serve the API with Uvicorn."""
    uvicorn.run(
        "api.main:app",
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        proxy_headers=True,
        server_header=False,
        log_level=get_settings().log_level,
    )


if __name__ == "__main__":
    app()
