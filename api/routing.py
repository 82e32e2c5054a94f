"""What the write routes share: the precondition and idempotency headers, how a POST that
creates something answers (once per Idempotency-Key), and the four write routes themselves."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel
from sqlmodel import Session
from starlette.responses import Response

from api import editing
from api.auth.dependencies import WriteKey
from api.auth.models import ApiKey
from api.db import SessionDep
from api.errors import (
    Forbidden,
    InvalidBody,
    NotFound,
    PreconditionRequired,
    SlugTaken,
    StalePrecondition,
    StillReferenced,
    Unauthorized,
    UnsupportedMediaType,
    problem_responses,
)
from api.history.router import history_router
from api.http import (
    JSON,
    PRIVATE_CACHE,
    IdempotencyKey,
    IfMatch,
    NoQueryDep,
    encode,
    make_etag,
    no_content,
    represent,
)
from api.idempotency import service as idempotency
from api.slugs import SLUG_MAX
from api.urls import api_url

Ref = Annotated[str, Path(max_length=SLUG_MAX, description="Numeric id or slug.")]


def create_response(
    request: Request,
    session: Session,
    *,
    key: ApiKey,
    idempotency_key: str | None,
    data: BaseModel,
    collection: str,
    create: Callable[[], Any],
    public: Callable[[Any], BaseModel],
) -> Response:
    """201 with the new resource and its ``Location``; a retry with the same key replays it."""

    def make() -> idempotency.Answer:
        row = create()
        return idempotency.Answer(201, encode(public(row)), f"/v1/{collection}/{row.slug}")

    answer = idempotency.create_once(
        session,
        key=key,
        idempotency_key=idempotency_key,
        request_print=idempotency.fingerprint(
            request.method, request.url.path, data.model_dump_json().encode()
        ),
        collection=collection,
        create=make,
    )
    headers = {"ETag": make_etag(answer.body), "Cache-Control": PRIVATE_CACHE}
    if answer.location is not None:
        headers["Location"] = api_url(answer.location)
    return Response(answer.body, status_code=answer.status_code, media_type=JSON, headers=headers)


def add_write_routes(
    router: APIRouter,
    *,
    collection: str,
    input_model: type[BaseModel],
    output_model: type[BaseModel],
    create: Callable[[Session, Any, ApiKey], Any],
    public: Callable[[Session, Any], BaseModel],
    update: Callable[..., BaseModel],
    delete: Callable[..., None],
    missing: type[NotFound],
    what: str,
    find: Callable[[Session, str], Any] | None = None,
) -> None:
    """POST, PUT, PATCH and DELETE on ``router`` (prefixed ``/v1/{collection}``), the same for
    every resource: the services differ, the HTTP does not. With ``find`` (the resource,
    drafts included), its revisions too, restored through ``update``.

    ``update(session, ref, data=…|patch=…, key=…, if_match=…[, action=…])`` returns the public
    model; ``delete(session, ref, key=…, if_match=…)`` moves the item to the trash.
    """
    if find is not None:
        router.include_router(
            history_router(
                collection,
                find=find,
                restore=lambda session, ref, content, key, if_match: update(
                    session,
                    ref,
                    data=editing.parse(input_model, content),
                    key=key,
                    if_match=if_match,
                    action="restore",
                ),
                missing=missing,
            )
        )
    name = collection.removesuffix("s")
    writes = (
        Unauthorized,
        Forbidden,
        InvalidBody,
        UnsupportedMediaType,
        StalePrecondition,
        PreconditionRequired,
        SlugTaken,
    )

    def create_item(
        data: Annotated[Any, Body()],
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        return create_response(
            request,
            session,
            key=key,
            idempotency_key=idempotency_key,
            data=data,
            collection=collection,
            create=lambda: create(session, data, key),
            public=lambda row: public(session, row),
        )

    def replace_item(
        ref: Ref,
        data: Annotated[Any, Body()],
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        if_match: IfMatch = None,
    ) -> Response:
        item = update(session, ref, data=data, key=key, if_match=if_match)
        return represent(request, item, public=False)

    def patch_item(
        ref: Ref,
        patch: Annotated[dict[str, Any], Body(description="A JSON merge patch (RFC 7396).")],
        request: Request,
        session: SessionDep,
        key: WriteKey,
        _: NoQueryDep,
        if_match: IfMatch = None,
    ) -> Response:
        item = update(session, ref, patch=patch, key=key, if_match=if_match)
        return represent(request, item, public=False)

    def delete_item(
        ref: Ref, session: SessionDep, key: WriteKey, _: NoQueryDep, if_match: IfMatch = None
    ) -> Response:
        delete(session, ref, key=key, if_match=if_match)
        return no_content()

    # The body parameters take the resource's own input model, so OpenAPI documents it.
    create_item.__annotations__["data"] = input_model
    replace_item.__annotations__["data"] = input_model
    router.add_api_route(
        "",
        create_item,
        methods=["POST"],
        status_code=201,
        response_model=output_model,
        responses=problem_responses(*writes),
        name=f"create_{name}",
        description=f"Create {what}.",
    )
    router.add_api_route(
        "/{ref}",
        replace_item,
        methods=["PUT"],
        response_model=output_model,
        responses=problem_responses(*writes, missing),
        name=f"replace_{name}",
        description=f"Replace {what}; fields left out take their defaults, the slug is kept.",
    )
    router.add_api_route(
        "/{ref}",
        patch_item,
        methods=["PATCH"],
        response_model=output_model,
        responses=problem_responses(*writes, missing),
        name=f"patch_{name}",
        description=f"Change some fields of {what} (JSON merge patch: null removes a field).",
        openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
    )
    router.add_api_route(
        "/{ref}",
        delete_item,
        methods=["DELETE"],
        status_code=204,
        responses=problem_responses(
            Unauthorized, Forbidden, missing, StalePrecondition, StillReferenced
        ),
        name=f"delete_{name}",
        description=f"Move {what} to the trash (see /v1/trash).",
    )
