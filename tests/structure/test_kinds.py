"""The registry of kinds (``api/core/kinds.py``) is the one list: every room has registered
its pieces, every enum of the OpenAPI document that names collections is a set the registry
derives, and a kind without a piece is refused at start-up, naming what it lacks."""

import json
import re
from typing import Any, get_args, get_origin

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session

from api import editing
from api.core import kinds
from api.models import TABLES
from api.search import index as search_index
from api.transfer.export import export_lines
from api.translations import reading
from api.webhooks.models import EVENT_TYPES
from tests.conftest import Configure, Keys


def test_every_room_has_registered_every_piece(client: TestClient) -> None:
    kinds.check_complete()  # create_app did too: the client's app started
    assert [k.collection for k in kinds.KINDS] == list(TABLES)
    for kind in kinds.KINDS:
        assert editing.ROOMS[kind.name].kind.collection == kind.collection
        assert TABLES.of(kind).__tablename__ == kind.name
    for kind in kinds.SEARCHABLE:
        assert search_index.EXTRACTORS[kind.name] is not None
    for kind in kinds.TRANSLATABLE:
        assert reading.TRANSLATABLE[kind.name].kind == kind
    assert {e.split(".")[0] for e in EVENT_TYPES} == set(kinds.names())


def _enums(node: Any) -> list[list[str]]:
    found = []
    if isinstance(node, dict):
        if "articles" in node.get("enum", []):
            found.append(node["enum"])
        for value in node.values():
            found += _enums(value)
    elif isinstance(node, list):
        for value in node:
            found += _enums(value)
    return found


def test_every_enum_of_collections_in_the_openapi_document_is_one_the_registry_derives(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    derived = {
        frozenset(kinds.collections(group))
        for group in (kinds.KINDS, kinds.MAPPED, kinds.SEARCHABLE, kinds.TRANSLATABLE)
    }
    enums = _enums(document)
    assert len(enums) >= 6  # batch, trash and sitemap routes
    for enum in enums:
        assert frozenset(enum) in derived, enum
    patterns = json.dumps(document)
    assert "^(articles|roles|comparisons)$" in patterns  # search's type, from SEARCHABLE


def test_a_kind_without_a_piece_is_refused_naming_it() -> None:
    with pytest.raises(kinds.MissingPiece, match="table: none for tags"):
        kinds.Pieces("table", kinds.KINDS, {k: object() for k in kinds.KINDS if k != kinds.TAG})
    with pytest.raises(kinds.MissingPiece, match="not expected for authors"):
        kinds.Pieces(
            "extractor", kinds.SEARCHABLE, dict.fromkeys((*kinds.SEARCHABLE, kinds.AUTHOR), 1)
        )
    registry: kinds.Registry[int] = kinds.Registry("search extractor", kinds.SEARCHABLE)
    try:
        registry.register(kinds.ARTICLE, 1)
        registry.register(kinds.ROLE, 2)
        with pytest.raises(kinds.MissingPiece, match="search extractor: none for comparisons"):
            kinds.check_complete()
        with pytest.raises(kinds.MissingPiece, match="none for comparison"):
            registry["comparison"]
        with pytest.raises(kinds.MissingPiece, match="not expected for tags"):
            registry.register(kinds.TAG, 3)
    finally:
        kinds._REGISTRIES.remove(registry)  # type: ignore[arg-type]
    kinds.check_complete()


def test_an_import_loads_each_kind_after_those_it_refers_to() -> None:
    order = [k.name for k in kinds.referred_first(kinds.KINDS)]
    for kind in kinds.KINDS:
        for name in kind.links:
            assert order.index(name) < order.index(kind.name), (name, kind.name)


# --- Fields: each written once, and shown by every surface that says it carries it ----------


def _value(kind: kinds.Kind, name: str, model: type[BaseModel]) -> Any:
    """A value of field ``name`` that nothing else in the database says."""
    annotation = model.model_fields[name].annotation

    def names_int(node: Any) -> bool:
        return node is int or any(names_int(arg) for arg in get_args(node))

    if names_int(annotation):
        return 417
    text = f"Only{kind.name.title()}{name.title().replace('_', '')}"
    return [text] if get_origin(annotation) is list else text


def _written(kind: kinds.Kind) -> dict[str, Any]:
    model = editing.ROOMS[kind.name].model
    return {f.name: _value(kind, f.name, model) for f in kind.fields}


def body_of(kind: kinds.Kind) -> dict[str, Any]:
    """What POST takes to make one of ``kind``, public, with every field written."""
    body = {**_written(kind), **({"status": "published"} if kind.workflow else {})}
    if kind == kinds.COMPARISON:
        body["subjects"] = ["ai-operating-partner", "fractional-caio"]
    return body


def _create(client: TestClient, keys: Keys, kind: kinds.Kind) -> Any:
    answer = client.post(f"/v1/{kind.collection}", json=body_of(kind), headers=keys.auth("write"))
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.mark.parametrize("kind", kinds.KINDS, ids=kinds.names())
def test_every_field_is_a_column_an_input_and_public_by_id_and_in_lists(
    client: TestClient, keys: Keys, kind: kinds.Kind
) -> None:
    assert kind.fields, kind
    columns = set(TABLES.of(kind).__table__.columns.keys())  # type: ignore[attr-defined]
    written = _written(kind)
    made = _create(client, keys, kind)
    listed = client.get(f"/v1/{kind.collection}?limit=100").json()["data"]
    (item,) = [i for i in listed if i["id"] == made["id"]]
    for name, value in written.items():
        assert name in columns, f"{kind.name}.{name}: no column of that name"
        assert made[name] == value, f"{kind.name}.{name}: not shown as written"
        assert item[name] == value, f"{kind.name}.{name}: not in the list's items"
    revision = client.get(
        f"/v1/{kind.collection}/{made['id']}/revisions/1", headers=keys.auth("read")
    )
    if revision.status_code == 200:  # a revision keeps every field
        for name, value in written.items():
            assert revision.json()["content"][name] == value, f"{kind.name}.{name}: revision"


@pytest.mark.parametrize("kind", kinds.TRANSLATABLE, ids=kinds.names(kinds.TRANSLATABLE))
def test_a_translation_has_exactly_the_fields_that_say_translated(
    client: TestClient, keys: Keys, kind: kinds.Kind, configure: Configure
) -> None:
    configure(FOLIO_LOCALES="en,de")
    made = _create(client, keys, kind)
    translatable = reading.TRANSLATABLE[kind.name]
    words = {
        name: _value(kind, name, translatable.model) for name in kind.field_names(translated=True)
    }
    words = {k: [f"De{v[0]}"] if isinstance(v, list) else f"De{v}" for k, v in words.items()}
    for name in kind.field_names(translated=False):
        assert name not in translatable.model.model_fields, f"{kind.name}.{name} is translated"
    answer = client.put(
        f"/v1/{kind.collection}/{made['id']}/translations/de",
        json={**words, "status": "published"},
        headers=keys.auth("write"),
    )
    assert answer.status_code == 201, answer.text
    german = client.get(f"/v1/{kind.collection}/{made['id']}?locale=de").json()
    for field in kind.fields:
        shown = german[field.name]
        expected = words[field.name] if field.translated else made[field.name]
        assert shown == expected, f"{kind.name}.{field.name} in German"
        assert answer.json()[field.name] == expected if field.translated else True


def test_front_matter_feeds_and_exports_carry_the_fields_that_say_so(
    client: TestClient, keys: Keys, session: Session
) -> None:
    kind = kinds.ARTICLE
    written = _written(kind)
    front = "\n".join(f"{f.name}: {written[f.name]}" for f in kind.fields if f.front_matter)
    answer = client.post(
        "/v1/import",
        content=f"---\n{front}\nslug: fields\ndate: 2026-01-02\n---\nBody.\n",
        headers={**keys.auth("admin"), "Content-Type": "text/markdown"},
    )
    assert answer.status_code == 200, answer.text
    imported = client.get("/v1/articles/fields").json()
    feed = client.get("/v1/feeds/articles.json").text + client.get("/v1/feeds/articles.rss").text
    exported = next(
        json.loads(line)
        for line in export_lines(session)
        if '"slug": "fields"' in line or '"slug":"fields"' in line
    )
    for field in kind.fields:
        value = written[field.name]
        if field.front_matter:
            assert imported[field.name] == value, f"front matter ignores {field.name}"
        else:  # refused, not silently dropped
            refused = client.post(
                "/v1/import",
                content=f"---\ntitle: x\n{field.name}: {value}\n---\nBody.\n",
                headers={**keys.auth("admin"), "Content-Type": "text/markdown"},
            )
            assert refused.status_code == 422, field.name
        shown = re.search(rf"\b{re.escape(str(value))}\b", feed) is not None  # not in a time
        assert shown == field.feed, f"the feeds and {field.name}"
        assert exported[field.name] == value, f"an export ignores {field.name}"


@pytest.mark.parametrize("kind", kinds.KINDS, ids=kinds.names())
def test_every_kind_is_batched_followed_trashed_restored_subscribed_to_and_exported(
    client: TestClient, keys: Keys, session: Session, kind: kinds.Kind
) -> None:
    """What every kind shares, reached through the registry alone: a kind added with the
    list in docs/development.md passes this with nothing more written for it."""
    write = keys.auth("write")
    batch = client.post(
        "/v1/batch",
        json={
            "operations": [{"op": "create", "collection": kind.collection, "body": body_of(kind)}]
        },
        headers=write,
    )
    assert batch.status_code == 200, batch.text
    (result,) = batch.json()["results"]
    made = result["id"]
    assert (result["status"], result["data"]["slug"]) == (201, result["slug"])
    changes = client.get("/v1/changes?limit=100", headers=keys.auth("read")).json()["data"]
    assert (kind.collection, made) in {(c["type"], c["id"]) for c in changes}
    assert client.delete(f"/v1/{kind.collection}/{made}", headers=write).status_code == 204
    assert client.get(f"/v1/{kind.collection}/{made}", headers=write).status_code == 404
    trash = client.get("/v1/trash?limit=100", headers=write).json()["data"]
    assert made in [t["id"] for t in trash if t["url"].endswith(f"/{kind.collection}/{made}")]
    restored = client.post(f"/v1/trash/{kind.collection}/{made}/restore", headers=write)
    assert restored.status_code == 200, restored.text
    assert client.get(f"/v1/{kind.collection}/{made}", headers=write).status_code == 200
    for event in ("created", "updated", "deleted"):
        assert f"{kind.name}.{event}" in EVENT_TYPES
    exported = [json.loads(line) for line in export_lines(session)]
    assert {"type": kind.name, "id": made} in [
        {"type": r.get("type"), "id": r.get("id")} for r in exported
    ]
