"""Content negotiation on every route: each answers in the media types its OpenAPI operation
declares, and refuses with 406 (before it does anything) an Accept that admits none of them."""

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session, func, select

from api import main
from api.articles.models import Article
from api.core.errors import route_operation
from api.main import create_app
from tests.conftest import Configure, Database, Keys, settings_for
from tests.system.test_statements import READS, base

NOTHING = "application/x-folio-nothing"


@pytest.fixture(autouse=True)
def two_locales(configure: Configure) -> None:
    configure(
        FOLIO_WEBHOOK_ALLOW_PRIVATE="true",  # hooks that are never called
        FOLIO_LOCALES="en,de",
    )


def _operation(document: dict[str, Any], url: str) -> dict[str, Any]:
    path = url.split("?")[0]
    for template, operations in document["paths"].items():
        if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path):
            return operations["get"]  # type: ignore[no-any-return]
    raise AssertionError(f"no operation for {url}")


def test_every_read_answers_what_it_declares_and_406_to_anything_else(
    client: TestClient, session: Session, keys: Keys
) -> None:
    made = base(client, session, keys)
    document = client.get("/openapi.json").json()
    for template, scope in READS:
        url = template.format(**made)
        headers = keys.auth(scope) if scope else {}
        declared = {
            media
            for status, response in _operation(document, url)["responses"].items()
            if status.startswith("2")
            for media in response.get("content", {})
        }
        assert declared, url
        if "format=" in url:  # ?format= overrides Accept
            assert client.get(url, headers={**headers, "Accept": NOTHING}).status_code == 200
            continue
        for media in declared:
            answer = client.get(url, headers={**headers, "Accept": media})
            assert answer.status_code == 200, (url, media, answer.text[:200])
            got = answer.headers["content-type"].split(";")[0]
            # The one asked for; a file route answers in its file's type, one of those declared.
            kinds = {m.split(";")[0] for m in declared} | {m.split("/")[0] + "/*" for m in declared}
            assert got == media.split(";")[0] or (
                "/v1/assets/" in url and got.split("/")[0] + "/*" in kinds
            ), (url, media, got)
        for accept in (NOTHING, f"{NOTHING}, text/x-other;q=0.5"):
            refused = client.get(url, headers={**headers, "Accept": accept})
            assert refused.status_code == 406, (url, refused.text[:200])
            assert refused.headers["content-type"] == "application/problem+json"
            assert "available" in refused.json()["detail"]


def test_lists_do_not_answer_json_to_a_csv_accept(client: TestClient) -> None:
    for url in ("/v1/articles", "/v1/roles", "/v1/comparisons", "/v1/search?q=role"):
        assert client.get(url, headers={"Accept": "text/csv"}).status_code == 406, url


def test_a_write_refused_for_its_accept_changes_nothing(client: TestClient, keys: Keys) -> None:
    before = client.get("/v1/articles/1").json()
    count = select(func.count()).select_from(Article)
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        articles = session.exec(count).one()
    created = client.post(
        "/v1/articles",
        json={"title": "Never made", "status": "published"},
        headers={**keys.auth("write"), "Accept": "text/csv"},
    )
    assert created.status_code == 406
    patched = client.patch(
        "/v1/articles/1",
        json={"title": "Never changed"},
        headers={**keys.auth("write"), "Accept": "image/png"},
    )
    assert patched.status_code == 406
    assert client.get("/v1/articles/1").json() == before
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(count).one() == articles


def test_filtered_rows_export_as_csv(client: TestClient) -> None:
    """`?format=csv` or `Accept: text/csv` on rows: the comparison's header, then the rows the
    filter keeps, as the comparison's own CSV has them."""
    path = "/v1/comparisons/ai-operating-partner-vs-fractional-caio"
    whole = client.get(f"{path}?format=csv").text.splitlines()
    json_rows = client.get(f"{path}/rows?q=governance").json()["data"]
    assert 0 < len(json_rows) < len(whole) - 1
    by_format = client.get(f"{path}/rows?q=governance&format=csv")
    by_accept = client.get(f"{path}/rows?q=governance", headers={"Accept": "text/csv"})
    for answer in (by_format, by_accept):
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        lines = answer.text.splitlines()
        assert lines[0] == whole[0]  # the header: the dimension label and the roles
        assert len(lines) == 1 + len(json_rows)
        assert all(line in whole for line in lines[1:])
        assert all(line.split(",")[0].strip('"') in {r["dimension"] for r in json_rows}
                   for line in lines[1:])  # fmt: skip
    assert by_format.text == by_accept.text
    paged = client.get(f"{path}/rows?format=csv&limit=2")
    assert len(paged.text.splitlines()) == 3
    assert 'rel="next"' in paged.headers["link"]
    assert "format=csv" in paged.headers["link"]
    assert client.get(f"{path}/rows?format=xml").status_code == 422


def _only_error(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    [error] = answer.json()["errors"]
    return error  # type: ignore[no-any-return]


def test_a_misspelt_parameter_or_field_is_named_with_the_closest_one(
    client: TestClient, keys: Keys, session: Session
) -> None:
    """An unknown parameter (any route) or field (any body) says which there are, and the
    closest; a bad sort lists the fields one can sort on, not a regular expression."""
    limit = _only_error(client.get("/v1/articles?limt=2"))
    assert limit["loc"] == ["query", "limt"]
    assert limit["msg"].startswith("no such parameter; did you mean 'limit'? There are: ")
    assert "cursor" in limit["msg"]
    rows = _only_error(client.get("/v1/comparisons/1/rows?dimensoin=x"))
    assert "did you mean 'dimension'?" in rows["msg"]
    nothing_close = _only_error(client.get("/v1/roles?zzzz=1"))
    assert nothing_close["msg"].startswith("no such parameter. There are: ")
    for url, allowed in (
        ("/v1/articles?sort=bogus", "published_at, updated_at, created_at, title"),
        ("/v1/comparisons/1/rows?sort=-dimension", "position"),
    ):
        error = _only_error(client.get(url))
        assert error["loc"] == ["query", "sort"]
        assert allowed in error["msg"]
        assert "(?:" not in error["msg"]  # no pattern
    before = client.get("/v1/articles/1").json()
    for method, path, body in (
        ("POST", "/v1/articles", {"title": "x", "sumary": "y"}),
        ("PATCH", "/v1/articles/1", {"sumary": "y"}),
        ("POST", "/v1/roles", {"name": "x", "defintion": "y"}),
    ):
        error = _only_error(client.request(method, path, json=body, headers=keys.auth("write")))
        assert error["loc"][0] == "body"
        assert "did you mean" in error["msg"]
        assert "There are: " in error["msg"]
    assert client.get("/v1/articles/1").json() == before


def test_each_route_reads_what_it_takes_and_offers_as_the_openapi_document_says(
    app: FastAPI,
) -> None:
    """Refusals and 406s read an operation from its route (the document costs a new process
    more than a second): for every route and method, the same query parameters and body
    fields, with the same descriptions, and the same media types as the document."""
    document = app.openapi()
    routes = list(_api_routes(app.router.routes))
    checked = 0
    for route in routes:
        if not route.include_in_schema:
            continue
        mine = route_operation(route)
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            query = {
                parameter["name"]: parameter.get("description", "")
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "query"
            }
            content: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
            media: dict[str, Any] = next(iter(content.values()), {})
            schema: dict[str, Any] = media.get("schema", {})
            schema = next((one for one in schema.get("anyOf", []) if "$ref" in one), schema)
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            body = {
                name: field.get("description", "")
                for name, field in schema.get("properties", {}).items()
            }
            if not _takes_a_model(route):
                body = {}  # a body the route reads itself (a merge patch, a file): no 422 names it
            offers = {
                media_type
                for status, response in operation["responses"].items()
                if status.startswith("2")
                for media_type in response.get("content", {})
            }
            assert (mine.query, mine.body, set(mine.offers)) == (query, body, offers), route.path
            checked += 1
    assert checked == sum(len(operations) for operations in document["paths"].values())
    assert sum(bool(route_operation(route).body) for route in routes) > 30


def _takes_a_model(route: APIRoute) -> bool:
    annotation = route.body_field.field_info.annotation if route.body_field else None
    return any(
        isinstance(candidate, type) and issubclass(candidate, BaseModel)
        for candidate in (annotation, *get_args(annotation))
    )


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """The routes a request is sent to (``scope["route"]``), inside the routers included."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's record of an include_router
            yield from _api_routes(route.original_router.routes)


def test_the_first_refusals_at_once_each_name_the_closest_parameter(database: Database) -> None:
    """On a new app, threads asking for the OpenAPI document at once each get the whole of it
    (FastAPI's builder fails when two run at the same time: it is run once), and refusals
    name the closest parameter."""
    for _ in range(3):
        main._DOCUMENTS.clear()  # built afresh (apps with the same routes share it otherwise)
        app = create_app(settings_for(database.url), engine=database.engine)
        start = threading.Barrier(8)

        def build(_: int, app: FastAPI = app, start: threading.Barrier = start) -> int:
            start.wait()
            return len(app.openapi()["paths"])

        with ThreadPoolExecutor(8) as pool:
            sizes = set(pool.map(build, range(8)))
        assert len(sizes) == 1
        with TestClient(app) as fresh:
            assert "did you mean 'limit'?" in fresh.get("/v1/roles?limt=2").text
