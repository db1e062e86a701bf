"""A static cost limit: how many values a query could make the gateway produce, refused before it runs.

Cost of a field = 1 + multiplier × (cost of its selections). A list field's multiplier is its page
size: the ``first`` argument (the literal, or the variable's value; capped at ``max_page``), else
``list_fanout``. A connection field costs its ``edges`` at the connection's page size (``first``, or
``default_page``). Other fields multiply by 1. Fragments are costed once each per page size
(memoised), so a fragment bomb costs what it expands to without being expanded; a fragment cycle
counts as over the limit (``NoFragmentCyclesRule`` reports it too). Sums saturate at the limit + 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    visit,
)
from strawberry.extensions import SchemaExtension

from ..documents import Same

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
# Documents (and page sizes) whose cost is kept, found again by identity (``Same``).
COSTS_CACHED: Final = 1024


@dataclass(frozen=True)
class CostLimits:
    max_cost: int
    default_page: int  # a connection without `first`
    max_page: int  # the largest `first` a resolver accepts
    list_fanout: int  # assumed items of any other list (family, placements, view nodes, …)


class _Coster:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: CostLimits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.cap = limits.max_cost + 1
        self.fragment_costs: dict[tuple[str, int | None], int] = {}
        self.in_progress: set[tuple[str, int | None]] = set()
        self.cycle = False

    def selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, page: int | None = None
    ) -> int:
        """Cost of a selection set; ``page`` is the size of its list fields (inside a connection)."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, inner, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
            if total >= self.cap:
                return self.cap
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.fragment_costs:
            return self.fragment_costs[key]
        definition = self.fragments.get(name)
        if definition is None:
            return 0  # KnownFragmentNamesRule reports it
        if key in self.in_progress:
            self.cycle = True
            return self.cap
        self.in_progress.add(key)
        condition = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selections(definition.selection_set, condition, page)
        self.in_progress.discard(key)
        self.fragment_costs[key] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, page: int | None) -> int:
        definition = parent.fields.get(node.name.value) if isinstance(parent, GraphQLObjectType) else None
        if definition is None:
            return 1  # __typename, or an unknown field that FieldsOnCorrectTypeRule reports
        named = get_named_type(definition.type)
        first = self._first(node)
        if named.name.endswith("Connection"):
            edges_page = first or self.limits.default_page
            return min(self.cap, 1 + self.selections(node.selection_set, named, edges_page))
        children = self.selections(node.selection_set, named)
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        multiplier = (first or page or self.limits.list_fanout) if is_list else 1
        return min(self.cap, 1 + multiplier * children)

    def _first(self, node: FieldNode) -> int | None:
        """The ``first`` argument's value, clamped to 1..max_page (resolvers refuse what is outside)."""
        first = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        value: Any = None
        if isinstance(first, IntValueNode):
            value = int(first.value)
        elif isinstance(first, VariableNode):
            value = self.variables.get(first.name.value)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        return max(1, min(value, self.limits.max_page))


@dataclass(frozen=True)
class QueryCost:
    cost: int  # saturates at limits.max_cost + 1
    fragment_cycle: bool


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: CostLimits,
) -> QueryCost:
    """The cost of ``operation``, and whether its fragments spread themselves."""
    coster = _Coster(schema, fragments, variables, limits)
    cost = coster.selections(operation.selection_set, schema.get_root_type(operation.operation))
    return QueryCost(cost, coster.cycle)


@lru_cache(maxsize=COSTS_CACHED)
def _first_variables(document: Same) -> tuple[str, ...]:
    """The variables that a ``first`` argument takes anywhere in ``document``: all the cost reads of
    the request's variables."""
    names: set[str] = set()

    class Firsts(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.name.value == "first" and isinstance(node.value, VariableNode):
                names.add(node.value.name.value)

    visit(document.document, Firsts())
    return tuple(sorted(names))


@lru_cache(maxsize=COSTS_CACHED)
def _document_costs(
    schema: GraphQLSchema,
    document: Same,
    firsts: tuple[tuple[str, int | None], ...],
    limits: CostLimits,
) -> tuple[QueryCost, ...]:
    """Each operation's cost, given the values of the ``first`` variables (clients send the same few
    documents with the same page sizes: the cost is computed once per document and page size)."""
    definitions = document.document.definitions
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    variables = dict(firsts)
    return tuple(
        query_cost(schema, operation, fragments, variables, limits)
        for operation in definitions
        if isinstance(operation, OperationDefinitionNode)
    )


def _page_size(value: Any) -> int | None:
    """What ``_Coster._first`` reads of a variable: an int (not a bool), else nothing."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def document_costs(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], limits: CostLimits
) -> tuple[QueryCost, ...]:
    """The cost of each operation in ``document``: computed once per document and page size."""
    key = Same(document)
    firsts = tuple((name, _page_size(variables.get(name))) for name in _first_variables(key))
    return _document_costs(schema, key, firsts, limits)


class QueryCostLimiter(SchemaExtension):
    """Checks the cost before any validation rule runs, and stops validation when it is too high.

    Strawberry's depth and alias limiters walk fragment spreads without memoising them, so a fragment
    bomb (each fragment spreading the next twice) costs them 2**n steps: this check, memoised, must
    come first. It sets ``pre_execution_errors``, which makes Strawberry skip the validation rules.
    """

    def __init__(self, limits: CostLimits) -> None:
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None:
            error = self._refusal(document)
            if error is not None:
                self.execution_context.pre_execution_errors = [error]
        yield

    def _refusal(self, document: DocumentNode) -> GraphQLError | None:
        variables = self.execution_context.variables or {}
        schema = self.execution_context.schema._schema
        for found in document_costs(schema, document, variables, self.limits):
            if found.fragment_cycle:
                return GraphQLError("fragments must not spread themselves (a fragment cycle)")
            if found.cost > self.limits.max_cost:
                return GraphQLError(
                    f"query cost exceeds the limit of {self.limits.max_cost}: ask for fewer fields, "
                    "smaller pages or less nesting",
                    extensions={"code": QUERY_TOO_COSTLY},
                )
        return None
