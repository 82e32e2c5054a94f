"""Export and import: lossless round trips within and across databases, merges by slug,
Markdown with front matter, and bad files refused whole."""

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, make_url
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.articles.models import Article
from api.cli import app as cli
from api.core.db import make_engine
from api.core.errors import ImportFailed
from api.main import create_app
from api.transfer.export import export_lines
from api.transfer.service import import_lines
from tests.conftest import Configure, Database, Keys, _new_database, migrate, settings_for
from tests.helpers import key_in
from tests.transfer.conftest import export_of

OTHER_PG = os.environ.get("FOLIO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

GUIDE = """---
title: Hiring an AI leader
author: Ada Lovelace
date: 2026-05-01
tags: [Hiring, AI]
roles: [Head of AI]
category: Guide
summary: Who to hire first.
---
## Compare

| Dimension | Head of AI | Fractional CAIO |
| --- | --- | --- |
| Time | Full | Part |
"""


def enrich(client: TestClient, keys: Keys) -> None:
    """Content beyond the seed: tags, edits (revisions), a renamed slug, the trash."""
    write = keys.auth("write")
    client.post("/v1/tags", json={"name": "Leadership"}, headers=write)
    made = client.post(
        "/v1/articles",
        json={
            "title": "Export me",
            "tags": ["leadership"],
            "status": "published",
            "body_markdown": "Hello [AI operating partner](/roles/ai-operating-partner).\n\n"
            "| Dimension | AI operating partner | Fractional CAIO |\n| --- | --- | --- |\n"
            "| Reach | Portfolio | One company |\n",
        },
        headers=write,
    ).json()
    client.patch(f"/v1/articles/{made['id']}", json={"slug": "exported"}, headers=write)
    client.post("/v1/roles", json={"name": "Head of Growth", "aliases": ["HoG"]}, headers=write)
    gone = client.post("/v1/articles", json={"title": "Binned"}, headers=write).json()
    client.delete(f"/v1/articles/{gone['id']}", headers=write)
    client.post(
        "/v1/comparisons/1/rows",
        json={"dimension": "Reports to", "cells": {"fractional-caio": "CEO"}},
        headers=write,
    )


def test_export_import_export_is_identical(
    client: TestClient, keys: Keys, session: Session, empty: Database
) -> None:
    enrich(client, keys)
    session.commit()
    first = list(export_lines(session))
    kinds = {json.loads(line)["type"] for line in first[1:]}
    assert kinds == {"author", "tag", "role", "comparison", "article", "revision", "slug_redirect"}
    with Session(empty.engine) as target:
        counts = import_lines(target, first, merge=False)
    assert counts["articles"] == 3
    assert export_of(empty.engine) == first
    records = [json.loads(line) for line in first[1:]]
    exported = next(r["id"] for r in records if r["type"] == "article" and r["slug"] == "exported")
    owners = [r["owner_article_id"] for r in records if r["type"] == "comparison"]
    assert owners == [None, exported]  # the seed's table stands alone; the Markdown one is owned
    imported = TestClient(create_app(settings_for(empty.url), engine=empty.engine))
    assert imported.get("/v1/articles/exported").status_code == 200
    assert imported.get("/v1/articles/export-me", follow_redirects=False).status_code == 301
    assert (
        imported.get("/v1/articles/1?format=txt").text
        == client.get("/v1/articles/1?format=txt").text
    )
    assert [h["slug"] for h in imported.get("/v1/search?q=export").json()["data"]] == ["exported"]
    created = imported.post("/v1/tags", json={"name": "Fresh"}, headers=_admin(empty))
    assert created.status_code == 201  # ids continue after the imported ones


def _admin(database: Database) -> dict[str, str]:
    key = key_in(database.engine, "t", "admin")
    return {"Authorization": f"Bearer {key}"}


def test_across_databases(
    client: TestClient, keys: Keys, session: Session, database: Database, tmp_path: Path
) -> None:
    """From this run's database to the other kind (SQLite → PostgreSQL, or back), and back."""
    enrich(client, keys)
    session.commit()
    first = list(export_lines(session))
    if make_url(database.url).get_backend_name() == "sqlite":
        previous = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = OTHER_PG
        try:
            url, drop = _new_database(tmp_path)
        finally:
            if previous is None:
                os.environ.pop("DATABASE_URL")
            else:
                os.environ["DATABASE_URL"] = previous
    else:
        url, drop = f"sqlite:///{tmp_path / 'other.db'}", lambda: None
    migrate(url)
    engine = make_engine(url)
    try:
        with Session(engine) as target:
            import_lines(target, first, merge=False)
        assert export_of(engine) == first
    finally:
        engine.dispose()
        drop()


def test_importing_into_content_needs_merge(
    client: TestClient, keys: Keys, session: Session
) -> None:
    lines = list(export_lines(session))
    response = client.post(
        "/v1/import",
        content="\n".join(lines),
        headers={**keys.auth("admin"), "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 409
    changed = [line.replace("Kyle Rasmussen", "Kyle R.") for line in lines]
    merged = client.post(
        "/v1/import?merge=true",
        content="\n".join(changed),
        headers={**keys.auth("admin"), "Content-Type": "application/x-ndjson"},
    )
    assert merged.status_code == 200, merged.text
    assert client.get("/v1/authors/kyle-rasmussen").json()["name"] == "Kyle R."
    assert session.exec(select(func.count()).select_from(Article)).one() == 1


@pytest.mark.parametrize(
    ("damage", "line", "reason"),
    [
        (lambda lines: [*lines[:2], "{not json", *lines[2:]], 3, "not valid JSON"),
        (lambda lines: ['{"format":"other","version":1}', *lines[1:]], 1, "not a folio-export"),
        (lambda lines: [*lines, '{"type":"widget","id":1}'], None, "unknown type"),
        (lambda lines: [*lines, '{"type":"tag","id":99,"slug":"x"}'], None, "name"),
        (lambda lines: [*lines, "[1, 2]"], None, "JSON object"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_the_line(
    client: TestClient,
    keys: Keys,
    session: Session,
    empty: Database,
    damage: object,
    line: int | None,
    reason: str,
) -> None:
    lines = list(export_lines(session))
    bad = damage(lines)  # type: ignore[operator]
    line = line or len(bad)
    admin = _admin(empty)
    target = TestClient(create_app(settings_for(empty.url), engine=empty.engine))
    response = target.post(
        "/v1/import",
        content="\n".join(bad),
        headers={**admin, "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(f"body:{line}: ")
    assert reason in response.json()["detail"]
    with Session(empty.engine) as check:
        assert check.exec(select(func.count()).select_from(Article)).one() == 0


def test_markdown_with_front_matter(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/import", content=GUIDE, headers={**keys.auth("admin"), "Content-Type": "text/markdown"}
    )
    assert response.status_code == 200, response.text
    article = client.get("/v1/articles/hiring-an-ai-leader").json()
    assert article["author"]["name"] == "Ada Lovelace"
    assert [t["name"] for t in article["tags"]] == ["Hiring", "AI"]
    assert article["published_at"] == "2026-05-01T00:00:00Z"
    assert article["category"] == "Guide"
    table = article["body"][1]["comparison"]
    assert [s["slug"] for s in table["subjects"]] == ["head-of-ai", "fractional-caio"]
    again = client.post(
        "/v1/import", content=GUIDE, headers={**keys.auth("admin"), "Content-Type": "text/markdown"}
    )
    assert again.status_code == 422
    merged = client.post(
        "/v1/import?merge=true",
        content=GUIDE.replace("Who to hire first.", "Updated."),
        headers={**keys.auth("admin"), "Content-Type": "text/markdown"},
    )
    assert merged.status_code == 200
    assert client.get("/v1/articles/hiring-an-ai-leader").json()["summary"] == "Updated."


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("---\ntitle: x\ncolour: red\n---\nbody", 3, "unknown front matter field 'colour'"),
        ("---\ntitle: [unclosed\n---\nbody", 3, "front matter"),
        ("---\nauthor: Nobody\n---\nbody", 1, "needs a title"),
        ("---\ntitle: x\nstatus: live\n---\nbody", 3, "status"),
        (
            "---\ntitle: x\n---\n| Dimension | AI operating partner | Astronaut |\n"
            "| --- | --- | --- |\n| a | b | c |\n",
            4,
            "Astronaut",
        ),
        ("---\ntitle: x\n---\nText.\n\n<div>x</div>\n", 6, "raw HTML"),
        ("---\ntitle: x\n---\n\nSee <b>this</b>.\n", 5, "raw HTML"),
        ("---\ntitle: x\n---\nA [^1] note.\n\n[^1]: Footnote.\n", 4, "footnote"),
    ],
)
def test_bad_markdown_is_refused_with_its_line(
    client: TestClient, keys: Keys, session: Session, text: str, line: int, reason: str
) -> None:
    before = session.exec(select(func.count()).select_from(Article)).one()
    response = client.post(
        "/v1/import", content=text, headers={**keys.auth("admin"), "Content-Type": "text/markdown"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(f"body:{line}: ")
    assert reason in response.json()["detail"]
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Article)).one() == before


def test_import_needs_an_admin_key_and_a_known_type(client: TestClient, keys: Keys) -> None:
    assert (
        client.post(
            "/v1/import",
            content="x",
            headers={**keys.auth("write"), "Content-Type": "text/markdown"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/v1/import", content="x", headers={**keys.auth("admin"), "Content-Type": "text/csv"}
        ).status_code
        == 415
    )


def test_cli_export_and_import(
    fresh_database: Database,
    empty: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    configure: Configure,
) -> None:
    out = tmp_path / "all.ndjson"
    runner = CliRunner()
    configure(DATABASE_URL=fresh_database.url)
    assert runner.invoke(cli, ["export", "--out", str(out)]).exit_code == 0
    configure(DATABASE_URL=empty.url)
    result = runner.invoke(cli, ["import", str(out)])
    assert result.exit_code == 0, result.output
    assert "articles: 1" in result.output
    again = runner.invoke(cli, ["import", str(out)])
    assert again.exit_code == 1
    assert "import into an empty one" in again.output
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE)
    assert runner.invoke(cli, ["import", str(guide)]).exit_code == 0
    printed = runner.invoke(cli, ["export"])
    assert '"slug":"hiring-an-ai-leader"' in printed.stdout
    monkeypatch.chdir(tmp_path)
    dashed = runner.invoke(cli, ["export", "--out", "-"])  # standard output, as a dash says
    assert dashed.exit_code == 0, dashed.output
    assert dashed.stdout == printed.stdout
    assert not (tmp_path / "-").exists()
    with Session(empty.engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 2


def test_translations_round_trip(
    client: TestClient,
    keys: Keys,
    session: Session,
    empty: Database,
    configure: Configure,
) -> None:
    configure(FOLIO_LOCALES="en,de")
    write = keys.auth("write")
    german = {
        "title": "Welche Rolle brauchen Sie?",
        "slug": "welche-rolle-alt",
        "body_markdown": "Die **Entscheidungen** sind einfach.",
        "status": "published",
    }
    made = client.put("/v1/articles/1/translations/de", json=german, headers=write)
    assert made.status_code == 201, made.text
    renamed = client.patch(
        "/v1/articles/1/translations/de", json={"slug": "welche-rolle"}, headers=write
    )
    assert renamed.status_code == 200
    role = {"name": "Teilzeit-CAIO", "status": "published"}
    assert client.put("/v1/roles/2/translations/de", json=role, headers=write).status_code == 201
    session.commit()
    first = list(export_lines(session))
    assert sum(json.loads(line)["type"] == "translation" for line in first[1:]) == 2
    with Session(empty.engine) as target:
        counts = import_lines(target, first, merge=False)
    assert counts["translations"] == 2
    assert export_of(empty.engine) == first
    imported = TestClient(create_app(settings_for(empty.url), engine=empty.engine))
    read = imported.get("/v1/articles/welche-rolle")
    assert (read.status_code, read.json()["locale"]) == (200, "de")
    assert imported.get("/v1/articles/welche-rolle-alt", follow_redirects=False).status_code == 301
    assert imported.get("/v1/roles/2?locale=de").json()["name"] == "Teilzeit-CAIO"
    hits = imported.get("/v1/search", params={"q": "Entscheidung", "locale": "de"}).json()
    assert [h["slug"] for h in hits["data"]] == ["welche-rolle"]
    revisions = imported.get(
        "/v1/articles/1/translations/de/revisions", headers=_admin(empty)
    ).json()["data"]
    assert [r["number"] for r in revisions] == [2, 1]


def test_a_translation_of_nothing_is_refused(empty: Database, configure: Configure) -> None:
    configure(FOLIO_LOCALES="en,de")
    header = json.dumps({"format": "folio-export", "version": 1})
    orphan = {
        "type": "translation", "id": 1, "resource_type": "article", "resource_id": 7,
        "locale": "de", "slug": "x", "content": {"title": "X"}, "status": "draft",
        "published_at": None, "deleted_at": None, "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z", "version": 1,
    }  # fmt: skip
    for bad, reason in (
        (orphan, "no article 7"),
        ({**orphan, "locale": "fr"}, "locale"),
        ({**orphan, "resource_type": "tag"}, "resource_type"),
    ):
        with Session(empty.engine) as target, pytest.raises(ImportFailed) as refused:
            import_lines(target, [header, json.dumps(bad)], merge=False)
        assert refused.value.line == 2
        assert reason in refused.value.detail
