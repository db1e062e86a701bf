"""Regenerate ``countries.csv`` (ISO 3166-1 alpha-2, English and Indonesian names, calling code).

Run ``.venv/bin/python -m linkage.reference.build_countries``. The names come from the locale table that
ships inside ``phonenumbers`` (Apache-2.0, itself generated from the JDK's locale data), so no extra
package is needed. Colloquial names, abbreviations and alpha-3 codes are hand-curated in
``country_aliases.csv`` instead, because no table we may ship has them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path

import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA

COUNTRIES_CSV = Path(__file__).with_name("countries.csv")
COLUMNS = ("alpha2", "name_en", "name_id", "calling_code")
# Codes in the locale table that ISO 3166-1 has withdrawn (AN: Netherlands Antilles, split in 2010).
WITHDRAWN = frozenset({"AN"})


def localised_name(names: Mapping[str, str], language: str) -> str:
    """Follow the table's ``*xx`` back-references ("same as language xx") to the actual name."""
    name = names.get(language, "")
    seen = {language}
    while name.startswith("*"):
        language = name[1:]
        if language in seen:  # a reference cycle would be a corrupt table; stop rather than loop
            return ""
        seen.add(language)
        name = names.get(language, "")
    return name


def country_rows() -> Iterator[dict[str, str]]:
    for alpha2 in sorted(set(LOCALE_DATA) - WITHDRAWN):
        names = LOCALE_DATA[alpha2]
        # "aa" is the table's default entry; English is usually a reference to it.
        name_en = localised_name(names, "en") or names.get("aa", "")
        name_id = localised_name(names, "id") or name_en
        calling = phonenumbers.country_code_for_region(alpha2)
        yield {
            "alpha2": alpha2,
            "name_en": name_en,
            "name_id": name_id,
            "calling_code": str(calling) if calling else "",
        }


def main() -> None:
    rows = list(country_rows())
    with COUNTRIES_CSV.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {COUNTRIES_CSV}: {len(rows)} countries")


if __name__ == "__main__":
    main()
