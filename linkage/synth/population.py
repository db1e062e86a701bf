"""People and their families (family cards, KK), drawn over the sending regions.

A family is one KK: a head, usually a spouse, children and sometimes a parent of the head living in.
Everything numeric is vectorised; only names are composed per person (they are short strings).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from . import identity
from .names import BATAK_MARGA, PATRONYMIC_TRADITIONS, Tradition, first_token, given_name, with_clan
from .regions import RegionModel, tradition_weights

REFERENCE_DATE: Final = np.datetime64("2025-06-30")  # "today" of the synthetic world
FAMILY_SIZES: Final = (1, 2, 3, 4, 5, 6, 7)
FAMILY_SIZE_P: Final = (0.05, 0.15, 0.25, 0.27, 0.16, 0.08, 0.04)
SPOUSE_SHARE: Final = 0.9
PARENT_SHARE: Final = 0.12  # a widowed parent of the head living in, on the same card
TWIN_SHARE: Final = 0.03
REGISTERED_PATRONYMIC_SHARE: Final = 0.04  # names registered with "bin/binti <father>" on the KK
SAME_NAME_SHARE: Final = 0.01  # adults given another adult's name and birth year elsewhere

HEAD, SPOUSE, CHILD, PARENT = "KEPALA KELUARGA", "ISTRI", "ANAK", "ORANG TUA"
_VILLAGE_HEADS: Final = (
    "SUMBER",
    "KARANG",
    "KEDUNG",
    "TEGAL",
    "WONO",
    "SIDO",
    "BANYU",
    "PAGER",
    "CI",
    "SUKA",
)
_VILLAGE_TAILS: Final = ("REJO", "SARI", "MULYO", "HARJO", "JAYA", "ASRI", "WANGI", "MAKMUR", "AGUNG", "LOR")


@dataclass(frozen=True)
class Population:
    people: pd.DataFrame  # one row per true person
    families: pd.DataFrame  # one row per family card
    hard_negatives: pd.DataFrame  # person_a, person_b, kind


def ages(birth: np.ndarray | pd.Series) -> np.ndarray:
    """Age in years on the reference date."""
    days = (REFERENCE_DATE - np.asarray(birth, dtype="datetime64[D]")).astype(int)
    return days / 365.25


def _years(values: np.ndarray) -> np.ndarray:
    return (values * 365.25).astype("timedelta64[D]")


def _family_layout(rng: np.random.Generator, people: int) -> pd.DataFrame:
    sizes = rng.choice(np.array(FAMILY_SIZES), size=people // 2 + 2, p=np.array(FAMILY_SIZE_P))
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), people)) + 1]
    sizes[-1] -= int(sizes.sum()) - people  # the last family is cut to hit the exact head count
    family = np.repeat(np.arange(len(sizes)), sizes)
    position = np.arange(people) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    size = np.repeat(sizes, sizes)
    has_spouse = np.repeat(rng.random(len(sizes)) < SPOUSE_SHARE, sizes)
    has_parent = np.repeat(rng.random(len(sizes)) < PARENT_SHARE, sizes) & (size >= 3)
    role = np.full(people, CHILD, dtype=object)
    role[position == 0] = HEAD
    role[(position == 1) & has_spouse] = SPOUSE
    role[has_parent & (position == size - 1)] = PARENT
    first_child = np.where(has_spouse, 2, 1)
    return pd.DataFrame(
        {
            "family_id": family,
            "position": position,
            "family_role": role,
            "child_index": position - first_child,
        }
    )


def _sexes(rng: np.random.Generator, layout: pd.DataFrame) -> np.ndarray:
    role = layout["family_role"].to_numpy()
    head_female = rng.random(len(role)) < 0.12
    family_head_female = head_female[layout.groupby("family_id")["position"].transform("idxmin").to_numpy()]
    female = rng.random(len(role)) < 0.5
    female[role == HEAD] = family_head_female[role == HEAD]
    female[role == SPOUSE] = ~family_head_female[role == SPOUSE]
    female[role == PARENT] = rng.random(int((role == PARENT).sum())) < 0.7
    return female


def _birth_dates(rng: np.random.Generator, layout: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    n = len(layout)
    role = layout["family_role"].to_numpy()
    head_row = layout.groupby("family_id")["position"].transform("idxmin").to_numpy()
    head_birth = REFERENCE_DATE - _years(rng.uniform(28, 62, n)[head_row])
    birth = head_birth.copy()
    spouse = role == SPOUSE
    birth[spouse] = head_birth[spouse] + _years(rng.normal(2.5, 3.0, int(spouse.sum())))
    parent = role == PARENT
    birth[parent] = head_birth[parent] - _years(rng.uniform(20, 32, int(parent.sum())))
    child = role == CHILD
    spacing = np.where(child, rng.uniform(1.5, 5.0, n), 0.0)
    offset = pd.Series(spacing).groupby(layout["family_id"]).cumsum().to_numpy()
    birth[child] = head_birth[child] + _years(rng.uniform(21, 28, n)[head_row][child] + offset[child])
    too_late = child & (birth > REFERENCE_DATE - np.timedelta64(30, "D"))
    birth[too_late] = REFERENCE_DATE - rng.integers(30, 900, int(too_late.sum())).astype("timedelta64[D]")
    previous_child = (
        np.r_[False, child[:-1]]
        & np.r_[False, layout["family_id"].to_numpy()[1:] == layout["family_id"].to_numpy()[:-1]]
    )
    twin = child & previous_child & (rng.random(n) < TWIN_SHARE)
    twin &= ~np.r_[False, twin[:-1]]  # no triplets: a twin's partner is never itself a copy
    rows = np.flatnonzero(twin)
    birth[rows] = birth[rows - 1]
    return birth.astype("datetime64[D]"), twin


def _village_names(rng: np.random.Generator, count: int) -> np.ndarray:
    return np.char.add(
        rng.choice(np.array(_VILLAGE_HEADS), count), rng.choice(np.array(_VILLAGE_TAILS), count)
    )


def _families(rng: np.random.Generator, regions: RegionModel, count: int) -> pd.DataFrame:
    codes = regions.codes
    index = rng.choice(len(codes), size=count, p=regions.probabilities())
    kecamatan_count = np.array([r.kecamatan_count for r in regions.regencies])[index]
    kecamatan = rng.integers(1, kecamatan_count + 1)
    prefix = np.char.add(codes[index], identity.zero_padded(kecamatan, 2))
    registered = np.datetime64("2010-01-01") + rng.integers(0, 5478, count).astype("timedelta64[D]")
    village, hamlet = _village_names(rng, count), _village_names(rng, count)
    rt, rw = rng.integers(1, 15, count), rng.integers(1, 9, count)
    address = [
        f"DUSUN {h} RT {a:03d} RW {b:03d} DESA {v}"
        for h, a, b, v in zip(hamlet.tolist(), rt.tolist(), rw.tolist(), village.tolist(), strict=True)
    ]
    phone = identity.indonesian_mobiles(rng, count).astype(object)
    phone[rng.random(count) < 0.15] = ""
    return pd.DataFrame(
        {
            "family_id": np.arange(count),
            "regency_code": codes[index],
            "kecamatan_prefix": prefix,
            "kk_number": identity.kk_numbers(prefix, registered),
            "registered": registered,
            "village": village,
            "address": address,
            "family_phone": phone,
        }
    )


def _traditions(rnd: random.Random, regency_codes: list[str]) -> list[Tradition]:
    out = []
    for code in regency_codes:
        options = tradition_weights(code)
        out.append(rnd.choices([t for t, _ in options], [w for _, w in options])[0])
    return out


def _names(rnd: random.Random, people: pd.DataFrame, families: pd.DataFrame) -> None:
    """Full, mother's and father's names; children follow their parents' names and clan."""
    traditions = _traditions(rnd, families["regency_code"].tolist())
    noble = [rnd.random() < 0.1 for _ in traditions]
    clans = [rnd.choice(BATAK_MARGA) for _ in traditions]
    full: list[str] = []
    mother: list[str] = []
    father: list[str] = []
    family_mother: dict[int, str] = {}
    family_father: dict[int, str] = {}
    for fam, role, female, order in zip(
        people["family_id"].tolist(),
        people["family_role"].tolist(),
        people["female"].tolist(),
        people["child_index"].tolist(),
        strict=True,
    ):
        tradition = traditions[fam]
        birth_order = order if role == CHILD else rnd.randrange(4)
        name = given_name(rnd, tradition, female, birth_order, noble[fam])
        clan = clans[fam] if role in (HEAD, CHILD) else rnd.choice(BATAK_MARGA)
        name = with_clan(name, tradition, clan)
        own_mother = given_name(rnd, tradition, True, rnd.randrange(4), noble[fam])
        own_father = given_name(rnd, tradition, False, rnd.randrange(4), noble[fam])
        if role == CHILD:
            own_mother = family_mother.get(fam, own_mother)
            own_father = family_father.get(fam, own_father)
            while full and name == full[-1]:  # twins and siblings never share a given name on one card
                name = with_clan(
                    given_name(rnd, tradition, female, birth_order + 1, noble[fam]), tradition, clan
                )
        if tradition in PATRONYMIC_TRADITIONS and rnd.random() < REGISTERED_PATRONYMIC_SHARE:
            name = f"{name} {'BINTI' if female else 'BIN'} {first_token(own_father)}"
        if role in (HEAD, SPOUSE):
            (family_mother if female else family_father)[fam] = name
        full.append(name)
        mother.append(own_mother)
        father.append(first_token(own_father))
    people["tradition"] = [int(traditions[f]) for f in people["family_id"].tolist()]
    people["full_name"] = full
    people["mother_name"] = mother
    people["father_name"] = father


_COUPLE: Final = frozenset({HEAD, SPOUSE, "SUAMI"})


def kinship(person_role: str, other_role: str, other_female: bool) -> str:
    """What another member of a family card is to a person (ISTRI, AYAH, MERTUA, ...), from card roles."""
    parent, grandparent = ("IBU", "NENEK") if other_female else ("AYAH", "KAKEK")
    if person_role in _COUPLE and other_role in _COUPLE:
        return "ISTRI" if other_female else "SUAMI"
    if other_role == CHILD:
        return "SAUDARA" if person_role == CHILD else ("CUCU" if person_role == PARENT else "ANAK")
    if person_role == CHILD:
        return grandparent if other_role == PARENT else parent
    if other_role == PARENT:  # the head's parent: the head's own, the spouse's in-law
        return parent if person_role == HEAD else "MERTUA"
    return "MENANTU" if other_role in (SPOUSE, "SUAMI") else "ANAK"


def _same_name_pairs(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Hard negatives: an adult elsewhere gets another adult's name and birth year (not their day)."""
    age = ages(people["birth_date"])
    adult = (age >= 18) & (age <= 50)
    regency = people["regency_code"].to_numpy()
    pairs = []
    for female in (True, False):  # namesakes share sex, as "SITI AMINAH" and "SITI AMINAH" do
        group = np.flatnonzero(adult & (people["female"].to_numpy() == female))
        count = int(len(group) * SAME_NAME_SHARE) // 2 * 2
        chosen = rng.choice(group, size=count, replace=False)
        pairs.append(chosen.reshape(2, -1))
    source, target = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
    keep = regency[source] != regency[target]
    source, target = source[keep], target[keep]
    names = people["full_name"].to_numpy().copy()
    names[target] = names[source]
    people["full_name"] = names
    # Same birth year as the namesake, own day and month (29 Feb becomes 28 Feb in a common year).
    births = np.asarray(people["birth_date"].to_numpy(), dtype="datetime64[D]").copy()
    month_day = [iso[4:] for iso in np.datetime_as_string(births[target]).tolist()]
    years = np.datetime_as_string(births[source].astype("datetime64[Y]")).tolist()
    births[target] = np.array(
        [f"{y}{md}".replace("-02-29", "-02-28") for y, md in zip(years, month_day, strict=True)],
        dtype="datetime64[D]",
    )
    people["birth_date"] = births
    ids = people["person_id"].to_numpy()
    return pd.DataFrame({"person_a": ids[source], "person_b": ids[target], "kind": "same_name_birth_year"})


def generate_population(
    rng: np.random.Generator, rnd: random.Random, regions: RegionModel, people: int
) -> Population:
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    layout = _family_layout(rng, people)
    families = _families(rng, regions, int(layout["family_id"].max()) + 1)
    layout["female"] = _sexes(rng, layout)
    layout["birth_date"], twin = _birth_dates(rng, layout)
    layout["person_id"] = np.char.add("P", np.char.zfill(np.arange(1, people + 1).astype(str), 7))
    fam = layout["family_id"].to_numpy()
    layout["regency_code"] = families["regency_code"].to_numpy()[fam]
    _names(rnd, layout, families)
    negatives = _same_name_pairs(rng, layout)
    # Spouses and parents who married or moved in keep the NIK of their first registration.
    prefix = families["kecamatan_prefix"].to_numpy()[fam].astype("<U6")
    moved_in = (layout["family_role"].to_numpy() != CHILD) & (layout["position"].to_numpy() > 0)
    moved_in &= rng.random(people) < 0.3
    other_kec = identity.zero_padded(rng.integers(1, 8, int(moved_in.sum())), 2)
    prefix[moved_in] = np.char.add(prefix[moved_in].astype("<U4"), other_kec)
    layout["nik"] = identity.nik_numbers(prefix, layout["birth_date"].to_numpy(), layout["female"].to_numpy())
    layout["sex"] = np.where(layout["female"], "P", "L")
    layout.loc[(layout["family_role"] == SPOUSE) & ~layout["female"], "family_role"] = "SUAMI"
    twins = np.flatnonzero(twin)
    ids = layout["person_id"].to_numpy()
    twin_pairs = pd.DataFrame({"person_a": ids[twins - 1], "person_b": ids[twins], "kind": "twins"})
    return Population(layout, families, pd.concat([negatives, twin_pairs], ignore_index=True))
