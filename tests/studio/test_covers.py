"""An article's and a role's cover, and an article's fields for search engines and sharing,
set in the studio through HTTP on the test's database: what the API serves after, "No cover"
taking it away, and every bad choice a page that names the field, the database as it was."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.articles.models import Article
from api.assets import service as assets
from api.assets.models import Asset, AssetPatch
from api.people.models import User
from api.roles.models import Role
from tests.assets.images import png
from tests.conftest import Keys
from tests.studio.test_article_pages import as_person, new_draft, shows
from tests.studio.test_documents import form_of
from tests.studio.test_media_pages import upload


def _described(client: TestClient, session: Session, name: str, alt: str) -> int:
    upload(client, (name, png(40, 30)))
    asset = session.exec(select(Asset).where(Asset.filename == name)).one()
    assets.update_asset(session, asset.id or 0, AssetPatch(alt=alt))
    return asset.id or 0


def test_an_editor_gives_an_article_a_cover_and_its_search_engine_fields(
    client: TestClient, session: Session, keys: Keys
) -> None:
    as_person(client, session, "editor")
    chart = _described(client, session, "chart.png", "A chart of both roles")
    article_id = new_draft(client, "Covered")
    page = shows(
        client,
        f"/studio/articles/{article_id}",
        "<summary>Cover, search engines and sharing</summary>",
        "<legend>Cover</legend>",
    )
    assert f'name="cover" value="{chart}"' in page.text  # among the latest described images
    sent = form_of(page) | {
        "cover": str(chart),
        "meta_title": "  Covered, for search  ",
        "meta_description": "What the search result says.",
        "canonical_url": "https://example.com/first/covered",
    }
    saved = client.post(f"/studio/articles/{article_id}", data=sent, follow_redirects=False)
    assert saved.status_code == 303, re.findall(r'class="error">[^<]*', saved.text)
    key = keys.auth("read")
    served = client.get(f"/v1/articles/{article_id}", headers=key).json()
    assert served["cover"]["id"] == chart
    assert served["seo"]["meta_title"] == "Covered, for search"
    assert served["seo"]["meta_description"] == "What the search result says."
    assert served["seo"]["canonical_url"] == "https://example.com/first/covered"
    page = client.get(f"/studio/articles/{article_id}")
    assert f'name="cover" value="{chart}" checked' in page.text
    # Emptied, the fields follow the article again; "No cover" takes the cover away.
    sent = form_of(page) | {"cover": "none", "meta_title": "", "meta_description": ""}
    client.post(f"/studio/articles/{article_id}", data=sent, follow_redirects=False)
    served = client.get(f"/v1/articles/{article_id}", headers=key).json()
    assert served["cover"] is None
    assert served["seo"]["meta_title"] == "Covered"
    # A form without the part (an older page) leaves the cover and fields as they are.
    page = client.get(f"/studio/articles/{article_id}")
    client.post(
        f"/studio/articles/{article_id}",
        data=form_of(page) | {"cover": str(chart), "meta_title": "Again"},
    )
    article = session.get(Article, article_id)
    session.refresh(article)
    assert article is not None
    assert article.cover_asset_id == chart
    page = client.get(f"/studio/articles/{article_id}")
    partial = {k: v for k, v in form_of(page).items() if k not in ("seo", "cover")}
    kept = client.post(f"/studio/articles/{article_id}", data=partial | {"meta_title": "Ignored"})
    assert kept.status_code == 200
    session.refresh(article)
    assert article.cover_asset_id == chart
    assert article.meta_title == "Again"


def test_bad_covers_and_fields_are_named_and_change_nothing(
    client: TestClient, session: Session, editor: User
) -> None:
    article_id = new_draft(client, "Kept")
    page = client.get(f"/studio/articles/{article_id}")
    for bad, field, words in (
        ({"cover": "999999"}, "cover", "No asset with id 999999"),
        ({"cover": "a picture"}, "cover", "Choose an image, or no cover"),
        ({"canonical_url": "not an address"}, "canonical_url", "starts with https://"),
        ({"image": "javascript:alert(1)"}, "image", "starts with https://"),
    ):
        refused = client.post(f"/studio/articles/{article_id}", data=form_of(page) | bad)
        assert refused.status_code == 422, (bad, refused.text[:500])
        assert f'id="{field}-error"' in refused.text, bad
        assert words in refused.text, re.findall(r"class=\"error\">[^<]*", refused.text)
        assert '<details class="more" open>' in refused.text.replace("\n", "")
        article = session.get(Article, article_id)
        session.refresh(article)
        assert article is not None
        assert article.cover_asset_id is None
        assert article.canonical_url is None
        assert article.version == 1
    too_long = client.post(
        f"/studio/articles/{article_id}", data=form_of(page) | {"meta_title": "x" * 301}
    )
    assert too_long.status_code == 422
    assert 'id="meta_title-error"' in too_long.text


def test_a_role_gets_a_cover_from_its_editor(client: TestClient, session: Session) -> None:
    as_person(client, session, "editor")
    portrait = _described(client, session, "portrait.png", "A portrait")
    page = shows(client, "/studio/roles/1", "<legend>Cover</legend>", "/studio/static/pickers.js")
    saved = client.post(
        "/studio/roles/1", data=form_of(page) | {"cover": str(portrait)}, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text[:800]
    role = session.get(Role, 1)
    session.refresh(role)
    assert role is not None
    assert role.cover_asset_id == portrait
    page = client.get("/studio/roles/1")
    assert f'name="cover" value="{portrait}" checked' in page.text
    refused = client.post("/studio/roles/1", data=form_of(page) | {"cover": "0"})
    assert refused.status_code == 422
    assert 'id="cover-error"' in refused.text
    session.refresh(role)
    assert role.cover_asset_id == portrait
    client.post("/studio/roles/1", data=form_of(page) | {"cover": "none"})
    session.refresh(role)
    assert role.cover_asset_id is None
    # Authors and tags have no cover: their editor shows none.
    assert "<legend>Cover</legend>" not in client.get("/studio/tags/new").text
