"""The studio's media library through HTTP: uploads (several at once), alt text, what uses an
asset, deletes refused while used (saying where), the roles' rules, bad input, file names
that try to be HTML, and the file served to a signed-in person only."""

import json
import re

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api import editing
from api.articles.models import Article, ArticleInput
from api.assets import service as assets
from api.assets.models import Asset, AssetPatch
from api.history.models import Revision
from api.people.models import User
from api.people.rules import Actor
from api.roles.models import Role
from tests.assets.images import png
from tests.studio.test_article_pages import as_person, csrf_of, editor_form, new_draft

PNG = "image/png"


def upload(client: TestClient, *files: tuple[str, bytes], **headers: str) -> object:
    page = client.get("/studio/media")
    return client.post(
        "/studio/media",
        data={"csrf": csrf_of(page)},
        files=[("file", (name, data, PNG)) for name, data in files],
        headers=headers,
        follow_redirects=False,
    )


def test_uploading_two_files_describing_them_and_seeing_where_they_are_used(
    client: TestClient, session: Session, editor: User
) -> None:
    answer = upload(client, ("one.png", png(30, 20)), ("<b>two</b>.png", png(31, 20)))
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    made = session.exec(select(Asset).order_by(Asset.id.desc()).limit(2)).all()  # type: ignore[union-attr]
    assert {a.filename for a in made} == {"one.png", "<b>two</b>.png"}
    library = client.get("/studio/media")
    assert "&lt;b&gt;two&lt;/b&gt;.png" in library.text
    assert "<b>two</b>" not in library.text
    assert library.text.count("Needs alt text before it can go in an article.") >= 2
    one = next(a for a in made if a.filename == "one.png")
    described = client.post(
        f"/studio/media/{one.id}",
        data={"alt": "  A small red chart ", "csrf": csrf_of(library)},
        follow_redirects=False,
    )
    assert described.status_code == 303
    session.refresh(one)
    assert one.alt == "A small red chart"
    # Put in an article's body, it is used there, and not deleted.
    article_id = new_draft(client, "Shows a chart")
    form = editor_form(client, article_id)
    image = {"type": "image", "attrs": {"assetId": one.id, "alt": one.alt}}
    doc = {"type": "doc", "content": [image]}
    saved = client.post(
        f"/studio/articles/{article_id}", data={**form, "body_doc": json.dumps(doc)}
    )
    assert saved.status_code == 200, saved.text[:500]
    library = client.get("/studio/media")
    assert 'href="/v1/articles/shows-a-chart"' in library.text
    refused = client.post(f"/studio/media/{one.id}/delete", data={"csrf": csrf_of(library)})
    assert refused.status_code == 409
    assert re.search(
        r'role="alert" class="error">Still used by articles/shows-a-chart', refused.text
    )
    assert session.get(Asset, one.id) is not None
    file = client.get(f"/studio/media/{one.id}/file?w=320")
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("image/")
    two = next(a for a in made if a.filename != "one.png")
    deleted = client.post(
        f"/studio/media/{two.id}/delete", data={"csrf": csrf_of(library)}, follow_redirects=False
    )
    assert deleted.status_code == 303
    session.expire_all()
    assert session.get(Asset, two.id) is None


def test_the_script_gets_json_and_a_contributor_may_not_upload(
    client: TestClient, session: Session, contributor: User
) -> None:
    library = client.get("/studio/media")
    assert 'type="file"' not in library.text
    assert ">Delete<" not in library.text
    before = len(session.exec(select(Asset)).all())
    refused = upload(client, ("x.png", png(10, 10)), Accept="application/json")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert "author role" in refused.json()["detail"]  # type: ignore[attr-defined]
    assert len(session.exec(select(Asset)).all()) == before


def test_bad_uploads_are_refused_and_store_nothing(client: TestClient, session: Session) -> None:
    as_person(client, session, "author")
    before = len(session.exec(select(Asset)).all())
    nothing = client.post(
        "/studio/media",
        data={"csrf": csrf_of(client.get("/studio/media"))},
        files=[("file", ("", b"", PNG))],
        headers={"Accept": "application/json"},
    )
    assert nothing.status_code == 422
    assert nothing.json()["detail"]
    empty = upload(client, ("empty.png", b""), Accept="application/json")
    assert empty.status_code == 422  # type: ignore[attr-defined]
    tokenless = client.post("/studio/media", files=[("file", ("a.png", png(5, 5), PNG))])
    assert tokenless.status_code == 403
    foreign = upload(client, ("a.png", png(6, 6)), Origin="https://evil.example")
    assert foreign.status_code == 403  # type: ignore[attr-defined]
    assert len(session.exec(select(Asset)).all()) == before
    token = csrf_of(client.get("/studio/media"))
    long_alt = client.post("/studio/media/1", data={"alt": "x" * 501, "csrf": token})
    assert long_alt.status_code == 422
    forged_alt = client.post("/studio/media/1", data={"alt": "Forged", "csrf": "x"})
    assert forged_alt.status_code == 403
    assert client.get("/studio/media/999999/file").status_code == 404
    assert client.get("/studio/media/1/file?w=0").status_code == 422
    client.cookies.clear()
    assert client.get("/studio/media/1/file", follow_redirects=False).status_code == 303


def test_replacing_a_file_shows_the_new_one_wherever_the_old_one_was(
    client: TestClient, session: Session, editor: User
) -> None:
    upload(client, ("old.png", png(40, 30)))
    old = session.exec(select(Asset).where(Asset.filename == "old.png")).one()
    assets.update_asset(session, old.id or 0, AssetPatch(alt="The old chart"))
    article = editing.room("articles").create(
        session,
        ArticleInput.model_validate(
            {
                "title": "Shows the old chart",
                "cover": old.id,
                "body": [{"_type": "image", "asset_id": old.id, "alt": "In the body"}],
            }
        ),
        key=Actor(editor, None),
    )
    role = editing.room("roles").update(
        session, "2", patch={"cover": old.id}, key=Actor(editor, None), if_match=None
    )
    library = client.get("/studio/media")
    replaced = client.post(
        f"/studio/media/{old.id}/replace",
        data={"csrf": csrf_of(library)},
        files=[("file", ("new.png", png(50, 30), PNG))],
        follow_redirects=False,
    )
    assert replaced.status_code == 303, replaced.text[:500]
    new = session.exec(select(Asset).where(Asset.filename == "new.png")).one()
    assert new.alt == "The old chart"
    assert replaced.headers["location"] == f"/studio/media?done=replaced#asset-{new.id}"
    session.expire_all()
    stored = session.get(Article, article.id)
    assert stored is not None
    assert stored.cover_asset_id == new.id
    assert stored.body[0]["asset_id"] == new.id
    assert stored.body[0]["alt"] == "In the body"
    assert session.get(Role, role.id).cover_asset_id == new.id  # type: ignore[union-attr]
    newest = session.exec(
        select(Revision)
        .where(Revision.resource_id == article.id, Revision.resource_type == "articles")
        .order_by(col(Revision.number).desc())
    ).first()
    assert newest is not None
    assert newest.user_name == "Editor"
    assert newest.content["cover"] == new.id
    # The old file is used by nothing now, so it can go.
    library = client.get(replaced.headers["location"])
    assert "Replaced: the new file is shown wherever the old one was." in library.text
    assert assets.users(session, old.id or 0) == []


def test_a_replacement_refused_leaves_everything_as_it_was(
    client: TestClient, session: Session, editor: User
) -> None:
    upload(client, ("kept.png", png(40, 31)))
    kept = session.exec(select(Asset).where(Asset.filename == "kept.png")).one()
    count = len(session.exec(select(Asset)).all())
    token = csrf_of(client.get("/studio/media"))
    cases = [
        ({"csrf": token}, [("file", ("notes.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))], 422),
        ({"csrf": token}, [("file", ("empty.png", b"", PNG))], 422),
        ({"csrf": token}, [("file", ("junk.png", b"not an image at all", PNG))], 422),
        ({"csrf": token}, [], 422),
        ({"csrf": ""}, [("file", ("b.png", png(9, 9), PNG))], 403),
    ]
    for data, files, status in cases:
        answer = client.post(f"/studio/media/{kept.id}/replace", data=data, files=files or None)
        assert answer.status_code == status, (files, answer.text[:300])
        if status == 422:
            assert re.search(r'role="alert" class="error">[^<]+<', answer.text)
    assert (
        client.post(
            "/studio/media/999999/replace",
            data={"csrf": token},
            files=[("file", ("b.png", png(9, 9), PNG))],
        ).status_code
        == 404
    )
    session.expire_all()
    assert len(session.exec(select(Asset)).all()) == count
    # An author uploads, but does not replace what content of every owner shows.
    client.cookies.clear()
    as_person(client, session, "author")
    refused = client.post(
        f"/studio/media/{kept.id}/replace",
        data={"csrf": csrf_of(client.get("/studio/media"))},
        files=[("file", ("b.png", png(9, 9), PNG))],
    )
    assert refused.status_code == 403
    assert "editor role" in refused.text
