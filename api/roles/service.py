"""Every query and rule about roles."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from api.articles.models import Article, ArticleRole, ArticleStatus
from api.comparisons.models import Comparison, ComparisonSubject
from api.errors import RoleNotFound
from api.pagination import ListParams, Page, SortKey, keyset_page, map_page
from api.refs import ArticleRef, ComparisonRef, RoleRef
from api.roles.models import Role, RoleListItem, RolePublic
from api.slugs import ref_filter, slugify
from api.urls import resource_url

ROLE_ORDER = (SortKey(col(Role.name)), SortKey(col(Role.id)))


def get_role_or_raise(session: Session, ref: str) -> Role:
    condition = ref_filter(Role.id, Role.slug, ref)
    role = session.exec(select(Role).where(condition)).first()
    if role is None:
        raise RoleNotFound(f"No role with id or slug {ref!r}.")
    return role


def refs_by_id(session: Session, ids: Iterable[int]) -> dict[int, RoleRef]:
    wanted = set(ids)
    if not wanted:
        return {}
    roles = session.exec(select(Role).where(col(Role.id).in_(wanted))).all()
    return {ref.id: ref for ref in map(RoleRef.of, roles)}


def to_list_item(role: Role) -> RoleListItem:
    return RoleListItem.model_validate(role, update={"url": resource_url("roles", role.slug)})


def list_roles(session: Session, *, params: ListParams) -> Page[RoleListItem]:
    page = keyset_page(session, select(Role), keys=ROLE_ORDER, sort="name", params=params)
    return map_page(page, lambda roles: [to_list_item(role) for role in roles])


def get_role(session: Session, ref: str) -> RolePublic:
    """A role page: the role, the comparisons it is a subject of, the articles that mention it."""
    role = get_role_or_raise(session, ref)
    comparisons = session.exec(
        select(Comparison)
        .join(ComparisonSubject, col(ComparisonSubject.comparison_id) == Comparison.id)
        .where(ComparisonSubject.role_id == role.id)
        .order_by(col(Comparison.title), col(Comparison.id))
    ).all()
    articles = session.exec(
        select(Article)
        .join(ArticleRole, col(ArticleRole.article_id) == Article.id)
        .where(ArticleRole.role_id == role.id, col(Article.status) == ArticleStatus.published)
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
    ).all()
    return RolePublic.model_validate(
        role,
        update={
            "url": resource_url("roles", role.slug),
            "comparisons": [ComparisonRef.of(c) for c in comparisons],
            "articles": [ArticleRef.of(a) for a in articles],
        },
    )


def find_role_by_name(session: Session, name: str) -> Role | None:
    return session.exec(select(Role).where(Role.slug == slugify(name))).first()


def ensure_role(session: Session, *, name: str, definition: str) -> Role:
    """The role named so, created with this definition when missing (flushed, not committed)."""
    role = find_role_by_name(session, name)
    if role is None:
        role = Role(slug=slugify(name), name=name, definition=definition)
        session.add(role)
        session.flush()
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
    """The role a phrase names: by name, by a known alias, or by spelling out an acronym."""
    roles = session.exec(select(Role).order_by(col(Role.id))).all()
    folded = phrase.casefold()
    for role in roles:
        if role.name.casefold() == folded or folded in (a.casefold() for a in role.aliases):
            return role
    return next((role for role in roles if name_matches(role.name, phrase)), None)
