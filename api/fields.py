"""Input field types every schema shares, bounded so that whatever passes validation fits its
column on both databases: ids (INTEGER), positions, and moments Python and SQL can both hold.
"""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

MAX_ID = 2**31 - 1  # ids are INTEGER columns on both databases
MAX_POSITION = 10_000


def _storable(moment: datetime) -> datetime:
    # 9999-12-31T23:59:59-14:00 is a valid RFC 3339 time, but past datetime.max in UTC.
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range: a time between year 1 and 9999 in UTC") from None


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION)]
Moment = Annotated[AwareDatetime, AfterValidator(_storable)]
