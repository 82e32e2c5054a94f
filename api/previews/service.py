"""Preview links: made for one article by a write key, checked on ``GET
/v1/articles/{ref}?preview=TOKEN``. A token is ``fpv_{prefix}_{secret}`` (``api.core.tokens``,
as API keys are): never stored, so a stolen database reveals none. A token opens its own
article only, until it expires or is revoked."""

from datetime import timedelta

from sqlmodel import Session, col, select

from api.articles import service as articles
from api.articles.models import Article, ArticlePublic
from api.core import db, locales, tokens
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import ArticleNotFound, PreviewLinkNotFound, PreviewNotValid
from api.core.urls import api_url
from api.people import rules
from api.previews.models import (
    PreviewLink,
    PreviewLinkCreate,
    PreviewLinkCreated,
    PreviewLinkPublic,
)
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page

TOKEN_PREFIX = "fpv_"


def to_public(link: PreviewLink) -> PreviewLinkPublic:
    return PreviewLinkPublic.model_validate(link, from_attributes=True)


def create(
    session: Session, article: Article, data: PreviewLinkCreate, *, key: rules.Caller
) -> PreviewLinkCreated:
    rules.require_owner(key, "articles", article, "share previews of")
    locale = locales.parse_locale(data.locale) if data.locale is not None else None
    if locale == locales.default():
        locale = None
    db.begin_write(session)
    assert article.id is not None
    made = tokens.make(TOKEN_PREFIX)
    now = clock.now()
    seconds = data.expires_in_seconds or get_settings().preview_ttl
    link = PreviewLink(
        article_id=article.id,
        prefix=made.prefix,
        token_hash=made.token_hash,
        created_by=rules.name_of(key),
        created_at=now,
        expires_at=now + timedelta(seconds=seconds),
        locale=locale,
    )
    session.add(link)
    session.commit()
    in_locale = f"locale={locale}&" if locale is not None else ""
    return PreviewLinkCreated(
        **to_public(link).model_dump(),
        token=made.token,
        url=api_url(f"/v1/articles/{article.id}?{in_locale}preview={made.token}"),
    )


_NEWEST = Sortable({"created_at": col(PreviewLink.created_at)}, "-created_at", col(PreviewLink.id))


def list_links(session: Session, article: Article, params: PageParams) -> Page[PreviewLinkPublic]:
    """The article's preview links, newest first (never their tokens)."""
    statement = select(PreviewLink).where(PreviewLink.article_id == article.id)
    page = keyset_page(session, statement, sortable=_NEWEST, params=params.list_params())
    return map_page(page, lambda rows: [to_public(link) for link in rows])


def revoke(
    session: Session, article: Article, link_id: int, *, key: rules.Caller = None
) -> PreviewLinkPublic:
    """Revokes a link of the article: it stops working at once and is kept, for the record."""
    rules.require_owner(key, "articles", article, "revoke previews of")
    db.begin_write(session)
    link = session.get(PreviewLink, link_id)
    if link is None or link.article_id != article.id:
        raise PreviewLinkNotFound(f"No preview link {link_id} of article {article.id}.")
    tokens.revoke(session, link, clock.now())
    return to_public(link)


def check(session: Session, token: str) -> PreviewLink:
    """The live link ``token`` is, or ``PreviewNotValid``; never says which part was wrong."""
    invalid = PreviewNotValid("The preview link is unknown, revoked or expired.")
    link = tokens.find(session, PreviewLink, TOKEN_PREFIX, token)
    if link is None or link.revoked_at is not None or link.expires_at <= clock.now():
        raise invalid
    return link


def read_article(
    session: Session,
    ref: str,
    *,
    preview: bool,
    token: str | None,
    include: frozenset[str] = frozenset(),
    locale: str | None = None,
    accept_language: str | None = None,
) -> tuple[ArticlePublic, bool]:
    """An article as its reader may see it: public only, or as it is now with a key
    (``preview``) or a preview link's ``token``, which opens its own article only, in its own
    locale only. Returns the article and whether it was seen as a preview (not for caches)."""
    link = check(session, token) if token is not None else None
    if link is not None:  # a link opens its locale only (the default's, unless it names one)
        asked = locale
        locale = link.locale or locales.default()
        if asked is not None and locales.canonical(asked) != locale:
            raise ArticleNotFound(f"No article with id or slug {ref!r} in {asked}.")
    seen_as_preview = preview or link is not None
    article = articles.get_article(
        session,
        ref,
        preview=seen_as_preview,
        include=include,
        locale=locale,
        accept_language=accept_language,
    )
    if link is not None and link.article_id != article.id:  # a link opens its article only
        raise ArticleNotFound(f"No article with id or slug {ref!r}.")
    return article, seen_as_preview
