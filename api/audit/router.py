"""HTTP route for the audit trail (admins only)."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.audit import service
from api.audit.models import AuditEntry, AuditQuery
from api.auth.dependencies import WithAdminQuery
from api.core.errors import AUTH_ERRORS, problem_responses
from api.web.pagination import ListEnvelope

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=ListEnvelope[AuditEntry], responses=problem_responses(*AUTH_ERRORS))
def list_audit_entries(admin: WithAdminQuery, query: Annotated[AuditQuery, Query()]) -> Response:
    """Who did what, newest first: sign-ins, people and keys changed, content published,
    scheduled, deleted, restored, purges and webhook changes, each with its actor, time,
    client address and request id. Filter by action, person, key, object and time."""
    page = service.list_entries(admin.session, query)
    return admin.listed(page, query)
