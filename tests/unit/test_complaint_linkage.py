"""Complaint-desk rows (pengaduan): the worker's name as a relative says it, the reporter's phone and the
household address — reached by the household, sponsor and name-country blocking rules, and linked to the
right worker, never to her namesake in another regency."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkage.blocking import blocking_keys, candidate_pairs, default_blocking_rules
from linkage.engine import LinkConfig
from linkage.link import run_link
from linkage.linked import CANDIDATES_FILE, RECORDS_FILE
from tests.unit.canonical_rows import standardised_rows

INDRAMAYU_HOME = "Dusun Krajan RT 002 RW 003 Desa Juntikebon"
CILACAP_HOME = "Dusun Karangsari RT 007 RW 001 Desa Adipala"


def _family(tag: str, home: str, region: str, kk: str, worker: dict[str, str]) -> list[dict[str, str]]:
    """A worker's civil-registry, Disnaker and placement rows, and her brother on the same card."""
    person = {
        "full_name": worker["full_name"],
        "nik": worker["nik"],
        "birth_date": worker["birth_date"],
        "sex": "P",
        "address": home,
        "region_code": region,
    }
    placement = {"destination_country": "HK", "agency_name": worker["agency_name"]}
    return [
        {"source": "dukcapil", "record_id": f"{tag}-D1", **person, "kk_number": kk, "mother_name": "WARSIH"},
        {
            "source": "dukcapil",
            "record_id": f"{tag}-D2",
            "full_name": worker["brother"],
            "nik": worker["brother_nik"],
            "birth_date": "1984-02-11",
            "sex": "L",
            "address": home,
            "region_code": region,
            "kk_number": kk,
            "mother_name": "WARSIH",
        },
        {"source": "disnaker", "record_id": f"{tag}-N1", **person, **placement, "phone": worker["phone"]},
        {"source": "sisko_p2mi", "record_id": f"{tag}-S1", **person, **placement, "phone": worker["phone"]},
    ]


SITI_INDRAMAYU = {
    "full_name": "SITI AMINAH",
    "nik": "3212055403900001",
    "birth_date": "1990-03-14",
    "agency_name": "PT INTAN MITRA",
    "phone": "081234500001",
    "brother": "SLAMET RIYADI",
    "brother_nik": "3212051102840002",
}
SITI_CILACAP = {
    "full_name": "SITI AMINAH",
    "nik": "3301074208880002",
    "birth_date": "1988-08-02",
    "agency_name": "PT INTAN MITRA",
    "phone": "081234500002",
    "brother": "BUDI SANTOSO",
    "brother_nik": "3301071505830003",
}
# Reported at the Indramayu desk by her brother: his phone, the family's address, no NIK, no birth date.
COMPLAINT = {
    "source": "pengaduan",
    "record_id": "ADU-2024-000017",
    "full_name": "Siti Aminah binti Karto",
    "phone": "085711223344",
    "address": INDRAMAYU_HOME,
    "destination_country": "HK",
    "agency_name": "PT INTAN MITRA",
    "related_name": "SLAMET RIYADI",
    "complaint_type": "GAJI TIDAK DIBAYAR",
}
# The same desk's row from a relative who gave no address: only the name and the country tie it.
COMPLAINT_NO_ADDRESS = {
    "source": "pengaduan",
    "record_id": "ADU-2024-000018",
    "full_name": "Bu Rukmini",
    "phone": "085799887766",
    "destination_country": "TW",
    "broker_name": "H. Darmo",
    "related_name": "TARJO",
    "complaint_type": "HILANG KONTAK",
}
RUKMINI = {
    "source": "sisko_p2mi",
    "record_id": "RUK-S1",
    "full_name": "RUKMINI",
    "nik": "3212066107920004",
    "birth_date": "1992-07-21",
    "sex": "P",
    "destination_country": "TW",
    "phone": "081377001122",
}
# The agency's own list names the sponsor (calo) who brought her in.
RUKMINI_AGENCY_LIST = {
    **RUKMINI,
    "source": "p3mi",
    "record_id": "RUK-P1",
    "phone": "",
    "broker_name": "H DARMO",
}


WORKERS = ("DEWI LESTARI", "SRI WAHYUNI", "KARTINI", "RATNA SARI", "YULIANTI", "NUR HASANAH", "WARSINAH")
BROTHERS = ("AHMAD FAUZI", "RUDI HARTONO", "AGUS SALIM", "YUSUF MAULANA", "EKO PRASETYO", "DEDI KUSNADI")
VILLAGES = ("SUKAMULYA", "KEDUNGWUNGU", "TEGALSARI", "CIBEUREUM", "KARANGANYAR")


def _neighbours() -> list[dict[str, str]]:
    """Other households of the same regencies, so the model's weights are estimated on enough people
    (a table of two namesake families alone would teach it that every name agrees)."""
    rows = []
    for i in range(35):
        worker = {
            "full_name": f"{WORKERS[i % len(WORKERS)]} {VILLAGES[i % len(VILLAGES)]}",
            "nik": f"3212{i % 9 + 1:02d}{41 + i % 28:02d}{1 + i % 12:02d}{70 + i % 25:02d}{i + 11:04d}",
            "birth_date": f"19{70 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "agency_name": f"PT MITRA {i % 6}",
            "phone": f"08129900{i:04d}",
            "brother": f"{BROTHERS[i % len(BROTHERS)]} {VILLAGES[(i + 2) % len(VILLAGES)]}",
            "brother_nik": f"3212{i % 9 + 1:02d}{1 + i % 28:02d}{1 + i % 12:02d}{60 + i % 10}{i + 51:04d}",
        }
        home = f"Dusun {VILLAGES[i % len(VILLAGES)]} RT {i % 13 + 1:03d} RW {i % 7 + 1:03d} Desa {i}"
        rows += _family(f"N{i}", home, "Indramayu", f"32120{i + 1:011d}", worker)
    return rows


def _rows() -> pd.DataFrame:
    return standardised_rows(
        *_family("IDM", INDRAMAYU_HOME, "Indramayu", "3212050101090001", SITI_INDRAMAYU),
        *_family("CLP", CILACAP_HOME, "Cilacap", "3301070101090002", SITI_CILACAP),
        COMPLAINT,
        COMPLAINT_NO_ADDRESS,
        RUKMINI,
        RUKMINI_AGENCY_LIST,
        *_neighbours(),
    )


def _rule_of_pairs(records: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(record_key, record_key) → the default rule credited with the candidate pair."""
    keys = blocking_keys(records.reset_index(drop=True))
    rules = default_blocking_rules()
    result = candidate_pairs(keys, rules, LinkConfig.default().max_block_size)
    record_key = keys["record_key"].tolist()
    return {
        _pair(record_key[a], record_key[b]): rules[r].name
        for a, b, r in zip(result.left.tolist(), result.right.tolist(), result.rule.tolist(), strict=True)
    }


def _pair(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)


def test_a_complaint_reaches_the_workers_records_through_her_household() -> None:
    found = _rule_of_pairs(_rows())
    complaint = "pengaduan:ADU-2024-000017"
    for partner in ("dukcapil:IDM-D1", "disnaker:IDM-N1", "sisko_p2mi:IDM-S1"):
        assert found[_pair(complaint, partner)] == "household_first_name"
    # Her brother shares the address but not the name: only the address alone pairs him with the
    # undated complaint, and the score keeps them apart (test_namesakes_from_different_regencies...).
    assert found[_pair(complaint, "dukcapil:IDM-D2")] == "household_undated"


def test_a_misspelt_complaint_name_reaches_the_household_by_address_alone() -> None:
    # AMIMAH shares no name key with AMINAH; the undated complaint still meets everyone at the address.
    typo = {**COMPLAINT, "record_id": "ADU-2024-000021", "full_name": "Siti Amimah"}
    found = _rule_of_pairs(pd.concat([_rows(), standardised_rows(typo)], ignore_index=True))
    complaint = "pengaduan:ADU-2024-000021"
    for partner in ("dukcapil:IDM-D1", "dukcapil:IDM-D2", "disnaker:IDM-N1", "sisko_p2mi:IDM-S1"):
        assert found[_pair(complaint, partner)] == "household_undated"
    # Two dated records of one household are never paired by the address alone (sister and brother).
    assert _pair("dukcapil:IDM-D1", "dukcapil:IDM-D2") not in found


def test_the_namesake_elsewhere_is_a_candidate_only_through_name_and_country() -> None:
    found = _rule_of_pairs(_rows())
    complaint = "pengaduan:ADU-2024-000017"
    namesake_pairs = {rule for pair, rule in found.items() if complaint in pair and "CLP" in "".join(pair)}
    assert namesake_pairs == {"name_country"}
    # Two dated records are never paired by name and country alone: name_birth_year covers them.
    assert ("disnaker:CLP-N1", "disnaker:IDM-N1") not in found


def test_a_complaint_without_an_address_reaches_the_worker_by_sponsor_or_by_name_and_country() -> None:
    found = _rule_of_pairs(_rows())
    assert found[("p3mi:RUK-P1", "pengaduan:ADU-2024-000018")] == "broker_first_name"
    assert found[("pengaduan:ADU-2024-000018", "sisko_p2mi:RUK-S1")] == "name_country"


def test_the_reporters_phone_is_not_taken_as_the_workers_own() -> None:
    self_report = {**COMPLAINT, "record_id": "ADU-2024-000019", "related_name": "SITI AMINAH"}
    keys = blocking_keys(standardised_rows(COMPLAINT, self_report, RUKMINI).reset_index(drop=True))
    # Her brother's number is not hers; her own, given by herself, is; other sources keep theirs.
    assert keys["own_phone"].tolist() == ["", "+6285711223344", "+6281377001122"]
    assert keys["phone"].tolist() == ["+6285711223344", "+6285711223344", "+6281377001122"]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("complaints")
    canonical = root / "canonical.parquet"
    _rows().to_parquet(canonical, index=False)
    run_link(canonical, root / "linked")
    records = pd.read_parquet(Path(root / "linked" / RECORDS_FILE))
    return dict(zip(records["record_key"], records["person_id"], strict=True))


def test_the_complaint_joins_the_worker_it_names(linked: dict[str, str]) -> None:
    worker = linked["disnaker:IDM-N1"]
    assert linked["pengaduan:ADU-2024-000017"] == worker
    assert linked["dukcapil:IDM-D1"] == worker == linked["sisko_p2mi:IDM-S1"]


def test_namesakes_from_different_regencies_stay_apart(linked: dict[str, str]) -> None:
    indramayu, cilacap = linked["disnaker:IDM-N1"], linked["disnaker:CLP-N1"]
    assert indramayu != cilacap
    assert {linked[k] for k in ("dukcapil:CLP-D1", "sisko_p2mi:CLP-S1")} == {cilacap}
    # The brother who reported is his own person, not merged into his sister by the shared address.
    assert linked["dukcapil:IDM-D2"] not in {indramayu, cilacap}
    assert len(np.unique(list(linked.values()))) >= 5


# A relative's report naming a neighbouring worker (DEWI LESTARI SUKAMULYA) by her calling name at the
# household's address: a review-band pair with each of her records, below the auto-match bar.
CALLING_NAME_COMPLAINT = {
    "source": "pengaduan",
    "record_id": "ADU-2024-000020",
    "full_name": "Bu Lestari",
    "phone": "085700000001",
    "destination_country": "HK",
    "related_name": "AHMAD FAUZI",
    "complaint_type": "HILANG KONTAK",
}


def _link_calling_name(root: Path, config: LinkConfig) -> tuple[dict[str, str], pd.DataFrame]:
    complaint = {**CALLING_NAME_COMPLAINT, "address": _neighbours()[0]["address"]}
    canonical = root / "canonical.parquet"
    pd.concat([_rows(), standardised_rows(complaint)], ignore_index=True).to_parquet(canonical, index=False)
    run = run_link(canonical, root / "linked", config=config)
    records = pd.read_parquet(root / "linked" / RECORDS_FILE)
    candidates = pd.read_parquet(root / "linked" / CANDIDATES_FILE)
    assert run.counts["attached_reports"] >= (1 if config.reported_column else 0)
    return dict(zip(records["record_key"], records["person_id"], strict=True)), candidates


def test_a_calling_name_complaint_joins_the_only_worker_in_reach(tmp_path: Path) -> None:
    linked, candidates = _link_calling_name(tmp_path, LinkConfig.default())
    complaint = "pengaduan:ADU-2024-000020"
    mine = candidates[(candidates["left_key"] == complaint) | (candidates["right_key"] == complaint)]
    # Not sure enough on its own (the pairs wait in review), but every pair points to her.
    assert set(mine["status"]) == {"review"}
    assert linked[complaint] == linked["disnaker:N0-N1"] == linked["dukcapil:N0-D1"]


def test_without_attachment_the_calling_name_complaint_stays_alone(tmp_path: Path) -> None:
    config = replace(LinkConfig.default(), reported_column=None)
    linked, _ = _link_calling_name(tmp_path, config)
    complaint = "pengaduan:ADU-2024-000020"
    assert list(linked.values()).count(linked[complaint]) == 1


def test_a_worker_reporting_herself_keeps_her_phone_whatever_the_spelling() -> None:
    # No name key in common (AMNH ~ AMN, ERTN ~ WRTN), but spelt nearly alike: her own report.
    typo = {
        **COMPLAINT,
        "record_id": "ADU-2024-000022",
        "full_name": "Siti Aminh",
        "related_name": "SITI AMINAH",
    }
    first_letter = {
        **COMPLAINT,
        "record_id": "ADU-2024-000023",
        "full_name": "Eartini",
        "related_name": "WARTINI",
    }
    keys = blocking_keys(standardised_rows(typo, first_letter, COMPLAINT).reset_index(drop=True))
    # Her own number, whatever the spelling; her brother's report (SLAMET RIYADI) is not hers.
    assert keys["own_phone"].tolist() == ["+6285711223344", "+6285711223344", ""]
