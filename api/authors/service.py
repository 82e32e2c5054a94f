"""Every query and rule about authors."""

from sqlmodel import Session, select

from api.authors.models import Author
from api.slugs import slugify


def ensure_author(session: Session, *, name: str) -> Author:
    """The author with this name's slug, created when missing (flushed, not committed)."""
    slug = slugify(name)
    author = session.exec(select(Author).where(Author.slug == slug)).first()
    if author is None:
        author = Author(slug=slug, name=name)
        session.add(author)
        session.flush()
    return author
