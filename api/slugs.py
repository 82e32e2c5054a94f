"""Slugs: lowercase ``[a-z0-9-]`` with at least one letter, so a slug never looks like an id."""

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import ColumnElement, false

from api.fields import MAX_ID

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 120
_SLUG = re.compile(r"^(?=.*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$")


def _has_letter(slug: str) -> str:
    if not any(c.isalpha() for c in slug):
        raise ValueError("a slug needs at least one letter, so it never looks like an id")
    return slug


Slug = Annotated[
    str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX), AfterValidator(_has_letter)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
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
