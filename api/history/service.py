"""Revisions and slug history, for every resource type alike."""

import difflib
import json
from typing import Any

from sqlmodel import Session, col, select

from api.core.clock import clock
from api.core.errors import Moved, RevisionNotFound, SlugTaken
from api.core.urls import resource_url
from api.history.models import (
    FieldChange,
    Revision,
    RevisionDiff,
    RevisionPublic,
    RevisionSummary,
    SlugRedirect,
)
from api.people.rules import Caller, key_of, person_of
from api.web.pagination import Page, PageParams, Sortable, keyset_page, map_page


def record(
    session: Session,
    *,
    collection: str,
    resource_id: int,
    number: int,
    action: str,
    content: dict[str, Any],
    key: Caller,
) -> None:
    made_with, person = key_of(key), person_of(key)
    session.add(
        Revision(
            resource_type=collection,
            resource_id=resource_id,
            number=number,
            action=action,
            key_name=made_with.name if made_with is not None else None,
            user_id=person.id if person is not None else None,
            user_name=person.name if person is not None else None,
            created_at=clock.now(),
            content=content,
        )
    )


def _summary(collection: str, slug: str, revision: Revision) -> RevisionSummary:
    url = resource_url(collection, slug) + f"/revisions/{revision.number}"
    return RevisionSummary.model_validate(revision, update={"url": url})


_BY_NUMBER = Sortable({"number": col(Revision.number)}, "-number", col(Revision.id))


def list_revisions(
    session: Session, collection: str, resource_id: int, slug: str, *, params: PageParams
) -> Page[RevisionSummary]:
    """A page of the revisions, newest first."""
    page = keyset_page(
        session,
        select(Revision).where(
            Revision.resource_type == collection, Revision.resource_id == resource_id
        ),
        sortable=_BY_NUMBER,
        params=params.list_params(),
    )
    return map_page(page, lambda rows: [_summary(collection, slug, r) for r in rows])


def get_revision(session: Session, collection: str, resource_id: int, number: int) -> Revision:
    revision = session.exec(
        select(Revision).where(
            Revision.resource_type == collection,
            Revision.resource_id == resource_id,
            Revision.number == number,
        )
    ).first()
    if revision is None:
        raise RevisionNotFound(f"No revision {number} of this resource.")
    return revision


def get_revision_public(
    session: Session, collection: str, resource_id: int, slug: str, number: int
) -> RevisionPublic:
    revision = get_revision(session, collection, resource_id, number)
    return RevisionPublic(
        **_summary(collection, slug, revision).model_dump(), content=revision.content
    )


def diff_revisions(
    session: Session, collection: str, resource_id: int, before: int, after: int
) -> RevisionDiff:
    # difflib (standard library) makes the unified diff; field changes are compared here.
    old = get_revision(session, collection, resource_id, before).content
    new = get_revision(session, collection, resource_id, after).content
    changes = [
        FieldChange(field=name, before=old.get(name), after=new.get(name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]
    patch = "".join(
        difflib.unified_diff(
            json.dumps(old, indent=2, sort_keys=True, ensure_ascii=False).splitlines(True),
            json.dumps(new, indent=2, sort_keys=True, ensure_ascii=False).splitlines(True),
            fromfile=f"revision {before}",
            tofile=f"revision {after}",
        )
    )
    return RevisionDiff(from_number=before, to_number=after, changes=changes, patch=patch)


def redirect_or_none(session: Session, collection: str, slug: str) -> int | None:
    """The id of the resource that used to have this slug."""
    redirect = session.get(SlugRedirect, (collection, slug))
    return redirect.resource_id if redirect is not None else None


def raise_if_moved(session: Session, collection: str, ref: str, current_slug: Any) -> None:
    """Raises ``Moved`` when ``ref`` is an old slug; ``current_slug(id)`` gives the new one."""
    resource_id = redirect_or_none(session, collection, ref)
    if resource_id is not None:
        slug = current_slug(resource_id)
        if slug is not None:
            raise Moved(collection, ref, slug)


def claim_slug(session: Session, collection: str, slug: str, *, resource_id: int | None) -> None:
    """Refuses a slug that another resource had before; frees it when it was this one's."""
    owner = redirect_or_none(session, collection, slug)
    if owner is None:
        return
    if owner != resource_id:
        raise SlugTaken(collection, slug)
    redirect = session.get(SlugRedirect, (collection, slug))
    session.delete(redirect)


def move_slug(session: Session, collection: str, old: str, *, resource_id: int) -> None:
    session.add(
        SlugRedirect(
            resource_type=collection, slug=old, resource_id=resource_id, created_at=clock.now()
        )
    )


def forget(session: Session, collection: str, resource_id: int) -> None:
    """Drops a purged resource's revisions and old slugs."""
    for model in (Revision, SlugRedirect):
        for row in session.exec(
            select(model).where(
                model.resource_type == collection,
                model.resource_id == resource_id,
            )
        ):
            session.delete(row)
