"""Personal names: case, spacing and punctuation; titles, aliases and patronymics split out.

``parse_name("H. MOCH. DJOKO SANTOSO, S.Pd. als JOKO")`` gives
  display ``MOCH DJOKO SANTOSO`` (the name as the person spells it, without titles or aliases, ICAO-style
  without punctuation — what a passport would say),
  tokens ``MUHAMMAD DJOKO SANTOSO`` (Muhammad variants made one token; no patronymic),
  key ``MUHAMAD YOKO SANTOSO`` (see :mod:`.phonetic`), titles ``H``, ``S.PD``, aliases ``JOKO``.

A trailing ``bin``/``binti`` part is kept in the display name (it is part of the name on a passport)
but moved out of the tokens into ``father_name``: "SITI AMINAH" and "SITI AMINAH BINTI KARTO" are the
same person, often on two documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .phonetic import name_key
from .text import fold, is_missing

# Religious, honorific and academic titles written before the name (dots removed).
PREFIX_TITLES: Final = frozenset(
    {
        "H",
        "HJ",
        "HAJI",
        "HAJJAH",
        "HAJAH",
        "KH",
        "KYAI",
        "UST",
        "USTADZ",
        "USTAZ",
        "USTADZAH",
        "USTAZAH",
        "IR",
        "DRS",
        "DRA",
        "DR",
        "DRG",
        "PROF",
        "RADEN",
        "RA",
        "RR",
        "TN",
        "NY",
        "NN",
        "SDR",
        "SDRI",
        "BPK",
        "BAPAK",
        "PAK",  # spoken forms of BAPAK / IBU: a relative at a complaint desk says "Bu Sumi", "Pak Karto"
        "IBU",
        "BU",
        "ALM",
        "ALMH",
        "ALMARHUM",
        "ALMARHUMAH",
    }
)
# Academic degrees, dots removed. After a comma any of them (and anything shaped like a dotted degree) is
# a degree; at the end of the name without a comma only when written with dots or at least 3 letters long,
# because "SE", "SH", "MA" could also be part of a name.
DEGREES: Final = frozenset(
    {
        "SPD",
        "SPDI",
        "SE",
        "SH",
        "SHI",
        "ST",
        "SS",
        "SP",
        "SSI",
        "SSOS",
        "SAG",
        "SIP",
        "SKOM",
        "SKM",
        "SKEP",
        "SKED",
        "SFARM",
        "SPSI",
        "SAK",
        "STP",
        "SPT",
        "SIKOM",
        "SAP",
        "STH",
        "STHI",
        "SHUT",
        "SSTP",
        "AMD",
        "AMDKEB",
        "AMDKEP",
        "AMK",
        "AMKEB",
        "AMA",
        "AMAPD",
        "MPD",
        "MSI",
        "MM",
        "MT",
        "MH",
        "MAG",
        "MKES",
        "MKOM",
        "MSC",
        "MBA",
        "MA",
        "PHD",
        "BSC",
        "BA",
        "NERS",
        "APT",
        "SPA",
        "SPOG",
        "SPPD",
        "SPB",
    }
)
# "S.Pd.", "A.Md.Kep", "M.Si", "S.Pd.I": 1–2 letters followed by short dotted parts.
_DOTTED_DEGREE = re.compile(r"^[A-Z]{1,2}(?:\.[A-Z]{1,4})+\.?$")
PATRONYMIC_MARKERS: Final = frozenset({"BIN", "BINTI", "BT", "BINT", "BTE"})
ALIAS_MARKERS: Final = frozenset({"ALS", "ALIAS", "AL", "AKA"})
MUHAMMAD: Final = "MUHAMMAD"
MUHAMMAD_VARIANTS: Final = frozenset(
    {
        "MUHAMMAD",
        "MUHAMAD",
        "MUHAMMED",
        "MUHAMED",
        "MUHAMMAT",
        "MUHAMAT",
        "MOHAMMAD",
        "MOHAMAD",
        "MOHAMMED",
        "MOHAMED",
        "MOCHAMMAD",
        "MOCHAMAD",
        "MOCHAMED",
        "MUCHAMMAD",
        "MUCHAMAD",
        "MUKHAMMAD",
        "MUKHAMAD",
        "MOKHAMMAD",
        "MOKHAMAD",
        "MOEHAMMAD",
        "MOEHAMAD",
        "MUHHAMAD",
        "MOCH",
        "MOH",
        "MOHD",
        "MUH",
        "MUHD",
        "MUCH",
        "MHD",
        "MHMD",
    }
)
# Other abbreviations and old spellings of frequent Arabic-origin name tokens.
TOKEN_VARIANTS: Final = {"ABD": "ABDUL", "ABDOEL": "ABDUL", "ABDUL": "ABDUL"}
# Tokens so common that agreeing on them says little about identity: Balinese birth-order names and
# gender markers, caste prefixes, and the most frequent given-name tokens. Comparison down-weights them.
LOW_INFORMATION_TOKENS: Final = frozenset(
    {
        "I",
        "NI",
        "LUH",
        "WAYAN",
        "GEDE",
        "PUTU",
        "MADE",
        "KADEK",
        "NENGAH",
        "NYOMAN",
        "KOMANG",
        "KETUT",
        "IDA",
        "BAGUS",
        "AYU",
        "ANAK",
        "AGUNG",
        "GUSTI",
        "DEWA",
        "DESAK",
        "COKORDA",
        "SITI",
        "SRI",
        "NUR",
        "NURUL",
        "NOOR",
        "DEWI",
        "PUTRI",
        "MUHAMMAD",
        "AHMAD",
        "ABDUL",
        "EKA",
        "DWI",
        "TRI",
    }
)

_PARENTHESES = re.compile(r"\(([^)]*)\)?")
_ALIAS_SPLIT = re.compile(r"\s+(?:ALS|ALIAS|AKA)\.?\s+|\s*[@/]\s*")
# Everything that is not a letter, digit, dot, comma, apostrophe or space becomes a space.
_PUNCTUATION = re.compile(r"[^A-Z0-9.,' ]")
_APOSTROPHES = re.compile(r"['`‘’]")


@dataclass(frozen=True)
class ParsedName:
    display: str = ""
    tokens: tuple[str, ...] = ()
    key: str = ""
    titles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    father_name: str = ""
    issues: tuple[str, ...] = ()


def is_low_information(token: str) -> bool:
    return token in LOW_INFORMATION_TOKENS


def parse_name(raw: str) -> ParsedName:
    if is_missing(raw):
        return ParsedName()
    text = _APOSTROPHES.sub("", fold(raw))
    text, found_aliases = _split_aliases(text)
    # "KARTINI (ALM)": a title in parentheses is not another name.
    aliases = tuple(a for a in found_aliases if a not in PREFIX_TITLES)
    alias_titles = tuple(a for a in found_aliases if a in PREFIX_TITLES)
    name_part, *after_comma = text.split(",")
    # After a comma come degrees ("…, S.PD., M.M") or, now and then, more of the name.
    degrees = [_compact(part) for part in after_comma if _is_degree(_compact(part))]
    rest = [part for part in after_comma if not _is_degree(_compact(part))]
    words = _PUNCTUATION.sub(" ", " ".join([name_part, *rest])).split()
    words, suffix_titles = _peel_trailing_degrees(words)
    tokens = [t for word in words for t in word.split(".") if t]
    tokens, prefix_titles = _peel_prefix_titles(tokens)
    given, father = _split_patronymic(tokens)
    titles = (*prefix_titles, *suffix_titles, *degrees, *alias_titles)
    issues = () if given else ("no_name",)
    display = " ".join(tokens)
    aliases = tuple(dict.fromkeys(a for a in aliases if a != display))  # "WATI (WATI)" adds nothing
    canonical = _canonical_tokens(given)
    return ParsedName(display, canonical, name_key(canonical), titles, aliases, father, issues)


def _compact(part: str) -> str:
    return part.replace(" ", "").strip(".").upper()


def _is_degree(part: str) -> bool:
    return part.replace(".", "") in DEGREES or bool(_DOTTED_DEGREE.match(part))


def _split_aliases(text: str) -> tuple[str, tuple[str, ...]]:
    """Split "BUDI ALS ANTO", "BUDI (ANTO)", "BUDI @ ANTO", "BUDI / ANTO" into the name and its aliases."""
    aliases = [m.strip() for m in _PARENTHESES.findall(text)]
    text = _PARENTHESES.sub(" ", text)
    first, *others = _ALIAS_SPLIT.split(text)
    aliases.extend(others)
    cleaned = (" ".join(_PUNCTUATION.sub(" ", a.replace(".", " ")).split()) for a in aliases)
    return first, tuple(a for a in cleaned if a)


def _peel_trailing_degrees(words: list[str]) -> tuple[list[str], list[str]]:
    """Remove degrees standing after the name without a comma ("DJOKO S.PD", "YULI AMDKEB")."""
    degrees: list[str] = []
    while len(words) > 1 and _is_trailing_degree(words[-1]):
        degrees.insert(0, words.pop().strip("."))
    return words, degrees


def _is_trailing_degree(word: str) -> bool:
    compact = word.replace(".", "")
    return compact in DEGREES and ("." in word or len(compact) >= 3)


def _peel_prefix_titles(tokens: list[str]) -> tuple[list[str], list[str]]:
    titles: list[str] = []
    while len(tokens) > 1 and tokens[0] in PREFIX_TITLES:
        titles.append(tokens.pop(0))
    return tokens, titles


def _split_patronymic(tokens: list[str]) -> tuple[list[str], str]:
    """("SITI AMINAH BINTI KARTO") → (["SITI", "AMINAH"], "KARTO"); a marker first or last is a name."""
    for i, token in enumerate(tokens):
        if 0 < i < len(tokens) - 1 and token in PATRONYMIC_MARKERS:
            return tokens[:i], " ".join(tokens[i + 1 :])
    return tokens, ""


def _canonical_tokens(tokens: list[str]) -> tuple[str, ...]:
    """Muhammad variants become one token; a bare leading "M" before another name is Muhammad too."""
    out = []
    for i, token in enumerate(tokens):
        is_initial_m = token == "M" and i == 0 and len(tokens) > 1
        if token in MUHAMMAD_VARIANTS or is_initial_m:
            out.append(MUHAMMAD)
        else:
            out.append(TOKEN_VARIANTS.get(token, token))
    return tuple(out)
