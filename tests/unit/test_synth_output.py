"""End-to-end checks of ``linkage.synth.generate`` on a small population: files, manifest, truth."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import phonenumbers
import pytest
from typer.testing import CliRunner

from linkage.ingest import run_ingest
from linkage.manifest import SourceSpec, load_manifest
from linkage.synth import generate
from linkage.synth.regions import read_regions
from ltsa.cli import app

PEOPLE = 3000
SEED = 11


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(PEOPLE, SEED, out)
    return out


@pytest.fixture(scope="module")
def truth(sample: Path) -> pd.DataFrame:
    return pd.read_parquet(sample / "truth.parquet")


@pytest.fixture(scope="module")
def people(sample: Path) -> pd.DataFrame:
    return pd.read_parquet(sample / "people.parquet").set_index("person_id")


def _files(sample: Path) -> dict[str, bytes]:
    return {str(p.relative_to(sample)): p.read_bytes() for p in sorted(sample.rglob("*")) if p.is_file()}


def _header_and_rows(folder: Path, spec: SourceSpec, path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a silo file independently of the ingest code, as a steward opening it would."""
    if spec.format == "csv":
        with path.open(encoding=spec.encoding, newline="") as handle:
            lines = list(csv.reader(handle, delimiter=spec.delimiter))
        return lines[0], lines[1:]
    if spec.format == "jsonl":
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        header = list(records[0])
        return header, [["" if r[k] is None else str(r[k]) for k in header] for r in records]
    sheet = openpyxl.load_workbook(path, read_only=True)[spec.sheet]
    values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return values[spec.header_row - 1], values[spec.header_row :]


def _read_source(sample: Path, spec: SourceSpec) -> tuple[list[str], pd.DataFrame]:
    headers, frames = [], []
    for path in sorted(sample.glob(spec.path)):
        header, rows = _header_and_rows(sample, spec, path)
        headers.append(header)
        frames.append(pd.DataFrame(rows, columns=header))
    assert headers, f"{spec.name}: no file matches {spec.path}"
    assert all(h == headers[0] for h in headers), f"{spec.name}: files disagree on columns"
    return headers[0], pd.concat(frames, ignore_index=True)


def test_same_seed_gives_byte_identical_files(sample: Path, tmp_path: Path) -> None:
    generate(PEOPLE, SEED, tmp_path / "again")
    assert _files(tmp_path / "again") == _files(sample)


def test_another_seed_gives_other_people(sample: Path, tmp_path: Path) -> None:
    generate(PEOPLE, SEED + 1, tmp_path / "other")
    other = pd.read_parquet(tmp_path / "other" / "people.parquet")
    assert other["nik"].tolist() != pd.read_parquet(sample / "people.parquet")["nik"].tolist()


def test_rerun_into_same_folder_leaves_no_stale_silo_files(tmp_path: Path) -> None:
    generate(1500, 1, tmp_path)
    generate(300, 1, tmp_path)
    listed = set(pd.read_parquet(tmp_path / "truth.parquet")["file"])
    on_disk = {
        str(p.relative_to(tmp_path))
        for p in tmp_path.rglob("*")
        if p.is_file() and p.suffix in (".csv", ".xlsx", ".jsonl")
    }
    assert listed <= on_disk
    # A silo with nothing to report (no complaints among 300 people) still gets its header-only file.
    for extra in on_disk - listed:
        assert len((tmp_path / extra).read_text(encoding="utf-8").splitlines()) == 1, extra


def test_manifest_declares_every_silo_column_that_exists(sample: Path) -> None:
    manifest = load_manifest(sample / "manifest.toml")
    assert len({s.name for s in manifest.sources}) == len(manifest.sources) >= 7
    assert {s.format for s in manifest.sources} == {"csv", "jsonl", "xlsx"}
    for spec in manifest.sources:
        header, _ = _read_source(sample, spec)
        needed = set(spec.source_columns())
        assert needed <= set(header), f"{spec.name}: {sorted(needed - set(header))} not in files"
        # Every column of the silo is either read or deliberately left out; nothing is mis-spelled.
        assert spec.record_id in header


def test_truth_has_one_row_per_silo_row_in_file_order(sample: Path, truth: pd.DataFrame) -> None:
    manifest = load_manifest(sample / "manifest.toml")
    assert truth["record_key"].is_unique
    for spec in manifest.sources:
        _, rows = _read_source(sample, spec)
        keyed = truth[truth["source"] == spec.name]
        assert keyed["record_id"].tolist() == rows[spec.record_id].tolist(), spec.name


def test_truth_points_at_real_people_with_roles(truth: pd.DataFrame, people: pd.DataFrame) -> None:
    assert truth["person_id"].isin(people.index).all()
    assert set(truth["role"]) == {"worker", "family"}
    workers = set(people.index[people["is_worker"]])
    assert truth.loc[truth["role"] == "worker", "person_id"].isin(workers).all()


def test_ingest_reads_every_row_and_keys_match_truth(
    sample: Path, truth: pd.DataFrame, tmp_path: Path
) -> None:
    report = run_ingest(sample / "manifest.toml", tmp_path)
    canonical = pd.read_parquet(tmp_path / "canonical.parquet", columns=["record_key", "source"])
    assert sum(s.quarantined for s in report.sources) == 0
    assert sorted(canonical["record_key"]) == sorted(truth["record_key"])


def test_dukcapil_niks_are_structurally_correct(sample: Path, people: pd.DataFrame) -> None:
    regencies = {r["code"] for r in read_regions() if len(r["code"]) == 4}
    registry = pd.read_csv(sample / "dukcapil" / "biodata_kk.csv", dtype=str, keep_default_na=False)
    assert registry["NIK"].str.fullmatch(r"\d{16}").all()
    assert registry["NIK"].is_unique
    assert registry["NIK"].str[:4].isin(regencies).all()
    truth = people.set_index("nik").loc[registry["NIK"]]
    for nik, born, sex in zip(registry["NIK"], truth["birth_date"], truth["sex"], strict=True):
        day = int(nik[6:8]) - (40 if sex == "P" else 0)
        assert date(
            2000 + int(nik[10:12]) if int(nik[10:12]) < 26 else 1900 + int(nik[10:12]), int(nik[8:10]), day
        ) == (date.fromisoformat(born[:10])), nik


def test_family_cards_group_households(sample: Path, people: pd.DataFrame) -> None:
    registry = pd.read_csv(sample / "dukcapil" / "biodata_kk.csv", dtype=str, keep_default_na=False)
    assert registry["NO_KK"].str.fullmatch(r"\d{16}").all()
    per_card = registry.groupby("NO_KK")
    assert (per_card["STAT_HBKEL"].apply(lambda r: (r == "KEPALA KELUARGA").sum()) == 1).all()
    assert (per_card["ALAMAT"].nunique() == 1).all()
    families = pd.read_parquet(sample / "families.parquet")
    assert set(families["relation"]) >= {"ISTRI", "SUAMI", "ANAK", "AYAH", "IBU"}


def test_passports_and_phones_have_indonesian_formats(sample: Path, people: pd.DataFrame) -> None:
    passports = pd.read_csv(sample / "imigrasi" / "paspor.csv", sep=";", dtype=str, keep_default_na=False)
    assert passports["NO_PASPOR"].str.fullmatch(r"[A-Z]\d{7}").all()
    assert passports["NO_PASPOR"].is_unique
    phones = [p for p in people["phone"] if p]
    assert all(re.fullmatch(r"08\d{8,11}", p) for p in phones)
    valid = sum(phonenumbers.is_valid_number(phonenumbers.parse(p, "ID")) for p in phones)
    assert valid == len(phones)


def test_workers_are_mostly_women_from_the_big_sending_regions(people: pd.DataFrame) -> None:
    workers = people[people["is_worker"]]
    assert 0.55 <= (workers["sex"] == "P").mean() <= 0.67
    provinces = workers["regency_code"].str[:2].value_counts(normalize=True)
    assert set(provinces.index[:3]) == {"35", "33", "32"}
    assert workers["regency_code"].value_counts().index[0] == "3212"  # Kab. Indramayu


def test_hard_negatives_exist(sample: Path, people: pd.DataFrame) -> None:
    pairs = pd.read_parquet(sample / "hard_negatives.parquet")
    namesakes = pairs[pairs["kind"] == "same_name_birth_year"]
    twins = pairs[pairs["kind"] == "twins"]
    assert len(namesakes) >= 3 and len(twins) >= 3
    a, b = people.loc[namesakes["person_a"]], people.loc[namesakes["person_b"]]
    assert (a["full_name"].to_numpy() == b["full_name"].to_numpy()).all()
    assert (a["birth_date"].str[:4].to_numpy() == b["birth_date"].str[:4].to_numpy()).all()
    assert (a["regency_code"].to_numpy() != b["regency_code"].to_numpy()).all()
    a, b = people.loc[twins["person_a"]], people.loc[twins["person_b"]]
    assert (a["birth_date"].to_numpy() == b["birth_date"].to_numpy()).all()
    assert (a["kk_number"].to_numpy() == b["kk_number"].to_numpy()).all()
    assert (a["full_name"].to_numpy() != b["full_name"].to_numpy()).all()


def _name_error_rate(
    sample: Path, truth: pd.DataFrame, people: pd.DataFrame, source: str, column: str
) -> float:
    spec = next(s for s in load_manifest(sample / "manifest.toml").sources if s.name == source)
    _, rows = _read_source(sample, spec)
    keyed = truth[truth["source"] == source].reset_index(drop=True)
    true_names = people.loc[keyed["person_id"], "full_name"].to_numpy()
    return float((rows[column].str.upper().to_numpy() != true_names).mean())


@pytest.mark.parametrize(
    ("source", "column", "low", "high"),
    [
        ("dukcapil", "NAMA_LGKP", 0.0, 0.02),
        ("sisko_p2mi", "NAMA", 0.005, 0.08),
        ("disnaker", "NAMA LENGKAP", 0.08, 0.40),
        ("p3mi", "NAMA CPMI", 0.20, 0.60),
        ("pengaduan", "NAMA_PMI", 0.30, 0.90),
    ],
)
def test_name_corruption_rates_follow_silo_quality(
    sample: Path, truth: pd.DataFrame, people: pd.DataFrame, source: str, column: str, low: float, high: float
) -> None:
    assert low <= _name_error_rate(sample, truth, people, source, column) <= high


def test_agency_lists_carry_excel_mangled_and_numeric_niks(sample: Path) -> None:
    cells = []
    for path in sorted((sample / "p3mi").glob("*.xlsx")):
        sheet = openpyxl.load_workbook(path, read_only=True)["DATA CPMI"]
        cells += [row[3] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert any(isinstance(c, int) for c in cells)
    assert any(isinstance(c, str) and re.fullmatch(r"\d\.\d{5}E\+15", c) for c in cells)


def test_complaints_rarely_carry_a_nik(sample: Path) -> None:
    log = pd.read_csv(sample / "pengaduan" / "pengaduan_ltsa.csv", dtype=str, keep_default_na=False)
    assert 0.05 <= (log["NIK_PMI"] != "").mean() <= 0.5
    assert (log["KRONOLOGI"].str.len() > 20).all()


def test_cirebon_register_is_latin1(sample: Path) -> None:
    raw = next((sample / "disnaker_latin1").glob("*.csv")).read_bytes()
    assert "DÉSA".encode("latin-1") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_cli_writes_a_sample_and_rejects_zero_people(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["synth", "--people", "200", "--seed", "3", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "manifest.toml").is_file()
    refused = runner.invoke(app, ["synth", "--people", "0", "--out", str(tmp_path / "none")])
    assert refused.exit_code != 0
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize(("people_count", "seed"), [(1, 3), (2, 2), (8, 2)])
def test_tiny_populations_still_ingest(tmp_path: Path, people_count: int, seed: int) -> None:
    """No workers, or no agency placements: empty silos are header-only or left out of the manifest."""
    generate(people_count, seed, tmp_path / "silos")
    report = run_ingest(tmp_path / "silos" / "manifest.toml", tmp_path / "ingest")
    truth = pd.read_parquet(tmp_path / "silos" / "truth.parquet")
    assert sum(s.accepted for s in report.sources) == len(truth)
    assert (truth["source"] == "dukcapil").sum() == people_count


def test_brokers_tie_many_workers_and_entities_are_complete(sample: Path) -> None:
    entities = pd.read_parquet(sample / "entities.parquet")
    assert set(entities["kind"]) == {"agency", "broker", "employer", "ltsa"}
    assert "LTSA KAB. INDRAMAYU" in set(entities["name"])
    placements = pd.read_parquet(sample / "placements.parquet")
    recruits = placements[placements["broker_id"] != ""].groupby("broker_id")["person_id"].nunique()
    assert recruits.max() >= 5
    # The sponsor's phone on the agency lists is shared by the sponsor's different recruits.
    cells = []
    for path in sorted((sample / "p3mi").glob("*.xlsx")):
        sheet = openpyxl.load_workbook(path, read_only=True)["DATA CPMI"]
        cells += [row[12] for row in sheet.iter_rows(min_row=4, values_only=True) if row[12]]
    assert pd.Series(cells).value_counts().max() >= 3
    non_procedural = placements[~placements["procedural"]]
    assert (non_procedural["agency_id"] == "").all() and (non_procedural["broker_id"] != "").mean() > 0.8


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """data/sample must be regenerated (`ltsa synth --people 2000 --seed 7`) whenever the model changes."""
    committed = Path(__file__).resolve().parents[2] / "data" / "sample"
    generate(2000, 7, tmp_path)
    for path in sorted(tmp_path.rglob("*")):
        relative = path.relative_to(tmp_path)
        if path.is_dir():
            continue
        if path.suffix in (".csv", ".jsonl", ".toml"):
            assert (committed / relative).read_bytes() == path.read_bytes(), relative
        elif path.suffix == ".parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(committed / relative), pd.read_parquet(path))
        else:  # workbooks: compare cell values, not zip bytes that depend on the openpyxl version
            fresh = openpyxl.load_workbook(path, read_only=True)["DATA CPMI"]
            kept = openpyxl.load_workbook(committed / relative, read_only=True)["DATA CPMI"]
            assert list(kept.iter_rows(values_only=True)) == list(fresh.iter_rows(values_only=True)), relative
    kept_files = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert kept_files == {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
