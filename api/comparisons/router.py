"""HTTP routes for comparisons."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.comparisons import service
from api.comparisons.models import ComparisonListItem, ComparisonPublic
from api.db import SessionDep
from api.errors import ComparisonNotFound, problem_responses
from api.http import NoQueryDep, represent, represent_page
from api.pagination import ListEnvelope, ListParams
from api.slugs import SLUG_MAX

router = APIRouter(prefix="/v1/comparisons", tags=["comparisons"])
Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]


@router.get("", response_model=ListEnvelope[ComparisonListItem], responses=problem_responses())
def list_comparisons(
    request: Request, session: SessionDep, params: Annotated[ListParams, Query()]
) -> Response:
    """List comparisons by title, each with its subjects and number of rows."""
    return represent_page(request, service.list_comparisons(session, params=params), params)


@router.get(
    "/{ref}", response_model=ComparisonPublic, responses=problem_responses(ComparisonNotFound)
)
def get_comparison(ref: Ref, request: Request, session: SessionDep, _: NoQueryDep) -> Response:
    """Get a comparison by id or slug: subjects in column order, rows in order, cells by role."""
    return represent(request, service.get_comparison(session, ref).model_dump_json().encode())
