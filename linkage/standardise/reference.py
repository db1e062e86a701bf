"""Loads the reference tables in ``linkage/reference`` once per process."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    """One row of ``regions.csv``: a province (2-digit code) or a kabupaten/kota (4-digit code)."""

    code: str
    name: str
    kind: str  # provinsi | kabupaten | kota
    province_code: str


@dataclass(frozen=True)
class Country:
    alpha2: str
    name_en: str
    name_id: str
    calling_code: str


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("linkage.reference").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def regions() -> dict[str, Region]:
    """Every province and regency/city by its undotted Kemendagri code."""
    return {row["code"]: Region(**row) for row in _rows("regions.csv")}


@cache
def region_aliases() -> dict[str, str]:
    """Hand-curated alias (abbreviation, former name …) → Kemendagri code."""
    return {row["alias"]: row["code"] for row in _rows("region_aliases.csv")}


@cache
def countries() -> dict[str, Country]:
    """Every ISO 3166-1 country by alpha-2 code."""
    return {row["alpha2"]: Country(**row) for row in _rows("countries.csv")}


@cache
def country_aliases() -> dict[str, str]:
    """Hand-curated alias (alpha-3, colloquial name, abbreviation) → alpha-2."""
    return {row["alias"]: row["alpha2"] for row in _rows("country_aliases.csv")}
