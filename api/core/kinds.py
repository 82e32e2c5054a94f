"""The registry of content kinds: what Folio stores, each described once.

Every list of kinds (the collections a route accepts, the events a webhook may follow, what
the trash, batch, search, translations, sitemaps, exports and the cache know) is derived from
``KINDS``. A kind's pieces that live in its own room (its writes and public forms, its search
extractor, its translations) are registered against it in a ``Registry``, which
``check_complete`` (called by ``create_app``) refuses while a kind it should hold lacks one;
pieces gathered in one place (the tables) are a ``Pieces``, refused at once when incomplete.
A kind added here without its pieces fails at start-up, never silently (docs/development.md:
"Kinds and rooms").
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, get_args

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Field:
    """A field of a kind that a person writes and Folio keeps as written: one column of the
    kind's table, and one field of the same name in its input and public shapes (structured
    fields, such as a body, a kind's links or an article's ``seo``, are its room's own).

    Each surface besides those shapes says here whether it carries the field, with no default,
    so a field added is a decision for each; ``tests/structure/test_kinds.py`` writes every field
    of every kind through the API and checks each surface shows it exactly when it says so.
    """

    name: str
    translated: bool  # a translation has its own (its input and public shapes, search, reads)
    front_matter: bool  # a Markdown import reads it from the front matter
    feed: bool  # a feed entry shows it (RSS, Atom and JSON Feed)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of content."""

    name: str  # singular: its table, its surrogate key (``role:3``), its events (``role.created``)
    collection: str  # plural: its path (/v1/roles), its collection's surrogate key
    label: str  # the field that names one to a person (a title, a name)
    workflow: bool  # drafts, scheduling and publication (otherwise public unless trashed)
    translatable: bool  # translations into other locales
    searchable: bool  # in /v1/search and the search index
    mapped: bool  # has a page of its own on the site: sitemaps, Markdown, stored pages
    links: tuple[str, ...] = ()  # the kinds its rows refer to (which an import loads first)
    fields: tuple[Field, ...] = ()  # what ``Field`` says, in the order its shapes list them

    def field_names(self, *, translated: bool | None = None) -> tuple[str, ...]:
        """Its fields' names (only those a translation has, or has not, with ``translated``)."""
        return tuple(
            f.name for f in self.fields if translated is None or f.translated == translated
        )

    def values(self, row: Any, *, translated: bool | None = None) -> dict[str, Any]:
        """Its fields of ``row`` (a table row or an input), by name: a revision's, an export's
        or a translation's copy of them."""
        return {name: getattr(row, name) for name in self.field_names(translated=translated)}

    def assign(self, row: Any, data: Any) -> None:
        """Writes every field of ``data`` (an input) into ``row`` (its table row)."""
        for name in self.field_names():
            setattr(row, name, getattr(data, name))


_ = False  # a surface that does not carry the field, in the tables of fields below


ARTICLE = Kind(
    "article", "articles", "title", workflow=True, translatable=True, searchable=True, mapped=True,
    links=("role", "comparison", "author", "tag"),
    fields=(
        Field("title",                translated=True, front_matter=True, feed=True),
        Field("kicker",               translated=True, front_matter=True, feed=_),
        Field("category",             translated=_,    front_matter=True, feed=True),
        Field("reading_time_minutes", translated=_,    front_matter=True, feed=_),
        Field("summary",              translated=True, front_matter=True, feed=True),
    ),
)  # fmt: skip
ROLE = Kind(
    "role", "roles", "name", workflow=True, translatable=True, searchable=True, mapped=True,
    fields=(
        Field("name",       translated=True, front_matter=_, feed=_),
        Field("aliases",    translated=True, front_matter=_, feed=_),
        Field("definition", translated=True, front_matter=_, feed=_),
    ),
)  # fmt: skip
COMPARISON = Kind(
    "comparison", "comparisons", "title", workflow=True, translatable=True, searchable=True,
    mapped=True, links=("role",),
    fields=(
        Field("title",           translated=True, front_matter=_, feed=_),
        Field("dimension_label", translated=True, front_matter=_, feed=_),
    ),
)  # fmt: skip
_LABEL_FIELDS = (Field("name", translated=_, front_matter=_, feed=_),)
AUTHOR = Kind(
    "author", "authors", "name", workflow=False, translatable=False, searchable=False,
    mapped=False, fields=_LABEL_FIELDS,
)  # fmt: skip
TAG = Kind(
    "tag", "tags", "name", workflow=False, translatable=False, searchable=False, mapped=False,
    fields=_LABEL_FIELDS,
)  # fmt: skip

# In the order lists show them (the OpenAPI document's enums follow it).
KINDS: tuple[Kind, ...] = (ARTICLE, ROLE, COMPARISON, AUTHOR, TAG)
WORKFLOW = tuple(k for k in KINDS if k.workflow)
TRANSLATABLE = tuple(k for k in KINDS if k.translatable)
SEARCHABLE = tuple(k for k in KINDS if k.searchable)
MAPPED = tuple(k for k in KINDS if k.mapped)
LABELS = tuple(k for k in KINDS if not k.workflow)  # authors and tags

# The collections as literal types, for the OpenAPI document's enums (a parameter or a field
# that takes one): checked against the registry here, and every enum of the document that
# names a collection by ``tests/structure/test_kinds.py``.
Collection = Literal["articles", "roles", "comparisons", "authors", "tags"]
MappedCollection = Literal["articles", "roles", "comparisons"]

_BY_COLLECTION = {k.collection: k for k in KINDS}
_BY_NAME = {k.name: k for k in KINDS}


def collections(kinds: tuple[Kind, ...] = KINDS) -> tuple[str, ...]:
    return tuple(k.collection for k in kinds)


def names(kinds: tuple[Kind, ...] = KINDS) -> tuple[str, ...]:
    return tuple(k.name for k in kinds)


def by_collection(collection: str) -> Kind:
    """The kind whose path is ``collection``; KeyError if none."""
    return _BY_COLLECTION[collection]


def by_name(name: str) -> Kind:
    """The kind whose singular is ``name``; KeyError if none."""
    return _BY_NAME[name]


def depth(kind: Kind) -> int:
    """How many kinds deep its links go: 0 for a kind that refers to none."""
    return max((1 + depth(by_name(name)) for name in kind.links), default=0)


def referred_first(kinds: tuple[Kind, ...]) -> tuple[Kind, ...]:
    """``kinds`` in an order where each comes after those it refers to."""
    return tuple(sorted(kinds, key=depth))


class MissingPiece(LookupError):
    """A kind that should have a piece has none registered (raised at start-up)."""


if get_args(Collection) != collections() or get_args(MappedCollection) != collections(MAPPED):
    raise MissingPiece("kinds.Collection or kinds.MappedCollection differs from KINDS")


class Pieces(Mapping[str, T], Generic[T]):
    """One piece of every kind in ``kinds``, keyed by collection: complete or refused.

    ``Pieces("search extractor", SEARCHABLE, {ARTICLE: …, ROLE: …, COMPARISON: …})``. Looked
    up by collection (``pieces["roles"]``) or by kind (``pieces.of(ROLE)``)."""

    def __init__(self, what: str, kinds: tuple[Kind, ...], given: Mapping[Kind, T]) -> None:
        missing = [k.collection for k in kinds if k not in given]
        extra = [k.collection for k in given if k not in kinds]
        if missing or extra:
            raise MissingPiece(
                f"{what}: "
                + "; ".join(
                    part
                    for part in (
                        f"none for {', '.join(missing)}" if missing else "",
                        f"not expected for {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
            )
        self.what, self.kinds = what, kinds
        self._pieces = {k.collection: given[k] for k in kinds}

    def of(self, kind: Kind) -> T:
        return self._pieces[kind.collection]

    def __getitem__(self, collection: str) -> T:
        return self._pieces[collection]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pieces)

    def __len__(self) -> int:
        return len(self._pieces)


class Registry(Generic[T]):
    """Pieces registered one at a time by each kind's room (``register``), checked complete
    by ``complete`` once every room has been imported (at start-up): a kind of ``kinds``
    with no piece is an error then, not a silent gap later."""

    def __init__(self, what: str, kinds: tuple[Kind, ...]) -> None:
        self.what, self.kinds = what, kinds
        self._pieces: dict[str, T] = {}
        _REGISTRIES.append(self)  # type: ignore[arg-type]

    def register(self, kind: Kind, piece: T) -> T:
        if kind not in self.kinds:
            raise MissingPiece(f"{self.what}: not expected for {kind.collection}")
        self._pieces[kind.name] = piece
        return piece

    def __getitem__(self, name: str) -> T:
        found = self._pieces.get(name)
        if found is None:
            raise MissingPiece(f"{self.what}: none for {name}")
        return found

    def complete(self) -> "Registry[T]":
        missing = [k.collection for k in self.kinds if k.name not in self._pieces]
        if missing:
            raise MissingPiece(f"{self.what}: none for {', '.join(missing)}")
        return self


_REGISTRIES: list["Registry[object]"] = []


def check_complete() -> None:
    """Every ``Registry`` holds a piece of each kind it should (``create_app`` calls it, once
    every room is imported): MissingPiece names the first gap."""
    for registry in _REGISTRIES:
        registry.complete()
