"""Source manifests: how ``ltsa ingest`` reads each silo into the canonical table.

The format is specified in ``docs/sources.md``. A manifest is TOML; every error names the manifest
line and the key at fault, because the people who write manifests are data stewards, not programmers,
and "invalid manifest" alone would leave them guessing.
"""

from __future__ import annotations

import codecs
import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .canonical import CONTEXT_FIELDS, PERSON_FIELDS

MANIFEST_VERSION: Final = 1
FORMATS: Final = ("csv", "jsonl", "xlsx")
MAPPABLE_FIELDS: Final = PERSON_FIELDS + CONTEXT_FIELDS
DATE_FIELDS: Final = ("birth_date", "departure_date", "return_date", "complaint_date")

_REQUIRED_KEYS: Final = ("name", "path", "format")
_SOURCE_KEYS: Final = (
    *_REQUIRED_KEYS,
    "description",
    "encoding",
    "delimiter",
    "quotechar",
    "escapechar",
    "sheet",
    "header_row",
    "record_id",
    "trust",
    "default_country",
    "columns",
    "split",
    "values",
    "dates",
    "constants",
)
_CSV_ONLY_KEYS: Final = ("encoding", "delimiter", "quotechar", "escapechar")
_NAME_PATTERN: Final = re.compile(r"[a-z0-9][a-z0-9_\-]*")


class ManifestError(ValueError):
    """A manifest that cannot be used; the message starts with ``<manifest>:<line>:``.

    ``line`` is None only when the file itself cannot be read.
    """

    def __init__(self, manifest: Path, line: int | None, message: str) -> None:
        super().__init__(f"{manifest}:{line}: {message}" if line else f"{manifest}: {message}")
        self.manifest = manifest
        self.line = line


@dataclass(frozen=True)
class SplitSpec:
    """One source column feeding several canonical fields, cut at the last separators."""

    column: str
    fields: tuple[str, ...]
    separator: str


@dataclass(frozen=True)
class SourceSpec:
    """One ``[[source]]`` table, validated, with defaults filled in."""

    name: str
    path: str  # a file or glob, relative to the manifest folder
    format: str
    line: int  # manifest line of this ``[[source]]`` header, for later error messages
    description: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str = '"'  # "" = fields are never quoted
    escapechar: str = ""
    sheet: str = ""  # "" = the first sheet
    header_row: int = 1
    record_id: str = ""  # "" = the row number identifies the record
    trust: float = 0.5
    default_country: str = "ID"
    columns: Mapping[str, str] = field(default_factory=dict)  # source column -> canonical field
    split: tuple[SplitSpec, ...] = ()
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field -> casefolded key -> value
    dates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_glob(self) -> bool:
        return any(ch in self.path for ch in "*?[")

    def source_columns(self) -> tuple[str, ...]:
        """Every file column this source needs: the record id, mapped and split columns."""
        needed = [*self.columns, *(s.column for s in self.split)]
        if self.record_id:
            needed.insert(0, self.record_id)
        return tuple(dict.fromkeys(needed))


@dataclass(frozen=True)
class Manifest:
    path: Path
    sources: tuple[SourceSpec, ...]

    @property
    def folder(self) -> Path:
        return self.path.parent


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; raise :class:`ManifestError` naming the line and key at fault."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(path, None, f"cannot read the manifest: {error}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib reports "(at line L, column C)"; keep its wording but lead with the position.
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = int(match.group(1)) if match else 1
        raise ManifestError(path, line, f"TOML syntax error: {error}") from None
    return _Validator(path, text).manifest(document)


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice most like ``word`` (case-insensitive), or None when nothing is close."""
    folded = {c.casefold(): c for c in choices}
    found = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else None


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    guess = closest(word, choices)
    return f" (did you mean '{guess}'?)" if guess else ""


class _KeyLocator:
    """Find the manifest line of a key, so semantic errors point where a steward must edit.

    tomllib keeps no positions, so this scans the text: ``[[source]]`` headers count sources,
    ``[source.x]`` / ``[source.x.y]`` headers set the current sub-table, and ``key =`` lines are
    matched (bare or quoted). Inline tables are found by searching the source's block for the key.
    """

    _HEADER = re.compile(r"^\s*\[\[\s*source\s*\]\]")
    _SUBTABLE = re.compile(r"^\s*\[\s*source\.([^\]]+?)\s*\]")

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._source_starts = [i for i, line in enumerate(self._lines) if self._HEADER.match(line)]

    def source_line(self, index: int) -> int:
        return self._source_starts[index] + 1 if index < len(self._source_starts) else 1

    def key_line(self, index: int, table: tuple[str, ...], key: str) -> int:
        """1-based line of ``key`` in sub-table ``table`` of source ``index`` (best effort)."""
        start = self._source_starts[index]
        stop = self._source_starts[index + 1] if index + 1 < len(self._source_starts) else len(self._lines)
        key_pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
        current: tuple[str, ...] = ()
        for number in range(start + 1, stop):
            line = self._lines[number]
            sub = self._SUBTABLE.match(line)
            if sub:
                current = tuple(part.strip().strip("\"'") for part in sub.group(1).split("."))
                continue
            if current == table and key_pattern.match(line):
                return number + 1
        # Inline tables and dotted keys: the first mention of the key inside the block.
        mention = re.compile(rf"(?:^|[\s{{,.])[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start + 1, stop):
            if mention.search(self._lines[number]):
                return number + 1
        return start + 1

    def top_level_line(self, key: str) -> int:
        return self.first_line_matching(rf"^\s*{re.escape(key)}\s*=")

    def first_line_matching(self, pattern: str) -> int:
        compiled = re.compile(pattern)
        return next((n for n, line in enumerate(self._lines, start=1) if compiled.match(line)), 1)


class _Validator:
    def __init__(self, path: Path, text: str) -> None:
        self._path = path
        self._locate = _KeyLocator(text)

    def _fail(self, index: int, table: tuple[str, ...], key: str | None, message: str) -> ManifestError:
        line = self._locate.key_line(index, table, key) if key else self._locate.source_line(index)
        return ManifestError(self._path, line, message)

    def manifest(self, document: dict[str, Any]) -> Manifest:
        unknown = [k for k in document if k not in ("version", "source")]
        if unknown:
            line = self._locate.top_level_line(unknown[0])
            raise ManifestError(
                self._path,
                line,
                f"unknown top-level key '{unknown[0]}'{_did_you_mean(unknown[0], ['version', 'source'])}",
            )
        version = document.get("version")
        if version != MANIFEST_VERSION:
            line = self._locate.top_level_line("version")
            raise ManifestError(self._path, line, f"version: expected {MANIFEST_VERSION}, found {version!r}")
        tables = document.get("source")
        if isinstance(tables, dict):
            line = self._locate.first_line_matching(r"^\s*\[\s*source\s*\]")
            raise ManifestError(self._path, line, "write [[source]] (double brackets): one table per silo")
        if not isinstance(tables, list) or not tables:
            raise ManifestError(self._path, 1, "no [[source]] tables: a manifest describes at least one")
        sources = tuple(self._source(i, table) for i, table in enumerate(tables))
        seen: dict[str, int] = {}
        for i, spec in enumerate(sources):
            if spec.name in seen:
                raise self._fail(
                    i,
                    (),
                    "name",
                    f"source name '{spec.name}' is used twice (also source #{seen[spec.name] + 1})",
                )
            seen[spec.name] = i
        return Manifest(path=self._path, sources=sources)

    def _source(self, i: int, table: dict[str, Any]) -> SourceSpec:
        label = f"source #{i + 1}"
        for key in table:
            if key not in _SOURCE_KEYS:
                raise self._fail(
                    i, (), key, f"{label}: unknown key '{key}'{_did_you_mean(key, _SOURCE_KEYS)}"
                )
        for key in _REQUIRED_KEYS:
            if key not in table:
                raise self._fail(i, (), None, f"{label}: missing required key '{key}'")
        name = self._text(i, table, "name", label)
        if not _NAME_PATTERN.fullmatch(name):
            raise self._fail(i, (), "name", f"{label} name '{name}': use lower-case letters, digits, _ or -")
        label = f"source '{name}'"
        fmt = self._text(i, table, "format", label)
        if fmt not in FORMATS:
            raise self._fail(
                i,
                (),
                "format",
                f"{label} format: '{fmt}' is not one of {', '.join(FORMATS)}{_did_you_mean(fmt, FORMATS)}",
            )
        if fmt != "csv":
            for key in _CSV_ONLY_KEYS:
                if key in table:
                    raise self._fail(i, (), key, f"{label} {key}: only applies to format 'csv'")
        if fmt != "xlsx" and "sheet" in table:
            raise self._fail(i, (), "sheet", f"{label} sheet: only applies to format 'xlsx'")
        if fmt == "jsonl" and "header_row" in table:
            raise self._fail(i, (), "header_row", f"{label} header_row: JSON Lines have no header row")
        encoding = self._text(i, table, "encoding", label, default="utf-8")
        self._check_encoding(i, label, encoding)
        delimiter = self._text(i, table, "delimiter", label, default=",")
        quotechar = self._text(i, table, "quotechar", label, default='"')
        escapechar = self._text(i, table, "escapechar", label, default="")
        for key, value, allow_empty in (
            ("delimiter", delimiter, False),
            ("quotechar", quotechar, True),
            ("escapechar", escapechar, True),
        ):
            if len(value) > 1 or (not value and not allow_empty):
                raise self._fail(i, (), key, f"{label} {key}: must be one character, found {value!r}")
        header_row = table.get("header_row", 1)
        if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
            raise self._fail(i, (), "header_row", f"{label} header_row: must be a whole number ≥ 1")
        trust = table.get("trust", 0.5)
        if not isinstance(trust, int | float) or isinstance(trust, bool) or not 0 <= trust <= 1:
            raise self._fail(i, (), "trust", f"{label} trust: must be a number from 0 to 1, found {trust!r}")
        columns = self._columns(i, table, label)
        split = self._split(i, table, label)
        constants = self._field_table(i, table, "constants", label)
        self._check_single_source_per_field(i, label, columns, split, constants)
        return SourceSpec(
            name=name,
            path=self._text(i, table, "path", label),
            format=fmt,
            line=self._locate.source_line(i),
            description=self._text(i, table, "description", label, default=""),
            encoding=encoding,
            delimiter=delimiter,
            quotechar=quotechar,
            escapechar=escapechar,
            sheet=self._text(i, table, "sheet", label, default=""),
            header_row=header_row,
            record_id=self._text(i, table, "record_id", label, default=""),
            trust=float(trust),
            default_country=self._text(i, table, "default_country", label, default="ID").upper(),
            columns=columns,
            split=split,
            values=self._values(i, table, label),
            dates=self._dates(i, table, label),
            constants=constants,
        )

    def _text(self, i: int, table: dict[str, Any], key: str, label: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise self._fail(i, (), key, f"{label} {key}: expected text, found {value!r}")
        return value

    def _check_encoding(self, i: int, label: str, encoding: str) -> None:
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise self._fail(i, (), "encoding", f"{label} encoding: unknown encoding '{encoding}'") from None
        # Rows are split on delimiter and newline bytes before decoding, so the encoding must keep ASCII.
        if codec.encode(',"\n;\t')[0] != b',"\n;\t':
            raise self._fail(
                i, (), "encoding", f"{label} encoding: '{encoding}' is not ASCII-compatible; re-save as utf-8"
            )

    def _table(self, i: int, table: dict[str, Any], key: str, label: str) -> dict[str, Any]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise self._fail(i, (), key, f"{label} {key}: expected a table")
        return value

    def _canonical(self, i: int, where: tuple[str, ...], key: str, label: str, target: Any) -> str:
        path = ".".join(where)
        if not isinstance(target, str):
            raise self._fail(
                i, where, key, f'{label} {path}."{key}": expected a field name, found {target!r}'
            )
        if target not in MAPPABLE_FIELDS:
            raise self._fail(
                i,
                where,
                key,
                f"{label} {path}.\"{key}\": unknown canonical field '{target}'"
                f"{_did_you_mean(target, MAPPABLE_FIELDS)}",
            )
        return target

    def _columns(self, i: int, table: dict[str, Any], label: str) -> dict[str, str]:
        raw = self._table(i, table, "columns", label)
        columns = {col: self._canonical(i, ("columns",), col, label, target) for col, target in raw.items()}
        if not columns and "split" not in table:
            raise self._fail(i, (), None, f"{label}: no [source.columns] mapping; nothing would be read")
        return columns

    def _split(self, i: int, table: dict[str, Any], label: str) -> tuple[SplitSpec, ...]:
        specs = []
        for column, value in self._table(i, table, "split", label).items():
            where = f'{label} split."{column}"'
            if not isinstance(value, dict) or set(value) - {"fields", "separator"} or "fields" not in value:
                raise self._fail(
                    i, ("split",), column, f'{where}: expected {{ fields = [...], separator = "," }}'
                )
            fields = value["fields"]
            if not isinstance(fields, list) or len(fields) < 2:
                raise self._fail(i, ("split",), column, f"{where}: fields must list at least two fields")
            for target in fields:
                if not isinstance(target, str) or target not in MAPPABLE_FIELDS:
                    raise self._fail(
                        i,
                        ("split",),
                        column,
                        f"{where}: unknown canonical field {target!r}"
                        f"{_did_you_mean(str(target), MAPPABLE_FIELDS)}",
                    )
            separator = value.get("separator", ",")
            if not isinstance(separator, str) or not separator:
                raise self._fail(i, ("split",), column, f"{where}: separator must be non-empty text")
            specs.append(SplitSpec(column=column, fields=tuple(fields), separator=separator))
        return tuple(specs)

    def _field_table(self, i: int, table: dict[str, Any], key: str, label: str) -> dict[str, str]:
        result = {}
        for target, value in self._table(i, table, key, label).items():
            self._canonical(i, (key,), target, label, target)
            if not isinstance(value, str):
                raise self._fail(
                    i, (key,), target, f'{label} {key}."{target}": expected text, found {value!r}'
                )
            result[target] = value
        return result

    def _values(self, i: int, table: dict[str, Any], label: str) -> dict[str, dict[str, str]]:
        result = {}
        for target, mapping in self._table(i, table, "values", label).items():
            self._canonical(i, ("values",), target, label, target)
            if not isinstance(mapping, dict):
                raise self._fail(i, ("values",), target, f'{label} values."{target}": expected a table')
            folded: dict[str, str] = {}
            for key, value in mapping.items():
                if not isinstance(value, str):
                    raise self._fail(
                        i, ("values", target), key, f'{label} values.{target}."{key}": expected text'
                    )
                folded[key.strip().casefold()] = value
            result[target] = folded
        return result

    def _dates(self, i: int, table: dict[str, Any], label: str) -> dict[str, tuple[str, ...]]:
        result = {}
        for target, formats in self._table(i, table, "dates", label).items():
            if target not in DATE_FIELDS:
                raise self._fail(
                    i,
                    ("dates",),
                    target,
                    f'{label} dates."{target}": not a date field ({", ".join(DATE_FIELDS)})'
                    f"{_did_you_mean(target, DATE_FIELDS)}",
                )
            if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
                raise self._fail(
                    i, ("dates",), target, f'{label} dates."{target}": expected a list of strptime formats'
                )
            result[target] = tuple(formats)
        return result

    def _check_single_source_per_field(
        self,
        i: int,
        label: str,
        columns: dict[str, str],
        split: tuple[SplitSpec, ...],
        constants: dict[str, str],
    ) -> None:
        """Each canonical field gets its value from one place; two would silently overwrite each other."""
        origin: dict[str, tuple[tuple[str, ...], str]] = {}
        feeds = [(("columns",), col, target) for col, target in columns.items()]
        feeds += [(("split",), s.column, target) for s in split for target in s.fields]
        feeds += [(("constants",), target, target) for target in constants]
        for where, key, target in feeds:
            if target in origin:
                first_where, first_key = origin[target]
                raise self._fail(
                    i,
                    where,
                    key,
                    f"{label} {'.'.join(where)}.\"{key}\": field '{target}' already comes from "
                    f'{".".join(first_where)}."{first_key}"',
                )
            origin[target] = (where, key)
