"""A rendered response as the caches keep it: status, headers, body, ETag and the surrogate
keys of what it shows."""

from collections.abc import Iterable
from dataclasses import dataclass

from api.core.surrogates import ALL
from api.web.http import SURROGATE_KEY


@dataclass(slots=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    keys: frozenset[str]


def keys_in(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[str]:
    """The surrogate keys a response names; ALL when it names none (it may show anything)."""
    for name, value in headers:
        if name == SURROGATE_KEY:
            named = frozenset(value.decode("latin-1").split())
            return named or frozenset({ALL})
    return frozenset({ALL})
