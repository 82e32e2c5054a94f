"""What helps the article editor, through HTTP (TestClient) on the test's database: the
Markdown mode (offered only for a body that makes the trip unchanged, saving the same body),
the preview of what is typed before it is saved, and the searches a link, an image or an
embed chooses from. Each bad input is answered in words, never a 500, and the database is
left as it was."""

import json
import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import editing
from api.articles.models import Article, ArticleInput
from api.assets import service as assets
from api.people.models import User
from api.people.rules import Actor
from tests.assets.images import png
from tests.helpers import ROLE_LINK, paragraph_doc, version_of
from tests.studio.test_article_pages import JSON, SCRIPT, csrf_of, editor_form, new_draft, shows

CAIO_DOC = paragraph_doc("Ask the ", ("CAIO", [ROLE_LINK]), (" first", [{"type": "italic"}]))


def textarea(page_text: str, name: str) -> str | None:
    found = re.search(rf'<textarea id="\w+" name="{name}"[^>]*>([^<]*)</textarea>', page_text)
    return found.group(1) if found else None


def test_the_markdown_mode_edits_the_same_body_and_the_api_serves_it(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client)
    form = editor_form(client, article_id)
    client.post(
        f"/studio/articles/{article_id}",
        data={**form, "body_doc": json.dumps(CAIO_DOC), "action": "markdown"},
        follow_redirects=False,
    )
    page = client.get(f"/studio/articles/{article_id}?mode=markdown")
    assert page.status_code == 200
    text = textarea(page.text, "body_markdown")
    assert text is not None
    assert text.startswith("Ask the [CAIO](")
    assert text.endswith(" *first*")
    assert 'name="body_doc"' not in page.text
    assert "Edit in the rich editor" in page.text
    # Typed as Markdown and saved: the role link is still the role's, the rest as typed.
    form = editor_form(client, article_id) | {"body_doc": ""}
    typed = f"{text}\n\n## Then\n\n- one **bold** point\n- and [a page](https://example.org/)"
    saved = client.post(
        f"/studio/articles/{article_id}",
        data={**form, "body_markdown": typed},
        headers=JSON,
    )
    assert saved.status_code == 200, saved.text
    article = session.get(Article, article_id)
    assert article is not None
    session.refresh(article)
    first, heading, one, two = article.body
    assert first["markDefs"][0]["role_id"] == 2
    assert [s["text"] for s in first["children"]] == ["Ask the ", "CAIO", " ", "first"]
    assert heading["style"] == "h2"
    assert one["listItem"] == "bullet"
    assert one["children"][1] == {
        "_type": "span", "_key": one["children"][1]["_key"], "text": "bold", "marks": ["strong"]
    }  # fmt: skip
    assert two["markDefs"][0]["href"] == "https://example.org/"
    # Back in the rich editor: the same body, as its document.
    shows(client, f"/studio/articles/{article_id}", 'name="body_doc"', "Edit as Markdown")


def test_a_body_markdown_cannot_hold_is_edited_in_the_rich_editor_and_says_why(
    client: TestClient, session: Session, editor: User
) -> None:
    page = client.get("/studio/articles/1?mode=markdown")
    assert page.status_code == 200
    assert textarea(page.text, "body_markdown") is None
    assert 'name="body_doc"' in page.text
    assert "Edit as Markdown" not in page.text
    words = "cannot hold this body's role definitions, an embedded comparison and related"
    assert words in page.text
    # Asked anyway (a forged button): saved as it was, and told why, next to the body.
    before = session.get(Article, 1)
    assert before is not None
    body = list(before.body)
    form = editor_form(client, 1)
    answer = client.post("/studio/articles/1", data={**form, "action": "markdown"})
    assert answer.status_code == 200
    assert re.search(r'id="body-error" class="error">Saved. Markdown cannot hold role', answer.text)
    session.expire_all()
    assert session.get(Article, 1).body == body  # type: ignore[union-attr]


def test_markdown_the_body_cannot_hold_is_refused_by_its_line_and_nothing_changes(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client)
    version = version_of(session, Article, article_id)
    form = editor_form(client, article_id) | {"body_doc": ""}
    sent = {**form, "body_markdown": "Fine.\n\n<script>alert(1)</script>"}
    page = client.post(f"/studio/articles/{article_id}", data=sent)
    assert page.status_code == 422
    shown = re.search(r'id="body-error" class="error">([^<]+)<', page.text)
    assert shown, page.text[:3000]
    assert shown.group(1).startswith("Line 3: ")
    # What was typed is still there, escaped, in the Markdown mode.
    assert textarea(page.text, "body_markdown") == "Fine.\n\n&lt;script&gt;alert(1)&lt;/script&gt;"
    as_json = client.post(f"/studio/articles/{article_id}", data=sent, headers=JSON)
    assert as_json.status_code == 422
    assert as_json.json()["errors"]["body"].startswith("Line 3: ")
    too_long = client.post(
        f"/studio/articles/{article_id}", data={**form, "body_markdown": "x" * 200_001}
    )
    assert too_long.status_code == 422
    assert version_of(session, Article, article_id) == version


def test_the_preview_shows_what_is_typed_before_it_is_saved(
    client: TestClient, session: Session, contributor: User
) -> None:
    article_id = new_draft(client)
    form = editor_form(client, article_id)
    version = version_of(session, Article, article_id)
    typed = {"csrf": form["csrf"], "title": "Not saved yet", "body_doc": json.dumps(CAIO_DOC)}
    shown = client.post(f"/studio/articles/{article_id}/preview", data=typed)
    assert shown.status_code == 200
    assert "<h1>Not saved yet</h1>" in shown.text
    assert "<em>first</em>" in shown.text
    assert re.search(r'<a href="[^"]*/roles/fractional-caio"[^>]*>CAIO</a>', shown.text)
    assert shown.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown.headers["content-security-policy"]
    as_markdown = client.post(
        f"/studio/articles/{article_id}/preview",
        data={"csrf": form["csrf"], "title": "T", "body_markdown": "Some **strong** words"},
    )
    assert "<strong>strong</strong>" in as_markdown.text
    # What cannot be shown yet says so, and shows the rest; nothing is written.
    for bad in (
        {"body_doc": SCRIPT},
        {"body_doc": "{not json"},
        {"body_markdown": "<b>raw</b>"},
        {"body_doc": json.dumps({"type": "doc", "content": [{"type": "image", "attrs": {}}]})},
    ):
        answer = client.post(
            f"/studio/articles/{article_id}/preview", data={"csrf": form["csrf"], **bad}
        )
        assert answer.status_code == 200, answer.text
        assert 'role="alert"' in answer.text
        assert "<script" not in answer.text.split("</head>")[1]
    refused = client.post(f"/studio/articles/{article_id}/preview", data=typed | {"csrf": ""})
    assert refused.status_code == 403
    assert client.post("/studio/articles/999999/preview", data=typed).status_code == 404
    session.expire_all()
    article = session.get(Article, article_id)
    assert article is not None
    assert (article.title, article.version) == ("A draft of mine", version)


def test_a_link_an_image_or_an_embed_is_chosen_from_a_search(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client, "Notes on 100% of_it")
    links = client.get("/studio/find/links", params={"q": "caio"}).json()["found"]
    assert {"value": "role:2", "label": "Fractional CAIO", "kind": "role"} in links
    assert any(f["value"] == "article:1" for f in links)  # its title holds "CAIO" too
    assert all("caio" in f["label"].lower() for f in links)
    # LIKE's wildcards are letters here; drafts are found, the trash is not.
    exact = client.get("/studio/find/links", params={"q": "100% of_"}).json()["found"]
    assert [f["value"] for f in exact] == [f"article:{article_id}"]
    assert client.get("/studio/find/links", params={"q": "0%"}).json()["found"] == exact
    assert client.get("/studio/find/links", params={"q": "1_0"}).json()["found"] == []
    editing.room("articles").delete(
        session, str(article_id), key=Actor(editor, None), if_match=None
    )
    assert client.get("/studio/find/links", params={"q": "100%"}).json()["found"] == []
    # Images: only the described ones, by alt text or file name.
    storage = client.app.state.storage  # type: ignore[attr-defined]
    described, _ = assets.upload(
        session, storage, png(8, 8), alt="A blue square", filename="sq.png"
    )
    assets.upload(session, storage, png(9, 9), alt="", filename="square-undescribed.png")
    images = client.get("/studio/find/images", params={"q": "SQ"}).json()["found"]
    src = f"/studio/media/{described.id}/file?w=1024"
    assert images == [{"value": str(described.id), "label": "A blue square", "src": src}]
    comparisons = client.get("/studio/find/comparisons").json()["found"]
    assert comparisons
    assert comparisons[0]["value"] == "1"
    many = [
        editing.room("articles").create(
            session, ArticleInput(title=f"Many {n}"), key=Actor(editor, None)
        )
        for n in range(25)
    ]
    assert len(many) == 25
    found = client.get("/studio/find/links", params={"q": "many"}).json()["found"]
    assert len(found) == 20
    assert found[0]["label"] == "Many 24"
    for bad in ("/studio/find/people", f"/studio/find/links?q={'x' * 201}"):
        answer = client.get(bad)
        assert answer.status_code == 422, bad
    client.post("/studio/sign-out", data={"csrf": ""})
    client.cookies.clear()
    assert client.get("/studio/find/links", follow_redirects=False).status_code == 303


def test_the_articles_other_fields_are_edited_beside_its_words(
    client: TestClient, session: Session, editor: User
) -> None:
    for kind, name in (("authors", "Ada Writer"), ("tags", "Strategy"), ("tags", "Hiring")):
        new = client.get(f"/studio/{kind}/new")
        client.post(f"/studio/{kind}", data={"csrf": csrf_of(new), "name": name})
    article_id = new_draft(client, "With a byline")
    page = client.get(f"/studio/articles/{article_id}")
    for label in ("Kicker", "Category", "Reading time (minutes)", "Author"):
        assert f">{label}</label>" in page.text
    assert "<legend>Tags</legend>" in page.text
    form = editor_form(client, article_id)
    sent = {**form, "labels": "1", "kicker": "Explainer", "category": "Roles",
            "reading_time": "7", "author": "ada-writer", "tags": ["strategy", "hiring"],
            "action": "publish"}  # fmt: skip
    saved = client.post(f"/studio/articles/{article_id}", data=sent, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    public = client.get(f"/v1/articles/{article_id}").json()
    assert (public["kicker"], public["category"], public["reading_time_minutes"]) == (
        "Explainer", "Roles", 7
    )  # fmt: skip
    assert public["author"]["name"] == "Ada Writer"
    assert [t["slug"] for t in public["tags"]] == ["strategy", "hiring"]
    # A form without these fields (an old page, a script) leaves them as they are.
    form = editor_form(client, article_id)
    client.post(f"/studio/articles/{article_id}", data={**form, "title": "Renamed"})
    assert client.get(f"/v1/articles/{article_id}").json()["kicker"] == "Explainer"
    # Bad values: said next to their field, nothing written.
    version = version_of(session, Article, article_id)
    form = editor_form(client, article_id)
    for bad, where in (
        ({"reading_time": "soon"}, "reading_time_minutes"),
        ({"author": "nobody-at-all"}, "author"),
        ({"tags": ["no-such-tag"]}, "tags"),
        ({"kicker": "k" * 61}, "kicker"),
    ):
        answer = client.post(
            f"/studio/articles/{article_id}", data={**sent, **form, "action": "save", **bad}
        )
        assert answer.status_code == 422, bad
        assert re.search(rf'id="{where}-error" class="error">[^<]+<', answer.text), (
            bad, re.findall(r'class="error">[^<]+<', answer.text)
        )  # fmt: skip
    assert version_of(session, Article, article_id) == version
    del editor
