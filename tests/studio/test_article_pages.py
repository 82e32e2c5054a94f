"""The studio's article pages through HTTP (TestClient) on the test's database: the list and
its filters, a new article, the editor's save (form and JSON), the workflow by role, the
ETag's conflict, preview, history, trash; every bad input a page that says what is wrong
(or a JSON problem for the editor's script), never a 500, and the database as it was."""

import html
import json
import re
from datetime import timedelta
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.articles.models import Article
from api.articles.prosemirror import to_doc
from api.audit.models import AuditEvent
from api.core.clock import clock
from api.history.models import Revision
from api.people.models import User
from tests.helpers import ROLE_LINK, make_person, paragraph_doc, version_of
from tests.people.test_sessions import PASSWORD, sign_in

JSON = {"Accept": "application/json"}
SCRIPT = json.dumps({"type": "doc", "content": [{"type": "script"}]})


def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


def field(page: Any, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    assert found, name
    return html.unescape(found.group(1))


def as_person(client: TestClient, session: Session, role: str) -> User:
    user, _ = make_person(session, role, password=PASSWORD)
    assert sign_in(client, user.email).status_code == 303
    return cast(User, user)


def shows(client: TestClient, path: str, *texts: str) -> Any:
    """The page at ``path``, which holds each of ``texts`` (as HTML source)."""
    page = client.get(path)
    for text in texts:
        assert text in page.text, (text, page.text[:2000])
    return page


def form_linked_from(
    client: TestClient, listing: str, path: str, text: str, labels: tuple[str, ...]
) -> Any:
    """The page at ``listing`` links to the form at ``path`` by ``text``; the form, with a
    label for each of ``labels``."""
    assert f'href="{path}">{text}</a>' in client.get(listing).text
    form = client.get(path)
    for label in labels:
        assert f">{label}</label>" in form.text
    return form


def new_draft(client: TestClient, title: str = "A draft of mine") -> int:
    form = client.get("/studio/articles/new")
    made = client.post(
        "/studio/articles",
        data={"title": title, "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    found = re.match(r"/studio/articles/(\d+)\?done=created", made.headers["location"])
    assert found
    return int(found.group(1))


def editor_form(client: TestClient, article_id: int) -> dict[str, str]:
    page = client.get(f"/studio/articles/{article_id}")
    assert page.status_code == 200, page.text
    return {name: field(page, name) for name in ("csrf", "etag", "title", "slug", "body_doc")} | {
        "summary": ""
    }


def test_the_list_shows_drafts_searches_filters_sorts_and_counts(
    client: TestClient, session: Session, editor: User
) -> None:
    new_draft(client, "Unique zebra draft")
    page = client.get("/studio/articles")
    assert page.status_code == 200
    assert "Unique zebra draft" in page.text
    assert 'href="/studio/articles/new"' in page.text
    assert '<nav aria-label="Studio">' in page.text
    total = session.exec(select(Article).where(Article.deleted_at.is_(None))).all()  # type: ignore[union-attr]
    assert f"{len(total)} articles" in page.text
    found = client.get("/studio/articles", params={"q": "zebra"})
    assert "Unique zebra draft" in found.text
    assert "1 article<" in found.text
    drafts = client.get("/studio/articles", params={"status": "published"})
    assert "Unique zebra draft" not in drafts.text
    by_title = client.get("/studio/articles", params={"sort": "title"})
    titles = re.findall(r'<a href="/studio/articles/\d+">([^<]+)</a>', by_title.text)
    assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles)
    refused = client.get("/studio/articles", params={"sort": "nonsense", "status": "lost"})
    assert refused.status_code == 422
    assert 'role="alert"' in refused.text


def test_a_page_needs_a_session(client: TestClient) -> None:
    for path in ("/studio/articles", "/studio/articles/1", "/studio/articles/1/history"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/studio/sign-in?next=")


def test_an_editor_saves_with_the_etag_and_the_public_api_serves_what_was_typed(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client)
    form = editor_form(client, article_id)
    doc = paragraph_doc("Read about the ", ("CAIO", [ROLE_LINK]), (" now", [{"type": "bold"}]))
    saved = client.post(
        f"/studio/articles/{article_id}",
        data={**form, "title": "Typed title", "summary": "Typed", "body_doc": json.dumps(doc)},
        headers=JSON,
    )
    assert saved.status_code == 200, saved.text
    answer = saved.json()
    assert answer["status"] == "Saved"
    assert answer["etag"] != form["etag"]
    # The old ETag is stale now: the save is refused, with the saved version to show.
    stale = client.post(
        f"/studio/articles/{article_id}",
        data={**form, "title": "Overwrite?", "body_doc": json.dumps(doc)},
        headers=JSON,
    )
    assert stale.status_code == 412
    assert "Typed title" in stale.json()["theirs"]
    published = client.post(
        f"/studio/articles/{article_id}",
        data={**form, "etag": answer["etag"], "title": "Typed title", "body_doc": json.dumps(doc),
              "action": "publish"},
        follow_redirects=False,
    )  # fmt: skip
    assert published.status_code == 303
    assert published.headers["location"].endswith("?done=publish")
    public = client.get(f"/v1/articles/{article_id}").json()
    assert public["title"] == "Typed title"
    assert public["status"] == "published"
    (block,) = public["body"]
    assert [span["text"] for span in block["children"]] == ["Read about the ", "CAIO", " now"]
    assert block["markDefs"][0]["role"]["id"] == 2
    assert block["children"][2]["marks"] == ["strong"]
    revision = session.exec(
        select(Revision).where(Revision.resource_id == article_id).order_by(Revision.number.desc())  # type: ignore[attr-defined]
    ).first()
    assert revision is not None
    assert revision.user_name == "Editor"
    assert revision.key_name is None
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "publish", AuditEvent.object_id == str(article_id)
        )
    ).one()
    assert event.user_email == "editor@example.org"


def test_a_contributor_sees_no_workflow_button_and_a_forged_publish_is_refused(
    client: TestClient, session: Session, contributor: User
) -> None:
    article_id = new_draft(client)
    page = client.get(f"/studio/articles/{article_id}")
    for button in ('value="publish"', 'value="unpublish"', 'value="schedule"', ">Delete<"):
        assert button not in page.text
    assert 'value="save"' in page.text
    form = editor_form(client, article_id)
    forged = client.post(f"/studio/articles/{article_id}", data={**form, "action": "publish"})
    assert forged.status_code == 403
    assert "author role" in forged.text
    assert session.get(Article, article_id).status == "draft"  # type: ignore[union-attr]
    deleted = client.post(f"/studio/articles/{article_id}/delete", data=form)
    assert deleted.status_code == 403
    # Someone else's article is not theirs to edit.
    other = editor_form(client, 1)
    refused = client.post("/studio/articles/1", data={**other, "title": "Mine now"})
    assert refused.status_code == 403
    assert session.get(Article, 1).title != "Mine now"  # type: ignore[union-attr]


def test_schedule_reads_the_editors_time_zone_and_stores_utc(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client)
    form = editor_form(client, article_id)
    when = (clock.now() + timedelta(days=30)).replace(microsecond=0, second=0)
    # Lagos is UTC+1 all year (no daylight saving to reckon with).
    local, zone = (when + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "Africa/Lagos"
    scheduled = client.post(
        f"/studio/articles/{article_id}",
        data={**form, "action": "schedule", "publish_at": local, "zone": zone},
        follow_redirects=False,
    )
    assert scheduled.status_code == 303, scheduled.text
    session.expire_all()
    article = session.get(Article, article_id)
    assert article is not None
    assert article.status == "scheduled"
    assert article.published_at is not None
    assert article.published_at.replace(tzinfo=None) == when.replace(tzinfo=None)


@pytest.mark.parametrize(
    ("changed", "field_name", "words"),
    [
        ({"title": ""}, "title", "cannot be empty"),
        ({"title": "x" * 301}, "title", "too long"),
        ({"slug": "Not A Slug"}, "slug", "lowercase"),
        ({"body_doc": "{not json"}, "body", "could not be read"),
        ({"body_doc": SCRIPT}, "body", "script"),
        ({"action": "schedule", "publish_at": ""}, "publish_at", "choose when"),
        ({"action": "schedule", "publish_at": "tomorrow"}, "publish_at", "not a date"),
        ({"action": "schedule", "publish_at": "2001-01-01T10:00"}, "publish_at", "future"),
        ({"action": "explode"}, "form", "save, publish"),
    ],
)  # fmt: skip
def test_a_refused_save_says_why_next_to_the_field_and_keeps_what_was_typed(
    client: TestClient, session: Session, changed: dict[str, str], field_name: str, words: str
) -> None:
    as_person(client, session, "editor")
    article_id = new_draft(client)
    before = session.get(Article, article_id)
    assert before is not None
    version = before.version
    form = editor_form(client, article_id)
    sent = {**form, "summary": "Typed and kept", **changed}
    page = client.post(f"/studio/articles/{article_id}", data=sent)
    assert page.status_code == 422, page.text[:500]
    shown = re.search(rf'id="{field_name}-error" class="error">([^<]+)<', page.text)
    if field_name == "form":
        shown = re.search(r'role="alert" class="error">([^<]+)<', page.text)
    assert shown, page.text[:2000]
    assert words in shown.group(1).lower()
    assert "Typed and kept" in page.text
    as_json = client.post(f"/studio/articles/{article_id}", data=sent, headers=JSON)
    assert as_json.status_code == 422
    assert as_json.json()["errors"]
    assert version_of(session, Article, article_id) == version


def test_a_form_without_its_token_or_from_another_site_is_refused(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client)
    form = editor_form(client, article_id)
    missing = client.post(f"/studio/articles/{article_id}", data={**form, "csrf": ""})
    assert missing.status_code == 403
    other = client.post(
        f"/studio/articles/{article_id}", data=form, headers={"Origin": "https://evil.example"}
    )
    assert other.status_code == 403
    cross = client.post(
        f"/studio/articles/{article_id}", data=form, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert session.get(Article, article_id).title == "A draft of mine"  # type: ignore[union-attr]


def test_the_editor_opens_the_stored_body_as_its_document(
    client: TestClient, session: Session, editor: User
) -> None:
    page = client.get("/studio/articles/1")
    doc = json.loads(field(page, "body_doc"))
    article = session.get(Article, 1)
    assert article is not None
    assert doc == json.loads(
        json.dumps(to_doc(article.body, image_src=lambda i: f"/studio/media/{i}/file?w=1024"))
    )
    csp = page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce
    assert f'src="/studio/static/editor.js" nonce="{nonce.group(1)}"' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert client.get("/studio/articles/999999").status_code == 404
    assert client.get("/studio/articles/0").status_code == 422


def test_preview_history_compare_restore_delete_and_undo(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client, "First words")
    form = editor_form(client, article_id)
    client.post(f"/studio/articles/{article_id}", data={**form, "title": "Second words"})
    preview = client.get(f"/studio/articles/{article_id}/preview")
    assert preview.status_code == 200
    assert "Second words" in preview.text
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    # In a tab of its own it follows the changes (and is the page's main content); beside the
    # editor, in its frame, it is neither.
    assert "<main>" in preview.text
    assert re.search(r'data-watch="articles"[^>]* data-since="[^"]+"', preview.text)
    beside = client.get(f"/studio/articles/{article_id}/preview?beside=true")
    assert "Second words" in beside.text
    assert "<main>" not in beside.text
    assert "data-watch" not in beside.text
    history = client.get(f"/studio/articles/{article_id}/history")
    assert history.text.count(">Compare<") == 2
    assert history.text.count(">Restore<") == 1  # not the current one
    compared = client.get(f"/studio/articles/{article_id}/history", params={"from": 1, "to": 2})
    assert re.search(
        r"<th scope=\"row\">title</th><td><pre>First words</pre></td><td><pre>Second words</pre>",
        compared.text,
    )
    restored = client.post(
        f"/studio/articles/{article_id}/history/1/restore",
        data={"csrf": form["csrf"]},
        follow_redirects=False,
    )
    assert restored.status_code == 303
    session.expire_all()
    assert session.get(Article, article_id).title == "First words"  # type: ignore[union-attr]
    form = editor_form(client, article_id)
    shared = client.post(f"/studio/articles/{article_id}/share", data={"csrf": form["csrf"]})
    assert shared.status_code == 200
    link = re.search(r'id="link" readonly value="([^"]+)"', shared.text)
    assert link
    assert "preview=" in link.group(1)
    deleted = client.post(
        f"/studio/articles/{article_id}/delete", data=form, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert client.get(f"/studio/articles/{article_id}").status_code == 404
    listing = client.get(deleted.headers["location"])
    assert "Moved to the trash." in listing.text
    undo = client.post(
        f"/studio/trash/articles/{article_id}/restore",
        data={"csrf": form["csrf"]},
        follow_redirects=False,
    )
    assert undo.status_code == 303
    assert client.get(f"/studio/articles/{article_id}").status_code == 200


XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def paragraph(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def test_text_that_tries_to_be_html_is_shown_as_text_on_every_page(
    client: TestClient, editor: User
) -> None:
    """Stored XSS through every field a writer fills: the title, the summary, the body's
    text and a link's address, shown escaped on the list, the editor, the history and its
    comparison, the preview and the conflict's text."""
    article_id = new_draft(client, XSS)
    form = editor_form(client, article_id)
    doc = {"type": "doc", "content": [paragraph({"type": "text", "text": XSS})]}
    saved = client.post(
        f"/studio/articles/{article_id}",
        data={**form, "summary": XSS, "body_doc": json.dumps(doc)},
        headers=JSON,
    )
    assert saved.status_code == 200, saved.text
    pages = [
        client.get("/studio/articles"),
        client.get(f"/studio/articles/{article_id}"),
        client.get(f"/studio/articles/{article_id}/history"),
        client.get(f"/studio/articles/{article_id}/history", params={"from": 1, "to": 2}),
        client.get(f"/studio/articles/{article_id}/preview"),
        client.post(f"/studio/articles/{article_id}", data={**form, "title": "Stale"}),  # 412
    ]
    for page in pages:
        assert page.status_code in (200, 412), page.url
        assert "<script>alert(1)" not in page.text, page.url
        assert "<img src=x onerror" not in page.text, page.url
        assert "&lt;script&gt;alert(1)" in page.text or "&lt;script&gt;" in page.text, page.url
    javascript = {"type": "link", "attrs": {"href": "javascript:alert(1)"}}
    doc = {
        "type": "doc",
        "content": [paragraph({"type": "text", "text": "x", "marks": [javascript]})],
    }
    form = editor_form(client, article_id)
    refused = client.post(
        f"/studio/articles/{article_id}", data={**form, "body_doc": json.dumps(doc)}, headers=JSON
    )
    assert refused.status_code == 422
    assert "body" in refused.json()["errors"]


def test_a_cookie_set_before_signing_in_is_never_the_session(
    client: TestClient, session: Session
) -> None:
    """Session fixation: a token planted in the browser before it signs in is not taken up;
    signing in sets a new one, and the planted one opens nothing."""
    user, _ = make_person(session, "editor", password=PASSWORD)
    client.cookies.set("folio_session", "planted-by-someone-else")
    signed = sign_in(client, user.email)
    assert signed.status_code == 303
    (given,) = [c for c in signed.headers.get_list("set-cookie") if c.startswith("folio_session=")]
    assert "planted-by-someone-else" not in given
    other = TestClient(client.app)
    other.cookies.set("folio_session", "planted-by-someone-else")
    assert other.get("/studio/articles", follow_redirects=False).status_code == 303
