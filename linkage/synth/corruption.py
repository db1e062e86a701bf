"""Errors real silos show, applied at per-silo rates.

Every function takes one value and a ``random.Random`` and returns the damaged value; :class:`Noise`
applies them to whole columns at the silo's rates, choosing rows with numpy so a million rows stay fast.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

_KEYBOARD: Final = {
    "A": "QSZ",
    "B": "VGN",
    "C": "XDV",
    "D": "SFE",
    "E": "WRD",
    "F": "DGR",
    "G": "FHT",
    "H": "GJY",
    "I": "UOK",
    "J": "HKU",
    "K": "JLI",
    "L": "KO",
    "M": "NJ",
    "N": "BMH",
    "O": "IPL",
    "P": "OL",
    "Q": "WA",
    "R": "ETF",
    "S": "ADW",
    "T": "RYG",
    "U": "YIJ",
    "V": "CBF",
    "W": "QES",
    "X": "ZC",
    "Y": "TUH",
    "Z": "XA",
}
_OCR_DIGITS: Final = {"1": "7", "7": "1", "0": "8", "8": "0", "5": "6", "6": "5"}
# Modern (EYD) spelling → the pre-1972 spelling people kept in their names.
_OLD_SPELLING: Final = (
    ("U", "OE"),
    ("J", "DJ"),
    ("C", "TJ"),
    ("Y", "J"),
    ("NY", "NJ"),
    ("SY", "SJ"),
    ("KH", "CH"),
)
_VARIANTS: Final = {
    "MUHAMMAD": ("MOCH.", "MOH.", "M.", "MUHAMAD", "MOCHAMAD", "MOHAMMAD", "MUH."),
    "AHMAD": ("ACHMAD", "AKHMAD", "AHMAD"),
    "ABDUL": ("ABD.", "ABDOEL"),
    "NUR": ("NOOR", "NURUL"),
    "SITI": ("SITTI", "ST."),
    "SRI": ("SRI",),
    "KHOIRUL": ("CHOIRUL",),
    "NURHAYATI": ("NUR HAYATI",),
    "YUSUF": ("JUSUF",),
}


def typo(value: str, rnd: random.Random) -> str:
    """A keyboard slip: neighbour key, dropped, doubled or swapped letter."""
    if len(value) < 3:
        return value
    i = rnd.randrange(len(value) - 1)
    kind = rnd.randrange(4)
    char = value[i]
    if kind == 0 and char in _KEYBOARD:
        return value[:i] + rnd.choice(_KEYBOARD[char]) + value[i + 1 :]
    if kind == 1 and char != " ":
        return value[:i] + value[i + 1 :]
    if kind == 2 and char != " ":
        return value[:i] + char + value[i:]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def old_spelling(value: str, rnd: random.Random) -> str:
    """Write one syllable the pre-EYD way (Joko → Djoko, Cahyono → Tjahjono, Sukarno → Soekarno)."""
    rules = [r for r in _OLD_SPELLING if r[0] in value]
    if not rules:
        return value
    modern, old = rnd.choice(rules)
    return value.replace(modern, old, 1) if modern != "Y" else value.replace("Y", "J")


def name_variant(value: str, rnd: random.Random) -> str:
    """Another accepted spelling or abbreviation of a common token (Muhammad → Moch.)."""
    tokens = value.split()
    hits = [i for i, t in enumerate(tokens) if t in _VARIANTS]
    if not hits:
        return value
    i = rnd.choice(hits)
    tokens[i] = rnd.choice(_VARIANTS[tokens[i]])
    return " ".join(tokens)


def with_title(value: str, female: bool, rnd: random.Random) -> str:
    if rnd.random() < 0.75:
        return ("HJ. " if female else "H. ") + value
    return value + rnd.choice((", S.PD", ", S.E", ", AMD"))


def with_alias(value: str, nickname: str, rnd: random.Random) -> str:
    return f"{value} ALS {nickname}" if rnd.random() < 0.6 else f"{value} ({nickname})"


def toggle_patronymic(value: str, female: bool, father: str) -> str:
    """Add "bin/binti <father>" or drop it — passports add it, village forms drop it."""
    for marker in (" BINTI ", " BIN "):
        if marker in value:
            return value.split(marker)[0]
    return f"{value} {'BINTI' if female else 'BIN'} {father}"


def swap_tokens(value: str) -> str:
    tokens = value.split()
    return " ".join([*tokens[1:], tokens[0]]) if len(tokens) > 1 else value


def drop_middle(value: str, rnd: random.Random) -> str:
    tokens = value.split()
    if len(tokens) < 3:
        return value
    del tokens[rnd.randrange(1, len(tokens) - 1)]
    return " ".join(tokens)


def swap_day_month(iso: str) -> str:
    """Day and month exchanged, as happens between DD/MM and MM/DD forms (only when still a date)."""
    year, month, day = iso.split("-")
    return f"{year}-{day}-{month}" if int(day) <= 12 and day != month else iso


def nik_error(nik: str, kk_number: str, female: bool, rnd: random.Random) -> str:
    """One of the NIK slips linkage must survive."""
    kind = rnd.randrange(6)
    if kind == 0:  # adjacent digits transposed
        i = rnd.randrange(15)
        return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    if kind == 1 and female:  # the +40 for women forgotten
        return nik[:6] + f"{int(nik[6:8]) - 40:02d}" + nik[8:]
    if kind == 2:  # a digit lost
        i = rnd.randrange(16)
        return nik[:i] + nik[i + 1 :]
    if kind == 3:  # a digit typed twice
        i = rnd.randrange(16)
        return nik[:i] + nik[i] + nik[i:]
    if kind == 4 and kk_number:  # the family-card number typed into the NIK box
        return kk_number
    i = rnd.randrange(16)
    return nik[:i] + _OCR_DIGITS.get(nik[i], nik[i]) + nik[i + 1 :]


def excel_scientific(nik: str) -> str:
    """What a 16-digit number becomes after a round trip through a spreadsheet: 3.20113E+15."""
    return f"{float(nik):.5E}" if nik.isdigit() else nik


@dataclass(frozen=True)
class NameNoise:
    """Per-row probabilities of each name error in one silo."""

    typo: float = 0.0
    old_spelling: float = 0.0
    variant: float = 0.0
    title: float = 0.0
    alias: float = 0.0
    patronymic: float = 0.0
    swap: float = 0.0
    drop_middle: float = 0.0


@dataclass(frozen=True)
class Noise:
    """The error model of one silo; ``apply_*`` damage whole columns deterministically."""

    names: NameNoise
    date_swap: float = 0.0
    nik_error: float = 0.0
    missing: float = 0.0  # blank optional fields (phone, address, mother's name...)
    missing_nik: float = 0.0
    duplicate: float = 0.0  # the same person registered twice

    def pick(self, rng: np.random.Generator, count: int, rate: float) -> np.ndarray:
        return np.flatnonzero(rng.random(count) < rate)

    def apply_names(
        self,
        rng: np.random.Generator,
        rnd: random.Random,
        names: Sequence[str],
        female: Sequence[bool],
        fathers: Sequence[str],
        nicknames: Sequence[str],
    ) -> list[str]:
        out = list(names)
        n = len(out)
        rates = self.names
        steps: list[tuple[float, Callable[[int], str]]] = [
            (rates.variant, lambda i: name_variant(out[i], rnd)),
            (rates.patronymic, lambda i: toggle_patronymic(out[i], female[i], fathers[i])),
            (rates.drop_middle, lambda i: drop_middle(out[i], rnd)),
            (rates.swap, lambda i: swap_tokens(out[i])),
            (rates.old_spelling, lambda i: old_spelling(out[i], rnd)),
            (rates.typo, lambda i: typo(out[i], rnd)),
            (rates.title, lambda i: with_title(out[i], female[i], rnd)),
            (rates.alias, lambda i: with_alias(out[i], nicknames[i], rnd)),
        ]
        for rate, damage in steps:
            for i in self.pick(rng, n, rate).tolist():
                out[i] = damage(i)
        return out

    def apply_dates(self, rng: np.random.Generator, isos: Sequence[str]) -> list[str]:
        out = list(isos)
        for i in self.pick(rng, len(out), self.date_swap).tolist():
            if out[i]:
                out[i] = swap_day_month(out[i])
        return out

    def apply_niks(
        self,
        rng: np.random.Generator,
        rnd: random.Random,
        niks: Sequence[str],
        kk_numbers: Sequence[str],
        female: Sequence[bool],
    ) -> list[str]:
        out = list(niks)
        for i in self.pick(rng, len(out), self.nik_error).tolist():
            out[i] = nik_error(out[i], kk_numbers[i], female[i], rnd)
        for i in self.pick(rng, len(out), self.missing_nik).tolist():
            out[i] = ""
        return out

    def blank(self, rng: np.random.Generator, values: Sequence[str]) -> list[str]:
        out = list(values)
        for i in self.pick(rng, len(out), self.missing).tolist():
            out[i] = ""
        return out
