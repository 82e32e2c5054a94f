"""GraphQL answers what REST answers: every kind by id and slug and in lists with REST's
filters and sorts, comparisons with their rows and cells, search, two roles compared; and
every malformed request is refused with a GraphQL error and a status that says so."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Keys
from tests.graphql.helpers import ARTICLE_PAGE, ask, data, refusal
from tests.helpers import block

SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"


def _articles(client: TestClient, keys: Keys, count: int) -> list[dict[str, Any]]:
    client.post("/v1/tags", json={"name": "Notes"}, headers=keys.auth("write"))
    made = []
    for n in range(count):
        response = client.post(
            "/v1/articles",
            json={
                "title": f"Field note {n:02}",
                "status": "published",
                "tags": ["notes"] if n % 2 else [],
                "category": "Notes",
                "body": [block(f"Note {n} on the fractional CAIO.")],
            },
            headers=keys.auth("write"),
        )
        assert response.status_code == 201, response.text
        made.append(response.json())
    return made


def test_an_article_page_is_one_round_trip_with_what_rest_includes(client: TestClient) -> None:
    article = data(client, ARTICLE_PAGE, {"slug": SEED})["article"]
    rest = client.get(f"/v1/articles/{SEED}?include=author,tags,roles,comparisons").json()
    for name in ("id", "slug", "title", "kicker", "summary", "published_at", "locale", "body"):
        assert article[name] == rest[name], name
    assert article["seo"] == rest["seo"]
    assert article["author"] == {"name": "Kyle Rasmussen", "slug": rest["author"]["slug"]}
    assert [r["definition"] for r in article["roles"]] == [r["definition"] for r in rest["roles"]]
    (table,) = article["comparisons"]
    (expected,) = rest["comparisons"]
    assert [s["slug"] for s in table["subjects"]] == [s["slug"] for s in expected["subjects"]]
    assert len(table["rows"]) == 6
    for row, rest_row in zip(table["rows"], expected["rows"], strict=True):
        assert row["dimension"] == rest_row["dimension"]
        assert {c["role"]: c["text"] for c in row["cells"]} == {
            role: cell["text"] for role, cell in rest_row["cells"].items()
        }
    # The body in every form REST serves it.
    assert article["body"][0]["_type"] == rest["body"][0]["_type"]
    assert article["body_html"] in client.get(f"/v1/articles/{SEED}?format=html").text
    formats = data(client, "{ article(id: 1) { body_markdown body_text } }")["article"]
    assert formats["body_markdown"] == client.get("/v1/articles/1?format=md").text
    assert formats["body_text"] == client.get("/v1/articles/1?format=txt").text


def test_one_of_each_kind_by_id_or_slug_and_null_when_there_is_none(
    client: TestClient, keys: Keys
) -> None:
    client.post("/v1/tags", json={"name": "Operators"}, headers=keys.auth("write"))
    found = data(
        client,
        """{
          by_id: article(id: 1) { slug }
          role(slug: "fractional-caio") {
            name definition
            comparisons { title rows { dimension } }
            articles { slug }
          }
          comparison(slug: "ai-operating-partner-vs-fractional-caio") {
            dimension_label rows { dimension } csv markdown
          }
          author(slug: "kyle-rasmussen") { name }
          tag(slug: "operators") { name }
          missing: article(slug: "no-such-article") { id }
          missing_id: role(id: 999999) { id }
        }""",
    )
    assert found["by_id"]["slug"] == SEED
    role = found["role"]
    assert role["name"] == "Fractional CAIO"
    assert [len(c["rows"]) for c in role["comparisons"]] == [6]
    assert [a["slug"] for a in role["articles"]] == [SEED]
    comparison = found["comparison"]
    assert (
        comparison["csv"]
        == client.get("/v1/comparisons/ai-operating-partner-vs-fractional-caio?format=csv").text
    )
    assert "\n| Dimension | [AI operating partner](" in comparison["markdown"]
    assert found["author"] == {"name": "Kyle Rasmussen"}
    assert found["tag"] == {"name": "Operators"}
    assert found["missing"] is None
    assert found["missing_id"] is None


def test_an_old_slug_finds_the_article_under_its_new_one(client: TestClient, keys: Keys) -> None:
    changed = client.patch(
        "/v1/articles/1", json={"slug": "operating-partner-or-caio"}, headers=keys.auth("write")
    )
    assert changed.status_code == 200, changed.text
    found = data(client, "query($s: String!) { article(slug: $s) { id slug } }", {"s": SEED})
    assert found["article"] == {"id": 1, "slug": "operating-partner-or-caio"}


def test_one_needs_an_id_or_a_slug_and_not_both(client: TestClient) -> None:
    for arguments in ("", '(id: 1, slug: "x")'):
        error = refusal(client, f"{{ article{arguments} {{ id }} }}", 200)
        assert error["message"] == "Give article an id or a slug (one of them)."
        assert error["extensions"] == {"code": "invalid-request", "status": 422}
        assert error["path"] == ["article"]


def test_lists_take_rests_filters_and_sorts_under_the_same_names(
    client: TestClient, keys: Keys
) -> None:
    _articles(client, keys, 7)
    for arguments, rest in (
        ('tag: "notes"', "tag=notes"),
        ('not_tag: "notes", sort: "title"', "not_tag=notes&sort=title"),
        ('category: "Notes", sort: "-title"', "category=Notes&sort=-title"),
        ('role: "fractional-caio"', "role=fractional-caio"),
        ('q: "fractional"', "q=fractional"),
        ('published_after: "2020-01-01T00:00:00Z"', "published_after=2020-01-01T00:00:00Z"),
    ):
        listed = data(client, f"{{ articles({arguments}) {{ nodes {{ slug }} }} }}")
        expected = [a["slug"] for a in client.get(f"/v1/articles?{rest}").json()["data"]]
        assert [n["slug"] for n in listed["articles"]["nodes"]] == expected, arguments
        assert expected
    roles = data(client, '{ roles(comparison: "ai-operating-partner-vs-fractional-caio") '
                         "{ nodes { slug } } }")  # fmt: skip
    assert [r["slug"] for r in roles["roles"]["nodes"]] == [
        "ai-operating-partner",
        "fractional-caio",
    ]
    compared = data(
        client, '{ comparisons(role: ["fractional-caio"]) { nodes { slug row_count } } }'
    )
    assert compared["comparisons"]["nodes"] == [
        {"slug": "ai-operating-partner-vs-fractional-caio", "row_count": 6}
    ]


def test_a_connection_pages_with_first_and_after_and_counts_when_asked(
    client: TestClient, keys: Keys
) -> None:
    _articles(client, keys, 5)
    query = """query($after: String) {
      articles(first: 2, after: $after, sort: "title") {
        total_count
        page_info { has_next_page has_previous_page end_cursor start_cursor }
        nodes { title }
      }
    }"""
    titles: list[str] = []
    after = None
    pages = 0
    while True:
        page = data(client, query, {"after": after})["articles"]
        assert page["total_count"] == 6
        titles += [n["title"] for n in page["nodes"]]
        assert page["page_info"]["has_previous_page"] == (pages > 0)
        pages += 1
        if not page["page_info"]["has_next_page"]:
            assert page["page_info"]["end_cursor"] is None
            break
        after = page["page_info"]["end_cursor"]
        assert pages < 10
    assert pages == 3
    rest = client.get("/v1/articles?sort=title&limit=100").json()["data"]
    assert titles == [a["title"] for a in rest]
    # Not selected, not counted.
    assert data(client, "{ articles { nodes { id } } }")["articles"] == {
        "nodes": [{"id": a["id"]} for a in client.get("/v1/articles").json()["data"]]
    }


def test_a_list_refuses_what_rest_refuses_with_its_problem(client: TestClient) -> None:
    for arguments, code, status in (
        ("first: 0", "invalid-request", 422),
        ("first: 101", "invalid-request", 422),
        ('published_after: "1000000000"', "invalid-request", 422),
        ('sort: "popularity"', "invalid-request", 422),
        ('published_after: "2026-02-01T00:00:00Z", published_before: "2026-01-01T00:00:00Z"',
         "invalid-request", 422),
        ('after: "not-a-cursor"', "invalid-parameter", 422),
        ("status: draft", "unauthorized", 401),
    ):  # fmt: skip
        answer = ask(client, f"{{ articles({arguments}) {{ nodes {{ id }} }} }}")
        assert answer["data"] is None, arguments
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == code, (arguments, error)
        assert error["extensions"]["status"] == status, (arguments, error)
    error = ask(client, '{ articles(after: "x") { nodes { id } } }')["errors"][0]
    assert error["message"] == "after: not a cursor of this listing"
    assert error["extensions"]["errors"] == [
        {"loc": ["after"], "msg": "not a cursor of this listing"}
    ]


def test_search_rows_and_two_roles_compared_are_rests(client: TestClient) -> None:
    found = data(
        client,
        """{
          search(q: "fractional") { nodes { type slug snippet } }
          comparison_rows(comparison: "ai-operating-partner-vs-fractional-caio", q: "EBITDA") {
            nodes { dimension cells { role text } }
          }
          compare(a: "ai-operating-partner", b: "fractional-caio") {
            roles { slug } dimensions { dimension comparison { slug } cells { role text } }
          }
        }""",
    )
    hits = client.get("/v1/search?q=fractional").json()["data"]
    assert found["search"]["nodes"] == [
        {"type": h["type"], "slug": h["slug"], "snippet": h["snippet"]} for h in hits
    ]
    assert [r["dimension"] for r in found["comparison_rows"]["nodes"]] == ["Accountability"]
    compared = found["compare"]
    assert [r["slug"] for r in compared["roles"]] == ["ai-operating-partner", "fractional-caio"]
    assert len(compared["dimensions"]) == 6
    first = compared["dimensions"][0]
    assert first["dimension"] == "Primary job"
    assert {c["role"] for c in first["cells"]} == {"ai-operating-partner", "fractional-caio"}
    same = ask(client, '{ compare(a: "fractional-caio", b: "fractional-caio") { roles { slug } } }')
    assert same["errors"][0]["extensions"]["status"] == 422
    assert refusal(client, "{ search { nodes { slug } } }", 400)["message"] == (
        "Argument 'Query.search(q:)' of type 'String!' is required, but it was not provided."
    )


def test_a_request_that_is_no_graphql_request_is_refused(client: TestClient) -> None:
    def error(response: Any, status: int) -> str:
        assert response.status_code == status, response.text
        assert response.headers["cache-control"] == "private, no-store"
        return str(response.json()["errors"][0]["message"])

    post = client.post
    assert "Send a query" in error(client.get("/graphql"), 400)
    assert "Unknown parameter 'limit'" in error(client.get("/graphql?query={a}&limit=1"), 400)
    twice = "/graphql?query={article(id:1){id}}&query={article(id:1){id}}"
    assert "more than once" in error(client.get(twice), 400)
    assert "variables is not JSON" in error(
        client.get("/graphql", params={"query": "{ article(id: 1) { id } }", "variables": "{"}),
        400,
    )
    assert "variables must be a JSON object" in error(
        post("/graphql", json={"query": "{ article(id: 1) { id } }", "variables": [1]}), 400
    )
    assert "query must be a string" in error(post("/graphql", json={"query": 1}), 400)
    assert "The body must be a JSON object" in error(post("/graphql", json=["{ a }"]), 400)
    assert "Unknown parameter 'mutation'" in error(post("/graphql", json={"mutation": "{}"}), 400)
    assert "operationName must be a string" in error(
        post("/graphql", json={"query": "{ tags { nodes { id } } }", "operationName": 2}), 400
    )
    syntax = refusal(client, "{ article(id: 1) { id }", 400)
    assert syntax["message"].startswith("Syntax Error")
    unknown = refusal(client, "{ article(id: 1) { secret } }", 400)
    assert unknown["message"] == "Cannot query field 'secret' on type 'Article'."
    mutation = ask(client, "mutation { article(id: 1) { id } }", status=400)
    assert mutation["errors"][0]["message"] == (
        "Only queries: mutations are not Folio's (writes are REST's)."
    )
    typed = refusal(client, '{ article(id: "one") { id } }', 400)
    assert "Int cannot represent" in typed["message"]
    # Only JSON is taken by POST (a form cannot send a query across sites).
    form = post(
        "/graphql", content="query={tags{nodes{id}}}", headers={"Content-Type": "text/plain"}
    )
    assert form.status_code == 415
    assert form.headers["content-type"] == "application/problem+json"
