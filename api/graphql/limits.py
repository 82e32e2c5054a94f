"""What a GraphQL query may ask for: its size (checked before it is parsed), its depth, its
aliases and its cost, all checked before anything runs. Depth and aliases are Strawberry's own
validators; cost is computed here, because it needs the variables' values (``first: $n``),
which a validation rule does not see, and no maintained library computes it for Strawberry.

Cost: every field selected costs 1, and a field under a list's ``nodes`` costs 1 per item the
list may hold: ``first``, or 20 when it is not given. ``__typename`` is free. A page of 20
articles with 30 fields each costs 1 (``articles``) + 1 (``nodes``) + 20 * 30 = 602.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api.core.config import get_settings
from api.web.pagination import DEFAULT_LIMIT

TOO_COSTLY = "QUERY_TOO_COSTLY"


def _first(node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    """The ``first`` of a list field, None for a field that is not a list's."""
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return given if isinstance(given, int) else DEFAULT_LIMIT
        return DEFAULT_LIMIT
    return None


def cost(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    lists: frozenset[str],
    *,
    each: int = 1,
    items: int | None = None,
    seen: frozenset[str] = frozenset(),
    root: bool = True,
) -> int:
    """What ``selections`` cost when each of their fields is asked for ``each`` times; under
    a list (``items``: its ``first``), what its ``nodes`` select is asked for once per item.
    ``lists``: the root fields that are lists, ``first`` given or not."""
    total = 0
    for node in _nodes(selections, fragments, seen):
        if node.name.value == "__typename":
            continue
        total += each
        if node.selection_set is None:
            continue
        below = each * items if items is not None and node.name.value == "nodes" else each
        first = _first(node, variables)
        if first is None and root and node.name.value in lists:
            first = DEFAULT_LIMIT
        total += cost(
            node.selection_set,
            fragments,
            variables,
            lists,
            each=below,
            items=max(first, 1) if first is not None else None,
            seen=seen,
            root=False,
        )
    return total


def _nodes(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str],
) -> Iterator[FieldNode]:
    """The fields of ``selections``, fragments followed (each once along a path)."""
    for selection in selections.selections if selections is not None else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _nodes(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                yield from _nodes(fragment.selection_set, fragments, seen | {name})


class CostLimit(SchemaExtension):
    """Refuses, before it runs, an operation that costs more than FOLIO_GRAPHQL_MAX_COST."""

    lists: frozenset[str] = frozenset()  # the root fields that are lists (connections)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            named = [
                o
                for o in operations
                if context.operation_name is None
                or (o.name is not None and o.name.value == context.operation_name)
            ]
            limit = get_settings().graphql_max_cost
            for operation in named[:1]:
                spent = cost(
                    operation.selection_set, fragments, context.variables or {}, self.lists
                )
                if spent > limit:
                    context.result = ExecutionResult(
                        None,
                        [
                            GraphQLError(
                                f"The query costs {spent}, more than the {limit} allowed"
                                " (FOLIO_GRAPHQL_MAX_COST): ask for fewer items (first) or"
                                " fewer fields.",
                                extensions={"code": TOO_COSTLY, "cost": spent, "limit": limit},
                            )
                        ],
                    )
        yield


DOCUMENTS = 256  # query texts whose parsed document and validation are kept (least recent go)


def extensions(lists: frozenset[str]) -> list[Any]:
    """The limits, as the settings give them now, and the caches of parsed and validated
    queries (a persisted query is parsed and validated once, not at every request)."""
    settings = get_settings()
    costed = type("Cost", (CostLimit,), {"lists": lists})
    # The limiters' rules are made once, here: ValidationCache keys on the rules, and a
    # limiter made for each request would bring a new rule class each time.
    rules = [
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
    ]
    return [
        lambda: ParserCache(maxsize=DOCUMENTS),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=DOCUMENTS),
        costed,
    ]
