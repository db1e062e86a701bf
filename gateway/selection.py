"""What an operation asks for: the fields of a selection set, and every field name anywhere in it.

Resolvers that fetch more than their own field (a person with its family in one statement, a search
that leaves out the provenance JSON) read the document here to decide what to bring along.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from .context import Info

Fragments = dict[str, FragmentDefinitionNode]


def fields_of(selection_set: SelectionSetNode | None, fragments: Fragments) -> Iterator[FieldNode]:
    """The fields of a selection set, fragments spread in (@skip/@include ignored: fetching more is safe)."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from fields_of(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from fields_of(fragments[selection.name.value].selection_set, fragments)


def names_asked(info: Info) -> set[str]:
    """Every field name in the operation and its fragments, at any depth."""
    fragments: Fragments = info._raw_info.fragments
    pending = [info._raw_info.operation.selection_set, *(f.selection_set for f in fragments.values())]
    names: set[str] = set()
    while pending:
        for field in fields_of(pending.pop(), {}):  # every fragment is walked on its own
            names.add(field.name.value)
            if field.selection_set:
                pending.append(field.selection_set)
    return names
