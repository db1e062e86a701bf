"""Review queue and steward decisions: stable candidate ids, append-only log, validated import."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from linkage.linked import CANDIDATE_COLUMNS, CANDIDATES_FILE, DECISION_COLUMNS, DECISIONS_FILE, RECORDS_FILE
from linkage.review import (
    DecisionError,
    candidate_id,
    candidates_table,
    decisions_in_force,
    export_queue,
    import_decisions,
    merge_logs,
    read_decisions,
    with_candidate_ids,
    write_log,
)

AUTO, REVIEW = 6.0, 0.0


def _decision(left: str, right: str, decision: str, at: str, steward: str = "rina") -> dict[str, str]:
    return {
        "candidate_id": candidate_id(left, right),
        "left_key": left,
        "right_key": right,
        "decision": decision,
        "note": "",
        "steward": steward,
        "decided_at": at,
    }


def _pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left_key": ["a:1", "a:2", "a:3", "a:4"],
            "right_key": ["b:1", "b:2", "b:3", "b:4"],
            "match_weight": [9.0, 3.0, -2.0, 1.0],
            "match_probability": [0.998, 0.89, 0.2, 0.67],
            "explanation": ["[]"] * 4,
        }
    )


def test_candidate_id_is_stable_and_order_free() -> None:
    assert candidate_id("a:1", "b:1") == candidate_id("b:1", "a:1")
    assert candidate_id("a:1", "b:1") != candidate_id("a:1", "b:2")
    assert candidate_id("a:1", "b:1").startswith("C-")


def test_candidates_have_statuses_and_decided_pairs_leave_the_queue() -> None:
    log = pd.DataFrame([_decision("a:4", "b:4", "UNSURE", "2026-11-01T10:00:00+00:00")])
    table = candidates_table(with_candidate_ids(_pairs()), -3.5, AUTO, REVIEW, decisions_in_force(log))
    assert list(table.columns) == list(CANDIDATE_COLUMNS)
    assert dict(zip(table["left_key"], table["status"], strict=True)) == {
        "a:1": "auto_match",
        "a:2": "review",
        "a:4": "decided",
    }
    assert (table["prior_weight"] == -3.5).all()


def test_a_decided_pair_below_the_threshold_stays_visible_as_decided() -> None:
    log = pd.DataFrame([_decision("a:3", "b:3", "MATCH", "2026-11-01T10:00:00+00:00")])
    table = candidates_table(with_candidate_ids(_pairs()), -3.5, AUTO, REVIEW, decisions_in_force(log))
    assert table.set_index("left_key").loc["a:3", "status"] == "decided"


def test_latest_decision_is_in_force_and_logs_merge_without_duplicates() -> None:
    first = pd.DataFrame([_decision("a:2", "b:2", "MATCH", "2026-11-01T10:00:00+00:00")])
    later = pd.DataFrame([_decision("a:2", "b:2", "NON_MATCH", "2026-11-02T08:00:00+07:00", "budi")])
    merged = merge_logs(later, first, first)
    assert len(merged) == 2
    assert decisions_in_force(merged).loc[candidate_id("a:2", "b:2"), "decision"] == "NON_MATCH"


def test_read_decisions_lists_every_bad_line(tmp_path: Path) -> None:
    rows = [
        _decision("a:1", "b:1", "MATCH", "2026-11-01T10:00:00+00:00"),
        _decision("a:2", "b:2", "maybe", "2026-11-01T10:00:00+00:00"),
        {**_decision("a:3", "b:3", "MATCH", "yesterday"), "candidate_id": "C-0000"},
    ]
    path = tmp_path / DECISIONS_FILE
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.raises(DecisionError) as error:
        read_decisions(path)
    text = str(error.value)
    assert "line 3: decision 'maybe'" in text
    assert "line 4: candidate_id 'C-0000'" in text
    assert "line 4: decided_at 'yesterday'" in text
    assert "line 2" not in text


def test_read_decisions_rejects_a_file_without_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("candidate_id,decision\nC-1,MATCH\n", encoding="utf-8")
    with pytest.raises(DecisionError, match="missing column"):
        read_decisions(path)


@pytest.fixture()
def linked_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "linked"
    folder.mkdir()
    candidates_table(
        with_candidate_ids(_pairs()), -3.5, AUTO, REVIEW, decisions_in_force(merge_logs())
    ).to_parquet(folder / CANDIDATES_FILE)
    pd.DataFrame(
        {
            "record_key": ["a:1", "a:2", "a:4", "b:1", "b:2", "b:4"],
            "full_name": ["SITI AMINAH", "KARTO", "DEWI", "SITI AMINAH", "KARTO S", "DEWI S"],
            "birth_date": "1990-03-14",
            "nik": "",
            "birth_place": "",
            "mother_name": "",
            "source": "x",
        }
    ).to_parquet(folder / RECORDS_FILE)
    write_log(
        pd.DataFrame([_decision("a:9", "b:9", "MATCH", "2026-10-01T00:00:00+00:00")]), folder / DECISIONS_FILE
    )
    return folder


def test_export_then_import_appends_the_decisions(linked_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "queue.csv"
    assert export_queue(linked_dir, sheet) == 2  # a:2 and a:4 are in the review band
    queue = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert set(queue["left_key"]) == {"a:2", "a:4"}
    assert queue.set_index("left_key").loc["a:2", "right_full_name"] == "KARTO S"
    queue.loc[queue["left_key"] == "a:2", ["decision", "note"]] = ["match", "same mother"]
    queue.to_csv(sheet, index=False)

    now = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    assert import_decisions(linked_dir, sheet, steward="rina", now=now) == 1
    log = read_decisions(linked_dir / DECISIONS_FILE)
    assert list(log.columns) == list(DECISION_COLUMNS)
    assert log["left_key"].tolist() == ["a:9", "a:2"]  # the old row untouched, the new one appended
    assert log.iloc[1].to_dict() == {
        **_decision("a:2", "b:2", "MATCH", "2026-11-28T01:00:00+00:00"),
        "note": "same mother",
    }


def test_import_with_any_bad_row_writes_nothing(linked_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "queue.csv"
    export_queue(linked_dir, sheet)
    queue = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    queue["decision"] = ["MATCH", "YES"]
    extra = queue.iloc[[0]].assign(candidate_id="C-unknown", decision="NON_MATCH")
    pd.concat([queue, extra]).to_csv(sheet, index=False)
    before = (linked_dir / DECISIONS_FILE).read_bytes()
    with pytest.raises(DecisionError) as error:
        import_decisions(linked_dir, sheet, steward="rina")
    assert "line 3: decision 'YES'" in str(error.value)
    assert "line 4: unknown candidate_id 'C-unknown'" in str(error.value)
    assert (linked_dir / DECISIONS_FILE).read_bytes() == before


def test_import_needs_a_steward_and_the_right_keys(linked_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "queue.csv"
    export_queue(linked_dir, sheet)
    queue = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    queue["decision"] = "NON_MATCH"
    queue.loc[0, "right_key"] = "b:99"
    queue.to_csv(sheet, index=False)
    with pytest.raises(DecisionError) as error:
        import_decisions(linked_dir, sheet)
    assert "right_key 'b:99' is not the candidate's" in str(error.value)
    assert str(error.value).count("no steward") == 2


def test_unsure_pairs_can_be_exported_again(linked_dir: Path, tmp_path: Path) -> None:
    log = read_decisions(linked_dir / DECISIONS_FILE)
    unsure = pd.DataFrame([_decision("a:4", "b:4", "UNSURE", "2026-11-02T00:00:00+00:00")])
    write_log(pd.concat([log, unsure]), linked_dir / DECISIONS_FILE)
    table = pd.read_parquet(linked_dir / CANDIDATES_FILE)
    table.loc[table["left_key"] == "a:4", "status"] = "decided"
    table.to_parquet(linked_dir / CANDIDATES_FILE)
    sheet = tmp_path / "queue.csv"
    assert export_queue(linked_dir, sheet) == 1
    assert export_queue(linked_dir, sheet, include_unsure=True) == 2


def test_sheet_shows_the_waterfall_and_forgives_spelling(linked_dir: Path, tmp_path: Path) -> None:
    table = pd.read_parquet(linked_dir / CANDIDATES_FILE)
    steps = [
        {"comparison": "name", "level": "exact", "weight": 7.79},
        {"comparison": "nik", "level": "null", "weight": 0},
    ]
    waterfall = json.dumps(steps)
    table["explanation"] = waterfall
    table.to_parquet(linked_dir / CANDIDATES_FILE)
    sheet = tmp_path / "queue.csv"
    export_queue(linked_dir, sheet)
    queue = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert set(queue["why"]) == {"name=exact +7.8; nik=null +0.0"}
    queue["decision"] = ["non-match", " Non Match "]
    queue.to_csv(sheet, index=False)
    assert import_decisions(linked_dir, sheet, steward="rina") == 2
    assert read_decisions(linked_dir / DECISIONS_FILE)["decision"].tolist()[1:] == ["NON_MATCH", "NON_MATCH"]
