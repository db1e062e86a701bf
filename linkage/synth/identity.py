"""Identity numbers as Indonesian documents write them: NIK, KK number, passport, phone.

All functions are vectorised over numpy arrays so a million people take seconds, not minutes.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np
import pandas as pd
import phonenumbers

# Common mobile operator prefixes (Telkomsel, Indosat, XL, Tri, Smartfren); portability makes them
# only a hint, which is why they are used for realism, not meaning.
ID_MOBILE_PREFIXES: Final = (
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0823",
    "0852",
    "0853",
    "0855",
    "0856",
    "0857",
    "0858",
    "0817",
    "0818",
    "0819",
    "0877",
    "0878",
    "0895",
    "0896",
    "0897",
    "0881",
    "0882",
)
# Host-country SIMs of workers abroad: calling code, leading digits, number length after the code.
FOREIGN_MOBILE: Final = {
    "HK": ("+852", ("5", "6", "9"), 8),
    "TW": ("+886", ("9",), 9),
    "MY": ("+60", ("12", "13", "16", "17", "19"), 9),
    "SG": ("+65", ("8", "9"), 8),
    "SA": ("+966", ("5",), 9),
    "KR": ("+82", ("10",), 10),
    "JP": ("+81", ("80", "90"), 10),
    "BN": ("+673", ("7", "8"), 7),
    "AE": ("+971", ("5",), 9),
    "QA": ("+974", ("3", "5", "6"), 8),
    "OM": ("+968", ("9",), 8),
    "IT": ("+39", ("3",), 10),
    "TR": ("+90", ("5",), 10),
}
PASSPORT_SERIES: Final = ("A", "B", "C", "X", "E")
PASSPORT_SERIES_WEIGHTS: Final = (0.2, 0.35, 0.3, 0.05, 0.1)


def zero_padded(values: np.ndarray, width: int) -> np.ndarray:
    """Integers as fixed-width digit strings (works on empty arrays, unlike ``np.char.zfill``)."""
    if values.size == 0:  # numpy's zfill cannot size an empty array
        return np.array([], dtype=f"<U{width}")
    return np.char.zfill(values.astype(np.int64).astype(str), width)


def ddmmyy(dates: np.ndarray, female: np.ndarray | None = None) -> np.ndarray:
    """DDMMYY strings; with ``female`` the NIK convention adds 40 to a woman's day."""
    stamp = pd.DatetimeIndex(dates)
    day = stamp.day.to_numpy()
    if female is not None:
        day = day + 40 * female.astype(int)
    return np.char.add(
        np.char.add(zero_padded(day, 2), zero_padded(stamp.month.to_numpy(), 2)),
        zero_padded(stamp.year.to_numpy() % 100, 2),
    )


def serials(keys: np.ndarray) -> np.ndarray:
    """1, 2, 3… within each key, in array order: the 4-digit serial that makes a NIK/KK unique."""
    return pd.Series(keys).groupby(keys, sort=False).cumcount().to_numpy() + 1


def nik_numbers(kecamatan_prefix: np.ndarray, birth: np.ndarray, female: np.ndarray) -> np.ndarray:
    """16-digit NIKs: 6-digit kecamatan prefix, birth DDMMYY (+40 for women), 4-digit serial."""
    head = np.char.add(kecamatan_prefix, ddmmyy(birth, female))
    return np.char.add(head, zero_padded(serials(head), 4))


def kk_numbers(kecamatan_prefix: np.ndarray, registered: np.ndarray) -> np.ndarray:
    """16-digit family-card numbers: issuing kecamatan, registration DDMMYY, family serial."""
    head = np.char.add(kecamatan_prefix, ddmmyy(registered))
    return np.char.add(head, zero_padded(serials(head), 4))


def passport_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    """Unique passport numbers, one letter and seven digits ("B 1234567" without the space)."""
    letters = rng.choice(np.array(PASSPORT_SERIES), size=count, p=np.array(PASSPORT_SERIES_WEIGHTS))
    numbers = rng.choice(9_000_000, size=count, replace=False) + 1_000_000
    return np.char.add(letters, numbers.astype(str))


def indonesian_mobiles(rng: np.random.Generator, count: int) -> np.ndarray:
    """Indonesian mobile numbers as people write them at home: 08xx + 7–9 digits."""
    prefixes = rng.choice(np.array(ID_MOBILE_PREFIXES), size=count)
    lengths = rng.integers(7, 10, size=count)
    body = rng.integers(0, 10**9, size=count)
    text = zero_padded(body, 9)
    cut = np.array([t[:n] for t, n in zip(text.tolist(), lengths.tolist(), strict=True)], dtype=str)
    return np.char.add(prefixes, cut)


@cache
def _valid_blocks(country: str) -> tuple[str, ...]:
    """Three-digit number blocks libphonenumber accepts as mobile for ``country``.

    Operators hold only parts of each range, so blocks are probed once (with fixed sample numbers)
    instead of trusting the leading digit alone; every generated number then validates.
    """
    code, starts, length = FOREIGN_MOBILE[country]
    probe = np.random.default_rng(0)
    blocks = []
    for start in starts:
        for rest in range(10 ** (3 - len(start))):
            block = start + str(rest).zfill(3 - len(start))
            samples = (
                block + str(int(x)).zfill(length - 3) for x in probe.integers(0, 10 ** (length - 3), 4)
            )
            if all(phonenumbers.is_valid_number(phonenumbers.parse(code + s)) for s in samples):
                blocks.append(block)
    return tuple(blocks)


def foreign_mobiles(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """A host-country SIM per worker abroad, in international format; "" for unknown countries."""
    out = np.full(len(countries), "", dtype=object)
    for country, (code, _, length) in FOREIGN_MOBILE.items():
        mask = countries == country
        n = int(mask.sum())
        if not n:
            continue
        block = rng.choice(np.array(_valid_blocks(country)), size=n)
        body = zero_padded(rng.integers(0, 10 ** (length - 3), size=n), length - 3)
        out[mask] = np.char.add(np.char.add(code, block), body)
    return out.astype(str)
