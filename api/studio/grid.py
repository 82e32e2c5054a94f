"""A comparison in the studio: its roles (the columns) and rows as a grid of text fields.

The grid is a form: each row's dimension and each cell a field, each row and role with its
buttons (move up or down, left or right, remove) and a handle to drag it elsewhere, "Add row"
and "Add role". A button of the
grid changes the grid shown, unsaved, until Save (a row needs its dimension before it can be
saved); its script (``api/studio/static/grid.js``) adds a spreadsheet's keys and pasting a
range. A cell's note and source are a row's "Notes" (after its cells, out of the way of the
keys that move between cells); a form without them keeps them as they were, by the row's id
and the role's slug. Other kinds hold nothing beyond their plain fields: every
function here is a no-op for them."""

from typing import Any

from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from api.core import kinds
from api.core.errors import InvalidBody
from api.core.workflow import not_trashed
from api.roles.models import Role
from api.studio import forms

MAX_ROWS = 200
MAX_ROLES = 20
CHOICES = 200  # the roles a comparison chooses from
MOVES = ("remove-row", "row-up", "row-down", "remove-role", "role-left", "role-right")
DRAGS = ("row-to", "role-to")  # "row-to:2:0": the third row dragged to the first place


def _roles(session: Session) -> list[Role]:
    return list(
        session.exec(select(Role).where(not_trashed(Role)).order_by(col(Role.name)).limit(CHOICES))
    )


def new_part(session: Session, kind: kinds.Kind, form: FormData | None) -> Any:
    """What a new document of ``kind`` asks beyond its name: a comparison, its roles."""
    if kind is not kinds.COMPARISON:
        return None
    chosen = form.getlist("subjects") if form is not None else []
    return {"roles": _roles(session), "chosen": chosen}


def new_sent(kind: kinds.Kind, form: FormData) -> dict[str, Any]:
    if kind is not kinds.COMPARISON:
        return {}
    return {"subjects": [str(s) for s in form.getlist("subjects")][:MAX_ROLES]}


def part(session: Session, kind: kinds.Kind, document: dict[str, Any]) -> Any:
    """The grid of a comparison's ``document``: its roles by slug with their names, its rows,
    and the roles it may add."""
    if kind is not kinds.COMPARISON:
        return None
    roles = _roles(session)
    names = {r.slug: r.name for r in roles}
    subjects = [str(s) for s in document.get("subjects", [])]
    missing = [s for s in subjects if s not in names]
    if missing:  # beyond the first CHOICES by name
        for role in session.exec(select(Role).where(col(Role.slug).in_(missing))):
            names[role.slug] = role.name
    return {
        "subjects": [(slug, names.get(slug, slug)) for slug in subjects],
        "rows": document.get("rows", []),
        "noted": [_noted(row, subjects) for row in document.get("rows", [])],
        "dimension_label": document.get("dimension_label", "Dimension"),
        "addable": [r for r in roles if r.slug not in subjects],
        "full": len(subjects) >= MAX_ROLES,
    }


def _noted(row: dict[str, Any], subjects: list[str]) -> int:
    """How many of the row's cells have a note or a source."""
    cells = [row.get("cells", {}).get(slug) for slug in subjects]
    return sum(1 for c in cells if isinstance(c, dict) and (c.get("note") or c.get("source_url")))


def sent(
    kind: kinds.Kind, form: FormData, document: dict[str, Any], session: Session
) -> dict[str, Any]:
    """``document`` with the grid the form holds: its roles in order, its rows in order with
    their dimension and their cells' text (notes and sources kept)."""
    del session
    if kind is not kinds.COMPARISON or "subject" not in form:
        return document
    subjects = [str(s) for s in form.getlist("subject")][:MAX_ROLES]
    before = {row.get("id"): row for row in document.get("rows", []) if row.get("id")}
    rows = []
    count = _count(form.get("rows"))
    for i in range(count):
        row_id = str(form.get(f"row-{i}-id") or "")
        kept = before.get(int(row_id)) if row_id.isdigit() else None
        cells = {}
        for slug in subjects:
            text = str(form.get(f"row-{i}-cell-{slug}") or "")
            old = (kept or {}).get("cells", {}).get(slug) or {}
            cell = {**(old if isinstance(old, dict) else {}), "text": text}
            for name, field in (("note", "note"), ("source_url", "source")):
                if f"row-{i}-{field}-{slug}" in form:  # else as it was
                    cell[name] = str(form.get(f"row-{i}-{field}-{slug}") or "").strip() or None
            if text or cell.get("note") or cell.get("source_url"):
                cells[slug] = cell
        row: dict[str, Any] = {"dimension": str(form.get(f"row-{i}-dimension") or "")}
        if kept is not None:
            row["id"] = kept["id"]
        rows.append(row | {"cells": cells})
    return document | {"subjects": subjects, "rows": rows}


def located(kind: kinds.Kind, exc: Exception, document: dict[str, Any], session: Session) -> str:
    """The grid's first problem, said with the row and the cell it is in ("Primary job,
    Fractional CAIO: use a web address …"); empty when the problem is not in a row."""
    if kind is not kinds.COMPARISON:
        return ""
    rows = document.get("rows", [])
    found = getattr(exc, "errors", None) or []
    # A cell is a text or an object (a union): the object's complaint says what is wrong.
    for error in sorted(found, key=lambda e: "CellInput" not in map(str, e.get("loc", []))):
        loc = [str(part) for part in error.get("loc", [])]
        if loc[:2] != ["body", "rows"] or len(loc) < 3 or not loc[2].isdigit():
            continue
        at = int(loc[2])
        if at >= len(rows):
            continue
        where = rows[at].get("dimension") or f"Row {at + 1}"
        if len(loc) > 4 and loc[3] == "cells":
            role = session.exec(select(Role.name).where(Role.slug == loc[4])).first()
            where += f", {role or loc[4]}"
        said = forms.words(str(error.get("msg", "")))
        return f"{where}: {said[:1].lower()}{said[1:]}"
    return ""


def _count(value: Any) -> int:
    text = str(value or "0")
    if not text.isdigit() or int(text) > MAX_ROWS:
        raise InvalidBody.at(["body", "rows"], f"a comparison has at most {MAX_ROWS} rows")
    return int(text)


def changes(kind: kinds.Kind, action: str) -> bool:
    """Whether ``action`` is one of the grid's buttons (not a save)."""
    return kind is kinds.COMPARISON and (
        action in ("add-row", "add-role") or action.split(":")[0] in (*MOVES, *DRAGS)
    )


def change(
    kind: kinds.Kind, action: str, document: dict[str, Any], session: Session, role: str = ""
) -> dict[str, Any]:
    """``document`` with the grid changed as the button said."""
    del kind
    rows = list(document.get("rows", []))
    subjects = list(document.get("subjects", []))
    name, _, where = action.partition(":")
    at = int(where) if where.isdigit() else -1
    if name == "add-row":
        if len(rows) >= MAX_ROWS:
            raise InvalidBody.at(["body", "rows"], f"a comparison has at most {MAX_ROWS} rows")
        rows.append({"dimension": "", "cells": {}})
    elif name == "add-role":
        found = session.exec(select(Role.slug).where(Role.slug == role, not_trashed(Role)))
        if found.first() is None:
            raise InvalidBody.at(["body", "subjects"], "choose a role to add")
        if len(subjects) >= MAX_ROLES:
            raise InvalidBody.at(["body", "subjects"], f"at most {MAX_ROLES} roles")
        if role not in subjects:
            subjects.append(role)
    elif name in DRAGS:
        rows, subjects = _dragged(name, where, rows, subjects)
    elif name in ("remove-row", "row-up", "row-down") and 0 <= at < len(rows):
        rows = _moved(rows, at, name)
    elif name in ("remove-role", "role-left", "role-right") and 0 <= at < len(subjects):
        subjects = _moved(
            subjects, at, {"remove-role": "remove-row", "role-left": "row-up"}.get(name, "row-down")
        )
    return document | {"rows": rows, "subjects": subjects}


def _dragged(
    name: str, where: str, rows: list[Any], subjects: list[Any]
) -> tuple[list[Any], list[Any]]:
    """The rows and roles after a row or a role was dragged from one place to another (a
    place out of range, as a forged form may say, changes nothing)."""
    start, _, end = where.partition(":")
    items = rows if name == "row-to" else subjects
    if not (start.isdigit() and end.isdigit() and max(int(start), int(end)) < len(items)):
        return rows, subjects
    items = list(items)
    items.insert(int(end), items.pop(int(start)))
    return (items, subjects) if name == "row-to" else (rows, items)


def _moved(items: list[Any], at: int, how: str) -> list[Any]:
    items = list(items)
    if how == "remove-row":
        del items[at]
    elif how == "row-up" and at > 0:
        items[at - 1], items[at] = items[at], items[at - 1]
    elif how == "row-down" and at + 1 < len(items):
        items[at + 1], items[at] = items[at], items[at + 1]
    return items
