"""What every silo writer shares: the manifest entry it declares, its truth rows, file writers."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..placements import Market
from ..population import Population
from ..regions import RegionModel

COUNTRY_NAMES: Final = {  # how Indonesian offices write destination countries
    "HK": "HONGKONG",
    "TW": "TAIWAN",
    "MY": "MALAYSIA",
    "SG": "SINGAPURA",
    "SA": "ARAB SAUDI",
    "JP": "JEPANG",
    "KR": "KOREA SELATAN",
    "IT": "ITALIA",
    "BN": "BRUNEI DARUSSALAM",
    "TR": "TURKI",
    "AE": "UNI EMIRAT ARAB",
    "QA": "QATAR",
    "OM": "OMAN",
}
# Day-first styles Indonesian offices use; ``TEMPAT/TGL LAHIR`` columns mix them within one file.
DATE_STYLES: Final = {"dmy-": "{d}-{m}-{y}", "dmy/": "{d}/{m}/{y}", "dmy/yy": "{d}/{m}/{yy}"}
_FIXED_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME: Final = datetime(2025, 6, 30)
_MODIFIED: Final = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*<")


@dataclass(frozen=True)
class SiloSpec:
    """One ``[[source]]`` entry of the manifest, declared by the writer that makes the files."""

    name: str
    description: str
    path: str
    format: str
    record_id: str
    trust: float
    columns: Mapping[str, str]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    header_row: int = 1
    default_country: str = "ID"
    split: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    dates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SiloFile:
    """Rows written to one file, in file order, with the true person behind each."""

    relative_path: str
    record_ids: list[str]
    person_ids: list[str]
    roles: list[str]


@dataclass(frozen=True)
class SiloOutput:
    spec: SiloSpec
    files: list[SiloFile]  # empty when the silo had nothing to write this run


@dataclass(frozen=True)
class World:
    """Everything the writers draw from, plus the random streams they share in a fixed order."""

    population: Population
    market: Market
    complaints: pd.DataFrame
    regions: RegionModel
    rng: np.random.Generator
    rnd: random.Random


def iso_dates(values: np.ndarray | pd.Series) -> list[str]:
    text = np.datetime_as_string(np.asarray(values, dtype="datetime64[D]"), unit="D")
    return ["" if t == "NaT" else t for t in text.tolist()]


def reformat(iso: str, style: str) -> str:
    """An ISO date written the way a silo writes it ("" stays ""); styles are keys of DATE_STYLES."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return DATE_STYLES[style].format(y=y, m=m, d=d, yy=y[2:])


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], encoding: str, delimiter: str
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="", errors="strict") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_jsonl(path: Path, records: Iterable[Mapping[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_xlsx(
    path: Path,
    sheet: str,
    preamble: Sequence[Sequence[object]],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    """An Excel workbook with title lines above the header, byte-identical for identical content.

    openpyxl stamps the current time into the document properties and every zip entry; both are
    pinned so the same seed gives the same bytes.
    """
    workbook = Workbook(write_only=True)
    workbook.properties.created = _FIXED_DOC_TIME
    workbook.properties.modified = _FIXED_DOC_TIME
    worksheet = workbook.create_sheet(sheet)
    for line in preamble:
        worksheet.append(list(line))
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" at save time
                data = _MODIFIED.sub(b"\\g<1>2025-06-30T00:00:00Z<", data)
            target.writestr(pinned, data)
