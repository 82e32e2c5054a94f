"""Media assets through HTTP: uploads stored once per content, metadata read from the bytes,
files and bounded renditions, who may see them, and removal refused while content uses them."""

import io
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func
from sqlmodel import Session, select

from api.assets.models import Asset, AssetBlob
from api.core.config import Settings
from api.main import create_app
from tests.assets.images import HOSTILE_SVGS, SAFE_SVG, jpeg_with_exif, png, png_bomb
from tests.conftest import Database, Keys, make_token, settings_for

FILE = "http://127.0.0.1:8000/v1/assets/{}/file"


def upload(
    client: TestClient, keys: Keys, data: bytes, media_type: str = "image/png", **params: str
) -> httpx.Response:
    headers = {**keys.auth("write"), "Content-Type": media_type}
    return client.post("/v1/assets", content=data, params=params, headers=headers)


def uploaded(client: TestClient, keys: Keys, data: bytes, **params: str) -> dict[str, Any]:
    response = upload(client, keys, data, **params)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def publish_with(client: TestClient, keys: Keys, asset_id: int, **fields: Any) -> dict[str, Any]:
    """A published article that shows the asset as its cover and in its body."""
    body = {
        "title": fields.pop("title", "Pictured"),
        "status": "published",
        "cover": asset_id,
        "body": [{"_type": "image", "asset_id": asset_id, "caption": "The chart"}],
        **fields,
    }
    response = client.post("/v1/articles", json=body, headers=keys.auth("write"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def count(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Asset)).one()


def test_upload_reads_what_the_file_is_and_stores_it_once(
    client: TestClient, keys: Keys, session: Session, media_dir: Path
) -> None:
    data = png(800, 600, (200, 30, 30))
    before = count(session)
    # The client says JPEG; the bytes say PNG, and the bytes win.
    response = upload(client, keys, data, media_type="image/jpeg", alt="A red field")
    assert response.status_code == 201, response.text
    asset = response.json()
    assert response.headers["location"] == f"http://127.0.0.1:8000/v1/assets/{asset['id']}"
    assert (asset["media_type"], asset["width"], asset["height"]) == ("image/png", 800, 600)
    assert (asset["size"], asset["alt"], asset["color"]) == (len(data), "A red field", "#c81e1e")
    assert len(asset["sha256"]) == 64
    assert asset["url"] == FILE.format(asset["id"])
    again = upload(client, keys, data)
    assert again.status_code == 200
    assert again.json()["id"] == asset["id"]
    assert count(session) == before + 1
    assert [p.name for p in media_dir.rglob("*") if p.is_file()] == [asset["sha256"]]


def test_multipart_upload_with_alt_and_filename(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/assets",
        files={"file": ("chart.png", png(40, 30), "application/octet-stream")},
        data={"alt": "A small chart"},
        headers=keys.auth("write"),
    )
    assert response.status_code == 201, response.text
    asset = response.json()
    assert (asset["filename"], asset["alt"], asset["media_type"]) == (
        "chart.png",
        "A small chart",
        "image/png",
    )


def test_the_file_is_served_as_uploaded_and_cached_for_good(client: TestClient, keys: Keys) -> None:
    data = png(50, 50)
    asset = uploaded(client, keys, data)
    response = client.get(f"/v1/assets/{asset['id']}/file", headers=keys.auth("read"))
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    etag = response.headers["etag"]
    again = client.get(
        f"/v1/assets/{asset['id']}/file", headers={**keys.auth("read"), "If-None-Match": etag}
    )
    assert again.status_code == 304


def test_a_png_comes_back_as_webp_at_two_widths(
    client: TestClient, keys: Keys, media_dir: Path
) -> None:
    asset = uploaded(client, keys, png(800, 600))
    read = keys.auth("read")
    sizes = {}
    for width in (320, 640):
        response = client.get(f"/v1/assets/{asset['id']}/file?w={width}&format=webp", headers=read)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/webp"
        image = Image.open(io.BytesIO(response.content))
        sizes[width] = (image.format, image.size)
    assert sizes == {320: ("WEBP", (320, 240)), 640: ("WEBP", (640, 480))}
    # Sizes are rounded up to a fixed set: 300 and 320 are the same rendition, made once.
    kept = sorted(p.name for p in media_dir.rglob("*") if p.is_file())
    first = client.get(f"/v1/assets/{asset['id']}/file?w=300&format=webp", headers=read)
    assert Image.open(io.BytesIO(first.content)).size == (320, 240)
    assert sorted(p.name for p in media_dir.rglob("*") if p.is_file()) == kept
    assert len(kept) == 3  # the original and two renditions
    # Never larger than the original.
    big = client.get(f"/v1/assets/{asset['id']}/file?w=3000&format=png", headers=read)
    assert Image.open(io.BytesIO(big.content)).size == (800, 600)
    cover = client.get(f"/v1/assets/{asset['id']}/file?w=200&h=200&fit=cover", headers=read)
    assert Image.open(io.BytesIO(cover.content)).size == (256, 256)
    avif = client.get(f"/v1/assets/{asset['id']}/file?w=64&format=avif", headers=read)
    assert avif.headers["content-type"] == "image/avif"


def test_renditions_drop_metadata_and_follow_the_orientation(
    client: TestClient, keys: Keys
) -> None:
    data = jpeg_with_exif(600, 400, orientation=6)  # stored on its side: shown 400 by 600
    assert b"Secret Camera Co" in data
    asset = uploaded(client, keys, data)
    assert (asset["width"], asset["height"]) == (400, 600)
    response = client.get(
        f"/v1/assets/{asset['id']}/file?w=320&format=jpeg", headers=keys.auth("read")
    )
    assert b"Secret Camera Co" not in response.content
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (320, 480)
    assert not image.getexif()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (png_bomb(), "pixels"),
        (png(100, 100)[:-40], "truncated"),
        *((svg, "SVG") for svg in HOSTILE_SVGS),
        (b"", "empty"),
    ],
)
def test_hostile_files_are_refused_and_nothing_is_kept(
    client: TestClient, keys: Keys, session: Session, media_dir: Path, data: bytes, reason: str
) -> None:
    before = count(session)
    response = upload(client, keys, data)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]
    assert count(session) == before
    assert not media_dir.exists() or not any(media_dir.rglob("*"))


def test_a_safe_svg_is_kept_and_served_in_a_sandbox(client: TestClient, keys: Keys) -> None:
    asset = uploaded(client, keys, SAFE_SVG)
    assert (asset["media_type"], asset["width"], asset["height"]) == ("image/svg+xml", 120, 40)
    response = client.get(f"/v1/assets/{asset['id']}/file", headers=keys.auth("read"))
    assert response.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in response.headers["content-security-policy"]
    rendition = client.get(f"/v1/assets/{asset['id']}/file?w=64", headers=keys.auth("read"))
    assert rendition.status_code == 422  # a vector image has no renditions


def test_other_files_are_kept_as_what_they_are(client: TestClient, keys: Keys) -> None:
    pdf = uploaded(client, keys, b"%PDF-1.7\n% a document\n")
    assert (pdf["media_type"], pdf["width"]) == ("application/pdf", None)
    other = uploaded(client, keys, b"just some bytes", filename="notes.bin")
    assert (other["media_type"], other["filename"]) == ("application/octet-stream", "notes.bin")


@pytest.mark.parametrize(
    ("filename", "plain"),
    [
        ("notes.bin", None),
        ("Übersicht “Q3”.pdf", "_bersicht _Q3_.pdf"),
        ('a "quoted"\\name\r\n.pdf', "a _quoted__name__.pdf"),
        ("", None),
    ],
)
def test_a_download_is_named_whatever_its_file_name_holds(
    client: TestClient, keys: Keys, filename: str, plain: str | None
) -> None:
    """Any name (accents, quotes, a line break) names the download, never breaks the header:
    an ASCII ``filename`` for every client, the exact name in ``filename*`` (RFC 8187)."""
    made = uploaded(client, keys, b"%PDF-1.7\n% " + filename.encode() + b"\n", filename=filename)
    answer = client.get(f"/v1/assets/{made['id']}/file", headers=keys.auth("read"))
    assert answer.status_code == 200
    header = answer.headers["content-disposition"]
    if not filename:
        assert header == f'attachment; filename="asset-{made["id"]}"'
    elif plain is None:
        assert header == f'attachment; filename="{filename}"'
    else:
        assert header.startswith(f"attachment; filename=\"{plain}\"; filename*=UTF-8''")
        assert unquote(header.split("UTF-8''")[1]) == made["filename"]


def test_files_over_the_limit_are_413(database: Database, session: Session, keys: Keys) -> None:
    settings = Settings(database_url=database.url, max_asset_bytes=4096)
    application = create_app(settings, engine=database.engine)
    application.state.sessions = lambda: nullcontext(session)
    small = TestClient(application)
    before = count(session)
    response = upload(small, keys, png(400, 400, (1, 2, 3)) + b"\x00" * 5000)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert count(session) == before


def test_assets_are_public_only_while_public_content_shows_them(
    client: TestClient, keys: Keys
) -> None:
    asset = uploaded(client, keys, png(30, 30, (9, 9, 9)))
    meta, file = f"/v1/assets/{asset['id']}", f"/v1/assets/{asset['id']}/file"
    assert (client.get(meta).status_code, client.get(file).status_code) == (404, 404)
    draft = publish_with(client, keys, asset["id"], status="draft", title="Draft pictured")
    assert client.get(meta).status_code == 404
    client.patch(
        f"/v1/articles/{draft['id']}", json={"status": "published"}, headers=keys.auth("write")
    )
    assert client.get(meta).status_code == 200
    shown = client.get(file)
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "public, max-age=31536000, immutable"
    listed = client.get("/v1/assets")
    assert listed.status_code == 401  # the list shows every asset: a key's


def test_role_covers_make_assets_public_too(client: TestClient, keys: Keys) -> None:
    asset = uploaded(client, keys, png(31, 31, (8, 8, 8)))
    role = client.post(
        "/v1/roles",
        json={"name": "Head of Data", "status": "published", "cover": asset["id"]},
        headers=keys.auth("write"),
    )
    assert role.status_code == 201, role.text
    assert role.json()["cover"]["url"] == FILE.format(asset["id"])
    assert client.get(f"/v1/assets/{asset['id']}").status_code == 200
    listed = client.get("/v1/roles?limit=100").json()["data"]
    assert next(r for r in listed if r["slug"] == "head-of-data")["cover"]["id"] == asset["id"]


def test_deleting_an_asset_in_use_is_409_naming_the_users(
    client: TestClient, keys: Keys, session: Session, media_dir: Path
) -> None:
    asset = uploaded(client, keys, png(32, 32, (7, 7, 7)))
    article = publish_with(client, keys, asset["id"])
    write = keys.auth("write")
    refused = client.delete(f"/v1/assets/{asset['id']}", headers=write)
    assert refused.status_code == 409
    assert f"articles/{article['slug']}" in refused.json()["detail"]
    changed = client.patch(
        f"/v1/articles/{article['id']}", json={"cover": None, "body": []}, headers=write
    )
    assert changed.status_code == 200, changed.text
    assert client.delete(f"/v1/assets/{asset['id']}", headers=write).status_code == 204
    assert client.get(f"/v1/assets/{asset['id']}", headers=keys.auth("read")).status_code == 404
    assert not any(p.is_file() for p in media_dir.rglob("*"))


def test_an_asset_is_in_use_while_the_cover_or_the_body_shows_it(
    client: TestClient, keys: Keys
) -> None:
    """Each edit changes one of what makes an article use an asset (its cover, its body) or
    neither; what the article uses follows each one: a delete is refused (409) while it is in
    use and done (204) once it is not."""
    first = uploaded(client, keys, png(34, 34, (6, 6, 6)))
    second = uploaded(client, keys, png(35, 35, (5, 5, 5)))
    article = publish_with(client, keys, first["id"])
    write = keys.auth("write")

    def delete(asset: dict[str, Any]) -> int:
        return client.delete(f"/v1/assets/{asset['id']}", headers=write).status_code

    def edit(**fields: Any) -> None:
        answer = client.patch(f"/v1/articles/{article['id']}", json=fields, headers=write)
        assert answer.status_code == 200, answer.text

    assert delete(first) == 409
    edit(cover=second["id"])  # the body still shows the first
    assert (delete(first), delete(second)) == (409, 409)
    edit(summary="Neither the cover nor the body")
    assert (delete(first), delete(second)) == (409, 409)
    edit(body=[{"_type": "block", "children": [{"_type": "span", "text": "No picture"}]}])
    assert (delete(first), delete(second)) == (204, 409)
    edit(cover=None)
    assert delete(second) == 204


def test_patch_changes_alt_text_and_filename(client: TestClient, keys: Keys) -> None:
    asset = uploaded(client, keys, png(33, 33, (6, 6, 6)))
    response = client.patch(
        f"/v1/assets/{asset['id']}",
        json={"alt": "Better words", "filename": "better.png"},
        headers=keys.auth("write"),
    )
    assert response.status_code == 200, response.text
    assert (response.json()["alt"], response.json()["filename"]) == ("Better words", "better.png")
    assert response.json()["version"] == asset["version"] + 1


def test_the_list_pages_newest_first(client: TestClient, keys: Keys) -> None:
    ids = [uploaded(client, keys, png(10 + n, 10))["id"] for n in range(3)]
    first = client.get("/v1/assets?limit=2", headers=keys.auth("read")).json()
    assert [a["id"] for a in first["data"]] == ids[::-1][:2]
    rest = client.get(first["links"]["next"], headers=keys.auth("read")).json()
    assert rest["data"][0]["id"] == ids[0]


BAD = [
    ("POST", "/v1/assets?colour=red", 422),
    ("POST", "/v1/assets?alt=" + "x" * 501, 422),
    ("GET", "/v1/assets/0", 422),
    ("GET", "/v1/assets/99999999", 404),
    ("GET", "/v1/assets/99999999999999", 422),
    ("GET", "/v1/assets?sort=size", 422),
    ("GET", "/v1/assets?limit=0", 422),
    ("GET", "/v1/assets/{id}/file?w=0", 422),
    ("GET", "/v1/assets/{id}/file?w=20000", 422),
    ("GET", "/v1/assets/{id}/file?format=gif", 422),
    ("GET", "/v1/assets/{id}/file?fit=stretch", 422),
    ("GET", "/v1/assets/{id}/file?q=0", 422),
    ("GET", "/v1/assets/{id}/file?colour=red", 422),
    ("GET", "/v1/assets/{id}?colour=red", 422),
    ("PATCH", "/v1/assets/{id}", 422),
    ("DELETE", "/v1/assets/99999999", 404),
]


@pytest.mark.parametrize(("method", "path", "status"), BAD)
def test_bad_requests_are_problems_and_change_nothing(
    client: TestClient, keys: Keys, session: Session, method: str, path: str, status: int
) -> None:
    asset = uploaded(client, keys, png(34, 34, (5, 5, 5)))
    before = count(session)
    body = {"colour": "red"} if method == "PATCH" else None
    headers = {**keys.auth("write"), "Content-Type": "image/png"}
    response = client.request(
        method,
        path.format(id=asset["id"]),
        content=png(2, 2) if method == "POST" else None,
        json=body,
        headers=headers if method != "PATCH" else keys.auth("write"),
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert count(session) == before


@pytest.mark.parametrize(
    ("method", "path", "scope", "status"),
    [
        ("POST", "/v1/assets", None, 401),
        ("POST", "/v1/assets", "read", 403),
        ("PATCH", "/v1/assets/{id}", "read", 403),
        ("DELETE", "/v1/assets/{id}", None, 401),
        ("DELETE", "/v1/assets/{id}", "read", 403),
        ("GET", "/v1/assets", None, 401),
    ],
)
def test_writes_need_a_write_key(
    client: TestClient, keys: Keys, method: str, path: str, scope: str | None, status: int
) -> None:
    asset = uploaded(client, keys, png(35, 35, (4, 4, 4)))
    headers = keys.auth(scope) if scope else {}
    response = client.request(
        method,
        path.format(id=asset["id"]),
        content=png(3, 3) if method == "POST" else None,
        json={"alt": "x"} if method == "PATCH" else None,
        headers={
            **headers,
            "Content-Type": "image/png" if method == "POST" else "application/json",
        },
    )
    assert response.status_code == status, response.text


def test_the_database_keeps_the_bytes_when_so_configured(
    database: Database, session: Session, keys: Keys, media_dir: Path
) -> None:
    """FOLIO_MEDIA_STORAGE=database: originals and renditions in the asset_blob table, so
    every API node sharing the database serves them; nothing on the local disk."""
    settings = Settings(database_url=database.url, media_storage="database")
    application = create_app(settings, engine=database.engine)
    application.state.sessions = lambda: nullcontext(session)
    client = TestClient(application)
    data = png(700, 350, (0, 128, 0))
    asset = uploaded(client, keys, data)
    rendition = client.get(
        f"/v1/assets/{asset['id']}/file?w=320&format=webp", headers=keys.auth("read")
    )
    assert Image.open(io.BytesIO(rendition.content)).size == (320, 160)
    original = client.get(f"/v1/assets/{asset['id']}/file", headers=keys.auth("read"))
    assert original.content == data
    names = session.exec(
        select(AssetBlob.name).where(AssetBlob.name.startswith(asset["sha256"]))
    ).all()
    assert sorted(names) == [asset["sha256"], f"{asset['sha256']}-320x0-inside-q80.webp"]
    assert not media_dir.exists() or not any(media_dir.rglob("*"))
    assert client.delete(f"/v1/assets/{asset['id']}", headers=keys.auth("write")).status_code == 204
    assert session.exec(select(func.count()).select_from(AssetBlob)).one() == 0


def test_an_asset_stops_being_public_when_the_content_showing_it_does(
    fresh_database: Database,
) -> None:
    """Through the response cache and the store: the metadata of an asset follows the content
    that shows it, as the file does (unpublish the one article: 404; publish it again: 200),
    and a role's cover likewise."""
    keys = Keys(**{s: make_token(fresh_database, s) for s in ("read", "write", "admin")})
    with TestClient(create_app(settings_for(fresh_database.url))) as client:
        asset = uploaded(client, keys, png(33, 33, (7, 7, 7)))
        article = publish_with(client, keys, asset["id"], title="Only showing")
        urls = (f"/v1/assets/{asset['id']}", f"/v1/assets/{asset['id']}/file")

        def statuses() -> list[int]:
            return [client.get(url).status_code for url in urls]

        def set_status(path: str, status: str) -> None:
            answer = client.patch(path, json={"status": status}, headers=keys.auth("write"))
            assert answer.status_code == 200, answer.text

        assert statuses() == [200, 200]
        for url in urls:  # a CDN in front purges both by the article that shows them
            tags = client.get(url).headers["surrogate-key"].split()
            assert {f"asset:{asset['id']}", f"article:{article['id']}"} <= set(tags), url
        set_status(f"/v1/articles/{article['id']}", "draft")
        assert statuses() == [404, 404]
        assert client.get(urls[0], headers=keys.auth("read")).status_code == 200  # a key's
        set_status(f"/v1/articles/{article['id']}", "published")
        assert statuses() == [200, 200]
        set_status(f"/v1/articles/{article['id']}", "draft")
        role = client.post(
            "/v1/roles",
            json={"name": "Pictured role", "status": "published", "cover": asset["id"]},
            headers=keys.auth("write"),
        ).json()
        assert statuses() == [200, 200]  # the role's cover shows it now
        set_status(f"/v1/roles/{role['id']}", "draft")
        assert statuses() == [404, 404]
