"""How far each HTTP cache in front has been purged: the last content change sent to it."""

from sqlalchemy import BigInteger, Integer, String
from sqlmodel import Field, SQLModel


class PurgeCursor(SQLModel, table=True):
    __tablename__ = "purge_cursor"

    url: str = Field(sa_type=String(500), primary_key=True, description="A FOLIO_PURGE_URLS entry.")
    last_change: int = Field(
        sa_type=BigInteger().with_variant(Integer(), "sqlite"),
        description="The id of the last content change this cache was purged of.",
    )
