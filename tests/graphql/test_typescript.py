"""A real GraphQL client: graphql-codegen (pinned by the TypeScript client's package-lock.json)
types the client's queries from the committed ``schema.graphql``; what it generates is
committed and up to date, and a query asking for a field the schema lacks fails generation.
Strict tsc over the typed results, and the example against a live server, are in
``tests/system/test_typescript_client.py`` with the rest of the client."""

from pathlib import Path

from tests.helpers import staged_for_node
from tests.system.test_typescript_client import CLIENT, TOOLS, client_files, run_node

CODEGEN = TOOLS / "@graphql-codegen" / "cli" / "cjs" / "bin.js"


def _codegen(folder: Path) -> tuple[int, str]:
    return run_node([str(CODEGEN), "--config", "codegen.json"], folder)


def test_the_generated_documents_match_the_committed_schema_and_queries() -> None:
    """The same command as ``make openapi``: a change to the schema or to a query that was not
    carried into src/gql fails here."""
    files = {k: v for k, v in client_files().items() if not k.startswith("src/gql/")}
    folder = staged_for_node("ts", files)
    code, output = _codegen(folder)
    assert code == 0, output
    for generated in sorted((CLIENT / "src" / "gql").glob("*.ts")):
        fresh = (folder / "src" / "gql" / generated.name).read_text()
        assert fresh == generated.read_text(), f"src/gql/{generated.name} is stale: make openapi"
    typed = (CLIENT / "src" / "gql" / "graphql.ts").read_text()
    assert "export type ArticlePageQuery = { article: { id: number, title: string" in typed


def test_a_query_for_a_field_the_schema_lacks_fails_generation() -> None:
    wrong = b"""import { graphql } from "./gql/index.ts";
export const Wrong = graphql(`query Wrong { article(id: 1) { titel } }`);
"""
    files = {k: v for k, v in client_files(wrong=wrong).items() if not k.startswith("src/gql/")}
    code, output = _codegen(staged_for_node("ts", files))
    assert code != 0
    assert 'Cannot query field "titel" on type "Article"' in output, output
