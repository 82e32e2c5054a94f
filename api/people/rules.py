"""Who may do what: the roles' rules, checked where the work is done (the write frame, the
services), so every way in (a key over REST, the studio, a batch, an import) meets the same
rule. The command line acts for nobody and may do anything: whoever runs it owns the server.

A key belongs to a person and never does more than they may do now: its scope caps what it
does, their role caps it further, and a disabled person's keys stop working. A key that
belongs to nobody (made before people existed, until the first admin claims it) does what its
scope says."""

from dataclasses import dataclass
from typing import Any

from api.auth.models import ApiKey, Scope
from api.core.errors import Forbidden
from api.core.workflow import Status
from api.people.models import User, UserRole

# Every ability, by name, with the least role that has it (``GET /v1/me`` lists the caller's).
ABILITIES: dict[str, UserRole] = {
    "articles.write-own": UserRole.contributor,
    "articles.publish-own": UserRole.author,
    "media.upload": UserRole.author,
    "content.write": UserRole.editor,
    "content.publish": UserRole.editor,
    "content.delete": UserRole.editor,
    "content.restore": UserRole.editor,
    "labels.write": UserRole.editor,
    "comparisons.write": UserRole.editor,
    "media.delete": UserRole.editor,
    "users.manage": UserRole.admin,
    "keys.manage": UserRole.admin,
    "webhooks.manage": UserRole.admin,
    "purge": UserRole.admin,
    "settings": UserRole.admin,
}
# What a key's scope leaves of them: a read key writes nothing, a write key manages nothing.
_SCOPE_CEILING = {Scope.read: None, Scope.write: UserRole.editor, Scope.admin: UserRole.admin}


@dataclass(frozen=True)
class Actor:
    """Who a call acts for: a person (signed in, or through their key) and the key if any."""

    user: User | None
    key: ApiKey | None

    @property
    def role(self) -> UserRole | None:
        return self.user.role if self.user is not None else None

    def may(self) -> list[str]:
        """The abilities this caller has now, by name."""
        ceiling = _SCOPE_CEILING[self.key.scope] if self.key is not None else UserRole.admin
        if ceiling is None:
            return []
        role = self.role or ceiling
        order = list(UserRole)
        top = min(order.index(role), order.index(ceiling))
        return [name for name, least in ABILITIES.items() if order.index(least) <= top]


# Who a service acts for, as its ``key`` parameter takes it: a key (over REST, its person's
# rules apply), a person signed in without one (the studio: an ``Actor`` with no key), or
# nobody (None: the command line).
Caller = ApiKey | Actor | None


def actor_of(key: Caller) -> Actor:
    if isinstance(key, Actor):
        return key
    return Actor(key.user if key is not None else None, key)


def key_of(caller: Caller) -> ApiKey | None:
    """The API key a call was made with, if one was."""
    return caller.key if isinstance(caller, Actor) else caller


def name_of(caller: Caller) -> str | None:
    """What a record names its maker by: the key's name, else the person's."""
    made_with, person = key_of(caller), person_of(caller)
    return made_with.name if made_with is not None else (person.name if person else None)


def person_of(key: Caller) -> User | None:
    """The person whose rules apply to a call with ``key``: None for the command line and
    for a key that belongs to nobody."""
    return key.user if key is not None else None


def require_role(key: Caller, needed: UserRole, doing: str) -> None:
    """403 unless the key's person has ``needed`` or more (to do what ``doing`` says)."""
    user = person_of(key)
    if user is not None and not user.role.at_least(needed):
        raise Forbidden(f"To {doing} needs the {needed} role; {user.email} is {_a(user.role)}.")


def _a(role: UserRole) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def _owns(user: User, row: Any) -> bool:
    return getattr(row, "owner_id", None) == user.id


def require_owner(key: Caller, collection: str, row: Any, doing: str) -> None:
    """403 unless the key's person is an editor, or the row is an article of their own."""
    user = person_of(key)
    if user is None or user.role.at_least(UserRole.editor):
        return
    if collection != "articles":
        raise Forbidden(
            f"To {doing} {collection} needs the editor role; {user.email} is {_a(user.role)}."
        )
    if not _owns(user, row):
        raise Forbidden(
            f"{user.email} is {_a(user.role)}: they may {doing} only their own articles."
        )


def check_content(
    key: Caller,
    collection: str,
    row: Any,
    *,
    action: str,
    was_public: bool,
    owner: Any = None,
) -> None:
    """The rule of a change to content, checked by the write frame once the change is made
    (so it judges what the row has become): an editor changes anything; a contributor or an
    author only their own articles (``owner``, else ``row``: a translation is its article's),
    never deletes them, and only an author publishes or schedules them (or changes one that
    is public)."""
    user = person_of(key)
    if user is None or user.role.at_least(UserRole.editor):
        return
    if action == "delete":
        require_role(key, UserRole.editor, "delete content")
    require_owner(key, collection, owner if owner is not None else row, "change")
    status = getattr(row, "status", Status.draft)
    if (was_public or status != Status.draft) and not user.role.at_least(UserRole.author):
        raise Forbidden(
            "To publish or schedule an article, or change a published one, needs the author"
            f" role; {user.email} is {_a(user.role)}."
        )


def claim(key: Caller, row: Any) -> None:
    """A new article belongs to the person who made it (its key's)."""
    user = person_of(key)
    if user is not None and hasattr(row, "owner_id") and row.owner_id is None:
        row.owner_id = user.id


def byline(key: Caller) -> int | None:
    """The author whose byline the key's person signs, if they are linked to one."""
    user = person_of(key)
    return user.author_id if user is not None else None
