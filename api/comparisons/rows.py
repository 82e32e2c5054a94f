"""Parts of a comparison: its rows, a row's cells, its subjects (columns).

Each part is written by changing the comparison's whole document and saving it through
``service.update_comparison``, so every path enforces the same rules and records the same
revision as a whole PUT.
"""

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from api.comparisons.models import (
    ROW_SORTS,
    CellInput,
    Comparison,
    ComparisonCell,
    ComparisonPublic,
    ComparisonRow,
    RowCreate,
    RowPatch,
    RowPublic,
    RowsQuery,
    SubjectCreate,
)
from api.comparisons.service import find_comparison, get_comparison, to_public, update_comparison
from api.core.errors import RoleNotFound, RowNotFound
from api.people.rules import Caller
from api.roles import service as roles_service
from api.web.pagination import Page, Sortable, keyset_page, map_page

ROW_SORTABLE = Sortable.on(ComparisonRow, ROW_SORTS, default="position")


def list_rows(
    session: Session, ref: str, *, query: RowsQuery, preview: bool
) -> tuple[Page[RowPublic], ComparisonPublic]:
    """Rows of one comparison in order, by exact dimension or by words they contain; and the
    comparison they are of (its subjects head their columns as CSV)."""
    comparison = find_comparison(session, ref, preview=preview)
    statement = select(ComparisonRow).where(ComparisonRow.comparison_id == comparison.id)
    if query.dimension is not None:
        statement = statement.where(
            func.lower(col(ComparisonRow.dimension)) == query.dimension.strip().lower()
        )
    if query.q is not None:
        pattern = (
            "%"
            + query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        in_cells = select(ComparisonCell.row_id).where(
            func.lower(col(ComparisonCell.text)).like(pattern, escape="\\")
        )
        statement = statement.where(
            or_(
                func.lower(col(ComparisonRow.dimension)).like(pattern, escape="\\"),
                col(ComparisonRow.id).in_(in_cells),
            )
        )
    page = keyset_page(session, statement, sortable=ROW_SORTABLE, params=query)
    public = to_public(session, comparison, preview=preview)
    by_id = {row.id: row for row in public.rows}
    return map_page(page, lambda rows: [by_id[row.id] for row in rows]), public


def _row_index(current: dict[str, Any], row_id: int) -> int:
    for i, row in enumerate(current["rows"]):
        if row["id"] == row_id:
            return i
    raise RowNotFound(f"No row {row_id} in this comparison.")


def get_row(session: Session, ref: str, row_id: int, *, preview: bool) -> RowPublic:
    public = get_comparison(session, ref, preview=preview)
    for row in public.rows:
        if row.id == row_id:
            return row
    raise RowNotFound(f"No row {row_id} in this comparison.")


def _row_of(comparison: Comparison, session: Session, dimension: str) -> RowPublic:
    public = to_public(session, comparison)
    return next(r for r in public.rows if r.dimension == dimension)


def add_row(
    session: Session, ref: str, data: RowCreate, *, key: Caller, if_match: str | None
) -> RowPublic:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        row = {"dimension": data.dimension, "cells": data.cells}
        position = len(current["rows"]) if data.position is None else data.position
        current["rows"].insert(min(position, len(current["rows"])), row)
        return current

    comparison = update_comparison(
        session,
        ref,
        edit=change,
        part=lambda current: (["body", "rows", _new_row(current, data.dimension)], ["body"]),
        key=key,
        if_match=if_match,
        action="add_row",
    )
    return _row_of(comparison, session, data.dimension.strip())


def _new_row(current: dict[str, Any], dimension: str) -> int:
    return next(i for i, row in enumerate(current["rows"]) if row["dimension"] == dimension)


def patch_row(
    session: Session,
    ref: str,
    row_id: int,
    data: RowPatch,
    *,
    key: Caller,
    if_match: str | None,
) -> RowPublic:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        i = _row_index(current, row_id)
        row = current["rows"].pop(i)
        if data.dimension is not None:
            row["dimension"] = data.dimension
        for name, value in (data.cells or {}).items():
            if value is None:
                row["cells"].pop(name, None)
            else:
                row["cells"][name] = value
        position = i if data.position is None else data.position
        current["rows"].insert(min(position, len(current["rows"])), row)
        return current

    update_comparison(
        session,
        ref,
        edit=change,
        part=lambda current: (["body", "rows", _row_index(current, row_id)], ["body"]),
        key=key,
        if_match=if_match,
        action="edit_row",
    )
    return get_row(session, ref, row_id, preview=True)


def delete_row(
    session: Session, ref: str, row_id: int, *, key: Caller, if_match: str | None
) -> None:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        current["rows"].pop(_row_index(current, row_id))
        return current

    update_comparison(session, ref, edit=change, key=key, if_match=if_match, action="delete_row")


def set_cell(
    session: Session,
    ref: str,
    row_id: int,
    role: str,
    data: CellInput | None,
    *,
    key: Caller,
    if_match: str | None,
) -> RowPublic | None:
    """Set the cell of one row for one subject role, or with no ``data`` remove it (404 when
    there is none): the row as it is after, or None when the cell was removed."""

    def change(current: dict[str, Any]) -> dict[str, Any]:
        cells = current["rows"][_row_index(current, row_id)]["cells"]
        if data is not None:
            cells[role] = data.model_dump()
        elif cells.pop(role, None) is None:
            raise RowNotFound(f"Row {row_id} has no cell for {role!r}.")
        return current

    def part(current: dict[str, Any]) -> tuple[list[str | int], list[str | int]]:
        # The cell of a role that is not a subject: the role in the path is what is wrong.
        return ["body", "rows", _row_index(current, row_id), "cells", role], ["path", "role"]

    action = "edit_cell" if data is not None else "delete_cell"
    update_comparison(
        session, ref, edit=change, part=part, key=key, if_match=if_match, action=action
    )
    return get_row(session, ref, row_id, preview=True) if data is not None else None


def add_subject(
    session: Session,
    ref: str,
    data: SubjectCreate,
    *,
    key: Caller,
    if_match: str | None,
) -> Comparison:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        position = len(current["subjects"]) if data.position is None else data.position
        current["subjects"].insert(min(position, len(current["subjects"])), data.role)
        return current

    return update_comparison(
        session, ref, edit=change, key=key, if_match=if_match, action="add_subject"
    )


def remove_subject(
    session: Session, ref: str, role: str, *, key: Caller, if_match: str | None
) -> None:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        target = roles_service.find_role(session, role, preview=True)
        if target.slug not in current["subjects"]:
            raise RoleNotFound(f"{role!r} is not a subject of this comparison.")
        current["subjects"].remove(target.slug)
        for row in current["rows"]:
            row["cells"].pop(target.slug, None)
        return current

    update_comparison(
        session, ref, edit=change, key=key, if_match=if_match, action="remove_subject"
    )
