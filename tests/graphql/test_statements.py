"""A page of articles with everything a listing shows (roles, comparisons with their rows and
cells, tags, author, cover) runs the same few statements for 1, 20 or 100 articles: what a
query selects becomes the services' own batch loads (REST's ``include=``)."""

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlmodel import Session

from tests.conftest import Keys
from tests.graphql.helpers import data
from tests.helpers import make_article
from tests.system.test_statements import statements, tag_and_image

PAGE = """query($n: Int) {
  articles(first: $n, sort: "-title") {
    total_count
    page_info { has_next_page end_cursor }
    nodes {
      id slug title summary published_at
      author { name } tags { name slug }
      cover { url srcset width }
      roles { slug name definition cover { url } }
      comparisons { title subjects { slug name } rows { dimension cells { role text } } }
      seo { meta_title } translations { locale }
    }
  }
}"""


def test_a_page_of_1_20_or_100_articles_with_everything_costs_the_same_statements(
    client: TestClient, session: Session, keys: Keys, connection: Connection
) -> None:
    asset = tag_and_image(client, session, keys)
    seed = client.get("/v1/articles/1").json()
    for n in range(120):
        make_article(
            session,
            title=f"Listed {n:03}",
            tags=["ai"],
            cover=asset["id"],
            blocks=seed["body"],
        )
    session.commit()
    counts = {}
    for size in (1, 20, 100):
        with statements(connection) as seen:
            page = data(client, PAGE, {"n": size})["articles"]
        assert len(page["nodes"]) == size
        counts[size] = len(seen)
    assert counts[1] == counts[20] == counts[100], counts
    listed = data(client, PAGE, {"n": 100})["articles"]["nodes"]
    assert all(len(a["comparisons"][0]["rows"]) == 6 for a in listed)
    assert all(a["cover"]["width"] == 40 for a in listed)
    assert all(a["tags"] == [{"name": "AI", "slug": "ai"}] for a in listed)
    assert all(len(a["roles"]) == 2 for a in listed)
