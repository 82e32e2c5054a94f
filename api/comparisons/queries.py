"""Finding comparisons: one by id or slug, lists with their filters and sorts, and one role
against another across every comparison both are in."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from api import editing
from api.articles.models import Article, ArticleComparison
from api.comparisons.models import (
    DEFAULT_SORT,
    INCLUDES,
    ROW_SORTS,
    SORTS,
    Comparison,
    ComparisonListItem,
    ComparisonListQuery,
    ComparisonRow,
    ComparisonSubject,
    RoleComparison,
    SideBySide,
)
from api.comparisons.output import (
    COLLECTION,
    load_comparisons,
    shown_in,
    status_of,
    subject_rows,
    subjects_by_comparison,
    to_public,
)
from api.core import locales
from api.core.errors import ComparisonNotFound, InvalidParameter
from api.core.urls import resource_url
from api.core.workflow import readable
from api.roles import service as roles_service
from api.roles.models import Role
from api.search import index as search_index
from api.translations import reading
from api.web.filters import Link, by_links, workflow_filters
from api.web.pagination import Page, Sortable, keyset_page, map_page, parse_include
from api.web.refs import ComparisonRef, RoleRef

SORTABLE = Sortable.on(Comparison, SORTS, default=DEFAULT_SORT)


ROW_SORTABLE = Sortable.on(ComparisonRow, ROW_SORTS, default="position")


INCLUDABLE = frozenset(INCLUDES)


FINDER = editing.Reader(Comparison, COLLECTION, ComparisonNotFound, render=to_public)
find_comparison = FINDER.find
get_comparison = FINDER.get


def list_comparisons(
    session: Session,
    *,
    query: ComparisonListQuery,
    preview: bool,
    accept_language: str | None = None,
) -> Page[ComparisonListItem]:
    locale = locales.negotiate(query.locale, accept_language)
    statement = workflow_filters(
        select(Comparison).where(readable(Comparison, preview=preview)),
        Comparison,
        query,
        preview=preview,
    )
    links: dict[str, Link] = {
        "role": (ComparisonSubject, ComparisonSubject.role_id, Role),  # each ?role= once
        "article": (ArticleComparison, ArticleComparison.article_id, Article),
    }
    statement = by_links(statement, Comparison.id, "comparison_id", links, query, preview=preview)
    if query.dimension is not None:
        with_row = select(ComparisonRow.id).where(
            col(ComparisonRow.comparison_id) == Comparison.id,
            func.lower(col(ComparisonRow.dimension)) == query.dimension.strip().lower(),
        )
        statement = statement.where(with_row.exists())
    statement = search_index.narrowed(
        session, statement, COLLECTION, Comparison.id, query.q, locale=locale
    )
    page = keyset_page(session, statement, sortable=SORTABLE, params=query)
    include = parse_include(query.include, INCLUDABLE)
    ids = {c.id for c in page.items if c.id is not None}
    subjects = (
        subjects_by_comparison(
            session,
            subject_rows(session, ids, preview=preview),
            preview=preview,
            whole="roles" in include,
            locale=locale,
        )
        if ids
        else {}
    )
    counts: dict[int, int] = (
        dict(
            session.exec(
                select(ComparisonRow.comparison_id, func.count())
                .where(col(ComparisonRow.comparison_id).in_(ids))
                .group_by(col(ComparisonRow.comparison_id))
            ).all()
        )
        if ids
        else {}
    )

    def convert(items: list[Comparison]) -> list[ComparisonListItem]:
        shown, localized = reading.localize(
            session, items, COLLECTION, locale, preview=preview, apply=shown_in
        )
        return [
            ComparisonListItem.model_validate(
                c,
                update={
                    "status": status_of(c),
                    "subjects": subjects.get(c.id or 0, []),
                    "row_count": counts.get(c.id or 0, 0),
                    "url": resource_url(COLLECTION, c.slug),
                    **localized[c.id or 0].fields(),
                },
            )
            for c in shown
        ]

    return map_page(page, convert)


def compare_roles(session: Session, a: str, b: str, *, preview: bool) -> RoleComparison:
    """Every dimension, across all comparisons, on which both roles have a cell."""
    first = roles_service.find_role(session, a, preview=preview)
    second = roles_service.find_role(session, b, preview=preview)
    if first.id == second.id:
        raise InvalidParameter("b", "compare a role with another role")
    shown = readable(Comparison, preview=preview)
    both = select(Comparison.id).where(
        shown,
        *(
            col(Comparison.id).in_(
                select(ComparisonSubject.comparison_id).where(ComparisonSubject.role_id == role.id)
            )
            for role in (first, second)
        ),
    )
    ids = [i for i in session.exec(both) if i is not None]
    tables = load_comparisons(session, ids, preview=preview)
    dimensions = []
    for table in sorted(tables.values(), key=lambda t: (t.title, t.id)):
        reference = ComparisonRef(id=table.id, slug=table.slug, title=table.title, url=table.url)
        for row in table.rows:
            if first.slug in row.cells and second.slug in row.cells:
                dimensions.append(
                    SideBySide(
                        dimension=row.dimension,
                        comparison=reference,
                        row_id=row.id,
                        cells={
                            first.slug: row.cells[first.slug],
                            second.slug: row.cells[second.slug],
                        },
                    )
                )
    return RoleComparison(roles=[RoleRef.of(first), RoleRef.of(second)], dimensions=dimensions)
