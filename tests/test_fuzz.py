"""Property-based tests from the OpenAPI document (schemathesis): whatever a client sends to
any operation, with an admin key, the answer is never a server error."""

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Keys

EXAMPLES = 1000  # spread over every operation: about a dozen each, in well under a minute


def test_no_input_is_a_server_error(app: FastAPI, keys: Keys) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    cases = st.sampled_from(operations).flatmap(lambda operation: operation.as_strategy())
    headers = keys.auth("admin")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])

    check()
