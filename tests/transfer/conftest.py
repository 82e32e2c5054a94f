"""What the transfer tests share: an empty database to import into, and its export."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from api.core.db import make_engine
from api.transfer.export import export_lines
from tests.conftest import Database, copied_database


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Database]:
    """A migrated database with no content, not even the seed."""
    url, drop = copied_database("empty", tmp_path)
    engine = make_engine(url)
    yield Database(url, engine)
    engine.dispose()
    drop()


def export_of(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(export_lines(session))
