"""Slugs: lowercase ``[a-z0-9-]`` with at least one letter, so a slug never looks like an id."""

import re
import unicodedata
from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import ColumnElement, false

from api.core.fields import MAX_ID

# Segments of [a-z0-9] joined by "-", one of them with a letter: a slug never looks like an
# id. Spelled without lookahead so that JSON Schema tools (and generators) read it too.
SLUG_PATTERN = r"^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
SLUG_MAX = 120
_SLUG = re.compile(SLUG_PATTERN)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
# Not blank: at least one character that is not white space (the pattern is unanchored).
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S")
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
