"""A comparison in the studio: its roles (the columns) and rows as a grid of text fields.

The grid is a form: each row's dimension and each cell a field, each row and role with its
buttons (move up or down, left or right, remove), "Add row" and "Add role". A button of the
grid changes the grid shown, unsaved, until Save (a row needs its dimension before it can be
saved); its script (``api/studio/static/grid.js``) adds a spreadsheet's keys and pasting a
range. A cell's note and source, which the grid does not show, are kept as they were, by the
row's id and the role's slug. Other kinds hold nothing beyond their plain fields: every
function here is a no-op for them."""

from typing import Any

from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from api.core import kinds
from api.core.errors import InvalidBody
from api.core.workflow import not_trashed
from api.roles.models import Role

MAX_ROWS = 200
MAX_ROLES = 20
CHOICES = 200  # the roles a comparison chooses from
MOVES = ("remove-row", "row-up", "row-down", "remove-role", "role-left", "role-right")


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
        "dimension_label": document.get("dimension_label", "Dimension"),
        "addable": [r for r in roles if r.slug not in subjects],
        "full": len(subjects) >= MAX_ROLES,
    }


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
            if text or old.get("note") or old.get("source_url"):
                cells[slug] = {**(old if isinstance(old, dict) else {}), "text": text}
        row: dict[str, Any] = {"dimension": str(form.get(f"row-{i}-dimension") or "")}
        if kept is not None:
            row["id"] = kept["id"]
        rows.append(row | {"cells": cells})
    return document | {"subjects": subjects, "rows": rows}


def _count(value: Any) -> int:
    text = str(value or "0")
    if not text.isdigit() or int(text) > MAX_ROWS:
        raise InvalidBody.at(["body", "rows"], f"a comparison has at most {MAX_ROWS} rows")
    return int(text)


def changes(kind: kinds.Kind, action: str) -> bool:
    """Whether ``action`` is one of the grid's buttons (not a save)."""
    return kind is kinds.COMPARISON and (
        action in ("add-row", "add-role") or action.split(":")[0] in MOVES
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
    elif name in ("remove-row", "row-up", "row-down") and 0 <= at < len(rows):
        rows = _moved(rows, at, name)
    elif name in ("remove-role", "role-left", "role-right") and 0 <= at < len(subjects):
        subjects = _moved(
            subjects, at, {"remove-role": "remove-row", "role-left": "row-up"}.get(name, "row-down")
        )
    return document | {"rows": rows, "subjects": subjects}


def _moved(items: list[Any], at: int, how: str) -> list[Any]:
    items = list(items)
    if how == "remove-row":
        del items[at]
    elif how == "row-up" and at > 0:
        items[at - 1], items[at] = items[at], items[at - 1]
    elif how == "row-down" and at + 1 < len(items):
        items[at + 1], items[at] = items[at], items[at + 1]
    return items
