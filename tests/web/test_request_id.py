"""X-Request-ID: a client's id is echoed, a missing or unusable one is replaced by a new one,
on every kind of answer (routes, cached answers, errors)."""

import re

import pytest
from fastapi.testclient import TestClient

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_clients_request_id_is_echoed_on_every_kind_of_answer(client: TestClient) -> None:
    for path in ("/v1/articles/1", "/v1/articles/1", "/v1/articles/nope", "/healthz"):
        answer = client.get(path, headers={"X-Request-ID": "frontend.7f3a:build-12"})
        assert answer.headers["x-request-id"] == "frontend.7f3a:build-12", path


def test_each_request_without_one_gets_its_own(client: TestClient) -> None:
    first = client.get("/v1/articles/1").headers["x-request-id"]
    second = client.get("/v1/articles/1").headers["x-request-id"]
    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("sent", ["", "x" * 129, "two words", "a\tb", "ünïcode", "<script>"])
def test_an_unusable_request_id_is_replaced(client: TestClient, sent: str) -> None:
    answer = client.get("/v1/articles/1", headers=[(b"x-request-id", sent.encode())])
    assert answer.status_code == 200
    assert GENERATED.fullmatch(answer.headers["x-request-id"])
