"""Importing an article written in Markdown with YAML front matter."""

from datetime import UTC, date, datetime, time
from typing import Any

import frontmatter
import yaml
from pydantic import ValidationError
from sqlmodel import Session

from api.articles import service as articles_service
from api.articles.models import Article, ArticleInput
from api.auth.models import ApiKey
from api.core import db, kinds
from api.core.errors import FolioError, ImportFailed, InvalidBody
from api.core.slugs import slugify
from api.labels.service import authors, tags
from api.roles import service as roles_service
from api.transfer.service import reason

# The article's own fields that front matter may set (``kinds.Field.front_matter``), and what
# it names the article's links and workflow by.
FIELDS = tuple(f.name for f in kinds.ARTICLE.fields if f.front_matter)
FRONT_MATTER = {*FIELDS, "slug", "author", "date", "tags", "roles", "status"}


def import_markdown(
    session: Session, content: str, *, merge: bool, source: str, by: ApiKey | None = None
) -> Article:
    """One article from Markdown with front matter (its fields that ``FRONT_MATTER`` lists,
    slug, author, date, tags, roles and status); a GFM table becomes a comparison of the roles
    its header names. Authors, tags and roles named and missing are created. ``by`` is the key
    that imports it (its revision and the audit trail name it; the command line has none)."""
    try:
        post = frontmatter.loads(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ImportFailed(source, line, f"front matter: {getattr(exc, 'problem', exc)}") from exc
    meta = dict(post.metadata)

    def line_of(key: str) -> int:
        for number, text_line in enumerate(content.splitlines(), start=1):
            if text_line.startswith(f"{key}:"):
                return number
        return 1

    unknown = set(meta) - FRONT_MATTER
    if unknown:
        key = sorted(unknown)[0]
        raise ImportFailed(source, line_of(key), f"unknown front matter field {key!r}")
    if not isinstance(meta.get("title"), str):
        raise ImportFailed(source, 1, "front matter needs a title")
    db.begin_write(session)
    try:
        author = None
        if meta.get("author"):
            author = authors.ensure(session, name=str(meta["author"]))
        tag_slugs = [tags.ensure(session, name=str(name)).slug for name in _names(meta, "tags")]
        for name in _names(meta, "roles"):
            if roles_service.resolve_role_name(session, str(name)) is None:
                roles_service.ensure_role(
                    session, name=str(name), definition="", published_at=_when(None)
                )
        published = meta.get("date")
        status = meta.get("status") or ("published" if published is not None else "draft")
        data = {
            **{name: meta.get(name) for name in FIELDS},
            "slug": meta.get("slug"),
            "author": author.slug if author else None,
            "tags": tag_slugs,
            "status": status,
            "publish_at": _when(published) if published is not None else None,
            "body_markdown": post.content,
        }
        try:
            article_input = ArticleInput.model_validate(
                {k: v for k, v in data.items() if v is not None}
            )
        except ValidationError as exc:
            key = str(exc.errors()[0]["loc"][0])
            raise ImportFailed(
                source, line_of(key if key != "publish_at" else "date"), reason(exc)
            ) from exc
        slug = article_input.slug or slugify(article_input.title)
        existing = articles_service.find_by_slug(session, slug)
        try:
            if existing is not None:
                if not merge:
                    raise ImportFailed(
                        source, line_of("title"), f"an article {slug!r} exists already"
                    )
                session.commit()
                return articles_service.update_article(
                    session, slug, data=article_input, key=by, if_match=None, action="import"
                )
            article = articles_service.create_article(session, article_input, key=by)
        except FolioError as exc:
            if isinstance(exc, ImportFailed):
                raise
            if isinstance(exc, InvalidBody) and exc.markdown_line is not None:
                # The body's line, counted in the file: after the front matter.
                start = content.count("\n", 0, content.rfind(post.content)) if post.content else 0
                why = exc.errors[0]["msg"] if exc.errors else exc.detail
                raise ImportFailed(source, start + exc.markdown_line, why) from exc
            raise ImportFailed(source, line_of("title"), exc.detail) from exc
        session.commit()
        return article
    except BaseException:
        session.rollback()
        raise


def _names(meta: dict[str, Any], key: str) -> list[str]:
    value = meta.get(key) or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _when(value: Any) -> datetime:
    if value is None:
        return datetime(2000, 1, 1, tzinfo=UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
