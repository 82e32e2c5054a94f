"""Property-based tests from the OpenAPI document (schemathesis, every response check):
whatever a client sends to any operation, with an admin key, valid or not, the answer is never
a server error and matches what the document says — its status codes, media types, headers,
bodies and Allow; valid requests are taken, invalid ones refused.

A few refusals of schema-valid requests cannot be helped, because they rest on what no JSON
Schema can state; each is allowed here with the reason (``_justified``). Every other failure
fails the test.
"""

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from sqlalchemy import update
from sqlmodel import Session, col, select

from api.auth.models import ApiKey
from api.core.readback import Writable
from api.people.models import User, UserRole
from tests.conftest import Keys
from tests.examples import escape, fits, registry_of

EXAMPLES = 320  # spread over every operation and both modes: about one or two each
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.allow_header_conformance,
    checks.ignored_auth,
]
# Problems about what a request means rather than its shape: a reference to something that
# is not there (an author, a role, a comparison), a webhook address that is not public, an
# Idempotency-Key used for another body, an If-Match of another version, an import file whose
# content is wrong. Only the database, at that moment, can say.
SEMANTIC = {
    "urn:folio:problem:invalid-body",
    "urn:folio:problem:idempotency-key-reused",
    "urn:folio:problem:import-failed",
    "urn:folio:problem:stale-precondition",
    "urn:folio:problem:no-renditions",  # a rendition of a file that is no image
    "urn:folio:problem:link-not-valid",  # a token Folio did not make (no schema can tell)
}
# Opaque tokens: a cursor or a change token is checked by decoding it, and no pattern can say
# which strings decode to one.
OPAQUE = {"cursor", "since", "Last-Event-ID"}
READ_ONLY = set(Writable.model_fields) | {"comparisons", "roles"}


def _justified(failure: Failure, case: Any, status: int, problem: dict[str, Any]) -> bool:
    if failure.code == "ST101" and status == 501 and (case.query or {}).get("format") == "xml":
        return True  # oEmbed's answer to a format it does not serve, as its specification says
    if failure.code == "ST108" and "fields" in (case.query or {}):
        # A sparse fieldset: the client asked for some of the documented fields only.
        return True
    if failure.code == "ST201" and _unsendable(case):
        return True
    if failure.code == "ST201" and status < 300 and _valid_but_read_only(case):
        # A read-only field in a write is ignored, by design (PUT what you GET): the document
        # a client read goes back as it is. The rest of the body fits the schema.
        return True
    if status == 413:
        # The limit is on the bytes of the body; JSON Schema bounds the length of each field,
        # not the size of the whole document. A 413 is a refusal that says why.
        return failure.code in ("ST201", "ST202")
    if failure.code != "ST202":
        return False
    errors = problem.get("errors") or []
    if problem.get("type") in SEMANTIC:
        return True
    if errors and all(e["loc"][-1] in OPAQUE for e in errors):
        return True
    if errors and all(e["loc"] in (["path", "locale"], ["query", "locale"]) for e in errors):
        # Which locales there are is configuration (FOLIO_LOCALES), not the document's.
        return True
    if errors and all(e["msg"].startswith("value is not a valid email address") for e in errors):
        # `format: email` is the syntax; which domains mail can go to (not .test, not a
        # reserved name) is email-validator's to say, as no schema can.
        return True
    if "NUL character" in problem.get("detail", ""):
        # JSON Schema strings may hold U+0000; no PostgreSQL text column can.
        return True
    # Rules that relate fields or read text (body or body_markdown, a link's text in its
    # block): pydantic validators, which report "Value error"; the schema states the fields.
    return bool(errors) and all(e["msg"].startswith("Value error") for e in errors)


def _valid_but_read_only(case: Any) -> bool:
    """The body has read-only fields and, without them, fits the operation's schema."""
    if not isinstance(case.body, dict) or not READ_ONLY & case.body.keys():
        return False
    operation = f"/paths/{escape(case.operation.path)}/{case.method.lower()}"
    media = escape(case.media_type or "application/json")
    rest = {k: v for k, v in case.body.items() if k not in READ_ONLY}
    registry = registry_of(case.operation.schema.raw_schema)
    return fits(registry, f"{operation}/requestBody/content/{media}/schema", rest)


def _unsendable(case: Any) -> bool:
    """Negative data the wire cannot carry: a query parameter of no values is not sent at all,
    one of a single value is that value, and every multipart field is text (a number or a
    list in ``alt`` arrives as its text)."""
    if any(value == [] for value in (case.query or {}).values()):
        return True
    # A list of one string where a string is expected is, on the wire, that string (q=null).
    if any(
        isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
        for value in (case.query or {}).values()
    ):
        return True
    if (case.media_type or "").startswith("multipart/") and isinstance(case.body, dict):
        return all(not isinstance(v, str) for k, v in case.body.items() if k != "file")
    return False


def test_every_operation_does_what_the_openapi_document_says(
    app: FastAPI, keys: Keys, session: Session
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # A webhook's test delivery is sent, there and then, to the webhook's address, and the
    # fuzzer's webhooks have public addresses: the suite reaches loopback only, so that one
    # operation is left to tests/webhooks (its bad inputs too).
    operations = [
        r.ok()
        for r in schema.get_all_operations()
        if isinstance(r, Ok) and r.ok().path != "/v1/webhooks/{webhook_id}/test"
    ]
    assert len(operations) > 60
    modes = st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    cases = st.tuples(st.sampled_from(operations), modes).flatmap(
        lambda pair: pair[0].as_strategy(generation_mode=pair[1])
    )
    headers = keys.auth("admin")
    app.state.limiter.auth_failures = None  # ignored_auth sends bad keys on purpose
    # The admin key's person (when it has one): the fuzzer, an admin, may demote or disable
    # them as any admin may; each case starts with them an admin again, so that it is one
    # case's answer that is checked, not what an earlier case did to the caller.
    owner = session.exec(select(ApiKey.user_id).where(ApiKey.name == "admin-key")).one()

    def still_admin() -> None:
        if owner is not None:
            session.execute(
                update(User)
                .where(col(User.id) == owner)
                .values(role=UserRole.admin, disabled=False)
            )
            session.commit()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case: Any) -> None:
        still_admin()
        response = case.call(headers=headers)
        # oEmbed answers 501 for a format it does not serve, as its specification says.
        declined = response.status_code == 501 and (case.query or {}).get("format") == "xml"
        assert response.status_code < 500 or declined, (
            case.method,
            case.formatted_path,
            response.text[:500],
        )
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as raised:
            failures = list(raised.exceptions) if isinstance(raised, FailureGroup) else [raised]
            try:
                problem = response.json()
            except ValueError:
                problem = {}
            problem = problem if isinstance(problem, dict) else {}
            left = [f for f in failures if not _justified(f, case, response.status_code, problem)]
            if left:
                codes = ", ".join(f.code for f in left)
                shown = f"{codes}: {case.method} {case.formatted_path} {case.query or ''} "
                shown += f"{str(case.body)[:300]} -> {response.status_code} {response.text[:500]}"
                raise AssertionError(shown) from None

    check()
