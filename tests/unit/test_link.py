"""``run_link`` end to end through linkage.engine: persons, constraints, decisions and stable IDs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkage.engine import LinkConfig
from linkage.link import LinkInputError, manifest_trust, run_link
from linkage.linked import (
    CANDIDATE_COLUMNS,
    CANDIDATES_FILE,
    DECISIONS_FILE,
    PERSON_COLUMNS,
    PERSONS_FILE,
    RECORDS_COLUMNS,
    RECORDS_FILE,
    RUN_FILE,
)
from linkage.provenance import FieldOrigin, field_origins
from linkage.review import DecisionError, candidate_id, write_log
from ltsa.cli import app
from tests.unit.canonical_rows import standardised_rows

DJOKO = {
    "source": "disnaker_indramayu",
    "record_id": "D-17",
    "full_name": "Mochamad Djoko Santoso",
    "nik": "3212051207850003",
    "birth_date": "12-07-1985",
    "sex": "L",
    "phone": "081234567890",
}
JOKO = {
    "source": "sisko_p2mi",
    "record_id": "S-3",
    "full_name": "Muhammad Joko Santoso",
    "nik": "3212051207850003",
    "birth_date": "1985-07-12",
    "sex": "L",
    "passport_number": "C1234567",
}
SITI_INDRAMAYU = {
    "source": "bpjs",
    "record_id": "B-1",
    "full_name": "SITI AMINAH",
    "nik": "3212055403900001",
    "birth_date": "1990-03-14",
    "sex": "P",
    "region_code": "Indramayu",
}
SITI_CILACAP = {
    "source": "bpjs",
    "record_id": "B-2",
    "full_name": "SITI AMINAH",
    "nik": "3301074208900002",
    "birth_date": "1990-08-02",
    "sex": "P",
    "region_code": "Cilacap",
}
SITI_BRIDGE = {
    "source": "disnaker_indramayu",
    "record_id": "D-40",
    "full_name": "Siti Aminah",
    "birth_date": "14-03-1990",
    "sex": "P",
}
OTHERS = [
    {
        "source": "bpjs",
        "record_id": f"B-{i}",
        "full_name": name,
        "birth_date": f"19{70 + i}-0{1 + i % 9}-1{i % 9}",
        "sex": "L" if i % 2 else "P",
        "nik": f"32120{i % 9}1{i % 9}0{1 + i % 9}{70 + i}000{i % 9 + 1}",
    }
    for i, name in enumerate(
        [
            "AHMAD FAUZI",
            "DEWI LESTARI",
            "RUDI HARTONO",
            "SRI WAHYUNI",
            "AGUS SALIM",
            "NUR HASANAH",
            "BUDI SANTOSO",
            "KARTINI",
            "YUSUF MAULANA",
            "RATNA SARI",
        ],
        start=3,
    )
]


def _canonical(tmp_path: Path, *rows: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "canonical.parquet"
    standardised_rows(*rows).to_parquet(path, index=False)
    return path


def _origin(golden: pd.Series, field: str) -> FieldOrigin:
    return next(o for o in field_origins(str(golden["provenance"]), golden.to_dict()) if o.field == field)


def _person_of(out: Path) -> dict[str, str]:
    records = pd.read_parquet(out / RECORDS_FILE)
    return dict(zip(records["record_key"], records["person_id"], strict=True))


@pytest.fixture()
def canonical(tmp_path: Path) -> Path:
    return _canonical(tmp_path, DJOKO, JOKO, SITI_INDRAMAYU, SITI_CILACAP, SITI_BRIDGE, *OTHERS)


def test_link_writes_the_linked_folder_contract(canonical: Path, tmp_path: Path) -> None:
    out = tmp_path / "linked"
    result = run_link(canonical, out)
    assert list(pd.read_parquet(out / RECORDS_FILE).columns) == list(RECORDS_COLUMNS)
    persons = pd.read_parquet(out / PERSONS_FILE)
    assert list(persons.columns) == list(PERSON_COLUMNS)
    assert list(pd.read_parquet(out / CANDIDATES_FILE).columns) == list(CANDIDATE_COLUMNS)
    assert (out / DECISIONS_FILE).exists()
    run = json.loads((out / RUN_FILE).read_text())
    assert run["counts"] == result.counts
    assert run["counts"]["records"] == 15
    assert run["counts"]["persons"] == len(persons) == persons["person_id"].nunique()
    assert persons["record_count"].sum() == 15
    assert run["thresholds"]["auto_match_weight"] > run["thresholds"]["review_weight"]


def test_spelling_variants_with_one_nik_are_one_person(canonical: Path, tmp_path: Path) -> None:
    out = tmp_path / "linked"
    run_link(canonical, out)
    person = _person_of(out)
    assert person["disnaker_indramayu:D-17"] == person["sisko_p2mi:S-3"]
    golden = pd.read_parquet(out / PERSONS_FILE).set_index("person_id").loc[person["sisko_p2mi:S-3"]]
    assert golden["nik"] == "3212051207850003"
    assert golden["passport_number"] == "C1234567"
    assert golden["record_count"] == 2
    assert _origin(golden, "passport_number").record_key == "sisko_p2mi:S-3"


def test_two_siti_aminah_with_different_niks_are_never_merged(canonical: Path, tmp_path: Path) -> None:
    # Thresholds so low that every scored pair is an auto-match: the chain B-1 – D-40 – B-2 and the direct
    # pair are all accepted edges, so only the cannot-link constraint can keep the two women apart.
    permissive = replace(LinkConfig.default(), auto_match_weight=-80.0, review_weight=-90.0)
    out = tmp_path / "linked"
    result = run_link(canonical, out, config=permissive)
    person = _person_of(out)
    assert person["bpjs:B-1"] != person["bpjs:B-2"]
    candidates = pd.read_parquet(out / CANDIDATES_FILE).set_index("candidate_id")
    assert candidates.loc[candidate_id("bpjs:B-1", "bpjs:B-2"), "status"] == "auto_match"
    assert result.counts["refused_merges"] >= 1
    assert result.counts["constraint_splits"] >= 1
    assert person["disnaker_indramayu:D-17"] == person["sisko_p2mi:S-3"]


def test_rerun_keeps_ids_and_a_steward_non_match_splits_with_one_id_kept(
    canonical: Path, tmp_path: Path
) -> None:
    first = tmp_path / "run1"
    run_link(canonical, first)
    again = tmp_path / "run2"
    result = run_link(canonical, again, previous=first)
    assert _person_of(again) == _person_of(first)
    assert result.counts["persons_new_id"] == 0

    cid = candidate_id("disnaker_indramayu:D-17", "sisko_p2mi:S-3")
    log = pd.DataFrame(
        [
            {
                "candidate_id": cid,
                "left_key": "disnaker_indramayu:D-17",
                "right_key": "sisko_p2mi:S-3",
                "decision": "NON_MATCH",
                "note": "different mothers",
                "steward": "rina",
                "decided_at": "2026-11-28T01:00:00+00:00",
            }
        ]
    )
    write_log(log, tmp_path / "steward.csv")
    third = tmp_path / "run3"
    result = run_link(canonical, third, previous=again, decisions=tmp_path / "steward.csv")
    before, after = _person_of(again), _person_of(third)
    djoko, joko = "disnaker_indramayu:D-17", "sisko_p2mi:S-3"
    assert after[djoko] != after[joko]
    assert before[djoko] in {after[djoko], after[joko]}  # one part keeps the ID, the other gets a new one
    assert result.counts["persons_new_id"] == 1
    assert all(after[k] == v for k, v in before.items() if k not in {djoko, joko})
    candidates = pd.read_parquet(third / CANDIDATES_FILE).set_index("candidate_id")
    assert candidates.loc[cid, "status"] == "decided"

    # The decision travels with the folder: a fourth run from run3 alone keeps it.
    fourth = tmp_path / "run4"
    run_link(canonical, fourth, previous=third)
    assert _person_of(fourth) == after
    assert pd.read_csv(fourth / DECISIONS_FILE)["decision"].tolist() == ["NON_MATCH"]


def test_added_data_keeps_the_ids_of_unchanged_persons(tmp_path: Path) -> None:
    first = tmp_path / "run1"
    run_link(_canonical(tmp_path / "a", DJOKO, SITI_INDRAMAYU, SITI_CILACAP, SITI_BRIDGE, *OTHERS), first)
    more = {**JOKO, "record_id": "S-99"}
    second = tmp_path / "run2"
    run_link(
        _canonical(tmp_path / "b", DJOKO, SITI_INDRAMAYU, SITI_CILACAP, SITI_BRIDGE, *OTHERS, more),
        second,
        previous=first,
    )
    before, after = _person_of(first), _person_of(second)
    assert all(after[k] == v for k, v in before.items())
    assert after["sisko_p2mi:S-99"] == after["disnaker_indramayu:D-17"]


def test_bad_canonical_table_is_rejected_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "canonical.parquet"
    pd.DataFrame({"record_key": ["a:1"], "full_name": ["X"]}).to_parquet(path)
    with pytest.raises(LinkInputError, match="missing column"):
        run_link(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    doubled = standardised_rows(DJOKO, DJOKO)
    doubled.to_parquet(path)
    with pytest.raises(LinkInputError, match="repeated record_key"):
        run_link(path, tmp_path / "out")


def test_cli_link_then_review_export_and_import(canonical: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "linked"
    linked = runner.invoke(app, ["link", str(canonical), "--out", str(out), "--json"])
    assert linked.exit_code == 0, linked.output
    assert json.loads(linked.stdout)["counts"]["records"] == 15
    sheet = tmp_path / "review.csv"
    exported = runner.invoke(app, ["review", "export", str(out), "--out", str(sheet)])
    assert exported.exit_code == 0, exported.output
    queue = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    bad = queue.assign(decision="PERHAPS")
    bad.to_csv(sheet, index=False)
    rejected = runner.invoke(app, ["review", "import", str(out), str(sheet), "--steward", "rina"])
    if len(queue):
        assert rejected.exit_code == 2
        assert "Nothing was imported" in rejected.output
    missing = runner.invoke(app, ["link", str(tmp_path / "nope.parquet"), "--out", str(tmp_path / "x")])
    assert missing.exit_code == 2
    assert "cannot read the canonical table" in missing.output


MANIFEST = """version = 1

[[source]]
name = "sisko_p2mi"
path = "sisko.csv"
format = "csv"
trust = 0.9
  [source.columns]
  NIK = "nik"

[[source]]
name = "disnaker_indramayu"
path = "disnaker.csv"
format = "csv"
trust = 0.4
  [source.columns]
  NIK = "nik"
"""


def test_source_trust_comes_from_the_manifest_ingest_used(canonical: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    assert manifest_trust(canonical) == {}  # no ingest report beside the table
    (canonical.parent / "ingest_report.json").write_text(json.dumps({"manifest": str(manifest)}))
    assert manifest_trust(canonical) == {"sisko_p2mi": 0.9, "disnaker_indramayu": 0.4}

    out = tmp_path / "linked"
    result = CliRunner().invoke(app, ["link", str(canonical), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads((out / RUN_FILE).read_text())["source_trust"]["sisko_p2mi"] == 0.9
    # Trust decides the name: both records of Djoko/Joko give a different one, Sisko is trusted more.
    person = _person_of(out)["sisko_p2mi:S-3"]
    golden = pd.read_parquet(out / PERSONS_FILE).set_index("person_id").loc[person]
    assert golden["full_name"] == "MUHAMMAD JOKO SANTOSO"
    assert _origin(golden, "full_name").rule == "trust"

    manifest.write_text(MANIFEST.replace("trust = 0.9", "trust = 9"), encoding="utf-8")
    warned = CliRunner().invoke(app, ["link", str(canonical), "--out", str(out)])
    assert warned.exit_code == 0
    assert "warning: no source trust" in warned.output
    refused = CliRunner().invoke(
        app, ["link", str(canonical), "--out", str(out), "--manifest", str(manifest)]
    )
    assert refused.exit_code == 2


def test_bad_decisions_or_previous_folder_stop_the_run_before_writing(
    canonical: Path, tmp_path: Path
) -> None:
    log = tmp_path / "decisions.csv"
    log.write_text(
        "candidate_id,left_key,right_key,decision,note,steward,decided_at\n"
        f"{candidate_id('a:1', 'b:1')},a:1,b:1,YES,,rina,2026-11-28T01:00:00+00:00\n",
        encoding="utf-8",
    )
    with pytest.raises(DecisionError, match="line 2: decision 'YES'"):
        run_link(canonical, tmp_path / "out", decisions=log)
    with pytest.raises(LinkInputError, match="previous run's records"):
        run_link(canonical, tmp_path / "out", previous=tmp_path / "no-such-run")
    assert not (tmp_path / "out").exists()


def test_unsure_is_decided_but_leaves_the_pair_to_the_model(canonical: Path, tmp_path: Path) -> None:
    djoko, joko = "disnaker_indramayu:D-17", "sisko_p2mi:S-3"
    cid = candidate_id(djoko, joko)
    log = pd.DataFrame(
        [
            {
                "candidate_id": cid,
                "left_key": djoko,
                "right_key": joko,
                "decision": "UNSURE",
                "note": "",
                "steward": "rina",
                "decided_at": "2026-11-28T01:00:00+00:00",
            }
        ]
    )
    write_log(log, tmp_path / "steward.csv")
    result = run_link(canonical, tmp_path / "out", decisions=tmp_path / "steward.csv")
    person = _person_of(tmp_path / "out")
    assert person[djoko] == person[joko]  # an auto-match: UNSURE does not undo it
    candidates = pd.read_parquet(tmp_path / "out" / CANDIDATES_FILE).set_index("candidate_id")
    assert candidates.loc[cid, "status"] == "decided"
    assert result.counts["decisions_unsure"] == 1


def test_a_steward_match_joins_even_an_unscored_pair(canonical: Path, tmp_path: Path) -> None:
    # The engine never pairs these two (different names, NIKs and birth dates); the steward knows better
    # (say, a married name and a NIK mistyped into another valid date). The MATCH also overrides the
    # NIK birth-date constraint, as documented.
    left, right = "bpjs:B-1", "bpjs:B-3"
    log = pd.DataFrame(
        [
            {
                "candidate_id": candidate_id(left, right),
                "left_key": left,
                "right_key": right,
                "decision": "MATCH",
                "note": "same mother, same village",
                "steward": "rina",
                "decided_at": "2026-11-28T01:00:00+00:00",
            }
        ]
    )
    write_log(log, tmp_path / "steward.csv")
    result = run_link(canonical, tmp_path / "out", decisions=tmp_path / "steward.csv")
    person = _person_of(tmp_path / "out")
    assert person[left] == person[right]
    assert result.counts["decisions_match"] == 1
    assert result.counts["decided_pairs"] == 0  # never scored, so not a candidate row


def test_carried_columns_reach_records_unchanged_and_a_config_can_still_read_them(
    canonical: Path, tmp_path: Path
) -> None:
    """Columns linkage does not read skip pandas on the way to records.parquet (CARRIED_COLUMNS), yet
    arrive byte for byte; a configuration that blocks or compares on one of them still gets it."""
    from linkage.blocking import BlockingRule
    from linkage.comparison.identifiers import ExactComparison
    from linkage.link import CARRIED_COLUMNS, read_canonical

    source = pd.read_parquet(canonical)
    out = tmp_path / "linked"
    run_link(canonical, out)
    written = pd.read_parquet(out / RECORDS_FILE)
    for column in ("raw_full_name", "record_id", "row_number", "complaint_text"):
        assert column in CARRIED_COLUMNS
        expected = source[column] if column == "row_number" else source[column].fillna("").astype(str)
        assert written[column].tolist() == expected.tolist()

    assert "employer_name" not in read_canonical(canonical).records
    config = LinkConfig.default()
    config = replace(
        config,
        blocking_rules=(*config.blocking_rules, BlockingRule("employer", ("employer_name",))),
        comparisons=(*config.comparisons, ExactComparison("employer", "employer_name")),
    )
    assert "employer_name" in read_canonical(canonical, config).records
    run = run_link(canonical, tmp_path / "with_employer", config=config)
    assert run.counts["records"] == len(source)
