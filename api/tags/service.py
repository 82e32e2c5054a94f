"""Every query and rule about tags (see ``api.labels``)."""

from sqlmodel import Session, col, select

from api.articles.models import Article, ArticleTag
from api.errors import TagNotFound
from api.labels import Labels
from api.tags.models import Tag
from api.workflow import not_trashed


def _used_by(session: Session, tag_id: int) -> list[str]:
    slugs = session.exec(
        select(Article.slug)
        .join(ArticleTag, col(ArticleTag.article_id) == Article.id)
        .where(ArticleTag.tag_id == tag_id, not_trashed(Article))
    ).all()
    return [f"articles/{slug}" for slug in slugs]


tags = Labels(Tag, "tags", TagNotFound, _used_by)
