"""The leak probe (``tests.probe``) through GraphQL: no path of the graph reaches anything
hidden without a key, a key sees drafts, and a preview link's token opens its own article
only, in an answer no cache keeps."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys
from tests.graphql.helpers import ARTICLE_PAGE, data
from tests.probe import GONE, NEVER, World, world

pytestmark = pytest.mark.calendar
__all__ = ["world"]  # the fixture each test asks for

LISTED = """
  id slug title summary author { name } tags { name } cover { url }
  roles { slug name aliases definition }
  comparisons {
    slug title subjects { slug name } rows { dimension cells { role text } } csv markdown
  }
  translations { locale slug }
"""
ARTICLE = LISTED + " body body_html body_markdown body_text"
# Every list, a hundred items each (one query each: together they cost more than a query may).
LISTS = (
    f"articles(first: 100) {{ total_count nodes {{ {LISTED} }} }}",
    "roles(first: 100) { total_count nodes { slug name aliases definition } }",
    "comparisons(first: 100) { total_count nodes { slug title subjects { slug name } row_count } }",
    "authors(first: 100) { nodes { slug name } }",
    "tags(first: 100) { nodes { slug name } }",
)


def _clean(answer: Any) -> str:
    text = json.dumps(answer).lower()
    assert NEVER not in text, text[text.find(NEVER) - 300 : text.find(NEVER) + 100]
    assert GONE not in text, text[text.find(GONE) - 300 : text.find(GONE) + 100]
    return text


def test_no_path_of_the_graph_reaches_anything_hidden(world: World) -> None:
    client = world.client
    listed: dict[str, Any] = {}
    for one in LISTS:
        listed |= data(client, f"{{ {one} }}")
    _clean(listed)
    asked = 1
    for article in listed["articles"]["nodes"]:
        _clean(data(client, f"{{ article(slug: {json.dumps(article['slug'])}) {{ {ARTICLE} }} }}"))
        _clean(data(client, ARTICLE_PAGE, {"slug": article["slug"]}))
        asked += 2
    roles = [r["slug"] for r in listed["roles"]["nodes"]]
    for slug in roles:
        role = f"""role(slug: {json.dumps(slug)}) {{
          name definition aliases articles {{ slug title }}
          comparisons {{ title subjects {{ name }} rows {{ dimension cells {{ role text }} }} }}
        }}"""
        filtered = f"articles(role: {json.dumps(slug)}) {{ nodes {{ slug title }} }}"
        _clean(data(client, f"{{ {role} {filtered} }}"))
        for other in roles:
            if other != slug:
                pair = f"a: {json.dumps(slug)}, b: {json.dumps(other)}"
                _clean(
                    data(
                        client,
                        f"{{ compare({pair}) {{ dimensions {{ dimension cells {{ text }} }} }} }}",
                    )
                )
        asked += len(roles)
    for comparison in listed["comparisons"]["nodes"]:
        slug = json.dumps(comparison["slug"])
        _clean(
            data(
                client,
                f"""{{
                  comparison(slug: {slug}) {{
                    title rows {{ dimension cells {{ role text }} }} csv
                  }}
                  comparison_rows(comparison: {slug}) {{ nodes {{ dimension cells {{ text }} }} }}
                  roles(comparison: {slug}) {{ nodes {{ slug definition }} }}
                  articles(comparison: {slug}) {{ nodes {{ slug }} }}
                }}""",
            )
        )
        asked += 1
    for word in (NEVER, GONE, "role", "comparison", "article", "cell", "dimension"):
        found = data(
            client,
            """query($q: String!) {
              search(q: $q, first: 100) { nodes { type slug title snippet } }
              articles(q: $q, first: 100) { nodes { slug summary } }
              roles(q: $q, first: 100) { nodes { slug definition } }
              comparisons(q: $q, first: 100) { nodes { slug title } }
            }""",
            {"q": word},
        )
        _clean(found)
        asked += 1
    assert asked > 20
    # What the public may see is all there.
    page = data(client, ARTICLE_PAGE, {"slug": "public-article-with-hidden-references"})["article"]
    assert {r["slug"] for r in page["roles"]} == {
        "shown-role",
        "ai-operating-partner",
        "fractional-caio",
    }
    assert page["comparisons"] == []
    assert [i["role"]["slug"] for i in page["body"][0]["items"]] == ["shown-role"]
    table = data(
        client,
        '{ comparison(slug: "public-comparison-of-public-and-hidden-roles") '
        "{ subjects { slug } rows { cells { role text } } } }",
    )["comparison"]
    assert table == {
        "subjects": [{"slug": "shown-role"}],
        "rows": [{"cells": [{"role": "shown-role", "text": "Public cell"}]}],
    }


def test_a_hidden_item_is_null_by_any_reference_without_a_key_and_there_with_one(
    world: World,
) -> None:
    client = world.client
    for slug in world.hidden_slugs:
        by_slug = f"(slug: {json.dumps(slug)})"
        answer = data(
            client,
            f"""{{
              article{by_slug} {{ id }} role{by_slug} {{ id }} comparison{by_slug} {{ id }}
              articles(role: {json.dumps(slug)}) {{ nodes {{ id }} }}
              roles(comparison: {json.dumps(slug)}) {{ nodes {{ id }} }}
            }}""",
        )
        assert answer == {
            "article": None,
            "role": None,
            "comparison": None,
            "articles": {"nodes": []},
            "roles": {"nodes": []},
        }, slug
        seen = data(
            client,
            f"{{ article{by_slug} {{ id }} role{by_slug} {{ id }} comparison{by_slug} {{ id }} }}",
            headers=world.write,
        )
        assert any(seen.values()) or "trashed" in slug, slug
    drafts = data(
        client, "{ articles(status: draft, first: 100) { nodes { title } } }", headers=world.write
    )
    assert any(NEVER in n["title"].lower() for n in drafts["articles"]["nodes"])


def test_a_preview_link_opens_its_own_article_only_and_is_never_cached(
    client: TestClient, keys: Keys
) -> None:
    write = keys.auth("write")
    draft = client.post(
        "/v1/articles", json={"title": "Embargoed launch", "status": "draft"}, headers=write
    ).json()
    link = client.post(f"/v1/articles/{draft['id']}/preview-links", json={}, headers=write).json()
    query = "query($s: String!, $t: String) { article(slug: $s, preview: $t) { title status } }"
    assert data(client, query, {"s": draft["slug"]}) == {"article": None}
    opened = {"s": draft["slug"], "t": link["token"]}
    assert data(client, query, opened) == {
        "article": {"title": "Embargoed launch", "status": "draft"}
    }
    # By GET, as a cache would see it: private.
    response = client.get("/graphql", params={"query": query, "variables": json.dumps(opened)})
    assert response.status_code == 200
    assert response.json()["data"]["article"]["title"] == "Embargoed launch"
    assert response.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in response.headers
    # Another article with the token: not opened by it (the seed is public anyway, so ask for
    # it and see it public, and see the token fail for a second draft).
    other = client.post(
        "/v1/articles", json={"title": "Another draft", "status": "draft"}, headers=write
    ).json()
    assert data(client, query, {"s": other["slug"], "t": link["token"]}) == {"article": None}
    bad = client.post(
        "/graphql", json={"query": query, "variables": {"s": draft["slug"], "t": "fpv_x"}}
    )
    (error,) = bad.json()["errors"]
    assert error["extensions"]["code"] == "preview-not-valid"
    assert error["extensions"]["status"] == 403
