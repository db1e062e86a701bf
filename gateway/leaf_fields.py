"""Plain leaf fields (a stored scalar or enum read off the object) completed without graphql-core's
per-field machinery.

Most of what the gateway returns are such fields: a person's ``fullName``, a candidate's ``matchWeight``,
a neighbourhood node's ``id``. graphql-core spends ~5 µs on each (a ``GraphQLResolveInfo``, Strawberry's
resolver wrapper, awaitable checks, then ``complete_value``'s type dispatch) to do what amounts to
``getattr`` and the scalar's ``coerce_output_value``; a candidate page of twenty has eighty of them.

A field qualifies when Strawberry itself treats it as basic (no resolver, no field extension — so no
masking, audit or permission check is ever skipped), it takes no arguments, its type is a scalar or an
enum, and no schema extension resolves fields (graphql-core's middleware, e.g. tracing). Anything out
of the ordinary — null in a non-null field, a value the scalar refuses, an awaitable, an exception —
goes the general way, which reads the field again and reports it exactly as graphql-core does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter


class PlainLeaf(NamedTuple):
    python_name: str
    read: Callable[[Any, str], Any]  # the field's own default resolver (getattr unless configured)
    leaf_type: GraphQLLeafType
    nullable: bool


# Per schema, (parent type, field) → its plan, or None when the field goes the general way. Held
# weakly: a schema built and dropped (tests build many) takes its plans with it, and none is ever
# found for another schema with the same type and field names.
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], PlainLeaf | None]] = WeakKeyDictionary()


def plain_leaf(field_def: GraphQLField) -> PlainLeaf | None:
    """How to read ``field_def`` directly, or None when it is not a plain leaf field."""
    if not getattr(field_def.resolve, "_is_default", False):  # Strawberry's mark of a basic field
        return None
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.base_resolver is not None or definition.extensions:
        return None
    field_type = field_def.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    leaf_type = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not is_leaf_type(leaf_type):
        return None
    return PlainLeaf(definition.python_name, definition.default_resolver, leaf_type, nullable)


class PlainLeafFields(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaf_plans = _PLANS.setdefault(self.schema, {})  # once per execution, not per field

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        key = (parent_type.name, node.name.value)
        try:
            plan = self.leaf_plans[key]
        except KeyError:
            field_def = self.schema.get_field(parent_type, node.name.value)
            plan = self.leaf_plans[key] = plain_leaf(field_def) if field_def else None
        middleware = self.middleware_manager  # Strawberry always passes one, often with no middleware
        if plan is not None and not node.arguments and not (middleware and middleware.middlewares):
            value = plan.read(source, plan.python_name)
            if value is None or value is Undefined:
                if plan.nullable:
                    return None
            elif not isinstance(value, Exception) and not self.is_awaitable(value):
                try:
                    coerced = plan.leaf_type.coerce_output_value(value)
                except Exception:  # the general way reports it, with its path
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
