"""What the studio's editors share: a problem's messages by the field they concern, in a
writer's words, and the workflow's buttons as the change they make (a date and time in the
editor's time zone stored in UTC)."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.core.errors import FolioError, InvalidBody

# What the workflow's buttons do to a document with drafts.
WORKFLOW = ("save", "publish", "unpublish", "schedule")
# What an editor's page says after each of them (``?done=``).
DONE = {
    "created": "Created.",
    "save": "Saved.",
    "publish": "Published.",
    "unpublish": "Unpublished: it is a draft again.",
    "schedule": "Scheduled.",
    "restored": "Restored: that revision is the current one again.",
    "deleted": "Moved to the trash.",
    "back": "Restored from the trash.",
}


def errors_of(exc: FolioError, fields: tuple[str, ...]) -> dict[str, str]:
    """A problem's messages by the editor's field they concern (the most precise of
    ``fields`` its place names: ``canonical_url`` for ``seo.canonical_url``; ``form`` for the
    rest); a line of Markdown named first."""
    errors: dict[str, str] = {}
    for error in getattr(exc, "errors", None) or []:
        loc = [str(part) for part in error.get("loc", [])]
        named = [part for part in loc[1:] if part in fields] if loc[:1] == ["body"] else []
        name = named[-1] if named else "form"
        said = words(str(error.get("msg", "")))
        errors.setdefault(name, f"Line {error['line']}: {said}" if "line" in error else said)
    if not errors:
        errors["form"] = exc.detail
    return errors


def words(message: str) -> str:
    """A validator's message as a writer reads it."""
    message = message.removeprefix("Value error, ")
    if message.startswith("String should have at most"):
        return message.replace("String should have", "This is too long: it may have")
    if message.startswith("String should have at least"):
        return "This cannot be empty."
    if message.startswith("String should match pattern") and "https?" in message:
        return "Use a web address that starts with https:// or http://."
    if message.startswith("String should match pattern"):
        return "Use lowercase letters, digits and hyphens only."
    return message[:1].upper() + message[1:]


def workflow(action: str, publish_at: str, zone: str) -> dict[str, Any]:
    """What a workflow button changes: publish, unpublish, schedule (``publish_at`` in the
    editor's time zone ``zone``), or nothing (save)."""
    if action == "publish":
        return {"status": "published", "publish_at": None}
    if action == "unpublish":
        return {"status": "draft", "publish_at": None}
    if action == "schedule":
        return {"status": "scheduled", "publish_at": utc(publish_at, zone)}
    return {}


def utc(local: str, zone: str) -> str | None:
    """A ``datetime-local`` value in the editor's time zone (an IANA name the browser gave;
    UTC when it gave none) as an instant in UTC."""
    if not local:
        raise InvalidBody.at(["body", "publish_at"], "choose when to publish it")
    try:
        moment = datetime.fromisoformat(local)
        where = ZoneInfo(zone) if zone else UTC
    except (ValueError, KeyError):
        raise InvalidBody.at(["body", "publish_at"], "that is not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=where)
    return moment.astimezone(UTC).isoformat()
