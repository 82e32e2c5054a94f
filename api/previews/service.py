"""Preview links: made for one article by a write key, checked on ``GET
/v1/articles/{ref}?preview=TOKEN``. A token is ``fpv_{prefix}_{secret}`` (``api.core.tokens``,
as API keys are): never stored, so a stolen database reveals none. A token opens its own
article only, until it expires or is revoked."""

from datetime import timedelta

from sqlmodel import Session, col, select

from api.articles.models import Article
from api.core import db, locales, tokens
from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import PreviewLinkNotFound, PreviewNotValid
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
