"""HTTP route for searching everything."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey
from api.db import SessionDep
from api.errors import Unauthorized, problem_responses
from api.http import represent_page
from api.pagination import ListEnvelope, parse_fields
from api.search import service
from api.search.models import SearchHit, SearchQuery

router = APIRouter(prefix="/v1/search", tags=["search"])


@router.get("", response_model=ListEnvelope[SearchHit], responses=problem_responses(Unauthorized))
def search(
    request: Request, session: SessionDep, key: CurrentKey, query: Annotated[SearchQuery, Query()]
) -> Response:
    """Search articles, roles and comparisons: ranked hits with a highlighted snippet."""
    page = service.search(session, query, preview=key is not None)
    fields = parse_fields(query.fields, SearchHit)
    return represent_page(request, page, query, public=key is None, fields=fields)
