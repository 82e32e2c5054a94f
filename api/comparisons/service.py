"""Every query and rule about comparisons.

Every write — the whole table (PUT, PATCH) or one part of it (a row, a cell, a subject) — is
made the same way: change the comparison's document, validate it as a ``ComparisonInput``,
and apply it. So each path enforces the same rules and records the same revision.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, delete, select

from api import editing
from api.articles.models import Article, ArticleComparison
from api.auth.models import ApiKey
from api.comparisons.models import (
    DEFAULT_SORT,
    INCLUDES,
    ROW_SORTS,
    SORTS,
    CellInput,
    CellPublic,
    Comparison,
    ComparisonCell,
    ComparisonInput,
    ComparisonListItem,
    ComparisonListQuery,
    ComparisonPublic,
    ComparisonRow,
    ComparisonSubject,
    RoleComparison,
    RoleWithComparisons,
    RowPublic,
    SideBySide,
)
from api.core import kinds, locales
from api.core.clock import clock
from api.core.errors import (
    ComparisonNotFound,
    InvalidBody,
    InvalidParameter,
    Moved,
    RoleNotFound,
)
from api.core.slugs import slugify
from api.core.urls import resource_url
from api.core.workflow import Status, effective_status, not_trashed, readable, visible_now
from api.roles import service as roles_service
from api.roles.models import Role
from api.search import index as search_index
from api.translations import reading
from api.translations.models import ComparisonTranslation, ComparisonTranslationInput, Translation
from api.web.filters import linked, workflow_filters
from api.web.pagination import Page, Sortable, keyset_page, map_page, parse_include
from api.web.refs import ComparisonRef, RoleRef

COLLECTION = kinds.COMPARISON.collection
SORTABLE = Sortable.on(Comparison, SORTS, default=DEFAULT_SORT)
ROW_SORTABLE = Sortable.on(ComparisonRow, ROW_SORTS, default="position")
INCLUDABLE = frozenset(INCLUDES)


def find_comparison(
    session: Session, ref: str, *, preview: bool, for_update: bool = False
) -> Comparison:
    return editing.find(
        session,
        Comparison,
        COLLECTION,
        ref,
        preview=preview,
        missing=ComparisonNotFound,
        for_update=for_update,
    )


def _subject_rows(
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


def _subjects_by_comparison(
    session: Session,
    rows: list[tuple[ComparisonSubject, Role]],
    *,
    preview: bool,
    whole: bool = False,
    locale: str | None = None,
) -> dict[int, list[Any]]:
    """Each comparison's subject roles (``_subject_rows``): refs, or list items when
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


def _status(comparison: Comparison) -> Status:
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
TRANSLATED = ("title", "dimension_label")


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
    subject_rows = _subject_rows(session, wanted, preview=preview)
    subjects = _subjects_by_comparison(
        session, subject_rows, preview=preview, whole=whole_roles, locale=locale
    )
    # A translation keys its cells by each role's own slug; a column, by the slug it shows.
    own_slugs = {role.id: role.slug for _, role in subject_rows}
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
                "status": _status(c),
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


def get_comparison(
    session: Session,
    ref: str,
    *,
    preview: bool = False,
    include: frozenset[str] = frozenset(),
    locale: str | None = None,
    accept_language: str | None = None,
) -> ComparisonPublic:
    """The comparison ``ref`` names, in the locale asked for (``?locale=``, a translation's
    slug, or Accept-Language)."""
    comparison, shown = reading.found_in(
        session,
        Comparison,
        COLLECTION,
        ref,
        preview=preview,
        asked=locale,
        accept_language=accept_language,
        own=lambda: find_comparison(session, ref, preview=preview),
        missing=ComparisonNotFound,
    )
    return to_public(session, comparison, preview=preview, include=include, locale=shown)


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
    subject: tuple[Any, Any, Any] = (ComparisonSubject, ComparisonSubject.role_id, Role)
    embedded: tuple[Any, Any, Any] = (ArticleComparison, ArticleComparison.article_id, Article)
    for (link, column, model), slugs, keep in (
        *((subject, slugs, True) for slugs in dict.fromkeys(query.role)),  # one of each
        (embedded, query.article, True),
        (subject, query.not_role, False),
        (embedded, query.not_article, False),
    ):
        if slugs is not None:
            shown = readable(model, preview=preview)
            exists = linked(Comparison.id, col(link.comparison_id), column, model, slugs, shown)
            statement = statement.where(exists if keep else ~exists)
    if query.dimension is not None:
        with_row = select(ComparisonRow.id).where(
            col(ComparisonRow.comparison_id) == Comparison.id,
            func.lower(col(ComparisonRow.dimension)) == query.dimension.strip().lower(),
        )
        statement = statement.where(with_row.exists())
    if query.q is not None:
        matching = search_index.matching_ids(session, COLLECTION, query.q, locale=locale)
        statement = statement.where(col(Comparison.id).in_(matching))
    page = keyset_page(session, statement, sortable=SORTABLE, params=query)
    include = parse_include(query.include, INCLUDABLE)
    ids = {c.id for c in page.items if c.id is not None}
    subjects = (
        _subjects_by_comparison(
            session,
            _subject_rows(session, ids, preview=preview),
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
                    "status": _status(c),
                    "subjects": subjects.get(c.id or 0, []),
                    "row_count": counts.get(c.id or 0, 0),
                    "url": resource_url(COLLECTION, c.slug),
                    **localized[c.id or 0].fields(),
                },
            )
            for c in shown
        ]

    return map_page(page, convert)


def get_role_with_comparisons(
    session: Session,
    ref: str,
    *,
    preview: bool,
    locale: str | None = None,
    accept_language: str | None = None,
) -> RoleWithComparisons:
    """A role page whose comparisons come whole, rows and cells included."""
    role = roles_service.get_role(
        session, ref, preview=preview, locale=locale, accept_language=accept_language
    )
    tables = load_comparisons(session, [c.id for c in role.comparisons], preview=preview)
    whole = [tables[c.id] for c in role.comparisons]
    return RoleWithComparisons.model_validate({**role.model_dump(), "comparisons": whole})


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


# --- Writes ---------------------------------------------------------------------------------


def document(session: Session, comparison: Comparison) -> dict[str, Any]:
    """The comparison as a ``ComparisonInput``: what PATCH merges into, what a revision keeps."""
    public = to_public(session, comparison)
    return {
        "slug": comparison.slug,
        "title": comparison.title,
        "dimension_label": comparison.dimension_label,
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
    slug = data.slug or (comparison.slug if comparison.id is not None else slugify(data.title))
    editing.slug_free(session, Comparison, COLLECTION, slug, comparison.id)
    editing.claim_slug(session, COLLECTION, comparison, slug)
    comparison.title = data.title
    comparison.dimension_label = data.dimension_label
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
    session: Session, data: ComparisonInput, *, key: ApiKey | None, owner: Article | None = None
) -> Comparison:
    """A new comparison with its first revision, flushed in the caller's transaction."""
    now = clock.now()
    comparison = Comparison(slug="", title=data.title, created_at=now, updated_at=now)
    if owner is not None:
        comparison.owner_article_id = owner.id
    _apply(session, comparison, data, owner=owner)
    editing.record_created(session, comparison, KIND, key)
    return comparison


def write_owned(
    session: Session,
    comparison: Comparison | None,
    data: ComparisonInput,
    *,
    owner: Article,
    key: ApiKey | None,
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


def update_comparison(
    session: Session,
    ref: str,
    *,
    data: ComparisonInput | None = None,
    patch: Any = None,
    change: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    part: Callable[[dict[str, Any]], tuple[list[str | int], list[str | int]]] | None = None,
    key: ApiKey | None,
    if_match: str | None,
    action: str = "update",
) -> Comparison:
    """PUT (``data``), PATCH (``patch``) or a change of part of the document (``change``);
    ``part`` says, of the changed document, where that part is in it and where the client
    sent it, so an error in it is reported where the client put it (``InvalidBody.moved``)."""

    def apply(comparison: Comparison) -> None:
        nonlocal data
        changed = None
        try:
            if data is None and change is not None:
                changed = change(document(session, comparison))
                data = editing.parse(ComparisonInput, changed)
            _apply(
                session,
                comparison,
                data or KIND.patched(session, comparison, ComparisonInput, patch),
            )
        except InvalidBody as exc:
            if part is None or changed is None:
                raise
            raise exc.moved(*part(changed)) from None

    return editing.change(
        session, KIND, ref, if_match=if_match, key=key, action=action, apply=apply
    )


def restore_comparison(
    session: Session, ref: str, number: int, *, key: ApiKey | None, if_match: str | None
) -> Comparison:
    """Makes revision ``number`` current again, as a new revision."""
    data = KIND.revision(session, ref, number, ComparisonInput)
    return update_comparison(session, ref, data=data, key=key, if_match=if_match, action="restore")


def _embedded_in(session: Session, comparison: Comparison) -> list[str]:
    slugs = session.exec(
        select(Article.slug)
        .join(ArticleComparison, col(ArticleComparison.article_id) == Article.id)
        .where(ArticleComparison.comparison_id == comparison.id, not_trashed(Article))
    ).all()
    return [f"articles/{slug}" for slug in slugs]


def delete_comparison(
    session: Session, ref: str, *, key: ApiKey | None, if_match: str | None
) -> Comparison:
    """Moves the comparison to the trash; refused while an article embeds it."""
    return editing.trash(
        session,
        KIND,
        ref,
        if_match=if_match,
        key=key,
        used_by=lambda comparison: _embedded_in(session, comparison),
    )


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


def _public_many(
    session: Session, rows: Sequence[Comparison], *, preview: bool, locale: str | None = None
) -> list[ComparisonPublic]:
    ids = [r.id for r in rows if r.id is not None]
    tables = load_comparisons(session, ids, preview=preview, locale=locale)
    return [tables[r.id] for r in rows if r.id in tables]


# Translations: what a translation keeps, and its search document.


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


TRANSLATION = reading.Translatable(
    kinds.COMPARISON,
    find=lambda session, ref, lock: find_comparison(session, ref, preview=True, for_update=lock),
    missing=ComparisonNotFound,
    model=ComparisonTranslationInput,
    public=ComparisonTranslation,
    content=_comparison_content,
    title=lambda data: data.title,
    search=_comparison_search,
)

reading.TRANSLATABLE.register(kinds.COMPARISON, TRANSLATION)


search_index.EXTRACTORS.register(kinds.COMPARISON, _search_text)
editing.ROOMS.register(
    kinds.COMPARISON,
    editing.Room(
        KIND,
        ComparisonInput,
        create_comparison,
        update_comparison,
        delete_comparison,
        public_many=_public_many,
    ),
)
