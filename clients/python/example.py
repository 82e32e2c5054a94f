"""Folio from Python with httpx: the five steps a frontend or a script takes.

    FOLIO_URL=http://127.0.0.1:8000 FOLIO_KEY=<a write key> python clients/python/example.py

1. the seed article by slug, and its comparison's rows;
2. every article, page after page, following ``links.next``;
3. a draft, then published with ``If-Match`` (the ETag read), then deleted: the example leaves
   nothing behind in the feeds or the sitemap (it goes to the trash, which an admin empties);
4. one role against another;
5. a 404 as a problem (``application/problem+json``).

Every answer is checked: the program fails loudly if Folio does not do what it documents.
It runs on the httpx API, from the ``httpx2`` distribution that Folio's tests install
(``import httpx`` works the same with httpx itself).
"""

import os
from typing import Any
from uuid import uuid4

import httpx2 as httpx

SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
COMPARISON = "ai-operating-partner-vs-fractional-caio"


def problem(response: httpx.Response) -> dict[str, Any]:
    """The problem details of an error answer (RFC 9457)."""
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys(), body
    return body


def main() -> None:
    base = os.environ.get("FOLIO_URL", "http://127.0.0.1:8000")
    write = {"Authorization": f"Bearer {os.environ['FOLIO_KEY']}"}
    with httpx.Client(base_url=base, timeout=10) as folio:
        # 1. The seed by slug, and its comparison's rows.
        article = folio.get(f"/v1/articles/{SEED}").raise_for_status().json()
        rows = folio.get(f"/v1/comparisons/{COMPARISON}/rows").raise_for_status().json()["data"]
        print(f"1. {article['title']}: {len(rows)} rows, first {rows[0]['dimension']!r}")

        # 2. Every article, two a page.
        titles: list[str] = []
        url: str | None = "/v1/articles?limit=2"
        for _ in range(1_000):  # bounded: a page per step
            if url is None:
                break
            page = folio.get(url).raise_for_status().json()
            titles += [item["title"] for item in page["data"]]
            url = page["links"]["next"]
        print(f"2. {len(titles)} articles, newest first")

        # 3. A draft, then published with If-Match.
        created = folio.post(
            "/v1/articles",
            # A title of its own on each run: a slug, once used, stays taken.
            json={"title": f"Which AI leader first? {uuid4().hex[:6]}", "body_markdown": "A note."},
            headers=write,
        )
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        assert folio.get(location).status_code == 404  # a draft: not public
        published = folio.patch(
            location,
            json={"status": "published"},
            headers={
                **write,
                "If-Match": created.headers["etag"],
                "Content-Type": "application/merge-patch+json",
            },
        )
        assert published.status_code == 200, published.text
        assert folio.get(location).json()["status"] == "published"
        stale = folio.patch(
            location,
            json={"title": "Too late"},
            headers={**write, "If-Match": created.headers["etag"]},
        )
        assert stale.status_code == 412, stale.text
        deleted = folio.delete(location, headers=write)
        assert deleted.status_code == 204, deleted.text
        assert folio.get(location).status_code == 404  # in the trash: gone from every list
        print(f"3. published {location}; a stale If-Match is {stale.status_code}; deleted")

        # 4. One role against another.
        side_by_side = (
            folio.get("/v1/roles/ai-operating-partner/compare/fractional-caio")
            .raise_for_status()
            .json()
        )
        print(f"4. {len(side_by_side['dimensions'])} dimensions side by side")

        # 5. A typed 404.
        missing = folio.get("/v1/articles/no-such-article")
        assert missing.status_code == 404
        print(f"5. {problem(missing)['title']}: {problem(missing)['detail']}")


if __name__ == "__main__":
    main()
