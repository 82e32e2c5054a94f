"""HTTP routes for the trash."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.auth.dependencies import WithAdmin, WithWrite, WithWriteQuery
from api.core import kinds
from api.core.errors import AUTH_ERRORS, NotFound, StillReferenced, problem_responses
from api.core.fields import MAX_ID
from api.trash import service
from api.trash.models import TrashItem, TrashQuery
from api.web.http import no_content
from api.web.pagination import ListEnvelope, parse_fields

router = APIRouter(prefix="/v1/trash", tags=["trash"])
Collection = Annotated[kinds.Collection, Path(description="The kind.")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("", response_model=ListEnvelope[TrashItem], responses=problem_responses(*AUTH_ERRORS))
def list_trash(write: WithWriteQuery, query: Annotated[TrashQuery, Query()]) -> Response:
    """List deleted items, most recently deleted first."""
    fields = parse_fields(query.fields, TrashItem)
    page = service.list_trash(write.session, params=query)
    return write.listed(page, query, fields=fields)


@router.get(
    "/{collection}/{item_id}",
    response_model=TrashItem,
    responses=problem_responses(*AUTH_ERRORS, NotFound),
)
def get_trash_item(collection: Collection, item_id: ItemId, write: WithWrite) -> Response:
    """Get one deleted item."""
    return write.answer(service.get_trashed(write.session, collection, item_id))


@router.post(
    "/{collection}/{item_id}/restore",
    response_model=TrashItem,
    responses=problem_responses(*AUTH_ERRORS, NotFound),
)
def restore_trash_item(collection: Collection, item_id: ItemId, write: WithWrite) -> Response:
    """Take an item out of the trash, as it was."""
    return write.answer(service.restore(write.session, collection, item_id, key=write.key))


@router.delete(
    "/{collection}/{item_id}",
    status_code=204,
    responses=problem_responses(*AUTH_ERRORS, NotFound, StillReferenced),
)
def purge_trash_item(collection: Collection, item_id: ItemId, admin: WithAdmin) -> Response:
    """Delete an item for good, with its revisions (admin keys only)."""
    service.purge(admin.session, collection, item_id, key=admin.key)
    return no_content()
