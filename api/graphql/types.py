"""GraphQL object types made from the pydantic models REST answers with, so that a field
added to a public shape is in the schema too, under the same name, with the same description.

Strawberry's own pydantic integration maps every field one to one; Folio's shapes need three
choices it cannot make, which is why this converter is written here:

- a reference that REST embeds whole on request (``AuthorRef | LabelPublic`` with
  ``include=author``) is the whole type where the reader's resolver includes it (``whole``),
  the reference elsewhere;
- a map keyed by a role's slug (a row's ``cells``) is a list of objects that carry the key as
  a field (``keyed``), which typed clients read without an index signature;
- what is JSON by nature (a Portable Text body, a union of blocks) is the ``JSON`` scalar,
  serialized exactly as REST serializes it.

The objects a resolver returns are the pydantic models themselves: each field reads its
attribute, so no second copy of a row is built for GraphQL.
"""

import enum
import types
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import strawberry
from pydantic import BaseModel, TypeAdapter
from strawberry.scalars import JSON

from api.web.refs import _Ref

_MOMENT: TypeAdapter[datetime] = TypeAdapter(datetime)

# The schema's scalars beside GraphQL's own: a moment as REST writes it (``DateTime``).
SCALARS: dict[object, Any] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="A moment in RFC 3339, in UTC, as REST writes it: `2026-03-01T09:00:00Z`.",
        serialize=lambda value: _MOMENT.dump_python(value, mode="json"),
        parse_value=lambda value: _MOMENT.validate_python(value),
    )
}


def type_name(model: type[BaseModel]) -> str:
    """A shape's GraphQL name: its model's, less ``Public`` (``ArticlePublic`` → ``Article``)."""
    return model.__name__.removesuffix("Public")


class Shapes:
    """Makes (once each) the GraphQL types of pydantic models.

    ``names``: types named otherwise than ``type_name`` says; ``whole``: per model, the fields
    whose ``Ref | Whole`` union is the whole type; ``keyed``: per model of a map's values, the
    name of the field that carries the map's key; ``extra``: per model, fields of its type
    that are computed (a body as HTML), as ``strawberry.field``s."""

    def __init__(
        self,
        *,
        names: Mapping[type[BaseModel], str],
        whole: Mapping[type[BaseModel], frozenset[str]],
        keyed: Mapping[type[BaseModel], str],
        extra: Mapping[type[BaseModel], Mapping[str, Any]],
    ) -> None:
        self.names, self.whole, self.keyed, self.extra = names, whole, keyed, extra
        self._made: dict[tuple[type[BaseModel], bool], Any] = {}
        self._enums: dict[type[enum.Enum], Any] = {}

    def object(self, model: type[BaseModel], *, keyed: bool = False) -> Any:
        """The GraphQL type of ``model`` (with its map key as a first field when ``keyed``)."""
        made = self._made.get((model, keyed))
        if made is not None:
            return made
        namespace: dict[str, Any] = {"__annotations__": {}}
        if keyed:
            key = self.keyed[model]
            namespace["__annotations__"][key] = str
            namespace[key] = strawberry.field(description="What the map keyed it by.")
        for name, info in model.model_fields.items():
            graphql, resolver = self._field(model, name, info.annotation)
            description = info.description
            if resolver is None:
                namespace["__annotations__"][name] = graphql
                namespace[name] = strawberry.field(description=description)
            else:
                namespace[name] = strawberry.field(
                    resolver=resolver, graphql_type=graphql, description=description
                )
        for name, field in self.extra.get(model, {}).items():
            namespace[name] = field
        name = self.names.get(model, type_name(model))
        cls = type(name, (), namespace)
        made = strawberry.type(cls, name=name, description=_doc(model))
        self._made[(model, keyed)] = made
        return made

    def enum(self, cls: type[enum.Enum]) -> Any:
        made = self._enums.get(cls)
        if made is None:
            made = self._enums[cls] = strawberry.enum(cls, name=cls.__name__)
        return made

    def _field(
        self, model: type[BaseModel], name: str, annotation: Any
    ) -> tuple[Any, Callable[..., Any] | None]:
        """A field's GraphQL type, and the resolver it needs (None: its attribute as it is)."""
        optional, inner = _optional(annotation)
        graphql, resolver = self._type(model, name, inner)
        return (graphql | None if optional else graphql), resolver

    def _type(
        self, model: type[BaseModel], name: str, annotation: Any
    ) -> tuple[Any, Callable[..., Any] | None]:
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is Annotated:
            return self._type(model, name, args[0])
        if origin is list:
            optional, item = _optional(args[0])
            if _is_json(item):
                return JSON, _as_json(name)
            inner, resolver = self._type(model, name, item)
            return list[inner | None] if optional else list[inner], resolver  # type: ignore[valid-type]
        if origin is dict and _is_model(args[1]) and args[1] in self.keyed:
            value_type = self.object(args[1], keyed=True)
            return list[value_type], _entries(name, self.keyed[args[1]])  # type: ignore[valid-type]
        if origin in (Union, types.UnionType):
            refs = [a for a in args if _is_model(a) and issubclass(a, _Ref)]
            wholes = [a for a in args if _is_model(a) and not issubclass(a, _Ref)]
            if len(refs) == 1 and len(wholes) == 1 and len(args) == 2:
                whole = any(name in self.whole.get(base, ()) for base in model.__mro__)
                chosen = wholes[0] if whole else refs[0]
                return self.object(chosen), None
            return JSON, _as_json(name)
        if origin is Literal:
            return str, None
        if _is_json(annotation):
            return JSON, _as_json(name)
        if _is_model(annotation):
            return self.object(annotation), None
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return self.enum(annotation), None
        if annotation in (str, int, float, bool, datetime):
            return annotation, None
        raise TypeError(f"{model.__name__}.{name}: no GraphQL type for {annotation!r}")


def _doc(model: type[BaseModel]) -> str | None:
    doc = model.__doc__
    if not doc or doc.startswith(f"{model.__name__}("):  # pydantic's generated docstring
        return None
    return " ".join(doc.split())


def _optional(annotation: Any) -> tuple[bool, Any]:
    """Whether ``annotation`` admits None, and what it is otherwise."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) < len(get_args(annotation)):
            return True, args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007
    return False, annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_json(annotation: Any) -> bool:
    """What is JSON by nature: Any, a dict of anything but a keyed model, a union of blocks."""
    if annotation is Any or annotation is dict or get_origin(annotation) is dict:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return not any(isinstance(a, type) and issubclass(a, _Ref) for a in get_args(annotation))
    return bool(get_origin(annotation) is Annotated and _is_json(get_args(annotation)[0]))


def _as_json(name: str) -> Callable[..., Any]:
    """A resolver of field ``name`` as REST serializes it (aliases such as ``_type`` and all)."""

    def resolve(root: Any) -> Any:
        return root.model_dump(mode="json", include={name})[name]

    return resolve


def _entries(name: str, key: str) -> Callable[..., Any]:
    """A resolver of map field ``name`` as a list of its values, each with its key as ``key``."""

    def resolve(root: Any) -> list[Any]:
        return [_Keyed(key, k, v) for k, v in getattr(root, name).items()]

    return resolve


class _Keyed:
    """A map's value, with its key as one more attribute."""

    __slots__ = ("_key", "_name", "_value")

    def __init__(self, name: str, key: str, value: BaseModel) -> None:
        self._name, self._key, self._value = name, key, value

    def __getattr__(self, attribute: str) -> Any:
        if attribute == self._name:
            return self._key
        return getattr(self._value, attribute)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return self._value.model_dump(**kwargs)


__all__ = ["JSON", "SCALARS", "Shapes", "type_name"]
