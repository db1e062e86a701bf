"""Unit checks of the synthetic model's building blocks: names, identity numbers, corruption, regions."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from linkage.synth import corruption, identity
from linkage.synth.names import Tradition, first_token, given_name
from linkage.synth.population import kinship
from linkage.synth.regions import LTSA_OPENED, TOP_REGENCIES, load_region_model, ltsa_office

NIK = "3212094506900003"  # a woman born 5 June 1990 in Kab. Indramayu (synthetic)
KK = "3212091503150001"


def test_nik_encodes_region_birth_date_sex_and_serial() -> None:
    prefix = np.array(["321209", "321209", "321209"])
    births = np.array(["1990-06-05", "1990-06-05", "1990-06-05"], dtype="datetime64[D]")
    female = np.array([True, True, False])
    assert identity.nik_numbers(prefix, births, female).tolist() == [
        "3212094506900001",
        "3212094506900002",
        "3212090506900001",
    ]


def test_passports_are_unique_letter_and_seven_digits() -> None:
    numbers = identity.passport_numbers(np.random.default_rng(1), 5000)
    assert len(set(numbers.tolist())) == 5000
    assert all(len(n) == 8 and n[0].isalpha() and n[1:].isdigit() for n in numbers.tolist())


def test_foreign_sims_use_the_host_country_code() -> None:
    countries = np.array(["HK", "TW", "MY", "XX"])
    phones = identity.foreign_mobiles(np.random.default_rng(2), countries).tolist()
    assert phones[0].startswith("+852") and phones[1].startswith("+886") and phones[2].startswith("+60")
    assert phones[3] == ""


def test_balinese_names_follow_birth_order_and_sex() -> None:
    rnd = random.Random(3)
    first_son = given_name(rnd, Tradition.BALINESE, False, 0, False).split()
    third_daughter = given_name(rnd, Tradition.BALINESE, True, 2, False).split()
    fifth_child = given_name(rnd, Tradition.BALINESE, False, 4, False).split()
    assert first_son[0] == "I" and first_son[1] in ("WAYAN", "PUTU", "GEDE")
    assert third_daughter[0] == "NI" and third_daughter[1] in ("NYOMAN", "KOMANG")
    assert fifth_child[1] in ("WAYAN", "PUTU", "GEDE")  # the cycle restarts


@given(st.integers(0, 10_000), st.sampled_from(list(Tradition)), st.booleans())
def test_every_name_is_upper_case_words_and_never_a_bare_prefix(
    seed: int, tradition: Tradition, female: bool
) -> None:
    name = given_name(random.Random(seed), tradition, female, seed % 6, seed % 3 == 0)
    assert name == name.upper() and name.split()
    assert name not in ("SITI", "SRI", "NUR", "MUHAMMAD", "AHMAD", "I", "NI")


def test_calling_name_skips_markers() -> None:
    assert first_token("NI MADE SUKERTI") == "SUKERTI"
    assert first_token("SITI AMINAH") == "AMINAH"
    assert first_token("LALU MAHSUN") == "MAHSUN"


def test_old_spellings_and_variants() -> None:
    rnd = random.Random(0)
    assert corruption.old_spelling("JOKO", rnd) == "DJOKO"
    assert corruption.old_spelling("SUKARNO", rnd) == "SOEKARNO"
    assert corruption.old_spelling("CAHYONO", rnd) in ("TJAHYONO", "CAHJONO")
    assert corruption.name_variant("MUHAMMAD RIDWAN", rnd).split()[0] in (
        "MOCH.",
        "MOH.",
        "M.",
        "MUHAMAD",
        "MOCHAMAD",
        "MOHAMMAD",
        "MUH.",
    )
    assert corruption.name_variant("BUDI", rnd) == "BUDI"


def test_patronymic_is_added_or_dropped() -> None:
    assert corruption.toggle_patronymic("SITI AMINAH", True, "KARTO") == "SITI AMINAH BINTI KARTO"
    assert corruption.toggle_patronymic("SITI AMINAH BINTI KARTO", True, "KARTO") == "SITI AMINAH"
    assert corruption.toggle_patronymic("JOKO", False, "SLAMET") == "JOKO BIN SLAMET"


def test_token_order_middle_names_titles_aliases() -> None:
    rnd = random.Random(5)
    assert corruption.swap_tokens("SRI WAHYUNI") == "WAHYUNI SRI"
    assert corruption.drop_middle("SITI NUR AMINAH", rnd) == "SITI AMINAH"
    titled = corruption.with_title("SITI AMINAH", True, rnd)
    assert "SITI AMINAH" in titled and titled != "SITI AMINAH"
    alias = corruption.with_alias("SUMIATI", "SUMI", rnd)
    assert alias in ("SUMIATI ALS SUMI", "SUMIATI (SUMI)")


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ", min_size=3, max_size=30), st.integers(0, 1000))
def test_typo_is_one_small_edit(name: str, seed: int) -> None:
    damaged = corruption.typo(name, random.Random(seed))
    # One slip: a substitution, deletion or insertion (distance 1) or a swap of neighbours (distance 2).
    assert Levenshtein.distance(damaged, name) <= 2
    assert sorted(damaged) == sorted(name) or abs(len(damaged) - len(name)) <= 1


def test_day_month_swap_only_when_still_a_date() -> None:
    assert corruption.swap_day_month("1990-06-05") == "1990-05-06"
    assert corruption.swap_day_month("1990-06-25") == "1990-06-25"


@given(st.integers(0, 10_000))
def test_nik_errors_are_the_known_kinds(seed: int) -> None:
    damaged = corruption.nik_error(NIK, KK, True, random.Random(seed))
    transposed = any(NIK[:i] + NIK[i + 1] + NIK[i] + NIK[i + 2 :] == damaged for i in range(15))
    no_plus_forty = damaged == NIK[:6] + "05" + NIK[8:]
    ocr = len(damaged) == 16 and sum(a != b for a, b in zip(damaged, NIK, strict=True)) <= 1
    assert transposed or no_plus_forty or ocr or damaged == KK or len(damaged) in (15, 17)


def test_excel_scientific_notation() -> None:
    assert corruption.excel_scientific("3201134107900001") == "3.20113E+15"
    assert corruption.excel_scientific("") == ""


def test_noise_rates_are_respected_and_reproducible() -> None:
    noise = corruption.Noise(corruption.NameNoise(typo=0.3), missing=0.2)
    names = ["SITI AMINAH"] * 4000

    def run() -> tuple[list[str], list[str]]:
        rng, rnd = np.random.default_rng(9), random.Random(9)
        damaged = noise.apply_names(rng, rnd, names, [True] * 4000, ["KARTO"] * 4000, ["AMINAH"] * 4000)
        return damaged, noise.blank(rng, names)

    damaged, blanked = run()
    assert run() == (damaged, blanked)
    assert 0.25 <= sum(d != n for d, n in zip(damaged, names, strict=True)) / 4000 <= 0.32
    assert 0.17 <= blanked.count("") / 4000 <= 0.23


def test_region_model_weights_known_senders() -> None:
    model = load_region_model()
    regencies = model.by_code()
    probabilities = dict(zip(model.codes.tolist(), model.probabilities().tolist(), strict=True))
    assert max(probabilities, key=probabilities.__getitem__) == "3212"  # Indramayu
    assert probabilities["3209"] > probabilities["3274"]  # Kab. Cirebon far above Kota Cirebon
    assert set(TOP_REGENCIES) <= {r.name for r in model.regencies}
    assert set(LTSA_OPENED) <= {r.name for r in model.regencies}
    assert ltsa_office(regencies["3212"], 2017) == ""
    assert ltsa_office(regencies["3212"], 2019) == "LTSA KAB. INDRAMAYU"
    assert ltsa_office(regencies["3506"], 2020) == "LTSA PROV. JAWA TIMUR"  # Kediri: no own LTSA


def test_region_table_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="region reference table"):
        load_region_model(tmp_path / "missing.csv")
    wrong = tmp_path / "regions.csv"
    wrong.write_text("kode,nama\n3212,INDRAMAYU\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        load_region_model(wrong)


def test_zero_people_is_refused(tmp_path: Path) -> None:
    from linkage.synth import generate

    with pytest.raises(ValueError, match="at least 1"):
        generate(0, 1, tmp_path)


@pytest.mark.parametrize(
    ("person", "other", "female", "expected"),
    [
        ("KEPALA KELUARGA", "ISTRI", True, "ISTRI"),
        ("ISTRI", "KEPALA KELUARGA", False, "SUAMI"),
        ("ANAK", "KEPALA KELUARGA", False, "AYAH"),
        ("ANAK", "ISTRI", True, "IBU"),
        ("KEPALA KELUARGA", "ANAK", True, "ANAK"),
        ("ANAK", "ANAK", False, "SAUDARA"),
        ("ISTRI", "ORANG TUA", True, "MERTUA"),
        ("KEPALA KELUARGA", "ORANG TUA", True, "IBU"),
        ("ORANG TUA", "ISTRI", True, "MENANTU"),
        ("ORANG TUA", "ANAK", False, "CUCU"),
        ("ANAK", "ORANG TUA", True, "NENEK"),
    ],
)
def test_kinship_from_family_card_roles(person: str, other: str, female: bool, expected: str) -> None:
    assert kinship(person, other, female) == expected
