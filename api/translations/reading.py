"""Reading content in a locale: which translation each resource shows along the fallback
chain, in one query for any number of resources (none with a single locale). Each domain's
service applies the translation it gets to its own rows (``apply``)."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from api.core import kinds, locales
from api.core.errors import Moved, NotFound
from api.core.slugs import is_slug
from api.core.urls import resource_url
from api.core.workflow import readable
from api.history import service as history
from api.models import TRANSLATION_PUBLIC
from api.translations.models import Translation, TranslationInput, TranslationMeta
from api.web.refs import Alternate

Row = TypeVar("Row")


@dataclass(frozen=True)
class Translatable:
    """What translating one kind takes, registered by the kind's own room (``TRANSLATABLE``)."""

    kind: kinds.Kind  # its room (``api.editing.ROOMS``) finds the resource and says it is not
    model: type[TranslationInput]
    content: Callable[[Session, Any, Any], dict[str, Any]]  # (resource, input) → what is kept
    # The resource and a translation of it → the translation's search document.
    search: Callable[[Session, Any, Translation], tuple[str, str]]
    # What is kept → what its writers read (an article's body with its references resolved).
    shown: Callable[[Session, dict[str, Any]], dict[str, Any]] = lambda _session, content: content

    @property
    def collection(self) -> str:
        return self.kind.collection

    @property
    def public(self) -> type[TranslationMeta]:
        """What a translation of the kind shows (``api.models.TRANSLATION_PUBLIC``)."""
        return TRANSLATION_PUBLIC.of(self.kind)

    def title(self, data: Any) -> str:
        """What a translation's slug is made from: its input's label (a title, a name)."""
        return str(getattr(data, self.kind.label))


# Every translatable kind's translations (checked complete at start-up).
TRANSLATABLE: kinds.Registry[Translatable] = kinds.Registry(
    "translatable content", kinds.TRANSLATABLE
)


def translatable(collection: str) -> Translatable:
    """What translating the kind whose path is ``collection`` takes."""
    return TRANSLATABLE[kinds.by_collection(collection).name]


@dataclass(frozen=True)
class Localized:
    locale: str  # what is shown
    fallback: bool  # not the locale asked for
    translations: list[Alternate]  # the other locales it is in, for hreflang

    def fields(self) -> dict[str, Any]:
        """What a document says of its locale."""
        return {"locale": self.locale, "fallback": self.fallback, "translations": self.translations}


def localize(
    session: Session,
    rows: Sequence[Row],
    collection: str,
    locale: str,
    *,
    preview: bool,
    apply: Callable[[Row, Translation], Row],
) -> tuple[list[Row], dict[int, Localized]]:
    """``rows`` as ``locale``'s fallback chain has them (``apply`` makes a translated copy,
    never written) and what each is in. A translation is shown when it is readable itself
    (published, to a reader without a key); its resource was found readable already."""
    default = locales.default()
    ids = [row.id for row in rows]  # type: ignore[attr-defined]
    if not locales.several() or not rows:
        plain = Localized(default, locale != default, [])
        return list(rows), {i: plain for i in ids if i is not None}
    found: dict[int, dict[str, Translation]] = defaultdict(dict)
    for translation in session.exec(
        select(Translation).where(
            Translation.resource_type == collection.removesuffix("s"),
            col(Translation.resource_id).in_(ids),
            readable(Translation, preview=preview),
        )
    ):
        found[translation.resource_id][translation.locale] = translation
    chain = locales.chain(locale)
    shown: list[Row] = []
    localized: dict[int, Localized] = {}
    for row in rows:
        row_id: int = row.id  # type: ignore[attr-defined]
        mine = found[row_id]
        served = next((x for x in chain if x == default or x in mine), default)
        slug: str = row.slug  # type: ignore[attr-defined]
        others = [Alternate(locale=default, slug=slug, url=resource_url(collection, slug))]
        others += [
            Alternate(locale=t.locale, slug=t.slug, url=resource_url(collection, t.slug))
            for t in sorted(mine.values(), key=lambda t: t.locale)
        ]
        localized[row_id] = Localized(
            served, served != locale, [a for a in others if a.locale != served]
        )
        shown.append(row if served == default else apply(row, mine[served]))
    return shown, localized


def as_shown(
    session: Session,
    rows: Sequence[Row],
    collection: str,
    locale: str | None,
    *,
    preview: bool,
    fields: Sequence[str],
) -> list[Row]:
    """``rows`` as ``locale`` shows them along its fallback chain (their translated
    ``fields`` and slug), for a document that refers to them: a German article names its
    roles in German and links to their German pages. One query; none for the default."""
    if locale is None or locale == locales.default() or not rows:
        return list(rows)
    shown, _ = localize(
        session,
        rows,
        collection,
        locale,
        preview=preview,
        apply=lambda row, translation: translated_copy(row, translation, fields),
    )
    return shown


def refs_as_shown(
    session: Session,
    grouped: dict[int, list[Any]],
    collection: str,
    ref: Any,
    locale: str | None,
    *,
    preview: bool,
    fields: Sequence[str],
) -> dict[int, list[Any]]:
    """References (``ref.of``) to the rows each owner refers to (``grouped``: an article's
    roles, a role's articles), each row as ``locale`` shows it (``as_shown``, once for all)."""
    unique = {row.id: row for found in grouped.values() for row in found}
    shown = as_shown(
        session, list(unique.values()), collection, locale, preview=preview, fields=fields
    )
    refs = {row.id: ref.of(row) for row in shown}
    return defaultdict(list, {i: [refs[row.id] for row in found] for i, found in grouped.items()})


def translated_copy(row: Any, translation: Translation, fields: Sequence[str]) -> Any:
    """A copy of ``row`` with ``translation``'s ``fields``, slug and workflow (in no session:
    never flushed)."""
    copy = type(row)(**row.model_dump())
    for name in fields:
        if name in translation.content:
            setattr(copy, name, translation.content[name])
    copy.slug = translation.slug
    copy.status, copy.published_at = translation.status, translation.published_at
    copy.version, copy.updated_at = translation.version, translation.updated_at
    return copy


def find(
    session: Session,
    model: Any,
    collection: str,
    ref: str,
    *,
    preview: bool,
    locale: str | None,
    own: Callable[[], Row],
    missing: type[NotFound],
) -> tuple[Row, str | None]:
    """What ``ref`` names (``own()`` finds it by its id or its own slug), and the locale its
    slug is in when that is a translation's (None otherwise): a translation's slug is looked
    for in the locale asked for (``locale``), then among the resource's own, then in every
    locale; an old one of a translation's is ``Moved`` (301) to its current one."""
    if not locales.several() or not is_slug(ref):
        return own(), None
    if locale is not None and locale != locales.default():
        found = _by_slug(session, model, ref, preview=preview, locale=locale)
        if found is not None:
            return found[0], locale
    try:
        return own(), None
    except missing:
        found = _by_slug(session, model, ref, preview=preview, locale=None)
        if found is not None:
            return found
        for name in locales.configured()[1:]:
            moved = history.redirect_or_none(session, f"{collection}:{name}", ref)
            current = session.get(Translation, moved) if moved is not None else None
            if current is not None:
                raise Moved(collection, ref, current.slug) from None
        raise


def _by_slug(
    session: Session, model: Any, slug: str, *, preview: bool, locale: str | None
) -> tuple[Any, str] | None:
    in_locale = [Translation.locale == locale] if locale is not None else []
    found = session.exec(
        select(model, Translation.locale)
        .join(Translation, col(Translation.resource_id) == model.id)
        .where(
            Translation.resource_type == model.__tablename__,
            Translation.slug == slug,
            readable(Translation, preview=preview),
            readable(model, preview=preview),
            *in_locale,
        )
        .order_by(col(Translation.locale))
    ).first()
    return (found[0], found[1]) if found is not None else None


def shown_locale(asked: str | None, accept_language: str | None, slug_locale: str | None) -> str:
    """The locale a read shows: ``?locale=``, else the one the slug is in, else the best of
    Accept-Language, else the default."""
    if asked is not None:
        return locales.parse_locale(asked)
    return slug_locale or locales.negotiate(None, accept_language)


def found_in(
    session: Session,
    model: Any,
    collection: str,
    ref: str,
    *,
    preview: bool,
    asked: str | None,
    accept_language: str | None,
    own: Callable[[], Row],
    missing: type[NotFound],
) -> tuple[Row, str]:
    """What ``ref`` names (``find``) and the locale to show it in (``shown_locale``): what
    every read of one resource by id or slug starts with."""
    row, slug_locale = find(
        session,
        model,
        collection,
        ref,
        preview=preview,
        locale=locales.parse_locale(asked) if asked else None,
        own=own,
        missing=missing,
    )
    return row, shown_locale(asked, accept_language, slug_locale)
