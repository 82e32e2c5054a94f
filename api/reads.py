"""How readers read a kind (``Reads``), one of the pieces its room registers
(``api.editing.Room``): what REST's GET routes answer with, from which GraphQL's fields are
made."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from api.web.pagination import Page


@dataclass(frozen=True)
class Reads:
    """How readers read a kind, as its GET routes do: its public shapes (one, and a list's
    item), one by ref and a page of its list's query (GraphQL's fields are made from these)."""

    one_shape: type[BaseModel]
    item_shape: type[BaseModel]
    query: type[BaseModel]  # its list's query parameters
    # (session, ref, *, preview, include, locale, accept_language) → one, as ``one_shape``.
    one: Callable[..., Any]
    # (session, *, query, preview, accept_language) → a page of ``item_shape``.
    many: Callable[..., Page[Any]]
    # The fields of its shapes that ``include`` embeds whole (field → the include's name).
    includes: Mapping[str, str] = field(default_factory=dict)
