"""The registry of kinds (``api/core/kinds.py``) is the one list: every room has registered
its pieces, every enum of the OpenAPI document that names collections is a set the registry
derives, and a kind without a piece is refused at start-up, naming what it lacks."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import editing
from api.core import kinds
from api.core.config import REPO_ROOT
from api.models import TABLES
from api.search import index as search_index
from api.translations import reading
from api.webhooks.models import EVENT_TYPES


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


def test_every_enum_of_collections_in_the_openapi_document_is_one_the_registry_derives() -> None:
    document = json.loads((REPO_ROOT / "openapi.json").read_text(encoding="utf-8"))
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
