"""What an import takes and answers."""

from pydantic import BaseModel, ConfigDict, Field


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge: bool = Field(False, description="Upsert by slug into a database with content.")


class ImportResult(BaseModel):
    imported: dict[str, int]
