"""Region names and codes → Kemendagri codes, and the reference tables behind them."""

from __future__ import annotations

import pytest

from linkage.standardise.countries import resolve_country
from linkage.standardise.reference import countries, region_aliases, regions
from linkage.standardise.regions import ResolvedRegion, resolve_region


def test_regions_table_has_every_province_and_regency() -> None:
    table = regions().values()
    kinds = [r.kind for r in table]
    assert (kinds.count("provinsi"), kinds.count("kabupaten"), kinds.count("kota")) == (38, 416, 98)
    for region in table:
        # Kemendagri numbering: 01–69 kabupaten, 71–99 kota; every regency sits in a listed province.
        if region.kind != "provinsi":
            assert region.code[:2] == region.province_code
            assert regions()[region.province_code].kind == "provinsi"
            assert (region.kind == "kota") == (int(region.code[2:]) >= 71)


def test_every_alias_points_at_a_listed_region() -> None:
    assert all(code in regions() for code in region_aliases().values())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Kab. Indramayu", "3212"),
        ("KABUPATEN INDRAMAYU", "3212"),
        ("indramayu", "3212"),
        ("Kab. Lamteng", "1802"),
        ("Lamteng", "1802"),
        ("Lotim", "5203"),
        ("Kab. Lombok Timur", "5203"),
        ("Kota Bandung", "3273"),
        ("Kodya Bandung", "3273"),
        ("Kotamadya Bandung", "3273"),
        ("Kab. Bandung", "3204"),
        ("Kab. Bandung Barat", "3217"),
        ("Jatim", "35"),
        ("Jabar", "32"),
        ("Jateng", "33"),
        ("NTB", "52"),
        ("ntt", "53"),
        ("Provinsi Jawa Timur", "35"),
        ("Prov. Sumatra Utara", "12"),
        ("Kep. Riau", "21"),
        ("Kota Adm. Jakarta Selatan", "3174"),
        ("Kabupaten Administrasi Kepulauan Seribu", "3101"),
        ("Toli-Toli", "7204"),
        ("Labuhan Batu", "1210"),
        ("Mamuju Utara", "7601"),  # former name of Pasangkayu
        ("Kab. Ponorogo", "3502"),
        ("KAB.CILACAP", "3301"),
        ("Banjar, Jabar", "3279"),
        ("Kec. Juntinyuat, Kab. Indramayu, Jawa Barat", "3212"),
        ("Desa Sukamaju, Kota Banjar", "3279"),
        ("Kota Gorontalo", "7571"),
        ("Provinsi Jambi", "15"),
    ],
)
def test_names_resolve(raw: str, code: str) -> None:
    assert resolve_region(raw) == ResolvedRegion(code, ())


@pytest.mark.parametrize(
    ("raw", "code"),
    [("32.12", "3212"), ("3212", "3212"), ("32", "32"), ("32.12.01", "3212"), ("32.12.01.2001", "3212")],
)
def test_codes_in_any_form_resolve(raw: str, code: str) -> None:
    assert resolve_region(raw) == ResolvedRegion(code, ())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Bandung", "3204"),  # kabupaten preferred when "Kota" is not said
        ("Bandung, Jawa Barat", "3204"),  # both are in Jawa Barat: still ambiguous
        ("Jambi", "1571"),  # a kota beats the province of the same name
        ("Banjar", "6303"),  # Kab. Banjar (Kalsel) over Kota Banjar (Jabar)
    ],
)
def test_ambiguous_names_follow_the_rule_and_are_flagged(raw: str, code: str) -> None:
    assert resolve_region(raw) == ResolvedRegion(code, ("ambiguous",))


def test_province_hint_settles_an_ambiguous_name() -> None:
    assert resolve_region("Banjar", province_hint="Jawa Barat") == ResolvedRegion("3279", ())


@pytest.mark.parametrize(
    ("raw", "code"), [("Kab. Indramayuu", "3212"), ("Idramayu", "3212"), ("Banyuwagi", "3510")]
)
def test_typos_resolve_and_are_flagged(raw: str, code: str) -> None:
    assert resolve_region(raw) == ResolvedRegion(code, ("fuzzy",))


@pytest.mark.parametrize("raw", ["xyz", "99.99", "Kab. Atlantis", "Lamtong"])
def test_unknown_regions(raw: str) -> None:
    assert resolve_region(raw) == ResolvedRegion("", ("unknown",))


def test_missing_region() -> None:
    assert resolve_region(" - ") == ResolvedRegion()


def test_countries_table() -> None:
    assert countries()["HK"].calling_code == "852"
    assert countries()["SA"].name_id == "Arab Saudi"
    assert "AN" not in countries()  # withdrawn from ISO 3166-1


@pytest.mark.parametrize(
    ("raw", "alpha2"),
    [
        ("Hongkong", "HK"),
        ("Hong Kong", "HK"),
        ("HK", "HK"),
        ("hkg", "HK"),
        ("Hongkong SAR", "HK"),
        ("Taiwan", "TW"),
        ("TWN", "TW"),
        ("Malaysia", "MY"),
        ("MAL", "MY"),
        ("Negara Malaysia", "MY"),
        ("Saudi Arabia", "SA"),
        ("Arab Saudi", "SA"),
        ("KSA", "SA"),
        ("Singapura", "SG"),
        ("Singapore", "SG"),
        ("Brunei Darussalam", "BN"),
        ("Korea Selatan", "KR"),
        ("Jepang", "JP"),
        ("Uni Emirat Arab", "AE"),
        ("Polandia", "PL"),
    ],
)
def test_countries_resolve(raw: str, alpha2: str) -> None:
    assert resolve_country(raw) == (alpha2, ())


def test_country_typo_is_fuzzy_and_nonsense_unknown() -> None:
    assert resolve_country("Malysia") == ("MY", ("fuzzy",))
    assert resolve_country("Atlantis") == ("", ("unknown",))
    assert resolve_country("-") == ("", ())
