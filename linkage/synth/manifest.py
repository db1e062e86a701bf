"""The manifest that reads the silos back (format: docs/sources.md) and the ground-truth tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .silos.base import SiloOutput, SiloSpec


def _string(value: str) -> str:
    # JSON string escapes are a subset of TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def _table(header: str, mapping: Mapping[str, str]) -> list[str]:
    return [f"  [{header}]", *(f"  {_string(k)} = {_string(v)}" for k, v in mapping.items()), ""]


def render_source(spec: SiloSpec) -> str:
    lines = [
        "[[source]]",
        f"name = {_string(spec.name)}",
        f"description = {_string(spec.description)}",
        f"path = {_string(spec.path)}",
        f"format = {_string(spec.format)}",
    ]
    if spec.format == "csv":
        lines += [f"encoding = {_string(spec.encoding)}", f"delimiter = {_string(spec.delimiter)}"]
    if spec.format == "xlsx":
        lines.append(f"sheet = {_string(spec.sheet)}")
    if spec.format != "jsonl":  # JSON Lines carry their keys on every line, not in a header row
        lines.append(f"header_row = {spec.header_row}")
    lines += [
        f"record_id = {_string(spec.record_id)}",
        f"trust = {spec.trust}",
        f"default_country = {_string(spec.default_country)}",
        "",
    ]
    lines += _table("source.columns", spec.columns)
    if spec.split:
        lines.append("  [source.split]")
        for column, (fields, separator) in spec.split.items():
            listed = ", ".join(_string(f) for f in fields)
            lines.append(f"  {_string(column)} = {{ fields = [{listed}], separator = {_string(separator)} }}")
        lines.append("")
    for field, mapping in spec.values.items():
        lines += _table(f"source.values.{field}", mapping)
    if spec.dates:
        lines.append("  [source.dates]")
        for field, formats in spec.dates.items():
            lines.append(f"  {field} = [{', '.join(_string(f) for f in formats)}]")
        lines.append("")
    if spec.constants:
        lines += _table("source.constants", spec.constants)
    return "\n".join(lines)


def render_manifest(outputs: list[SiloOutput], seed: int, people: int) -> str:
    head = [
        f"# Synthetic silos from `ltsa synth --people {people} --seed {seed}`. No real person is described.",
        "version = 1",
        "",
    ]
    return "\n".join(head + [render_source(o.spec) for o in outputs])


def truth_table(outputs: list[SiloOutput]) -> pd.DataFrame:
    """record_key → true person, computed the way ingest does: files in sorted order, "~n" on repeats."""
    frames = []
    for output in outputs:
        files = sorted(output.files, key=lambda f: f.relative_path)
        ids = [i for f in files for i in f.record_ids]
        frame = pd.DataFrame(
            {
                "source": output.spec.name,
                "record_id": ids,
                "person_id": [p for f in files for p in f.person_ids],
                "role": [r for f in files for r in f.roles],
                "file": [f.relative_path for f in files for _ in f.record_ids],
            }
        )
        repeat = frame.groupby("record_id", sort=False).cumcount().to_numpy() + 1
        suffix = ["" if r == 1 else f"~{r}" for r in repeat.tolist()]
        frame.insert(
            0, "record_key", [f"{output.spec.name}:{i}{s}" for i, s in zip(ids, suffix, strict=True)]
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet without pandas' index and with string columns as plain strings, for stable bytes."""
    frame.reset_index(drop=True).to_parquet(path, index=False, compression="zstd")
