"""Every query and rule about roles."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api import editing
from api.articles.models import Article, ArticleRole
from api.assets import service as assets_service
from api.comparisons.models import Comparison, ComparisonSubject
from api.core import kinds, locales
from api.core.clock import clock
from api.core.errors import InvalidBody, RoleNotFound
from api.core.slugs import slugify
from api.core.workflow import Status, not_trashed, readable, shown_fields, used_by, visible
from api.roles.models import (
    DEFAULT_SORT,
    SORTS,
    Role,
    RoleInput,
    RoleListItem,
    RoleListQuery,
    RolePublic,
)
from api.search import index as search_index
from api.translations import reading
from api.translations.models import RoleTranslationInput, Translation
from api.web.filters import Link, by_links, workflow_filters
from api.web.pagination import Page, Sortable, keyset_page, map_page
from api.web.refs import ArticleRef, ComparisonRef, RoleRef

COLLECTION = kinds.ROLE.collection
SORTABLE = Sortable.on(Role, SORTS, default=DEFAULT_SORT)


def refs_by_id(
    session: Session, ids: Iterable[int], *, preview: bool, locale: str | None = None
) -> dict[int, RoleRef]:
    """References to the roles the reader may see among ``ids``, as ``locale`` shows them;
    the others are missing."""
    wanted = set(ids)
    if not wanted:
        return {}
    roles = session.exec(
        select(Role).where(col(Role.id).in_(wanted), readable(Role, preview=preview))
    ).all()
    shown = reading.as_shown(session, roles, COLLECTION, locale, preview=preview, fields=["name"])
    return {ref.id: ref for ref in map(RoleRef.of, shown)}


def visible_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """The public roles among ``ids``."""
    wanted = set(ids)
    if not wanted:
        return set()
    return {
        i
        for i in session.exec(
            select(Role.id).where(col(Role.id).in_(wanted), readable(Role, preview=False))
        )
        if i is not None
    }


# What a translation of a role says, in place of the role's own.
TRANSLATED = kinds.ROLE.field_names(translated=True)


def shown_in(role: Role, translation: Translation) -> Role:
    """``role`` in ``translation``'s words, slug and workflow (a copy, never written)."""
    copy: Role = reading.translated_copy(role, translation, TRANSLATED)
    return copy


def list_items(
    session: Session, roles: Sequence[Role], *, preview: bool, locale: str | None = None
) -> list[RoleListItem]:
    """Roles as list items in ``locale`` (the default's), their covers and translations read
    in one query each whatever their number."""
    roles, localized = reading.localize(
        session, roles, COLLECTION, locale or locales.default(), preview=preview, apply=shown_in
    )
    covers = assets_service.images_by_id(
        session, {r.cover_asset_id for r in roles if r.cover_asset_id is not None}
    )
    now = clock.now()
    return [
        RoleListItem.model_validate(
            role,
            update={
                **shown_fields(COLLECTION, role, now),
                "cover": covers.get(role.cover_asset_id) if role.cover_asset_id else None,
                **localized[role.id or 0].fields(),
            },
        )
        for role in roles
    ]


def list_roles(
    session: Session, *, query: RoleListQuery, preview: bool, accept_language: str | None = None
) -> Page[RoleListItem]:
    locale = locales.negotiate(query.locale, accept_language)
    statement = workflow_filters(
        select(Role).where(readable(Role, preview=preview)), Role, query, preview=preview
    )
    links: dict[str, Link] = {
        "comparison": (ComparisonSubject, ComparisonSubject.comparison_id, Comparison),
        "article": (ArticleRole, ArticleRole.article_id, Article),
    }
    statement = by_links(
        statement, Role.id, "role_id", links, query, preview=preview, cover=Role.cover_asset_id
    )
    statement = search_index.narrowed(
        session, statement, COLLECTION, Role.id, query.q, locale=locale
    )
    page = keyset_page(session, statement, sortable=SORTABLE, params=query)
    return map_page(page, lambda roles: list_items(session, roles, preview=preview, locale=locale))


def to_public(
    session: Session,
    role: Role,
    *,
    preview: bool = True,
    include: frozenset[str] = frozenset(),  # a role page embeds nothing more on request
    locale: str | None = None,
) -> RolePublic:
    """A role page: the role, the comparisons it is a subject of, the articles that mention it."""
    (page,) = to_public_many(session, [role], preview=preview, locale=locale)
    return page


FINDER = editing.Reader(Role, COLLECTION, RoleNotFound, render=to_public)
find_role = FINDER.find
get_role = FINDER.get


def to_public_many(
    session: Session, roles: Sequence[Role], *, preview: bool, locale: str | None = None
) -> list[RolePublic]:
    """Role pages for many roles in a few queries, whatever their number."""
    now = clock.now()
    ids = [r.id for r in roles]
    comparisons: dict[int, list[Comparison]] = defaultdict(list)
    for role_id, comparison in session.exec(
        select(ComparisonSubject.role_id, Comparison)
        .join(Comparison, col(Comparison.id) == ComparisonSubject.comparison_id)
        .where(
            col(ComparisonSubject.role_id).in_(ids),
            readable(Comparison, preview=preview),
        )
        .order_by(col(Comparison.title), col(Comparison.id))
    ):
        comparisons[role_id].append(comparison)
    articles: dict[int, list[Article]] = defaultdict(list)
    for role_id, article in session.exec(
        select(ArticleRole.role_id, Article)
        .join(Article, col(Article.id) == ArticleRole.article_id)
        .where(col(ArticleRole.role_id).in_(ids), visible(Article, now))
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
    ):
        articles[role_id].append(article)
    # Each named as the locale shows it: its translated title, its page in that locale.
    comparison_refs = reading.refs_as_shown(
        session,
        comparisons,
        "comparisons",
        ComparisonRef,
        locale,
        preview=preview,
        fields=["title"],
    )
    article_refs = reading.refs_as_shown(
        session, articles, "articles", ArticleRef, locale, preview=preview, fields=["title"]
    )
    return [
        RolePublic.model_validate(
            item,
            update={
                "comparisons": comparison_refs[role.id or 0],
                "articles": article_refs[role.id or 0],
            },
        )
        for role, item in zip(
            roles, list_items(session, roles, preview=preview, locale=locale), strict=True
        )
    ]


def document(role: Role) -> dict[str, Any]:
    """The role as a ``RoleInput``: what PATCH merges into, what a revision keeps."""
    return {
        "slug": role.slug,
        **kinds.ROLE.values(role),
        **editing.workflow_document(role),
        "cover": role.cover_asset_id,
    }


KIND = editing.Kind(
    COLLECTION,
    find=lambda session, ref, lock: find_role(session, ref, preview=True, for_update=lock),
    public=to_public,
    document=lambda _session, role: document(role),
)


def _apply(session: Session, role: Role, data: RoleInput) -> None:
    editing.take_slug(session, COLLECTION, role, data)
    kinds.ROLE.assign(role, data)
    role.aliases = list(dict.fromkeys(data.aliases))  # each other name once
    if data.cover is not None and not assets_service.existing_ids(session, [data.cover]):
        raise InvalidBody.at(["body", "cover"], f"no asset with id {data.cover}")
    role.cover_asset_id = data.cover
    editing.apply_workflow(role, data.status, data.publish_at)


def referrers(session: Session, role_id: int) -> list[str]:
    subject, mention = ComparisonSubject, ArticleRole
    return used_by(
        session,
        Comparison,
        "comparisons",
        subject,
        subject.comparison_id,
        col(subject.role_id) == role_id,
    ) + used_by(
        session, Article, "articles", mention, mention.article_id, col(mention.role_id) == role_id
    )


WRITES = editing.Writes(
    KIND,
    RoleInput,
    Role,
    apply=lambda session, role, data, _key: _apply(session, role, data),
    # Refused while a comparison or an article uses it.
    used_by=lambda session, role: referrers(session, role.id or 0),
)
create_role, update_role, restore_role = WRITES.create, WRITES.update, WRITES.restore
delete_role = WRITES.delete


def find_role_by_name(session: Session, name: str) -> Role | None:
    return session.exec(select(Role).where(Role.slug == slugify(name))).first()


def ensure_role(session: Session, *, name: str, definition: str, published_at: datetime) -> Role:
    """The role named so, created published with this definition when missing (flushed)."""
    role = find_role_by_name(session, name)
    if role is None:
        role = Role(slug=slugify(name), name=name, definition=definition)
        editing.apply_workflow(role, Status.published, published_at)
        session.add(role)
        session.flush()
        editing.record_created(session, role, KIND, None)
    return role


def add_alias(session: Session, role: Role, alias: str) -> None:
    if alias != role.name and alias not in role.aliases:
        role.aliases = [*role.aliases, alias]
        session.add(role)
        session.flush()


def name_matches(name: str, phrase: str) -> bool:
    """Whether ``phrase`` names the role ``name``, spelling out its acronyms or not.

    "fractional Chief AI Officer" names "Fractional CAIO": case aside, each word matches, and
    an all-caps word of the name may stand for several words of the phrase whose initials (or,
    for all-caps words, whole letters) spell it.
    """

    def match(words: list[str], spoken: list[str]) -> bool:
        if not words:
            return not spoken
        word, rest = words[0], words[1:]
        if spoken and spoken[0].casefold() == word.casefold() and match(rest, spoken[1:]):
            return True
        if len(word) > 1 and word.isupper():
            spelled = ""
            for k, part in enumerate(spoken, start=1):
                spelled += part if part.isupper() else part[:1].upper()
                if spelled == word and match(rest, spoken[k:]):
                    return True
                if not word.startswith(spelled):
                    break
        return False

    return match(name.split(), phrase.split())


def resolve_role_name(session: Session, phrase: str) -> Role | None:
    """The role a phrase names: by slug, name or known alias, or by spelling out an acronym."""
    roles = session.exec(select(Role).where(not_trashed(Role)).order_by(col(Role.id))).all()
    folded = phrase.casefold()
    for role in roles:
        if folded in (role.slug, role.name.casefold(), *(a.casefold() for a in role.aliases)):
            return role
    return next((role for role in roles if name_matches(role.name, phrase)), None)


def _search_text(_session: Session, role: Role) -> tuple[str, str]:
    return role.name, "\n".join([*role.aliases, role.definition])


# Translations: what a translation keeps, and its search document.


def _role_content(session: Session, _role: Any, data: RoleTranslationInput) -> dict[str, Any]:
    return kinds.ROLE.values(data, translated=True)


def _role_search(session: Session, role: Any, translation: Translation) -> tuple[str, str]:
    return _search_text(session, shown_in(role, translation))


# Its translations: their input and public shapes, what one keeps, and its search document.
reading.TRANSLATABLE.register(
    kinds.ROLE,
    reading.Translatable(kinds.ROLE, RoleTranslationInput, _role_content, _role_search),
)


search_index.EXTRACTORS.register(kinds.ROLE, _search_text)
READS = editing.Reads(RolePublic, RoleListItem, RoleListQuery, get_role, list_roles)
editing.ROOMS.register(kinds.ROLE, WRITES.room(READS, to_public_many, RoleNotFound))
