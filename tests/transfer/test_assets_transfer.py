"""Exports carry assets: the NDJSON names them by SHA-256, a tar or a directory holds their
bytes, and the round trip (export, import into an empty database and media store, export) is
identical, byte for byte."""

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from api.assets.storage import LocalStorage
from api.cli import app as cli
from api.core.errors import ImportFailed
from api.main import create_app
from api.transfer.export import export_archive, export_directory, export_lines
from api.transfer.service import import_archive, import_directory, import_lines
from tests.assets.images import png
from tests.assets.test_assets import publish_with, uploaded
from tests.conftest import Configure, Database, Keys, settings_for
from tests.helpers import key_in
from tests.transfer.conftest import export_of


@pytest.fixture
def pictured(client: TestClient, keys: Keys, session: Session) -> dict[str, Any]:
    """An article with a cover and an image in its body, a role with a cover, committed."""
    asset = uploaded(client, keys, png(900, 300, (90, 10, 200)), alt="Purple")
    other = uploaded(client, keys, png(60, 60, (1, 1, 1)))
    article = publish_with(client, keys, asset["id"], title="Carried over")
    role = client.post(
        "/v1/roles",
        json={"name": "Head of Media", "status": "published", "cover": other["id"]},
        headers=keys.auth("write"),
    )
    assert role.status_code == 201, role.text
    session.commit()
    return {"asset": asset, "other": other, "article": article}


def _archive(session: Session, storage: LocalStorage) -> bytes:
    out = io.BytesIO()
    export_archive(session, storage, out)
    return out.getvalue()


def test_a_tar_round_trip_is_identical_and_serves_the_files(
    pictured: dict[str, Any], session: Session, empty: Database, media_dir: Path, tmp_path: Path
) -> None:
    here = LocalStorage(media_dir)
    archive = _archive(session, here)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        names = tar.getnames()
        content = tar.extractfile("content.ndjson").read().decode()  # type: ignore[union-attr]
    assert names[0] == "content.ndjson"
    assert sorted(names[1:]) == sorted(
        f"assets/{a['sha256']}" for a in (pictured["asset"], pictured["other"])
    )
    records = [json.loads(line) for line in content.splitlines()[1:]]
    assets = [r for r in records if r["type"] == "asset"]
    assert {a["sha256"] for a in assets} == {
        pictured["asset"]["sha256"],
        pictured["other"]["sha256"],
    }
    article = next(r for r in records if r["type"] == "article" and r["title"] == "Carried over")
    assert article["cover_asset_id"] == pictured["asset"]["id"]
    assert article["asset_ids"] == [pictured["asset"]["id"]]

    there = LocalStorage(tmp_path / "elsewhere")
    with Session(empty.engine) as target:
        counts = import_archive(target, io.BytesIO(archive), merge=False, storage=there)
    assert counts["assets"] == 2
    assert export_of(empty.engine) == list(export_lines(session))
    with Session(empty.engine) as target:
        assert _archive(target, there) == archive

    settings = settings_for(empty.url).model_copy(update={"media_dir": tmp_path / "elsewhere"})
    imported = TestClient(create_app(settings, engine=empty.engine))
    page = imported.get("/v1/articles/carried-over").json()
    assert page["cover"]["id"] == pictured["asset"]["id"]
    assert page["body"][0]["asset"]["width"] == 900
    file = imported.get(f"/v1/assets/{pictured['asset']['id']}/file")
    assert file.status_code == 200  # public: a published article shows it
    assert file.content == png(900, 300, (90, 10, 200))


def test_a_directory_round_trip_is_identical(
    pictured: dict[str, Any], session: Session, empty: Database, media_dir: Path, tmp_path: Path
) -> None:
    export_directory(session, LocalStorage(media_dir), tmp_path / "export")
    assert (tmp_path / "export" / "content.ndjson").is_file()
    assert len(list((tmp_path / "export" / "assets").iterdir())) == 2
    there = LocalStorage(tmp_path / "elsewhere")
    with Session(empty.engine) as target:
        import_directory(target, tmp_path / "export", merge=False, storage=there)
    assert export_of(empty.engine) == list(export_lines(session))


def test_ndjson_without_the_bytes_is_refused_naming_the_asset(
    pictured: dict[str, Any],
    session: Session,
    empty: Database,
    tmp_path: Path,
) -> None:
    lines = list(export_lines(session))
    with Session(empty.engine) as target, pytest.raises(ImportFailed) as failed:
        import_lines(target, lines, merge=False, storage=LocalStorage(tmp_path / "none"))
    assert pictured["asset"]["sha256"] in failed.value.detail
    assert "import an archive" in failed.value.detail
    assert export_of(empty.engine) == [lines[0]]  # nothing was imported


def test_bytes_that_do_not_match_their_sha256_are_refused(
    pictured: dict[str, Any], session: Session, empty: Database, media_dir: Path, tmp_path: Path
) -> None:
    archive = _archive(session, LocalStorage(media_dir))
    tampered = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(archive)) as tar,
        tarfile.open(fileobj=tampered, mode="w") as out,
    ):
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == f"assets/{pictured['asset']['sha256']}":
                data = png(10, 10)
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    with Session(empty.engine) as target, pytest.raises(ImportFailed) as failed:
        import_archive(
            target,
            io.BytesIO(tampered.getvalue()),
            merge=False,
            storage=LocalStorage(tmp_path / "x"),
        )
    assert "do not match" in failed.value.detail


@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        (b"not a tar at all", "not a tar archive"),
        (b"", "not a tar archive"),
    ],
)
def test_bad_archives_are_422_over_http(
    client: TestClient, keys: Keys, archive: bytes, reason: str
) -> None:
    response = client.post(
        "/v1/import?merge=true",
        content=archive,
        headers={**keys.auth("admin"), "Content-Type": "application/x-tar"},
    )
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]


def test_an_archive_without_content_is_refused(client: TestClient, keys: Keys) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo("../../etc/evil")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    response = client.post(
        "/v1/import?merge=true",
        content=out.getvalue(),
        headers={**keys.auth("admin"), "Content-Type": "application/x-tar"},
    )
    assert response.status_code == 422
    assert "content.ndjson" in response.json()["detail"]


def test_merging_an_archive_maps_assets_by_their_bytes(
    client: TestClient, keys: Keys, pictured: dict[str, Any], session: Session, media_dir: Path
) -> None:
    """Into a database that has the same bytes under another id: the article imported
    refers to the asset there."""
    archive = _archive(session, LocalStorage(media_dir))
    # The archive's article, renamed so it is new here; its asset is the one here already.
    response = client.post(
        "/v1/import?merge=true",
        content=archive,
        headers={**keys.auth("admin"), "Content-Type": "application/x-tar"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"]["assets"] == 2
    page = client.get("/v1/articles/carried-over").json()
    assert page["cover"]["id"] == pictured["asset"]["id"]


def test_cli_exports_and_imports_a_tar(
    fresh_database: Database,
    empty: Database,
    tmp_path: Path,
    media_dir: Path,
    configure: Configure,
) -> None:
    application = create_app(settings_for(fresh_database.url), engine=fresh_database.engine)
    client = TestClient(application)

    token = key_in(fresh_database.engine, "w", "write")
    response = client.post(
        "/v1/assets",
        content=png(20, 20),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "image/png"},
    )
    assert response.status_code == 201, response.text
    out = tmp_path / "all.tar"
    runner = CliRunner()
    configure(DATABASE_URL=fresh_database.url)
    exported = runner.invoke(cli, ["export", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    configure(
        DATABASE_URL=empty.url,
        FOLIO_MEDIA_DIR=str(tmp_path / "other-media"),
    )
    result = runner.invoke(cli, ["import", str(out)])
    assert result.exit_code == 0, result.output
    assert "assets: 1" in result.output
    assert (tmp_path / "other-media").exists()
