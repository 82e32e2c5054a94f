"""The schema is made from the registry of kinds and REST's public shapes, and committed in
SDL (``schema.graphql``) so that every change to it shows in review."""

from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.core import kinds
from api.core.config import REPO_ROOT
from api.graphql.schema import readers
from api.graphql.types import type_name


def test_the_schema_matches_its_committed_snapshot(client: TestClient) -> None:
    """Regenerate with `make openapi`, and review the diff."""
    served = client.get("/graphql/schema.graphql")
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.headers["cache-control"].startswith("public")
    committed = (REPO_ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert served.text == committed, "the schema changed: run `make openapi` and review the diff"
    assert client.get("/graphql/schema.graphql?x=1").status_code == 422


def test_every_kind_has_one_and_many_and_every_public_field(client: TestClient) -> None:
    query = """{ __schema { queryType { fields { name args { name } } }
                 types { name fields { name } } } }"""
    schema = client.post("/graphql", json={"query": query}).json()["data"]["__schema"]
    roots = {f["name"]: {a["name"] for a in f["args"]} for f in schema["queryType"]["fields"]}
    types = {t["name"]: {f["name"] for f in t["fields"] or []} for t in schema["types"]}

    def fields(model: type[BaseModel]) -> set[str]:
        return set(model.model_fields)

    for kind, reader in readers().items():
        assert {"id", "slug"} <= roots[kind.name], kind.name
        assert ("locale" in roots[kind.name]) == kind.translatable
        assert {"first", "after"} <= roots[kind.collection]
        # Every parameter of the kind's REST list but paging, fields and include.
        rest = set(reader.query.model_fields) - {"limit", "cursor", "count", "fields", "include"}
        assert rest <= roots[kind.collection], (kind.collection, rest - roots[kind.collection])
        one = "Role" if kind is kinds.ROLE else type_name(reader.one_shape)
        assert fields(reader.one_shape) <= types[one], kind.name
        item = "Label" if kind in kinds.LABELS else type_name(reader.item_shape)
        assert fields(reader.item_shape) <= types[item], kind.name
