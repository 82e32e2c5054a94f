"""What a query may ask for: its size, depth, aliases and cost, each refused before anything
runs with a GraphQL error that says which limit and a status that says so; introspection off by
a setting."""

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.conftest import Configure
from tests.graphql.helpers import ARTICLE_PAGE, ask, data, refusal
from tests.system.test_statements import statements


def test_a_query_longer_than_the_limit_is_413_before_it_is_parsed(
    client: TestClient, configure: Configure
) -> None:
    configure(FOLIO_GRAPHQL_MAX_QUERY_BYTES="200")
    long = "{ article(id: 1) { " + "title " * 40 + "} }"
    error = refusal(client, long, 413)
    assert error["message"] == "The query is longer than 200 bytes (FOLIO_GRAPHQL_MAX_QUERY_BYTES)."
    assert error["extensions"] == {"code": "QUERY_TOO_LARGE"}
    assert data(client, "{ article(id: 1) { title } }")["article"]["title"]


def test_depth_aliases_and_cost_are_refused_before_anything_runs(
    client: TestClient, configure: Configure, connection: Connection
) -> None:
    configure(
        FOLIO_GRAPHQL_MAX_DEPTH="3", FOLIO_GRAPHQL_MAX_ALIASES="2", FOLIO_GRAPHQL_MAX_COST="100"
    )
    deep = "{ article(id: 1) { comparisons { rows { cells { text } } } } }"
    aliased = "{ a: article(id: 1) { id } b: article(id: 1) { id } c: article(id: 1) { id } }"
    costly = "{ articles(first: 50) { nodes { id title summary } } }"
    with statements(connection) as seen:
        depth = refusal(client, deep, 400)
        aliases = refusal(client, aliased, 400)
        cost = refusal(client, costly, 400)
    assert seen == []  # nothing ran, not even the first query
    assert depth["message"] == "'anonymous' exceeds maximum operation depth of 3"
    assert aliases["message"] == "3 aliases found. Allowed: 2"
    assert cost["message"] == (
        "The query costs 152, more than the 100 allowed (FOLIO_GRAPHQL_MAX_COST): ask for"
        " fewer items (first) or fewer fields."
    )
    assert cost["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 152, "limit": 100}
    # Within the limits, the same shapes run.
    assert data(client, "{ articles(first: 30) { nodes { id title summary } } }")["articles"]
    assert data(client, "{ a: article(id: 1) { id } b: article(id: 1) { id } }")["a"] == {"id": 1}


def test_cost_counts_each_item_a_list_may_hold_with_first_from_variables_too(
    client: TestClient, configure: Configure
) -> None:
    configure(FOLIO_GRAPHQL_MAX_COST="42")
    query = "query($n: Int) { articles(first: $n) { nodes { id title } } }"
    # 1 (articles) + 1 (nodes) + 2n (id, title): 42 for 20, the default.
    assert data(client, query, {"n": 20})["articles"]
    assert data(client, "{ articles { nodes { id title } } }")["articles"]
    assert refusal(client, query, 400, variables={"n": 21})["extensions"]["cost"] == 44
    fragment = "fragment F on ArticleListItem { id title } { articles { nodes { ...F } } }"
    assert data(client, fragment)["articles"]
    assert refusal(client, fragment.replace("{ id title }", "{ id title slug }"), 400)
    # The article page query (docs/graphql.md) costs 47.
    configure(FOLIO_GRAPHQL_MAX_COST="47")
    assert data(client, ARTICLE_PAGE, {"slug": "no-such-article"}) == {"article": None}


def test_introspection_is_on_by_default_and_off_by_a_setting(
    client: TestClient, configure: Configure
) -> None:
    query = "{ __schema { queryType { name } } }"
    assert data(client, query) == {"__schema": {"queryType": {"name": "Query"}}}
    configure(FOLIO_GRAPHQL_INTROSPECTION="false")
    error = ask(client, query, status=400)["errors"][0]
    assert error["message"] == (
        "GraphQL introspection has been disabled, but the requested query contained the field"
        " '__schema'."
    )
    assert data(client, "{ article(id: 1) { id __typename } }") == {
        "article": {"id": 1, "__typename": "Article"}
    }
