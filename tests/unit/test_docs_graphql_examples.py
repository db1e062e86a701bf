"""Every GraphQL operation in the steward and investigator guides validates against our schema.

An operation may use one subgraph or both (through the router, e.g. a match candidate's record values
from the registry), so each is validated against the API the router serves: the registry subgraph's
schema extended with the linkage subgraph's types, fields and mutation root, both built by
``gateway.schema.build``. A field renamed in the code breaks the guide's example here, not a reader.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import cast

import pytest
from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    GraphQLObjectType,
    GraphQLSchema,
    Node,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationType,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    extend_schema,
    parse,
    print_schema,
    validate,
)

from gateway.schema.build import build_schema

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = ("stewards.md", "investigators.md")
FENCE = re.compile(r"^```graphql\n(.*?)^```", re.DOTALL | re.MULTILINE)


def graphql_blocks(markdown: str) -> list[str]:
    return FENCE.findall(markdown)


def linkage_as_extension(registry: GraphQLSchema, linkage_sdl: str) -> DocumentNode:
    """The linkage SDL rewritten as an extension of the registry schema (what composition adds)."""
    existing = set(registry.type_map) | {d.name for d in registry.directives}
    definitions: list[Node] = []
    for node in parse(linkage_sdl).definitions:
        if isinstance(node, SchemaDefinitionNode):
            mutations = tuple(op for op in node.operation_types if op.operation == OperationType.MUTATION)
            definitions.append(SchemaExtensionNode(directives=(), operation_types=mutations))
        elif isinstance(node, ObjectTypeDefinitionNode) and node.name.value in existing:
            known = registry.type_map[node.name.value]
            assert isinstance(known, GraphQLObjectType), node.name.value
            fields = tuple(f for f in node.fields or () if f.name.value not in known.fields)
            if fields:
                definitions.append(
                    ObjectTypeExtensionNode(name=node.name, directives=(), interfaces=(), fields=fields)
                )
        elif isinstance(node, TypeDefinitionNode | DirectiveDefinitionNode) and node.name.value in existing:
            continue  # shared scalars, enums, unions and federation directives: one definition is enough
        else:
            definitions.append(node)
    # graphql-core types SchemaExtensionNode outside DefinitionNode, though extend_schema accepts it.
    return DocumentNode(definitions=cast(tuple[DefinitionNode, ...], tuple(definitions)))


@functools.cache
def api_schema() -> GraphQLSchema:
    registry = build_schema("registry")._schema
    linkage_sdl = print_schema(build_schema("linkage")._schema)
    return extend_schema(registry, linkage_as_extension(registry, linkage_sdl))


def examples() -> list[tuple[str, int, str]]:
    return [
        (guide, number, block)
        for guide in GUIDES
        for number, block in enumerate(graphql_blocks((DOCS / guide).read_text(encoding="utf-8")), start=1)
    ]


def test_each_guide_has_examples() -> None:
    counts = {guide: sum(1 for g, _, _ in examples() if g == guide) for guide in GUIDES}
    assert all(count >= 4 for count in counts.values()), counts


@pytest.mark.parametrize(("guide", "number", "block"), examples(), ids=lambda v: str(v)[:20])
def test_the_example_validates_against_the_api(guide: str, number: int, block: str) -> None:
    errors = validate(api_schema(), parse(block))
    assert not errors, f"{guide} example {number}: " + "; ".join(e.message for e in errors)


def test_the_api_schema_joins_both_subgraphs() -> None:
    schema = api_schema()
    assert schema.mutation_type is not None and "decideMatch" in schema.mutation_type.fields
    assert schema.query_type is not None
    assert {"neighbourhood", "matchCandidates"} <= set(schema.query_type.fields)
    person = schema.type_map["Person"]
    assert isinstance(person, GraphQLObjectType) and {"nik", "stewardDecisions"} <= set(person.fields)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ('query { person(id: "P-1") { fullNam } }', "Cannot query field 'fullNam'"),
        (
            'mutation { decideMatch(candidateId: "c", decision: MAYBE, expectedVersion: 0) '
            "{ decision { id } } }",
            "MAYBE",
        ),
        ("query { matchCandidates { edges { node { left { values { field } } } } } }", ""),
    ],
)
def test_a_wrong_example_is_reported(broken: str, message: str) -> None:
    errors = validate(api_schema(), parse(broken))
    if message:
        assert any(message in e.message for e in errors), [e.message for e in errors]
    else:  # the control: a cross-subgraph selection is valid
        assert errors == []


def test_blocks_are_found_in_markdown() -> None:
    text = "x\n```graphql\nquery A { loadRuns { id } }\n```\n```sh\nls\n```\n```graphql\nquery B { x }\n```\n"
    assert graphql_blocks(text) == ["query A { loadRuns { id } }\n", "query B { x }\n"]
