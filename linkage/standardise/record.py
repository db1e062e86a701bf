"""Standardise whole canonical frames: the seam between ingest and linkage.

Speed comes from doing each *distinct* value once: a column is factorised, the standardiser runs on its
uniques (names, dates and phones repeat a lot across millions of rows) and the results are spread back
with a numpy ``take``. Only the few cross-field checks (NIK against birth date, sex and KK number) look
at single rows, and only at rows where they can fire.

Flags are ``<field>_<issue>``, '|'-joined and sorted: ``nik_length``, ``birth_date_ambiguous``,
``phone_invalid``, ``region_code_fuzzy`` … plus the cross-field ``nik_looks_like_kk``,
``birth_date_nik_mismatch`` and ``sex_nik_mismatch``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from ..canonical import CONTEXT_FIELDS, DERIVED_FIELDS, PERSON_FIELDS
from . import nik as nik_module
from .countries import resolve_country
from .dates import parse_date
from .kk import parse_kk
from .names import parse_name
from .phones import parse_phone
from .regions import resolve_region
from .text import clean_text
from .vocab import standard_organisation, standard_passport, standard_phase, standard_procedural, standard_sex

OUTPUT_COLUMNS = (*PERSON_FIELDS, *DERIVED_FIELDS, *CONTEXT_FIELDS)
INPUT_FIELDS = frozenset((*PERSON_FIELDS, *CONTEXT_FIELDS))
DATE_FIELDS = frozenset({"birth_date", "departure_date", "return_date", "complaint_date"})
# Free text kept as folded upper-case text.
_PLAIN_TEXT_FIELDS = (
    "birth_place",
    "address",
    "agency_licence",
    "sector",
    "placement_status",
    "family_role",
    "complaint_id",
    "complaint_type",
    "ltsa_office",
    "bpjs_number",
)
# A planned departure or return may lie a few years ahead; 2-digit years pivot accordingly.
_FUTURE_DATE_YEARS = 5

# One standardiser's result for one distinct value: output column → value, and bare issue codes.
Outcome = tuple[dict[str, str], tuple[str, ...]]
Arrays = dict[str, np.ndarray]


def standardise_frame(
    raw: pd.DataFrame,
    *,
    default_country: str = "ID",
    date_formats: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Standardise a frame of raw canonical fields (strings, "" = missing).

    Returns a frame with the same index and every PERSON_FIELD, DERIVED_FIELD and CONTEXT_FIELD as
    strings. ``default_country`` is the region for phone numbers written without a country code;
    ``date_formats`` maps a date field to strptime formats tried before the generic date parser.
    A "flags" column in ``raw`` (flags ingest already raised) is merged into the output flags.
    """
    unknown = sorted(set(raw.columns) - INPUT_FIELDS - {"flags"})
    if unknown:
        raise ValueError(f"standardise_frame: not canonical fields: {', '.join(unknown)}")
    formats = dict(date_formats or {})
    bad_formats = sorted(set(formats) - DATE_FIELDS)
    if bad_formats:
        raise ValueError(f"standardise_frame: date_formats for non-date fields: {', '.join(bad_formats)}")

    n = len(raw)
    column = _column_reader(raw)
    out: Arrays = {name: np.full(n, "", dtype=object) for name in OUTPUT_COLUMNS}
    flag_columns: list[np.ndarray] = []
    if "flags" in raw.columns:
        flag_columns.append(column("flags"))

    def run(field: str, standardiser: Callable[[str, str], Outcome]) -> None:
        if field in raw.columns:
            flag_columns.append(_apply(column(field), field, standardiser, out))

    today = dt.date.today()
    run("birth_date", partial(_date, formats=formats, today=today, past=True))
    for field in ("departure_date", "return_date", "complaint_date"):
        run(field, partial(_date, formats=formats, today=today, past=False))
    run("full_name", _full_name)
    for field in ("mother_name", "related_name"):
        run(field, _display_name)
    run("sex", partial(_vocabulary, standard_sex))
    run("phone", partial(_phone, default_country=default_country))
    run("broker_phone", partial(_phone, default_country=default_country))
    run("kk_number", _kk)
    run("related_nik", _related_nik)
    run("region_code", _region)
    run("passport_number", partial(_vocabulary, standard_passport))
    for field in ("employer_country", "destination_country"):
        run(field, partial(_vocabulary, resolve_country))
    run("placement_phase", partial(_vocabulary, standard_phase))
    run("procedural", partial(_vocabulary, standard_procedural))
    for field in ("agency_name", "employer_name", "broker_name"):
        run(field, partial(_text, standard_organisation))
    for field in _PLAIN_TEXT_FIELDS:
        run(field, partial(_text, clean_text))
    run("relation", partial(_text, lambda value: clean_text(value).lower()))
    run("complaint_text", partial(_text, lambda value: " ".join(value.split())))
    if "nik" in raw.columns:
        flag_columns.extend(_nik(column("nik"), out))

    out["flags"] = _join_flags(flag_columns, n)
    return pd.DataFrame(out, index=raw.index, columns=list(OUTPUT_COLUMNS))


def standardise_row(
    fields: Mapping[str, str],
    *,
    default_country: str = "ID",
    date_formats: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """Standardise one record (the API's path); same rules as :func:`standardise_frame`."""
    frame = pd.DataFrame({name: [value] for name, value in fields.items()}, index=[0], dtype=object)
    result = standardise_frame(frame, default_country=default_country, date_formats=date_formats)
    return {str(name): str(value) for name, value in result.iloc[0].items()}


def _column_reader(raw: pd.DataFrame) -> Callable[[str], np.ndarray]:
    def column(name: str) -> np.ndarray:
        series = raw[name]
        return series.where(series.notna(), "").astype(str).to_numpy(dtype=object)

    return column


def _apply(
    values: np.ndarray, field: str, standardiser: Callable[[str, str], Outcome], out: Arrays
) -> np.ndarray:
    """Run ``standardiser`` once per distinct value, write its outputs into ``out``; return the flags."""
    codes, uniques = pd.factorize(values)
    results = [standardiser(value, field) for value in uniques]
    for name in results[0][0] if results else ():
        out[name] = _spread([r[0][name] for r in results], codes)
    return _spread([_prefixed(field, r[1]) for r in results], codes)


def _spread(per_unique: Sequence[Hashable], codes: np.ndarray) -> np.ndarray:
    array = np.empty(len(per_unique), dtype=object)
    array[:] = per_unique
    return array[codes] if len(codes) else np.empty(0, dtype=object)


def _prefixed(field: str, issues: Sequence[str]) -> str:
    return "|".join(f"{field}_{issue}" for issue in issues)


def _vocabulary(lookup: Callable[[str], tuple[str, tuple[str, ...]]], value: str, field: str) -> Outcome:
    standard, issues = lookup(value)
    return {field: standard}, issues


def _text(clean: Callable[[str], str], value: str, field: str) -> Outcome:
    return {field: clean(value)}, ()


def _date(
    value: str, field: str, *, formats: Mapping[str, Sequence[str]], today: dt.date, past: bool
) -> Outcome:
    parsed = parse_date(
        value,
        formats=formats.get(field, ()),
        today=today,
        past_only=past,
        latest_year=today.year if past else today.year + _FUTURE_DATE_YEARS,
    )
    values = {field: parsed.value}
    if field == "birth_date":
        values["birth_date_alt"] = parsed.alternative
    return values, parsed.issues


def _full_name(value: str, field: str) -> Outcome:
    parsed = parse_name(value)
    return {
        "full_name": parsed.display,
        "name_tokens": " ".join(parsed.tokens),
        "name_key": parsed.key,
        "alias_names": "|".join(parsed.aliases),
        "father_name": parsed.father_name,
    }, parsed.issues


def _display_name(value: str, field: str) -> Outcome:
    parsed = parse_name(value)
    return {field: parsed.display}, parsed.issues


def _phone(value: str, field: str, *, default_country: str) -> Outcome:
    parsed = parse_phone(value, default_country)
    values = {field: parsed.e164}
    if field == "phone":  # the broker's phone country is not a derived field
        values["phone_country"] = parsed.country
    return values, parsed.issues


def _kk(value: str, field: str) -> Outcome:
    parsed = parse_kk(value)
    return {field: parsed.digits}, parsed.issues


def _related_nik(value: str, field: str) -> Outcome:
    parsed = nik_module.parse_nik(value)
    return {field: parsed.digits}, parsed.issues


def _region(value: str, field: str) -> Outcome:
    resolved = resolve_region(value)
    return {field: resolved.code}, resolved.issues


def _nik(values: np.ndarray, out: Arrays) -> list[np.ndarray]:
    """Decode NIKs (the birth year picks the century), then the cross-field checks. Returns flag arrays."""
    # Factorise (NIK, birth year) pairs through integer codes: each pair is decoded once.
    nik_codes, nik_uniques = pd.factorize(values)
    birth_codes, birth_uniques = pd.factorize(out["birth_date"])
    width = max(len(birth_uniques), 1)
    codes, pairs = pd.factorize(nik_codes.astype(np.int64) * width + birth_codes)
    # Only the birth year matters to the NIK's century.
    hints = [dt.date(int(d[:4]), 1, 1) if d else None for d in birth_uniques]
    parsed = [
        nik_module.parse_nik(
            nik_uniques[pair // width], birth_date_hint=hints[pair % width] if hints else None
        )
        for pair in pairs
    ]
    out["nik"] = _spread([p.digits for p in parsed], codes)
    out["nik_birth_date"] = _spread([p.birth_date for p in parsed], codes)
    out["nik_sex"] = _spread([p.sex for p in parsed], codes)
    nik_flags = _spread([_prefixed("nik", p.issues) for p in parsed], codes)
    return [nik_flags, *_cross_checks(out)]


def _cross_checks(out: Arrays) -> list[np.ndarray]:
    """NIK against the record's own birth date, sex and KK number."""
    nik_birth, birth, alt = out["nik_birth_date"], out["birth_date"], out["birth_date_alt"]
    # An ambiguous birth date whose second reading is what the NIK says: the NIK settles it.
    settle = (alt != "") & (nik_birth == alt)
    birth[settle], alt[settle] = alt[settle], birth[settle]
    n = len(birth)
    date_flags = np.full(n, "", dtype=object)
    mismatch = (nik_birth != "") & (birth != "") & (nik_birth != birth) & (nik_birth != alt)
    date_flags[mismatch] = "birth_date_nik_mismatch"
    sex_flags = np.full(n, "", dtype=object)
    nik_sex, sex = out["nik_sex"], out["sex"]
    sex_flags[(nik_sex != "") & (sex != "") & (nik_sex != sex)] = "sex_nik_mismatch"

    kk_flags = np.full(n, "", dtype=object)
    nik, kk = out["nik"], out["kk_number"]
    candidates = np.flatnonzero((mismatch | ((nik != "") & (nik == kk))) & (nik_sex != "P"))
    for i in candidates:
        parsed = nik_module.ParsedNik(nik[i], nik_birth[i], nik_sex[i])
        birth_date = dt.date.fromisoformat(birth[i]) if birth[i] else None
        if nik_module.looks_like_kk(parsed, birth_date=birth_date, sex=sex[i], kk_number=kk[i]):
            kk_flags[i] = "nik_looks_like_kk"
    return [date_flags, sex_flags, kk_flags]


def _join_flags(columns: Sequence[np.ndarray], n: int) -> np.ndarray:
    flags = np.full(n, "", dtype=object)
    if not columns:
        return flags
    stacked = np.stack(columns, axis=1)
    for i in np.flatnonzero((stacked != "").any(axis=1)):
        parts = {flag for cell in stacked[i] if cell for flag in cell.split("|")}
        flags[i] = "|".join(sorted(parts))
    return flags
