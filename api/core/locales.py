"""Locales: which the content has (``FOLIO_LOCALES``, the default first), which one a request
asks for (``?locale=`` or ``Accept-Language``), and the chain it falls back along.

The chain of a locale is the locale, then its language (``de-CH`` → ``de``) when that is a
locale too, then the default: ``de-CH → de → en``.
"""

from functools import lru_cache

from api.core.config import get_settings
from api.core.errors import InvalidParameter

# Each language's stemmer, by its primary subtag: PostgreSQL's text search configuration and
# the Snowball algorithm of the same name (SQLite). Any other language is matched unstemmed.
LANGUAGES = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
UNSTEMMED = "simple"


@lru_cache
def _configured(setting: str) -> tuple[str, ...]:
    return tuple(tag.strip() for tag in setting.split(",") if tag.strip())


def configured() -> tuple[str, ...]:
    """Every locale, the default first."""
    return _configured(get_settings().locales)


def default() -> str:
    return configured()[0]


def several() -> bool:
    """Whether there is more than the default: only then do answers vary by locale."""
    return len(configured()) > 1


def canonical(tag: str) -> str | None:
    """The configured locale ``tag`` names (in any case), or None."""
    wanted = tag.strip().lower()
    return next((locale for locale in configured() if locale.lower() == wanted), None)


def chain(locale: str) -> list[str]:
    """Where ``locale`` falls back to, in order, itself first: ``de-CH → de → en``."""
    language = canonical(locale.split("-")[0])
    return list(dict.fromkeys(x for x in (locale, language, default()) if x is not None))


def language(locale: str) -> str:
    """The stemmer of ``locale``'s language (``german``), or ``simple``."""
    return LANGUAGES.get(locale.split("-")[0].lower(), UNSTEMMED)


def parse_locale(value: str, *, parameter: str = "locale") -> str:
    """``?locale=``: a configured locale (any case), or 422 naming them."""
    found = canonical(value)
    if found is None:
        raise InvalidParameter(
            parameter, f"not one of this API's locales: {', '.join(configured())}"
        )
    return found


def negotiate(asked: str | None, accept_language: str | None) -> str:
    """The locale a request asks for: ``?locale=`` (checked), else the best of its
    ``Accept-Language`` (RFC 9110 §12.5.4: by weight, a tag or the language before its
    region), else the default."""
    if asked is not None:
        return parse_locale(asked)
    if accept_language and several():
        return _best(accept_language[:1000]) or default()
    return default()


def _best(header: str) -> str | None:
    ranges: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:50]):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and weight > 0:
            ranges.append((-weight, position, tag.strip()))
    for _, _, tag in sorted(ranges):
        if tag == "*":
            return default()
        found = canonical(tag) or canonical(tag.split("-")[0])
        if found is not None:
            return found
    return None
