"""Request ids and operation-name labels: what a client sends is kept only when it is safe."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.observability.operation_names import ANONYMOUS, OTHER, OperationNames, safe_operation_name
from gateway.observability.request_id import accepted_request_id, new_request_id


@pytest.mark.parametrize("incoming", ["abc", "req-1.2_3", "A" * 64, "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"])
def test_a_safe_request_id_is_kept(incoming: str) -> None:
    assert accepted_request_id(incoming) == incoming


@pytest.mark.parametrize(
    "incoming",
    [None, "", "A" * 65, "a b", "x\r\nSet-Cookie: a=1", "ü", "id;drop", "3201010101900001", "081234567890"],
)
def test_an_unsafe_request_id_is_replaced(incoming: str | None) -> None:
    replaced = accepted_request_id(incoming)
    assert replaced != incoming
    assert accepted_request_id(replaced) == replaced  # the replacement is itself a safe id


def test_new_request_ids_differ() -> None:
    assert len({new_request_id() for _ in range(100)}) == 100


@given(st.text(max_size=80))
def test_an_accepted_request_id_is_always_short_and_plain(incoming: str) -> None:
    chosen = accepted_request_id(incoming)
    assert 1 <= len(chosen) <= 64
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in chosen)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        (None, ANONYMOUS),
        ("", ANONYMOUS),
        ("PersonByNik", "PersonByNik"),
        ("_private2", "_private2"),
        ("2fast", OTHER),
        ("has space", OTHER),
        ("L" * 65, OTHER),
        ("q3201010101900001", OTHER),  # a NIK inside a name would be a NIK inside a metric
        ("q6281234567890", "q6281234567890"),  # glued to a letter: not a phone number the scrubber sees
    ],
)
def test_operation_names_are_kept_only_when_well_formed_and_free_of_identifiers(
    name: str | None, label: str
) -> None:
    assert safe_operation_name(name) == label


def test_the_first_names_are_kept_and_later_new_ones_are_other() -> None:
    names = OperationNames(limit=2)
    assert [names.label(safe_operation_name(n)) for n in ("A", "B", "C", "A", "B", "D", None)] == [
        "A",
        "B",
        OTHER,
        "A",
        "B",
        OTHER,
        ANONYMOUS,
    ]


@given(st.lists(st.text(max_size=70), max_size=60), st.integers(min_value=1, max_value=10))
def test_the_label_set_never_passes_the_cap(names: list[str], limit: int) -> None:
    capped = OperationNames(limit)
    labels = {capped.label(safe_operation_name(n)) for n in names}
    assert len(labels - {OTHER, ANONYMOUS}) <= limit


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        OperationNames(0)


def test_a_new_request_id_never_looks_like_an_identifier() -> None:
    # About one uuid hex in 250 holds 16 digits in a row (or starts 08 + digits, a phone number);
    # this many draws meet dozens of them.
    for _ in range(20_000):
        made = new_request_id()
        assert accepted_request_id(made) == made
