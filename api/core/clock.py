"""The time Folio runs on. Tests freeze it to publish scheduled content without waiting."""

from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        return self._frozen if self._frozen is not None else datetime.now(UTC)

    def freeze(self, at: datetime) -> datetime:
        """Stops the clock at ``at`` (timezone-aware) until ``unfreeze()``; returns ``at``."""
        if at.tzinfo is None:
            raise ValueError("freeze() takes a timezone-aware datetime")
        self._frozen = at
        return at

    def unfreeze(self) -> None:
        self._frozen = None


clock = Clock()
