"""A comparison as readers get it: its subjects, rows and cells, in a locale, one or many in
a few queries."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from api.comparisons.models import (
    CellPublic,
    Comparison,
    ComparisonCell,
    ComparisonPublic,
    ComparisonRow,
    ComparisonSubject,
    RowPublic,
)
from api.core import kinds, locales
from api.core.clock import clock
from api.core.urls import resource_url
from api.core.workflow import Status, effective_status, readable
from api.roles import service as roles_service
from api.roles.models import Role
from api.translations import reading
from api.translations.models import Translation
from api.web.refs import RoleRef

COLLECTION = kinds.COMPARISON.collection


def subject_rows(
    session: Session, ids: set[int], *, preview: bool
) -> list[tuple[ComparisonSubject, Role]]:
    """Each comparison's subjects with their roles, in column order, those the reader may see
    (a role that is not public is no column of a public table). Every subject row is loaded,
    the hidden ones' too (their role left out by an outer join): so the answer depends on each
    subject's role (``role:N``), and showing a hidden role again reaches it."""
    found = session.exec(
        select(ComparisonSubject, Role)
        .outerjoin(
            Role, and_(col(Role.id) == ComparisonSubject.role_id, readable(Role, preview=preview))
        )
        .where(col(ComparisonSubject.comparison_id).in_(ids))
        .order_by(col(ComparisonSubject.comparison_id), col(ComparisonSubject.position))
    ).all()
    return [(subject, role) for subject, role in found if role is not None]


def subjects_by_comparison(
    session: Session,
    rows: list[tuple[ComparisonSubject, Role]],
    *,
    preview: bool,
    whole: bool = False,
    locale: str | None = None,
) -> dict[int, list[Any]]:
    """Each comparison's subject roles (``subject_rows``): refs, or list items when
    ``whole``, as ``locale`` shows them (each role's name and slug in it, its cells keyed by
    that slug)."""
    grouped: dict[int, list[Role]] = defaultdict(list)
    for subject, role in rows:
        grouped[subject.comparison_id].append(role)
    if not whole:
        collection = roles_service.COLLECTION
        return reading.refs_as_shown(
            session, grouped, collection, RoleRef, locale, preview=preview, fields=["name"]
        )
    roles = list({role.id: role for _, role in rows}.values())
    items = roles_service.list_items(session, roles, preview=preview, locale=locale)
    forms = {role.id: item for role, item in zip(roles, items, strict=True)}
    return defaultdict(list, {i: [forms[role.id] for role in v] for i, v in grouped.items()})


def status_of(comparison: Comparison) -> Status:
    return effective_status(comparison.status, comparison.published_at, clock.now())


def load_comparisons(
    session: Session,
    ids: Iterable[int],
    *,
    preview: bool,
    whole_roles: bool = False,
    locale: str | None = None,
) -> dict[int, ComparisonPublic]:
    """Whole comparisons by id, those the reader may see (``readable``), in a few queries
    however many are asked for; the ids of the others are missing from the answer."""
    wanted = set(ids)
    if not wanted:
        return {}
    comparisons = session.exec(
        select(Comparison).where(
            col(Comparison.id).in_(wanted), readable(Comparison, preview=preview)
        )
    ).all()
    return _tables(session, comparisons, preview=preview, whole_roles=whole_roles, locale=locale)


# What a translation of a comparison says, in place of its own (and its rows' words).
TRANSLATED = kinds.COMPARISON.field_names(translated=True)


def shown_in(comparison: Comparison, translation: Translation) -> Comparison:
    """``comparison`` in ``translation``'s words, slug and workflow (a copy, never written)."""
    copy: Comparison = reading.translated_copy(comparison, translation, TRANSLATED)
    return copy


def _row_words(translations: Iterable[Translation]) -> dict[int, dict[str, Any]]:
    """Each translated row's words by row id: its dimension and its cells' text by role slug."""
    return {
        int(row["id"]): row
        for translation in translations
        for row in translation.content.get("rows", [])
    }


def _tables(
    session: Session,
    comparisons: Sequence[Comparison],
    *,
    preview: bool,
    whole_roles: bool,
    locale: str | None = None,
) -> dict[int, ComparisonPublic]:
    """``comparisons`` whole (subjects, rows, cells), with the subjects the reader may see,
    in ``locale`` (the default's) along its fallback chain."""
    wanted = {c.id for c in comparisons if c.id is not None}
    if not wanted:
        return {}
    applied: dict[int, Translation] = {}

    def apply(comparison: Comparison, translation: Translation) -> Comparison:
        applied[translation.resource_id] = translation
        return shown_in(comparison, translation)

    comparisons, localized = reading.localize(
        session, comparisons, COLLECTION, locale or locales.default(), preview=preview, apply=apply
    )
    words = _row_words(applied.values())
    pairs = subject_rows(session, wanted, preview=preview)
    subjects = subjects_by_comparison(
        session, pairs, preview=preview, whole=whole_roles, locale=locale
    )
    # A translation keys its cells by each role's own slug; a column, by the slug it shows.
    own_slugs = {role.id: role.slug for _, role in pairs}
    rows = session.exec(
        select(ComparisonRow)
        .where(col(ComparisonRow.comparison_id).in_(wanted))
        .order_by(
            col(ComparisonRow.comparison_id), col(ComparisonRow.position), col(ComparisonRow.id)
        )
    ).all()
    cells = session.exec(
        select(ComparisonCell).where(col(ComparisonCell.comparison_id).in_(wanted))
    ).all()
    slug_of = {ref.id: ref.slug for refs in subjects.values() for ref in refs}
    cells_by_row: dict[int, dict[int, ComparisonCell]] = defaultdict(dict)
    for cell in cells:
        cells_by_row[cell.row_id][cell.role_id] = cell
    rows_by_comparison: dict[int, list[RowPublic]] = defaultdict(list)
    for row in rows:
        assert row.id is not None
        by_role = cells_by_row[row.id]
        said = words.get(row.id, {})
        texts = said.get("cells", {})
        rows_by_comparison[row.comparison_id].append(
            RowPublic(
                id=row.id,
                position=row.position,
                dimension=said.get("dimension") or row.dimension,
                cells={
                    slug_of[ref.id]: CellPublic(
                        text=texts.get(own_slugs.get(ref.id, "")) or by_role[ref.id].text,
                        note=by_role[ref.id].note,
                        source_url=by_role[ref.id].source_url,
                    )
                    for ref in subjects[row.comparison_id]
                    if ref.id in by_role
                },
            )
        )
    return {
        c.id: ComparisonPublic.model_validate(
            c,
            update={
                "status": status_of(c),
                "subjects": subjects[c.id],
                "rows": rows_by_comparison[c.id],
                "url": resource_url(COLLECTION, c.slug),
                **localized[c.id].fields(),
            },
        )
        for c in comparisons
        if c.id is not None
    }


def to_public(
    session: Session,
    comparison: Comparison,
    *,
    preview: bool = True,
    include: frozenset[str] = frozenset(),
    locale: str | None = None,
) -> ComparisonPublic:
    """The comparison as a reader sees it (its writers, by default: ``preview``)."""
    assert comparison.id is not None
    tables = _tables(
        session, [comparison], preview=preview, whole_roles="roles" in include, locale=locale
    )
    return tables[comparison.id]


def public_many(
    session: Session, rows: Sequence[Comparison], *, preview: bool, locale: str | None = None
) -> list[ComparisonPublic]:
    ids = [r.id for r in rows if r.id is not None]
    tables = load_comparisons(session, ids, preview=preview, locale=locale)
    return [tables[r.id] for r in rows if r.id in tables]
