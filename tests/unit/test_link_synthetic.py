"""Quality floors of ``run_link`` on a 300-person synthetic population (ltsa synth → ingest → link)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from linkage.evaluate import pairwise_metrics
from linkage.ingest import run_ingest
from linkage.link import LinkRun, manifest_trust, run_link
from linkage.linked import CANDIDATES_FILE, DECISIONS_FILE, PERSONS_FILE, RECORDS_FILE
from linkage.review import export_queue, import_decisions
from linkage.synth import generate


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, LinkRun]:
    root = tmp_path_factory.mktemp("synthetic")
    generate(300, 11, root / "silos")
    run_ingest(root / "silos" / "manifest.toml", root / "ingest")
    canonical = root / "ingest" / "canonical.parquet"
    result = run_link(canonical, root / "linked", source_trust=manifest_trust(canonical))
    return root, canonical, result


def _person_ids(folder: Path) -> pd.Series:
    return pd.read_parquet(folder / RECORDS_FILE).set_index("record_key")["person_id"]


def test_pairwise_f1_floor(linked: tuple[Path, Path, LinkRun]) -> None:
    root, _, _ = linked
    truth = pd.read_parquet(root / "silos" / "truth.parquet").set_index("record_key")["person_id"]
    metrics = pairwise_metrics(_person_ids(root / "linked"), truth)
    assert metrics["precision"] >= 0.98
    assert metrics["f1"] >= 0.95


def test_golden_records_agree_with_the_true_people(linked: tuple[Path, Path, LinkRun]) -> None:
    root, _, _ = linked
    records = pd.read_parquet(root / "linked" / RECORDS_FILE)
    truth = pd.read_parquet(root / "silos" / "truth.parquet", columns=["record_key", "person_id"])
    pairs = records.merge(truth, on="record_key", suffixes=("", "_true"))
    # Each golden record is compared with the true person most of its records belong to.
    majority = pairs.groupby("person_id")["person_id_true"].agg(lambda s: s.value_counts().index[0])
    people = pd.read_parquet(root / "silos" / "people.parquet").set_index("person_id")
    persons = pd.read_parquet(root / "linked" / PERSONS_FILE).set_index("person_id")
    true = people.loc[majority.reindex(persons.index).to_numpy()].set_index(persons.index)
    for name in ("nik", "full_name"):
        # Survivorship is tested where it has work to do: the person's records disagree and one of them
        # gives the true value (a person that lost its records to a missed link is a linkage error,
        # measured by the F1 floor).
        given = pairs.assign(true_value=true[name].astype(str).reindex(pairs["person_id"]).to_numpy())
        offered = given[given[name] == given["true_value"]]["person_id"].unique()
        values = given[given["person_id"].isin(offered) & (given[name] != "")].groupby("person_id")[name]
        contested = values.nunique().pipe(lambda n: n[n > 1].index)
        agree = (persons.loc[contested, name] == true.loc[contested, name].astype(str)).mean()
        assert len(contested) >= 5, name
        assert agree >= 0.95, name
    assert not (persons["is_worker"] & ~true["is_worker"].astype(bool)).any()  # no invented workers


def test_rerun_on_the_same_data_keeps_every_id(linked: tuple[Path, Path, LinkRun]) -> None:
    root, canonical, first = linked
    again = run_link(canonical, root / "again", previous=root / "linked")
    assert _person_ids(root / "again").equals(_person_ids(root / "linked"))
    assert again.counts["persons_new_id"] == 0
    # Without the previous run the derived IDs are the same too.
    fresh = run_link(canonical, root / "fresh")
    assert _person_ids(root / "fresh").equals(_person_ids(root / "linked"))
    assert fresh.counts["persons"] == first.counts["persons"]


def test_steward_round_trip_applies_decisions_and_never_requeues(
    linked: tuple[Path, Path, LinkRun], tmp_path: Path
) -> None:
    root, canonical, _ = linked
    folder = tmp_path / "linked"
    shutil.copytree(root / "linked", folder)
    sheet = tmp_path / "review.csv"
    queued = export_queue(folder, sheet)
    assert queued >= 3, "the synthetic set should leave a few pairs for review"
    queue = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    queue.loc[:2, "decision"] = ["MATCH", "NON_MATCH", "UNSURE"]
    queue.to_csv(sheet, index=False)
    assert import_decisions(folder, sheet, steward="rina") == 3

    rerun = tmp_path / "rerun"
    result = run_link(canonical, rerun, previous=folder)
    person = _person_ids(rerun)
    matched, vetoed, unsure = (queue.iloc[i] for i in range(3))
    assert person[matched["left_key"]] == person[matched["right_key"]]
    assert person[vetoed["left_key"]] != person[vetoed["right_key"]]
    candidates = pd.read_parquet(rerun / CANDIDATES_FILE).set_index("candidate_id")
    decided = queue["candidate_id"].iloc[:3]
    assert (candidates.loc[decided, "status"] == "decided").all()
    assert result.counts["review_pairs"] == queued - 3
    assert result.counts["decided_pairs"] == 3
    assert len(pd.read_csv(rerun / DECISIONS_FILE)) == 3
    assert unsure["candidate_id"] not in set(pd.read_csv(_export(rerun, tmp_path))["candidate_id"])


def _export(folder: Path, tmp_path: Path) -> Path:
    sheet = tmp_path / "again.csv"
    export_queue(folder, sheet)
    return sheet
