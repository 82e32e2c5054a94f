"""Rich text in an article's body, through HTTP: Markdown in keeps emphasis, code, links and
images as Portable Text; Markdown and HTML out give them back; what the body cannot hold is a
422 naming it and its line; images of uploaded assets carry their size and renditions, and a
cover reaches JSON, SEO, JSON-LD and every feed."""

import xml.etree.ElementTree as ET
from typing import Any

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from api.articles.models import Article
from tests.assets.images import png
from tests.assets.test_assets import FILE, uploaded
from tests.conftest import Keys

ISSUE = """Plain **bold** and *italic* and `code` and [a link](https://example.com/x "Title").

![alt text](https://example.com/img.png)

> **Decision**
> Ship it.
"""


def post(client: TestClient, keys: Keys, **fields: Any) -> dict[str, Any]:
    body = {"title": "Rich", "status": "published", **fields}
    response = client.post("/v1/articles", json=body, headers=keys.auth("write"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_markdown_keeps_emphasis_code_links_images_and_callout_titles(
    client: TestClient, keys: Keys
) -> None:
    article = post(client, keys, body_markdown=ISSUE)
    text, image, callout = article["body"]
    spans = [(s["text"], s["marks"]) for s in text["children"]]
    link = text["markDefs"][0]
    assert spans == [
        ("Plain ", []),
        ("bold", ["strong"]),
        (" and ", []),
        ("italic", ["em"]),
        (" and ", []),
        ("code", ["code"]),
        (" and ", []),
        ("a link", [link["_key"]]),
        (".", []),
    ]
    assert (link["_type"], link["href"], link["title"]) == (
        "link",
        "https://example.com/x",
        "Title",
    )
    assert (image["_type"], image["url"], image["alt"]) == (
        "image",
        "https://example.com/img.png",
        "alt text",
    )
    assert (callout["_type"], callout["title"]) == ("callout", "Decision")
    assert callout["content"][0]["children"][0]["text"] == "Ship it."
    path = f"/v1/articles/{article['slug']}"
    md = client.get(f"{path}?format=md").text
    assert (
        'Plain **bold** and *italic* and `code` and [a link](https://example.com/x "Title").\n\n'
        "![alt text](https://example.com/img.png)\n\n"
        "> **Decision**\n>\n> Ship it.\n"
    ) in md
    html = client.get(f"{path}?format=html").text
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<code>code</code>" in html
    assert (
        '<a href="https://example.com/x" title="Title" rel="noopener noreferrer">a link</a>' in html
    )
    assert '<img src="https://example.com/img.png" alt="alt text" loading="lazy">' in html
    assert "<blockquote>\n<p><strong>Decision</strong></p>\n<p>Ship it.</p>" in html


def test_every_construct_of_commonmark_and_gfm_comes_back(client: TestClient, keys: Keys) -> None:
    source = (
        "# Title\n\n"
        "Text with ~~strike~~ and a hard\\\nbreak.\n\n"
        "1. one\n2. two\n   - nested *item*\n\n"
        "- [x] done\n- [ ] to do\n\n"
        "```python\nprint('hi')\n```\n\n"
        "---\n\n"
        "> A plain quote.\n\n"
        "| Planet | Moons |\n| :--- | ---: |\n| Mars | 2 |"
    )
    article = post(client, keys, body_markdown=source)
    md = client.get(f"/v1/articles/{article['slug']}?format=md").text
    assert source in md
    kinds = [
        (b["_type"], b.get("style"), b.get("listItem"), b.get("level")) for b in article["body"]
    ]
    assert kinds[:8] == [
        ("block", "h1", None, None),
        ("block", "normal", None, None),
        ("block", "normal", "number", 1),
        ("block", "normal", "number", 1),
        ("block", "normal", "bullet", 2),
        ("block", "normal", "bullet", 1),
        ("block", "normal", "bullet", 1),
        ("code", None, None, None),
    ]
    assert [b.get("checked") for b in article["body"][5:7]] == [True, False]
    assert article["body"][1]["children"][1] == {
        "_type": "span",
        "_key": article["body"][1]["children"][1]["_key"],
        "text": "strike",
        "marks": ["strike-through"],
    }
    html = client.get(f"/v1/articles/{article['slug']}?format=html").text
    assert "<del>strike</del>" in html or "<s>strike</s>" in html
    assert '<code class="language-python">' in html
    assert '<td style="text-align:right">2</td>' in html


def test_what_the_body_cannot_hold_is_422_with_its_line(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = session.exec(select(func.count()).select_from(Article)).one()
    response = client.post(
        "/v1/articles",
        json={"title": "Raw", "body_markdown": "Fine.\n\nAlso fine.\n\n<div>raw</div>\n"},
        headers=keys.auth("write"),
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["line"] == 5
    assert problem["errors"][0]["loc"] == ["body", "body_markdown"]
    assert "raw HTML" in problem["detail"]
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Article)).one() == before


def test_links_to_roles_and_articles_follow_their_slugs(client: TestClient, keys: Keys) -> None:
    target = post(client, keys, title="Link target")
    article = post(
        client,
        keys,
        body_markdown=(
            "See the [partner](/roles/ai-operating-partner) and "
            f"[that article](http://127.0.0.1:8000/v1/articles/{target['slug']})."
        ),
    )
    role_link, article_link = article["body"][0]["markDefs"]
    assert role_link["role"]["slug"] == "ai-operating-partner"
    assert article_link["article"]["id"] == target["id"]
    renamed = client.patch(
        f"/v1/articles/{target['id']}", json={"slug": "moved-target"}, headers=keys.auth("write")
    )
    assert renamed.status_code == 200
    again = client.get(f"/v1/articles/{article['id']}").json()
    assert (
        again["body"][0]["markDefs"][1]["href"] == "http://127.0.0.1:8000/v1/articles/moved-target"
    )


def test_an_uploaded_image_in_the_body_and_as_the_cover(client: TestClient, keys: Keys) -> None:
    asset = uploaded(client, keys, png(1200, 800, (10, 20, 30)), alt="A dark chart")
    url = FILE.format(asset["id"])
    article = post(
        client,
        keys,
        summary="With a picture.",
        cover=asset["id"],
        body_markdown=f'Intro.\n\n![The Q3 chart]({url} "Revenue by quarter")\n',
    )
    image = article["body"][1]
    assert image["url"] == url
    assert image["asset"]["id"] == asset["id"]
    assert (image["asset"]["width"], image["asset"]["height"]) == (1200, 800)
    assert (image["alt"], image["caption"]) == ("The Q3 chart", "Revenue by quarter")
    srcset = image["asset"]["srcset"]
    assert f"{url}?w=320&format=webp 320w" in srcset
    assert f"{url}?format=webp 1200w" in srcset
    assert article["cover"]["url"] == url
    assert article["seo"]["image"] == url
    path = f"/v1/articles/{article['slug']}"
    html = client.get(f"{path}?format=html").text
    assert f'<img src="{url}" alt="The Q3 chart" title="Revenue by quarter"' in html
    assert 'width="1200" height="800"' in html
    assert f'srcset="{url}?w=320&amp;format=webp 320w' in html
    assert f'![The Q3 chart]({url} "Revenue by quarter")' in client.get(f"{path}?format=md").text
    jsonld = client.get(f"{path}/jsonld").json()
    assert jsonld["image"] == {"@type": "ImageObject", "url": url, "width": 1200, "height": 800}
    listed = client.get("/v1/articles?limit=100").json()["data"]
    assert next(a for a in listed if a["id"] == article["id"])["cover"]["id"] == asset["id"]
    # Feeds carry the cover: an RSS enclosure, an Atom enclosure link, a JSON Feed image.
    rss = feedparser.parse(client.get("/v1/feeds/articles.rss?limit=100").content)
    entry = next(e for e in rss.entries if e.title == "Rich")
    assert entry.enclosures[0]["href"] == url
    assert entry.enclosures[0]["type"] == "image/png"
    assert int(entry.enclosures[0]["length"]) == asset["size"]
    atom = ET.fromstring(client.get("/v1/feeds/articles.atom?limit=100").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [
        link.attrib
        for e in atom.findall("a:entry", ns)
        if e.findtext("a:title", namespaces=ns) == "Rich"
        for link in e.findall("a:link", ns)
    ]
    assert {
        "href": url,
        "rel": "enclosure",
        "type": "image/png",
        "length": str(asset["size"]),
    } in links
    feed = client.get("/v1/feeds/articles.json?limit=100").json()
    assert next(i for i in feed["items"] if i["title"] == "Rich")["image"] == url


def test_an_image_of_an_asset_without_alt_text_uses_the_assets(
    client: TestClient, keys: Keys
) -> None:
    asset = uploaded(client, keys, png(64, 64, (1, 200, 1)), alt="A green square")
    article = post(client, keys, body=[{"_type": "image", "asset_id": asset["id"]}])
    assert article["body"][0]["alt"] == "A green square"
