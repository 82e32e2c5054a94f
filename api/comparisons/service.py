"""Every query and rule about comparisons."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.comparisons.models import (
    CellPublic,
    Comparison,
    ComparisonCell,
    ComparisonListItem,
    ComparisonPublic,
    ComparisonRow,
    ComparisonSubject,
    RowPublic,
)
from api.errors import ComparisonNotFound
from api.pagination import ListParams, Page, SortKey, keyset_page, map_page
from api.refs import RoleRef
from api.roles.models import Role
from api.slugs import ref_filter
from api.urls import resource_url

COMPARISON_ORDER = (SortKey(col(Comparison.title)), SortKey(col(Comparison.id)))


def get_comparison_or_raise(session: Session, ref: str) -> Comparison:
    condition = ref_filter(Comparison.id, Comparison.slug, ref)
    comparison = session.exec(select(Comparison).where(condition)).first()
    if comparison is None:
        raise ComparisonNotFound(f"No comparison with id or slug {ref!r}.")
    return comparison


def _subjects_by_comparison(session: Session, ids: set[int]) -> dict[int, list[RoleRef]]:
    subjects: dict[int, list[RoleRef]] = defaultdict(list)
    rows = session.exec(
        select(ComparisonSubject, Role)
        .join(Role, col(Role.id) == ComparisonSubject.role_id)
        .where(col(ComparisonSubject.comparison_id).in_(ids))
        .order_by(col(ComparisonSubject.comparison_id), col(ComparisonSubject.position))
    ).all()
    for subject, role in rows:
        subjects[subject.comparison_id].append(RoleRef.of(role))
    return subjects


def load_comparisons(session: Session, ids: Iterable[int]) -> dict[int, ComparisonPublic]:
    """Whole comparisons by id, in four queries however many are asked for."""
    wanted = set(ids)
    if not wanted:
        return {}
    comparisons = session.exec(select(Comparison).where(col(Comparison.id).in_(wanted))).all()
    subjects = _subjects_by_comparison(session, wanted)
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
        order = [ref.id for ref in subjects[row.comparison_id]]
        rows_by_comparison[row.comparison_id].append(
            RowPublic(
                id=row.id,
                position=row.position,
                dimension=row.dimension,
                cells={
                    slug_of[role_id]: CellPublic(
                        text=by_role[role_id].text,
                        note=by_role[role_id].note,
                        source_url=by_role[role_id].source_url,
                    )
                    for role_id in order
                    if role_id in by_role
                },
            )
        )
    return {
        c.id: ComparisonPublic.model_validate(
            c,
            update={
                "subjects": subjects[c.id],
                "rows": rows_by_comparison[c.id],
                "url": resource_url("comparisons", c.slug),
            },
        )
        for c in comparisons
        if c.id is not None
    }


def get_comparison(session: Session, ref: str) -> ComparisonPublic:
    comparison = get_comparison_or_raise(session, ref)
    assert comparison.id is not None
    return load_comparisons(session, [comparison.id])[comparison.id]


def list_comparisons(session: Session, *, params: ListParams) -> Page[ComparisonListItem]:
    page = keyset_page(
        session, select(Comparison), keys=COMPARISON_ORDER, sort="title", params=params
    )
    ids = {c.id for c in page.items if c.id is not None}
    subjects = _subjects_by_comparison(session, ids) if ids else {}
    counts = (
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
        return [
            ComparisonListItem.model_validate(
                c,
                update={
                    "subjects": subjects.get(c.id or 0, []),
                    "row_count": counts.get(c.id or 0, 0),
                    "url": resource_url("comparisons", c.slug),
                },
            )
            for c in items
        ]

    return map_page(page, convert)


@dataclass(frozen=True)
class RowInput:
    dimension: str
    cells: Sequence[str]


def create_comparison(
    session: Session,
    *,
    slug: str,
    title: str,
    dimension_label: str,
    subjects: Sequence[Role],
    rows: Sequence[RowInput],
) -> Comparison:
    """A comparison with its subjects, rows and one cell per subject (flushed, not committed)."""
    comparison = Comparison(slug=slug, title=title, dimension_label=dimension_label)
    session.add(comparison)
    session.flush()
    assert comparison.id is not None
    for position, role in enumerate(subjects):
        assert role.id is not None
        session.add(
            ComparisonSubject(comparison_id=comparison.id, role_id=role.id, position=position)
        )
    session.flush()
    for position, row_input in enumerate(rows):
        row = ComparisonRow(
            comparison_id=comparison.id, position=position, dimension=row_input.dimension
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for role, text in zip(subjects, row_input.cells, strict=True):
            assert role.id is not None
            session.add(
                ComparisonCell(
                    row_id=row.id, role_id=role.id, comparison_id=comparison.id, text=text
                )
            )
    session.flush()
    return comparison


def find_comparison(session: Session, slug: str) -> Comparison | None:
    return session.exec(select(Comparison).where(Comparison.slug == slug)).first()
