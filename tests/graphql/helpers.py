"""Asking /graphql as a frontend does."""

from typing import Any

from fastapi.testclient import TestClient

# The query an article page sends: the article whole, with everything it shows, in one round
# trip (docs/graphql.md shows it).
ARTICLE_PAGE = """
query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id slug title kicker summary published_at locale body body_html
    seo { meta_title meta_description canonical_url image }
    author { name slug }
    tags { name slug }
    cover { url alt width height srcset }
    roles { slug name definition }
    comparisons {
      slug title dimension_label
      subjects { slug name }
      rows { dimension cells { role text note } }
    }
    translations { locale url }
  }
}
"""


def ask(
    client: TestClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    """The answer to ``query`` by POST, which must come with ``status``."""
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = client.post("/graphql", json=body, headers=headers or {})
    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "private, no-store"
    return response.json()  # type: ignore[no-any-return]


def data(client: TestClient, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    """The data of an answer that must have no error."""
    answer = ask(client, query, variables, **kw)
    assert "errors" not in answer, answer
    return answer["data"]


def refusal(client: TestClient, query: str, status: int, **kw: Any) -> dict[str, Any]:
    """The one error of a query refused with ``status``."""
    answer = ask(client, query, status=status, **kw)
    assert len(answer["errors"]) == 1, answer
    return answer["errors"][0]  # type: ignore[no-any-return]
