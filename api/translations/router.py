"""HTTP routes for translations: ``/v1/{articles|roles|comparisons}/{ref}/translations``.

Reading a resource in a locale is ``?locale=`` (or ``Accept-Language``) on its own routes;
these are for writers: every translation of a resource, drafts included, and writing one.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel
from starlette.responses import Response

from api import editing
from api.auth.dependencies import WithRead, WithReadQuery, Write
from api.core import kinds
from api.core.errors import AUTH_ERRORS, WRITE_ERRORS, RevisionNotFound, problem_responses
from api.history.models import RevisionSummary
from api.routing import MERGE_PATCH_BODY, MergePatch, revisions
from api.translations import reading, service
from api.translations.models import TranslationSummary
from api.translations.reading import Translatable
from api.translations.service import TranslationNotFound
from api.web.http import Ref, no_content, represent
from api.web.pagination import ListEnvelope, PageParams

router = APIRouter(tags=["translations"])

Locale = Annotated[
    str,
    Path(
        max_length=35,
        pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}$",
        description="One of FOLIO_LOCALES other than the default.",
    ),
]


class Translations(BaseModel):
    """Every translation of a resource, drafts included, by locale."""

    data: list[TranslationSummary]


def _routes(t: Translatable) -> None:
    """The translation routes of one collection (the same for each, with its own schemas)."""
    base = f"/v1/{t.collection}/{{ref}}/translations"
    kind, missing = t.kind.name, editing.room(t.collection).missing
    errors = (missing, TranslationNotFound, *AUTH_ERRORS)
    Input: Any = t.model
    Public: Any = t.public

    @router.get(
        base,
        name=f"list_{kind}_translations",
        response_model=Translations,
        responses=problem_responses(missing, *AUTH_ERRORS),
        summary=f"List the {kind}'s translations",
        description=f"Every translation of the {kind}, drafts included, with its own status,"
        " version and slug.",
    )
    def list_translations(ref: Ref, read: WithRead) -> Response:
        found = service.list_translations(read.session, t, ref)
        return represent(read.request, Translations(data=found), public=False)

    @router.get(
        f"{base}/{{locale}}",
        name=f"get_{kind}_translation",
        response_model=Public,
        responses=problem_responses(*errors),
        summary=f"Get one translation of the {kind}",
        description="The translation as its writers see it (the words it keeps, drafts"
        " included); its ETag is what PUT, PATCH and DELETE take in If-Match.",
    )
    def get_translation(ref: Ref, locale: Locale, read: WithRead) -> Response:
        return represent(read.request, service.get(read.session, t, ref, locale), public=False)

    @router.put(
        f"{base}/{{locale}}",
        name=f"put_{kind}_translation",
        response_model=Public,
        status_code=200,
        responses={
            201: {"description": "Created", "model": Public},
            **problem_responses(*WRITE_ERRORS, missing),
        },
        summary=f"Write the {kind}'s translation into a locale",
        description="Creates the translation (201) or replaces it (200); it has its own slug,"
        " workflow (`status`, `publish_at`), version and revisions.",
    )
    def put_translation(
        ref: Ref, locale: Locale, data: Annotated[Input, Body()], write: Write
    ) -> Response:
        row, new = service.put(
            write.session, t, ref, locale, data=data, key=write.key, if_match=write.if_match
        )
        public = service.to_public(write.session, t, row)
        headers = {"Location": public.url} if new else None
        return represent(
            write.request, public, public=False, status_code=201 if new else 200, headers=headers
        )

    @router.patch(
        f"{base}/{{locale}}",
        name=f"patch_{kind}_translation",
        response_model=Public,
        responses=problem_responses(*WRITE_ERRORS, missing, TranslationNotFound),
        openapi_extra=MERGE_PATCH_BODY,
        summary=f"Change some fields of the {kind}'s translation",
        description="A JSON merge patch (RFC 7396) of the translation.",
    )
    def patch_translation(ref: Ref, locale: Locale, patch: MergePatch, write: Write) -> Response:
        row, _new = service.put(
            write.session, t, ref, locale, patch=patch, key=write.key, if_match=write.if_match
        )
        return write.answer(service.to_public(write.session, t, row))

    @router.delete(
        f"{base}/{{locale}}",
        name=f"delete_{kind}_translation",
        status_code=204,
        responses=problem_responses(*errors),
        summary=f"Delete the {kind}'s translation",
        description="For good: readers of that locale get its fallback's words again.",
    )
    def delete_translation(ref: Ref, locale: Locale, write: Write) -> Response:
        service.delete_translation(
            write.session, t, ref, locale, key=write.key, if_match=write.if_match
        )
        return no_content()

    @router.get(
        f"{base}/{{locale}}/revisions",
        name=f"list_{kind}_translation_revisions",
        response_model=ListEnvelope[RevisionSummary],
        responses=problem_responses(*errors, RevisionNotFound),
        summary=f"List the revisions of the {kind}'s translation",
        description="Newest first: each change to the translation is a revision of its own.",
    )
    def list_translation_revisions(
        ref: Ref, locale: Locale, read: WithReadQuery, query: Annotated[PageParams, Query()]
    ) -> Response:
        found = service.get(read.session, t, ref, locale)
        return revisions(read, service.REVISIONS, found, query)


for _kind in kinds.TRANSLATABLE:
    _routes(reading.TRANSLATABLE[_kind.name])
