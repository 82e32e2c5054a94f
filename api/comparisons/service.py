"""Writing comparisons (the room's reads are in ``queries`` and ``output``, re-exported here).

Every write — the whole table (PUT, PATCH) or one part of it (a row, a cell, a subject) — is
made the same way: change the comparison's document, validate it as a ``ComparisonInput``,
and apply it. So each path enforces the same rules and records the same revision.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, delete, select

from api import editing
from api.articles.models import Article, ArticleComparison
from api.comparisons.models import (
    CellInput,
    Comparison,
    ComparisonCell,
    ComparisonInput,
    ComparisonListItem,
    ComparisonListQuery,
    ComparisonPublic,
    ComparisonRow,
    ComparisonSubject,
)
from api.comparisons.output import (
    COLLECTION,
    TRANSLATED,
    load_comparisons,
    public_many,
    shown_in,
    to_public,
)
from api.comparisons.queries import (
    INCLUDABLE,
    ROW_SORTABLE,
    SORTABLE,
    compare_roles,
    find_comparison,
    get_comparison,
    list_comparisons,
)
from api.core import kinds
from api.core.errors import ComparisonNotFound, InvalidBody, Moved, RoleNotFound
from api.core.workflow import used_by, visible_now
from api.people.rules import Caller
from api.roles import service as roles_service
from api.roles.models import Role
from api.search import index as search_index
from api.translations import reading
from api.translations.models import ComparisonTranslationInput, Translation


def document(session: Session, comparison: Comparison) -> dict[str, Any]:
    """The comparison as a ``ComparisonInput``: what PATCH merges into, what a revision keeps."""
    public = to_public(session, comparison)
    return {
        "slug": comparison.slug,
        **kinds.COMPARISON.values(comparison),
        "subjects": [s.slug for s in public.subjects],
        "rows": [
            {
                "id": row.id,
                "dimension": row.dimension,
                "cells": {slug: cell.model_dump() for slug, cell in row.cells.items()},
            }
            for row in public.rows
        ],
        **editing.workflow_document(comparison),
    }


def _resolve_subjects(session: Session, refs: Sequence[str | int]) -> list[Role]:
    roles = []
    for i, ref in enumerate(refs):
        try:
            role = roles_service.find_role(session, str(ref), preview=True)
        except RoleNotFound:
            raise InvalidBody.at(["body", "subjects", i], f"no role {ref!r}") from None
        except Moved as moved:  # an old slug, as an old revision may hold
            role = roles_service.find_role(session, moved.new, preview=True)
        roles.append(role)
    if len({r.id for r in roles}) != len(roles):
        raise InvalidBody.at(["body", "subjects"], "a role can be a subject only once")
    return roles


def _cell(value: str | CellInput) -> CellInput:
    return CellInput(text=value) if isinstance(value, str) else value


def _apply(
    session: Session, comparison: Comparison, data: ComparisonInput, *, owner: Article | None = None
) -> None:
    editing.take_slug(session, COLLECTION, comparison, data)
    kinds.COMPARISON.assign(comparison, data)
    if owner is None and comparison.owner_article_id is not None:
        owner = session.get(Article, comparison.owner_article_id)
    if owner is not None:  # made from an article's table: its workflow is the article's
        comparison.status, comparison.published_at = owner.status, owner.published_at
    else:
        editing.apply_workflow(comparison, data.status, data.publish_at)
    subjects = _resolve_subjects(session, data.subjects)
    role_of = {}
    for role in subjects:
        role_of[role.slug] = role
        role_of[str(role.id)] = role
    dimensions = [row.dimension.casefold() for row in data.rows]
    for i, row in enumerate(data.rows):
        if dimensions.index(row.dimension.casefold()) != i:
            raise InvalidBody.at(["body", "rows", i, "dimension"], "dimensions must be unique")
        for name in row.cells:
            if name not in role_of:
                raise InvalidBody.at(
                    ["body", "rows", i, "cells", name],
                    f"{name!r} is not a subject of this comparison (add it to subjects first)",
                )
    session.add(comparison)
    session.flush()
    assert comparison.id is not None
    _write_subjects(session, comparison.id, [r.id for r in subjects if r.id is not None])
    _write_rows(session, comparison.id, data, role_of)


def _write_subjects(session: Session, comparison_id: int, role_ids: list[int]) -> None:
    current = {
        s.role_id: s
        for s in session.exec(
            select(ComparisonSubject).where(ComparisonSubject.comparison_id == comparison_id)
        )
    }
    for role_id in set(current) - set(role_ids):
        session.exec(
            delete(ComparisonCell).where(
                col(ComparisonCell.comparison_id) == comparison_id,
                col(ComparisonCell.role_id) == role_id,
            )
        )
        session.delete(current.pop(role_id))
    # Positions are unique per comparison: park the kept ones out of the way first, so no
    # intermediate state of the reordering collides.
    for subject in current.values():
        subject.position = -1 - subject.position - len(role_ids)
    session.flush()
    for position, role_id in enumerate(role_ids):
        if role_id in current:
            current[role_id].position = position
        else:
            session.add(
                ComparisonSubject(comparison_id=comparison_id, role_id=role_id, position=position)
            )
    session.flush()


def _write_rows(
    session: Session, comparison_id: int, data: ComparisonInput, role_of: dict[str, Role]
) -> None:
    existing = {
        r.id: r
        for r in session.exec(
            select(ComparisonRow).where(ComparisonRow.comparison_id == comparison_id)
        )
    }
    by_dimension = {r.dimension.casefold(): r for r in existing.values()}
    kept: list[tuple[ComparisonRow, int]] = []
    for position, row_input in enumerate(data.rows):
        row = existing.get(row_input.id) if row_input.id is not None else None
        row = row or by_dimension.get(row_input.dimension.casefold())
        if row is not None and all(row is not k for k, _ in kept):
            kept.append((row, position))
    kept_ids = {row.id for row, _ in kept}
    for row_id, row in existing.items():
        if row_id not in kept_ids:
            session.exec(delete(ComparisonCell).where(col(ComparisonCell.row_id) == row_id))
            session.delete(row)
    # Dimensions are unique per comparison: park the kept rows under names no input has, so
    # no intermediate state of a rename or swap collides.
    parking = uuid.uuid4().hex
    for row, _ in kept:
        row.dimension = f"~{parking}-{row.id}"
    session.flush()
    kept_at = {position: row for row, position in kept}
    for position, row_input in enumerate(data.rows):
        row = kept_at.get(position) or ComparisonRow(
            comparison_id=comparison_id, position=position, dimension=""
        )
        row.position, row.dimension = position, row_input.dimension
        session.add(row)
        session.flush()
        assert row.id is not None
        session.exec(delete(ComparisonCell).where(col(ComparisonCell.row_id) == row.id))
        for name, value in row_input.cells.items():
            cell = _cell(value)
            role = role_of[name]
            assert role.id is not None
            session.add(
                ComparisonCell(
                    row_id=row.id,
                    role_id=role.id,
                    comparison_id=comparison_id,
                    text=cell.text,
                    note=cell.note,
                    source_url=cell.source_url,
                )
            )
    session.flush()


def create_comparison(
    session: Session, data: ComparisonInput, *, key: Caller, owner: Article | None = None
) -> Comparison:
    """A new comparison with its first revision, flushed in the caller's transaction; one of
    an article's tables follows the article's rules, checked by the article's write."""
    comparison = WRITES.new(data)
    if owner is not None:
        comparison.owner_article_id = owner.id
    _apply(session, comparison, data, owner=owner)
    if owner is None:
        editing.created(session, comparison, KIND, key)
    else:
        editing.record_created(session, comparison, KIND, key)
    return comparison


def write_owned(
    session: Session,
    comparison: Comparison | None,
    data: ComparisonInput,
    *,
    owner: Article,
    key: Caller,
) -> Comparison:
    """A comparison made from a table of ``owner``: new, or ``comparison`` (the article's
    from before) changed in place, with a revision when its content changed; its workflow is
    the article's. Flushed, not committed."""
    if comparison is None:
        return create_comparison(session, data, key=key, owner=owner)
    before = document(session, comparison)
    was_public = visible_now(comparison.status, comparison.published_at, comparison.deleted_at)
    _apply(session, comparison, data, owner=owner)
    after = document(session, comparison)
    if after != before:
        editing.record_revision(
            session, comparison, KIND, action="update", key=key, was_public=was_public
        )
    return comparison


KIND = editing.Kind(
    COLLECTION,
    find=lambda session, ref, lock: find_comparison(session, ref, preview=True, for_update=lock),
    public=to_public,
    document=document,
)


def _embedded_in(session: Session, comparison: Comparison) -> list[str]:
    link = ArticleComparison
    where = col(link.comparison_id) == comparison.id
    return used_by(session, Article, "articles", link, link.article_id, where)


WRITES = editing.Writes(
    KIND,
    ComparisonInput,
    Comparison,
    apply=lambda session, comparison, data, _key: _apply(session, comparison, data),
    used_by=_embedded_in,  # refused while an article embeds it
)
update_comparison, restore_comparison = WRITES.update, WRITES.restore
delete_comparison = WRITES.delete


def _search_text(session: Session, comparison: Comparison) -> tuple[str, str]:
    """A comparison reads as its subjects, then a line per cell that says where it is
    ("Monthly or biweekly… (Operating cadence, Fractional CAIO)"): a snippet, which starts
    near the match, then shows its row and column. Only public roles are columns here, as
    in every public rendering: search finds nothing through a draft."""
    public = to_public(session, comparison, preview=True)
    shown = roles_service.visible_ids(session, [s.id for s in public.subjects])
    names = {s.slug: s.name for s in public.subjects if s.id in shown}
    lines = [", ".join(names.values())]
    for row in public.rows:
        lines.extend(
            f"{cell.text} ({row.dimension}, {names[slug]})"
            for slug, cell in row.cells.items()
            if slug in names
        )
    return comparison.title, "\n".join(lines)


def _comparison_content(
    session: Session, comparison: Any, data: ComparisonTranslationInput
) -> dict[str, Any]:
    """The words, checked against the comparison: its rows, its subjects' slugs."""
    rows = set(
        session.exec(
            select(ComparisonRow.id).where(ComparisonRow.comparison_id == comparison.id)
        ).all()
    )
    subjects = set(
        session.exec(
            select(Role.slug)
            .join(ComparisonSubject, col(ComparisonSubject.role_id) == Role.id)
            .where(ComparisonSubject.comparison_id == comparison.id)
        ).all()
    )
    seen: set[int] = set()
    for index, row in enumerate(data.rows):
        if row.id not in rows or row.id in seen:
            raise InvalidBody.at(
                ["body", "rows", index, "id"], f"no row {row.id} of this comparison (or twice)"
            )
        seen.add(row.id)
        for slug in row.cells:
            if slug not in subjects:
                raise InvalidBody.at(
                    ["body", "rows", index, "cells", slug], "no subject of this comparison"
                )
    content: dict[str, Any] = {
        "title": data.title,
        "rows": [row.model_dump(exclude_none=True) for row in data.rows],
    }
    if data.dimension_label is not None:  # else the comparison's own
        content["dimension_label"] = data.dimension_label
    return content


def _comparison_search(
    session: Session, comparison: Any, translation: Translation
) -> tuple[str, str]:
    shown = to_public(session, comparison, preview=True, locale=translation.locale)
    lines = [shown.title] + [
        f"{cell.text} ({row.dimension})" for row in shown.rows for cell in row.cells.values()
    ]
    return shown.title, "\n".join(lines)


# Its translations: their input and public shapes, what one keeps, and its search document.
reading.TRANSLATABLE.register(
    kinds.COMPARISON,
    reading.Translatable(
        kinds.COMPARISON,
        ComparisonTranslationInput,
        _comparison_content,
        _comparison_search,
    ),
)


search_index.EXTRACTORS.register(kinds.COMPARISON, _search_text)


READS = editing.Reads(
    ComparisonPublic, ComparisonListItem, ComparisonListQuery, get_comparison, list_comparisons
)
editing.ROOMS.register(
    kinds.COMPARISON,
    WRITES.room(READS, public_many, ComparisonNotFound, create=create_comparison),
)

__all__ = [  # the room's reads, for those who call the service
    "COLLECTION",
    "INCLUDABLE",
    "KIND",
    "ROW_SORTABLE",
    "SORTABLE",
    "TRANSLATED",
    "compare_roles",
    "create_comparison",
    "delete_comparison",
    "document",
    "find_comparison",
    "get_comparison",
    "list_comparisons",
    "load_comparisons",
    "restore_comparison",
    "shown_in",
    "to_public",
    "update_comparison",
    "write_owned",
]
