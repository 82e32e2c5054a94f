"""Every query and rule about authors (see ``api.labels``)."""

from sqlmodel import Session, select

from api.articles.models import Article
from api.authors.models import Author
from api.errors import AuthorNotFound
from api.labels import Labels
from api.workflow import not_trashed


def _used_by(session: Session, author_id: int) -> list[str]:
    slugs = session.exec(
        select(Article.slug).where(Article.author_id == author_id, not_trashed(Article))
    ).all()
    return [f"articles/{slug}" for slug in slugs]


authors = Labels(Author, "authors", AuthorNotFound, _used_by)
