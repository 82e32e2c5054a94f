"""Small builders for test data, written through the services like real content."""

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlmodel import Session

from api.articles import service as articles_service
from api.articles.models import Article, ArticleStatus, Block, ParagraphBlock
from api.authors import service as authors_service

_serial = count(1)


def make_article(
    session: Session,
    *,
    title: str | None = None,
    status: ArticleStatus = ArticleStatus.published,
    published_at: datetime | None = None,
    blocks: list[Block] | None = None,
    summary: str = "A summary.",
) -> Article:
    n = next(_serial)
    title = title or f"Generated article {n}"
    return articles_service.create_article(
        session,
        slug=f"generated-article-{n}-{abs(hash(title)) % 10_000}",
        title=title,
        kicker="",
        category="Test",
        reading_time_minutes=3,
        author=authors_service.ensure_author(session, name="Test Author"),
        status=status,
        published_at=published_at or datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n),
        summary=summary,
        blocks=blocks if blocks is not None else [ParagraphBlock(text=f"Body of {title}.")],
    )
