"""member_lists: each group's distinct members, sorted, whichever way it is computed."""

from __future__ import annotations

import pyarrow as pa
import pytest

from graph.bulk_frame_tools import member_lists

SAID = pa.table(
    {
        "person": ["P2", "P1", "P1", "P1", "P2", "P1", "P3"],
        "key": ["+62811", "+62811", "+62811", "+62899", "+62811", "+62811", "+62822"],
        "source": ["sisko", "bpjs", "sisko", "bpjs", "dukcapil", "bpjs", "a"],
    }
)
EXPECTED = {
    ("P1", "+62811"): ["bpjs", "sisko"],
    ("P1", "+62899"): ["bpjs"],
    ("P2", "+62811"): ["dukcapil", "sisko"],
    ("P3", "+62822"): ["a"],
}


@pytest.mark.parametrize("max_members", [62, 2], ids=["bits", "sorted"])
def test_each_group_lists_its_distinct_members_in_order(max_members: int) -> None:
    found = member_lists(SAID, ["person", "key"], "source", max_members=max_members).to_pylist()

    assert {(row["person"], row["key"]): row["source_list"] for row in found} == EXPECTED
    assert len(found) == len(EXPECTED)


def test_no_rows_give_no_groups() -> None:
    found = member_lists(SAID.slice(0, 0), ["person", "key"], "source")

    assert found.num_rows == 0 and found.column_names == ["person", "key", "source_list"]
    assert found.schema.field("source_list").type == pa.list_(pa.string())
