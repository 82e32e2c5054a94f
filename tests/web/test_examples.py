"""Every schema of the OpenAPI document has an example (the seed page and what an editor does
next, as Folio serves them): each validates against its schema, and a tour of a fresh server
on this database gives the committed examples again."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.web.examples import EXAMPLES
from tests.conftest import Database
from tests.examples import collect, dumps, fits, registry_of

# Dates here are computed from the clock: `make test-ahead` runs them years from now too.
pytestmark = pytest.mark.calendar


def test_every_schema_has_an_example_that_fits_it(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    registry = registry_of(document)
    schemas = document["components"]["schemas"]
    missing = [name for name, schema in schemas.items() if not schema.get("examples")]
    assert missing == []
    unfit = [
        name
        for name, schema in schemas.items()
        if not fits(registry, f"/components/schemas/{name}", schema["examples"][0])
    ]
    assert unfit == []
    seed = schemas["ArticlePublic"]["examples"][0]
    assert seed["slug"] == "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
    assert schemas["RowPublic"]["examples"][0]["dimension"] == "Primary job"


def _unranked(value: Any) -> Any:
    """A search hit without its score and snippet: each database ranks and highlights in its
    own way (FTS5 on SQLite, ts_rank and ts_headline on PostgreSQL)."""
    if isinstance(value, dict):
        drop = {"score", "snippet"} if {"score", "snippet"} <= value.keys() else set()
        return {k: _unranked(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_unranked(v) for v in value]
    return value


def test_the_examples_are_what_a_fresh_server_answers(
    fresh_database: Database, tmp_path: Path
) -> None:
    """Regenerate with `make openapi` when this fails: the answers changed."""
    answered = collect(fresh_database.url, tmp_path / "media")
    committed = json.loads(EXAMPLES.read_text())
    assert dumps(_unranked(answered)) == dumps(_unranked(committed))
