"""HTTP route for searching everything."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey
from api.core.db import SessionDep
from api.core.errors import Unauthorized, problem_responses
from api.search import service
from api.search.models import SearchHit, SearchQuery
from api.web.http import represent_page
from api.web.pagination import ListEnvelope, parse_fields

router = APIRouter(prefix="/v1/search", tags=["search"])


@router.get("", response_model=ListEnvelope[SearchHit], responses=problem_responses(Unauthorized))
def search_content(
    request: Request, session: SessionDep, key: CurrentKey, query: Annotated[SearchQuery, Query()]
) -> Response:
    """Search articles, roles and comparisons: ranked hits with a highlighted snippet."""
    page = service.search(session, query, preview=key is not None)
    fields = parse_fields(query.fields, SearchHit)
    return represent_page(request, page, query, public=key is None, fields=fields)
