"""Recording acts in the audit trail, in the transaction of the act itself: an act that rolls
back leaves no event, and one that commits always has its event."""

from typing import Any

from sqlmodel import Session

from api.audit.models import AuditEvent
from api.core.clock import clock
from api.core.logs import CLIENT_ADDRESS, REQUEST_ID
from api.core.workflow import Status
from api.people.models import User
from api.people.rules import Caller, key_of, person_of


def record(
    session: Session,
    action: str,
    *,
    key: Caller = None,
    user: User | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Adds an event (flushed with the caller's transaction). The actor is ``user`` (signed
    in), else the person ``key`` belongs to (with the key's name), else the key alone, else
    nobody known when a request is being answered (a failed sign-in), else the command line."""
    person = user if user is not None else person_of(key)
    made_with = key_of(key)
    if person is not None:
        actor = "user"
    elif made_with is not None:
        actor = "key"
    else:
        actor = "anonymous" if REQUEST_ID.get() is not None else "cli"
    event = AuditEvent(
        at=clock.now(),
        action=action,
        actor=actor,
        user_id=person.id if person is not None else None,
        user_email=person.email if person is not None else None,
        key_name=made_with.name if made_with is not None else None,
        address=CLIENT_ADDRESS.get(),
        request_id=REQUEST_ID.get(),
        object_type=object_type,
        object_id=str(object_id)[:120] if object_id is not None else None,
        detail=detail or {},
    )
    session.add(event)
    return event


def state(row: Any) -> tuple[Any, Any]:
    """What the trail compares before and after a change: status and publishing time."""
    return getattr(row, "status", None), getattr(row, "published_at", None)


def content_changed(
    session: Session,
    collection: str,
    row: Any,
    *,
    action: str,
    before: tuple[Any, Any] | None,
    was_public: bool,
    key: Caller,
) -> None:
    """The acts on content the trail keeps (an edit is in the revisions already): a create, a
    publish, an unpublish, a schedule (or a new time for one), a delete, a restore."""
    status, publish_at = state(row)
    now_public = status == Status.published and getattr(row, "deleted_at", None) is None
    if action in ("delete", "restore"):
        act = action
    elif status == Status.scheduled and (before is None or before != (status, publish_at)):
        act = "schedule"
    elif now_public and not was_public:
        act = "publish"
    elif was_public and not now_public:
        act = "unpublish"
    elif action == "create":
        act = "create"
    else:
        return
    detail: dict[str, Any] = {"slug": getattr(row, "slug", None)}
    if status is not None:
        detail["status"] = str(status)
    if status == Status.scheduled and publish_at is not None:
        detail["publish_at"] = publish_at.isoformat()
    record(session, act, key=key, object_type=collection, object_id=row.id, detail=detail)
