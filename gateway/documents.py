"""Parse and validate each distinct query document once per process, not once per request.

Clients send the same few documents over and over with different variables. Parsing a small query
costs ~0.8 ms and validating it against the schema ~6 ms of pure Python (measured on the 2-core box):
on a CPU-bound single process that is a large share of a person read. ``ParserCache`` hands back the
same ``DocumentNode`` for the same text, which lets validation be cached by document identity.

Strawberry's own ``ValidationCache`` keys on the whole rule tuple, but the hardening rules (depth,
aliases, cost) are rule classes built per request — the cost rule even reads the request's variables
— so that key never repeats. Here the rules are split: a rule class defined at module level (the
standard rules, the introspection ban) can only judge the schema and the document, so their verdict
is cached per document; a rule class built inside a function (``<locals>`` in its name) may hold
request state and runs every time — unless it was declared ``document_only``: built once at start-up
from fixed limits (the depth and alias limits), it judges nothing but the document, so its verdict is
cached as well. Those per-request rules do their work when constructed and visit
no node, so they are constructed without the typed walk of the whole document that
``graphql.validate`` would make for them; one that does visit nodes still gets the walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Final

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    ValidationContext,
    validate,
)
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.schema import validate_document

DOCUMENTS_CACHED: Final = 256  # distinct documents kept; a few dozen are in real use
Rule = type[ASTValidationRule]
_DOCUMENT_ONLY: set[Rule] = set()  # a few classes per schema built


def document_only(rules: list[Rule]) -> list[Rule]:
    """Declare rule classes built in a function that judge the schema and document alone (no
    request state): their verdict is cached per document like a module-level rule's."""
    _DOCUMENT_ONLY.update(rules)
    return rules


class Same:
    """A cache key equal only to a key for the very same document. graphql-core's nodes hash and compare
    their whole tree: keyed by the document itself, a cache lookup walked the document twice (~22 µs
    for the nested benchmark search, 2.3% of the registry's CPU on the mix). The parser's cache hands
    back one object per distinct text, and a cache holding the key keeps its id from being reused."""

    __slots__ = ("document",)

    def __init__(self, document: DocumentNode) -> None:
        self.document = document

    def __hash__(self) -> int:
        return id(self.document)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.document is self.document


def _per_request(rule: Rule) -> bool:
    return "<locals>" in rule.__qualname__ and rule not in _DOCUMENT_ONLY


@lru_cache(maxsize=DOCUMENTS_CACHED)
def _static_errors(schema: GraphQLSchema, document: Same, rules: tuple[Rule, ...]) -> list[GraphQLError]:
    # validate_document adds strawberry's own rules (oneOf inputs, Maybe) to the ones given.
    return validate_document(schema, document.document, rules)


def _visits_nodes(rule: Rule) -> bool:
    return any(name.startswith(("enter", "leave")) for name in dir(rule))


def _per_request_errors(
    schema: GraphQLSchema, document: DocumentNode, rules: list[Rule]
) -> list[GraphQLError]:
    visiting = [rule for rule in rules if _visits_nodes(rule)]
    errors = validate(schema, document, visiting) if visiting else []
    context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
    for rule in rules:
        if rule not in visiting:
            rule(context)  # judges the document in its constructor, reporting to ``errors``
    return errors


class CachedValidation(SchemaExtension):
    """Validation with module-level rules cached per document; per-request rules run every time."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        rules = context.validation_rules
        # As strawberry: no rules means validation is off, and an earlier refusal (the cost check)
        # means the rules are not run at all.
        if document is not None and rules and context.pre_execution_errors is None:
            schema = context.schema._schema
            static = tuple(rule for rule in rules if not _per_request(rule))
            errors = list(_static_errors(schema, Same(document), static))
            per_request = [rule for rule in rules if _per_request(rule)]
            if per_request:
                errors += _per_request_errors(schema, document, per_request)
            context.pre_execution_errors = errors
        yield


def document_caches() -> list[Callable[[], SchemaExtension]]:
    """The extensions to list first in a schema (fresh per request; the caches are per process)."""
    return [lambda: ParserCache(maxsize=DOCUMENTS_CACHED), CachedValidation]
