"""Every query and rule about roles."""

from collections.abc import Iterable

from sqlmodel import Session, select

from api.articles.models import Article, ArticleRole, ArticleStatus
from api.comparisons.models import Comparison, ComparisonSubject
from api.errors import RoleNotFound
from api.pagination import ListParams, Page, SortKey, keyset_page, map_page
from api.refs import ArticleRef, ComparisonRef, RoleRef
from api.roles.models import Role, RoleListItem, RolePublic
from api.slugs import ref_filter, slugify
from api.urls import resource_url

ROLE_ORDER = (SortKey(Role.name), SortKey(Role.id))  # type: ignore[arg-type]


def get_role_or_raise(session: Session, ref: str) -> Role:
    condition = ref_filter(Role.id, Role.slug, ref)
    role = session.exec(select(Role).where(condition)).first()
    if role is None:
        raise RoleNotFound(f"No role with id or slug {ref!r}.")
    return role


def to_ref(role: Role) -> RoleRef:
    assert role.id is not None
    return RoleRef(id=role.id, slug=role.slug, name=role.name, url=resource_url("roles", role.slug))


def refs_by_id(session: Session, ids: Iterable[int]) -> dict[int, RoleRef]:
    wanted = set(ids)
    if not wanted:
        return {}
    roles = session.exec(select(Role).where(Role.id.in_(wanted))).all()  # type: ignore[union-attr]
    return {role.id: to_ref(role) for role in roles if role.id is not None}


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
        .join(ComparisonSubject, ComparisonSubject.comparison_id == Comparison.id)  # type: ignore[arg-type]
        .where(ComparisonSubject.role_id == role.id)
        .order_by(Comparison.title, Comparison.id)  # type: ignore[arg-type]
    ).all()
    articles = session.exec(
        select(Article)
        .join(ArticleRole, ArticleRole.article_id == Article.id)  # type: ignore[arg-type]
        .where(ArticleRole.role_id == role.id, Article.status == ArticleStatus.published)
        .order_by(Article.published_at.desc(), Article.id.desc())  # type: ignore[union-attr]
    ).all()
    return RolePublic.model_validate(
        role,
        update={
            "url": resource_url("roles", role.slug),
            "comparisons": [
                ComparisonRef(
                    id=c.id, slug=c.slug, title=c.title, url=resource_url("comparisons", c.slug)
                )
                for c in comparisons
            ],
            "articles": [
                ArticleRef(
                    id=a.id,
                    slug=a.slug,
                    title=a.title,
                    published_at=a.published_at,
                    url=resource_url("articles", a.slug),
                )
                for a in articles
            ],
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
    roles = session.exec(select(Role).order_by(Role.id)).all()  # type: ignore[arg-type]
    folded = phrase.casefold()
    for role in roles:
        if role.name.casefold() == folded or folded in (a.casefold() for a in role.aliases):
            return role
    return next((role for role in roles if name_matches(role.name, phrase)), None)
