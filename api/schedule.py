"""When content changes by the clock alone: the next scheduled publication."""

from datetime import datetime

from sqlalchemy import func, union_all
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from api.articles.models import Article
from api.clock import clock
from api.comparisons.models import Comparison
from api.roles.models import Role
from api.workflow import Status


def next_publication(engine: Engine) -> datetime | None:
    """The earliest time a scheduled article, role or comparison becomes public, if any."""
    now = clock.now()
    parts = [
        sql_select(func.min(model.published_at).label("at")).where(
            col(model.status) == Status.scheduled,
            col(model.published_at) > now,
            col(model.deleted_at).is_(None),
        )
        for model in (Article, Role, Comparison)
    ]
    times = union_all(*parts).subquery()
    with Session(engine) as session:
        earliest = session.execute(sql_select(func.min(times.c.at))).scalar()
    if earliest is None:
        return None
    if isinstance(earliest, str):  # SQLite's MIN() over a union loses the column type
        earliest = datetime.fromisoformat(earliest)
    return earliest if earliest.tzinfo else earliest.replace(tzinfo=now.tzinfo)
