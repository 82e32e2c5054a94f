"""The GraphQL schema: for every kind of the registry, one by id or slug and a connection of
many, read by the services REST uses with the same rules of visibility, locales and fallbacks.

What a query selects decides what the services load: a selected ``roles`` of an article is
``include=roles``, ``total_count`` is ``count=true``; so a page of articles with their roles,
comparisons (rows and cells), tags, author and cover costs the same few statements as the REST
list with ``include=`` does, whatever the page size. A list's arguments are its REST query's
parameters, under the same names, validated by the same model (``first`` and ``after`` are
``limit`` and ``cursor``); a refusal carries the problem's code and status in its extensions.
"""

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache
from typing import Annotated, Any, get_args, get_origin

import strawberry
from graphql import GraphQLError
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from strawberry.schema.config import StrawberryConfig
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from api import editing
from api.articles.models import ArticlePublic
from api.articles.render import RENDERERS
from api.comparisons import render as comparison_render
from api.comparisons import rows as comparison_rows
from api.comparisons import service as comparisons
from api.comparisons.models import (
    CellPublic,
    ComparisonPublic,
    RoleComparison,
    RoleWithComparisons,
    RowPublic,
    RowsQuery,
)
from api.core import kinds
from api.core.errors import FolioError, InvalidRequest, Moved, NotFound
from api.graphql.types import SCALARS, Shapes
from api.labels.models import LabelPublic
from api.previews import service as previews
from api.roles import page as role_page
from api.roles import service as roles
from api.search import service as search
from api.search.models import SearchHit, SearchQuery
from api.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page


@dataclass
class Context:
    """What every resolver reads: the caller's session, whether a key showed drafts
    (``preview``) and its Accept-Language; and whether anything was opened by a preview link's
    token (``previewed``), which makes the answer private."""

    session: Session
    preview: bool
    accept_language: str | None
    previewed: bool = False


Info = strawberry.Info[Context, None]


# --- Errors -----------------------------------------------------------------------------------


# A list's REST parameters that GraphQL names as connections do.
_ARGUMENTS = {"limit": "first", "cursor": "after"}


def refused(exc: FolioError) -> GraphQLError:
    """A service's problem as a GraphQL error: its detail, and code, status and errors, each
    error at the argument it is about (``after``, where REST says ``query.cursor``)."""
    extensions: dict[str, Any] = {"code": exc.code, "status": exc.status}
    detail = exc.detail
    if exc.errors:
        errors = [
            {**e, "loc": [_ARGUMENTS.get(p, p) for p in e["loc"] if p != "query"]}
            for e in exc.errors
        ]
        extensions["errors"] = errors
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
    return GraphQLError(detail, extensions=extensions)


def _parsed(model: type[BaseModel], values: Mapping[str, Any]) -> Any:
    """``values`` as ``model`` (a REST query) validates them, or the REST problem."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise refused(
            InvalidRequest.listing(
                [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
            )
        ) from None


# --- What a query selects ---------------------------------------------------------------------


def selected(fields: Iterable[Any]) -> dict[str, list[Any]]:
    """The fields selected under ``fields`` by name (fragments followed), with what each
    selects in turn."""
    found: dict[str, list[Any]] = {}
    for node in fields:
        if isinstance(node, SelectedField):
            found.setdefault(node.name, []).extend(node.selections)
        elif isinstance(node, FragmentSpread | InlineFragment):
            for name, below in selected(node.selections).items():
                found.setdefault(name, []).extend(below)
    return found


def _root_selection(info: Info) -> dict[str, list[Any]]:
    return selected(s for f in info.selected_fields for s in f.selections)


# --- Kinds --------------------------------------------------------------------------------------


def _role(session: Session, ref: str, *, include: frozenset[str], **asked: Any) -> Any:
    """A role, its comparisons whole when they are asked for (a role's page)."""
    if "comparisons" in include:
        return role_page.get_role_with_comparisons(session, ref, **asked)
    return roles.get_role(session, ref, **asked)


def readers() -> dict[kinds.Kind, editing.Reads]:
    """How each kind of the registry is read: as its room registered it (``editing.Reads``),
    but for a role, whose comparisons come whole from its page's service (above the rooms)."""
    found = {kind: editing.ROOMS[kind.name].reads for kind in kinds.KINDS}
    found[kinds.ROLE] = replace(
        found[kinds.ROLE],
        one_shape=RoleWithComparisons,
        one=_role,
        includes={"comparisons": "comparisons"},
    )
    return found


# --- Shapes -----------------------------------------------------------------------------------


def _render(render: Callable[[Any], str], description: str) -> Any:
    def resolve(root: Any) -> str:
        return render(root)

    return strawberry.field(resolver=resolve, graphql_type=str, description=description)


def _shapes(found: Mapping[kinds.Kind, editing.Reads]) -> Shapes:
    """The GraphQL types of the kinds' shapes: what each kind's list and one embed whole are
    the whole types there (the services include them when they are selected)."""
    whole: dict[type[BaseModel], frozenset[str]] = {}
    for reads in found.values():
        for shape in (reads.one_shape, reads.item_shape):
            whole[shape] = whole.get(shape, frozenset()) | frozenset(reads.includes)
    return Shapes(
        names={RoleWithComparisons: "Role", LabelPublic: "Label"},
        whole=whole,
        keyed={CellPublic: "role"},
        extra={
            ArticlePublic: {
                "body_html": _render(RENDERERS["html"][1], "The body as sanitized HTML."),
                "body_markdown": _render(RENDERERS["md"][1], "The body as Markdown (GFM)."),
                "body_text": _render(RENDERERS["txt"][1], "The body as plain text."),
            },
            ComparisonPublic: {
                "csv": _render(comparison_render.render_csv, "The table as CSV (RFC 4180)."),
                "markdown": _render(comparison_render.render_markdown, "The table as Markdown."),
            },
        },
    )


@strawberry.type(description="Where a page of a list is, and the pages on either side.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    end_cursor: str | None = strawberry.field(description="`after` for the next page.")
    start_cursor: str | None = strawberry.field(description="`after` for the page before.")


def _connection(name: str, node: Any) -> Any:
    namespace = {
        "__annotations__": {"nodes": list[node], "page_info": PageInfo, "total_count": int | None},
        "total_count": strawberry.field(
            description="Every match, counted when selected (REST's `count=true`)."
        ),
    }
    return strawberry.type(
        type(name, (), namespace), name=name, description=f"A page of {node.__name__}s, in order."
    )


def _page(page: Page[Any]) -> dict[str, Any]:
    return {
        "nodes": page.items,
        "page_info": PageInfo(
            has_next_page=page.next_cursor is not None,
            has_previous_page=page.prev_cursor is not None,
            end_cursor=page.next_cursor,
            start_cursor=page.prev_cursor,
        ),
        "total_count": page.total,
    }


class _Page:
    """A connection's page as its type reads it (attributes)."""

    def __init__(self, page: Page[Any]) -> None:
        self.__dict__.update(_page(page))


# --- Root fields ------------------------------------------------------------------------------

_TAKEN = {"limit", "cursor", "count", "fields", "include", "format"}


def _argument_type(shapes: Shapes, annotation: Any) -> Any:
    """A REST query parameter's GraphQL type: its scalar, enum or list of strings; what
    pydantic validates further (a slug, a moment) is a string, validated as REST does."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    args = [a for a in get_args(annotation) if a is not type(None)]
    if args and get_origin(annotation) is not list:
        annotation = args[0]
        while get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
    if get_origin(annotation) is list:
        return list[str]
    if annotation in (bool, int):
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return shapes.enum(annotation)
    return str


def _arguments(shapes: Shapes, model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: _argument_type(shapes, info.annotation)
        for name, info in model.model_fields.items()
        if name not in _TAKEN
    }


def _signed(
    function: Callable[..., Any],
    optional: Mapping[str, Any],
    returns: Any,
    required: Mapping[str, Any] | None = None,
) -> Callable[..., Any]:
    """``function`` with the GraphQL arguments ``optional`` (null by default) and ``required``,
    as Strawberry reads a resolver's signature."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    types = {name: kind | None for name, kind in optional.items()} | dict(required or {})
    parameters = [
        inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info)
    ]
    parameters += [
        inspect.Parameter(
            name, keyword, annotation=kind, **({"default": None} if name in optional else {})
        )
        for name, kind in types.items()
    ]
    function.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    function.__annotations__ = {"info": Info, **types, "return": returns}
    return function


def _one(kind: kinds.Kind, reads: editing.Reads, context: Context, ref: str, **asked: Any) -> Any:
    """One of ``kind`` as its reads give it; an article by a preview link's token as
    ``api.previews`` opens it (which makes the answer private)."""
    token = asked.pop("token", None)
    if kind is kinds.ARTICLE and token is not None:
        article, _ = previews.read_article(
            context.session, ref, preview=context.preview, token=token, **asked
        )
        context.previewed = context.previewed or not context.preview
        return article
    return reads.one(context.session, ref, preview=context.preview, **asked)


def _one_field(shapes: Shapes, kind: kinds.Kind, reads: editing.Reads) -> Any:
    shape = shapes.object(reads.one_shape)

    def resolve(info: Info, **asked: Any) -> Any:
        ids = [asked.get("id"), asked.get("slug")]
        if sum(v is not None for v in ids) != 1:
            raise refused(InvalidRequest(f"Give {kind.name} an id or a slug (one of them)."))
        ref = str(asked["id"]) if asked.get("id") is not None else str(asked["slug"])
        picked = _root_selection(info)
        include = frozenset(reads.includes[n] for n in picked if n in reads.includes)
        context = info.context
        options = {
            "include": include,
            "locale": asked.get("locale"),
            "accept_language": context.accept_language,
        }
        if asked.get("preview") is not None:
            options["token"] = asked["preview"]
        for _ in range(2):  # an old slug: the resource under its current one
            try:
                return _one(kind, reads, context, ref, **options)
            except Moved as moved:
                ref = moved.new
            except NotFound:
                return None
            except FolioError as exc:
                raise refused(exc) from None
        return None

    arguments: dict[str, Any] = {"id": int, "slug": str}
    if kind.translatable:
        arguments["locale"] = str
    if kind is kinds.ARTICLE:
        arguments["preview"] = str
    return strawberry.field(
        resolver=_signed(resolve, arguments, shape | None),
        description=f"One {kind.name} by id or slug (null when there is none to see).",
    )


Many = Callable[[Context, Any], Page[Any]]


def _many_field(
    shapes: Shapes,
    type_name: str,
    description: str,
    node_shape: type[BaseModel],
    query: type[BaseModel],
    many: Many,
    includes: Mapping[str, str] | None = None,
    required: Mapping[str, Any] | None = None,
) -> Any:
    node = shapes.object(node_shape)
    connection = _connection(f"{type_name}Connection", node)
    arguments = {"first": int, "after": str, **_arguments(shapes, query)}
    counted = "count" in query.model_fields

    def resolve(info: Info, **asked: Any) -> Any:
        first = asked.pop("first", None)
        if first is not None and not 1 <= first <= MAX_LIMIT:
            raise refused(InvalidRequest(f"first: from 1 to {MAX_LIMIT}."))
        picked = _root_selection(info)
        after = asked.pop("after", None)
        values = {**asked, "limit": first or DEFAULT_LIMIT, "cursor": after}
        if counted and "total_count" in picked:
            values["count"] = True
        below = selected(picked.get("nodes", []))
        wanted = {includes[n] for n in below if includes and n in includes}
        if wanted:
            values["include"] = ",".join(sorted(wanted))
        parsed = _parsed(query, values)
        try:
            return _Page(many(info.context, parsed))
        except FolioError as exc:
            raise refused(exc) from None

    for name in required or {}:
        arguments.pop(name, None)
    signed = _signed(resolve, arguments, connection, required)
    return strawberry.field(resolver=signed, description=description)


def _listed(reads: editing.Reads) -> Many:
    def many(context: Context, query: Any) -> Page[Any]:
        return reads.many(
            context.session,
            query=query,
            preview=context.preview,
            accept_language=context.accept_language,
        )

    return many


def _compare(info: Info, a: str, b: str) -> RoleComparison:
    context = info.context
    try:
        return comparisons.compare_roles(context.session, a, b, preview=context.preview)
    except FolioError as exc:
        raise refused(exc) from None


def _rows(context: Context, query: Any) -> Page[RowPublic]:
    page, _ = comparison_rows.list_rows(
        context.session, query.comparison, query=query, preview=context.preview
    )
    return page


class _RowsQuery(RowsQuery):
    comparison: str


def _search(context: Context, query: SearchQuery) -> Page[SearchHit]:
    return search.search(context.session, query, preview=context.preview)


@cache
def query_type() -> Any:
    """The root type: for each kind of the registry one and many, then search, a comparison's
    rows and two roles compared. Made once every kind's room is in place (at the first
    request, after ``create_app`` checked the registry complete)."""
    found = readers()
    shapes = _shapes(found)
    namespace: dict[str, Any] = {"__annotations__": {}}
    for kind, reads in found.items():
        namespace[kind.name] = _one_field(shapes, kind, reads)
        namespace[kind.collection] = _many_field(
            shapes,
            kind.name.title(),
            f"A page of {kind.collection}, as GET /v1/{kind.collection} lists them.",
            reads.item_shape,
            reads.query,
            _listed(reads),
            reads.includes,
        )
    namespace["search"] = _many_field(
        shapes,
        "SearchHit",
        "Articles, roles and comparisons ranked by how well they match `q` (GET /v1/search).",
        SearchHit,
        SearchQuery,
        _search,
        required={"q": str},
    )
    namespace["comparison_rows"] = _many_field(
        shapes,
        "Row",
        "The rows of one comparison, in order: all, the one `dimension`, or those containing"
        " `q` (GET /v1/comparisons/{ref}/rows).",
        RowPublic,
        _RowsQuery,
        _rows,
        required={"comparison": str},
    )
    namespace["compare"] = strawberry.field(
        resolver=_compare,
        graphql_type=shapes.object(RoleComparison),
        description="Two roles side by side (ids or slugs): every dimension, in every"
        " comparison, where both have a cell (GET /v1/roles/{a}/compare/{b}).",
    )
    return strawberry.type(
        type("Query", (), namespace), name="Query", description="Folio's content, read-only."
    )


def lists() -> frozenset[str]:
    """The root fields that are lists (each item of their nodes counts in a query's cost)."""
    return frozenset(
        f.name
        for f in query_type().__strawberry_definition__.fields
        if any(a.python_name == "first" for a in f.arguments)
    )


# How the schema is made: names as REST has them (``reading_time_minutes``), moments as REST
# writes them.
CONFIG = StrawberryConfig(auto_camel_case=False, scalar_map=SCALARS)
