"""Slugs: lowercase ``[a-z0-9-]`` with at least one letter, so a slug never looks like an id."""

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import ColumnElement, false

from api.core.fields import MAX_ID

# Segments of [a-z0-9] joined by "-", one of them with a letter: a slug never looks like an
# id. Spelled without lookahead so that JSON Schema tools (and generators) read it too.
SLUG_PATTERN = r"^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
SLUG_MAX = 120
_SLUG = re.compile(SLUG_PATTERN)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
# A filter's values: up to 20 slugs, comma-separated (``tag=ai,pe``: either).
SLUGS_MAX = 20
_ONE = SLUG_PATTERN.strip("^$")
Slugs = Annotated[
    str,
    StringConstraints(
        pattern=f"^{_ONE}(?:,{_ONE}){{0,{SLUGS_MAX - 1}}}$",
        max_length=SLUGS_MAX * (SLUG_MAX + 1),
    ),
]
# White space in every sense a client or Folio may apply: JSON Schema's (ECMAScript \s, which
# has U+FEFF), the pattern engine's (Unicode White_Space, which has U+0085) and Python's
# str.strip (which also strips U+001C to U+001F). A name holds one character outside all of
# them, so no tool's idea of "blank" lets through one that Folio strips to nothing.
_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
_SPACE += "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"  # unanchored: somewhere in the text
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK),
    AfterValidator(lambda text: text.strip(_SPACE)),
]


def slugify(text: str) -> str:
    """A slug made from a title or a name: "2026" (no letter) becomes "item-2026"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not any(c.isalpha() for c in slug):
        slug = f"item-{slug}".rstrip("-")
    return slug[:SLUG_MAX].rstrip("-")


def is_slug(text: str) -> bool:
    return _SLUG.fullmatch(text) is not None


def ref_filter(id_column: Any, slug_column: Any, ref: str) -> ColumnElement[bool]:
    """The WHERE clause that finds a resource by its ``ref``: a numeric id or a slug."""
    if ref.isascii() and ref.isdigit():
        number = int(ref)
        return id_column == number if number <= MAX_ID else false()
    if not is_slug(ref):
        return false()  # not a slug: nothing to look up (and no odd bytes reach the database)
    return slug_column == ref  # type: ignore[no-any-return]
