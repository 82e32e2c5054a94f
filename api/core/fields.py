"""Input field types every schema shares, bounded so that whatever passes validation fits its
column on both databases: ids (INTEGER), positions, and moments Python and SQL can both hold.
"""

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

MAX_ID = 2**31 - 1  # ids are INTEGER columns on both databases
MAX_POSITION = 10_000


_DATE_FIRST = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_as_text(value: object) -> object:
    """Pydantic would take a number for a time (seconds since 1970): Folio takes RFC 3339
    text only, as its schema says."""
    if isinstance(value, datetime):
        return value
    # A date first (digits alone, "1000000000", would be read as seconds since 1970).
    if not isinstance(value, str) or not _DATE_FIRST.match(value):
        raise ValueError("expected an RFC 3339 date-time, such as 2026-06-15T09:00:00Z")
    return value


def _json_integer(value: object) -> object:
    """Pydantic would take true for 1 and "3" for 3: Folio takes what JSON Schema calls an
    integer (a number with no fraction, 3.0 included), as its schema says."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("expected an integer")
    return value


JSON_INTEGER = BeforeValidator(_json_integer)  # after an int's Field(...) in an Annotated


def _storable(moment: datetime) -> datetime:
    # 9999-12-31T23:59:59-14:00 is a valid RFC 3339 time, but past datetime.max in UTC.
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range: a time between year 1 and 9999 in UTC") from None


# What a URL may hold: no space and no control character. Spelled out rather than \S, which
# means one thing to Python and Rust (where U+0085 is a space) and another to JavaScript.
URL_CHAR = r"[^\x00-\x20\x7f-\x9f]"
WEB_URL = rf"^https?://{URL_CHAR}+$"
WebUrl = Annotated[str, StringConstraints(pattern=WEB_URL, max_length=2_000)]

Id = Annotated[int, Field(ge=1, le=MAX_ID), JSON_INTEGER]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION), JSON_INTEGER]
Moment = Annotated[AwareDatetime, BeforeValidator(_written_as_text), AfterValidator(_storable)]
