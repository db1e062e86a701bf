"""Golden records: one value per identity field per person, chosen by survivorship rules, with provenance.

For every person and field, the distinct non-empty values its records give are ranked by, in order:

1. **valid** — a value whose record carries no ``<field>_*`` flag beats a flagged one;
2. **authority** — a source that is the authority for the field (by default Dukcapil for civil identity:
   nik, kk_number, full_name, birth_date, birth_place, sex, mother_name; immigration for passport_number);
3. **trust** — the highest manifest ``trust`` of the sources giving the value;
4. **frequency** and **recency** — how many records give the value, and the latest event date of those
   records (departure, return or complaint date). Stable facts (name, birth date, ...) rank frequency
   first; volatile ones (phone, address, region, passport — people move, change SIMs, renew passports)
   rank recency first;
5. the smallest value, so the result never depends on input order.

Provenance records, per field, the record that gave the winning value (the best record for that value
by the same criteria) and ``rule``: the first criterion that separated the winner from the runner-up
("only_value" when every record agrees, "tie" when only step 5 did). It is keyed by record,
``{"dukcapil:3201…": {"nik": "authority", "full_name": "only_value"}, "imigrasi:X12…": {…}}``: the value
is the person's golden attribute and the source begins the record key (``linkage.provenance`` reads
it back).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from json.encoder import encode_basestring

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .canonical import PERSON_FIELDS
from .linked import PERSON_COLUMNS

DEFAULT_TRUST = 0.5  # a source without a manifest trust
DEFAULT_AUTHORITIES: Mapping[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("nik", "kk_number", "full_name", "birth_date", "birth_place", "sex", "mother_name"), ("dukcapil",)
    ),
    "passport_number": ("imigrasi", "immigration"),
}
VOLATILE_FIELDS = frozenset({"phone", "address", "region_code", "passport_number"})
EVENT_DATE_FIELDS = ("departure_date", "return_date", "complaint_date")


@dataclass(frozen=True)
class SurvivorshipRules:
    """source_trust: source name → manifest trust (0..1). authorities: field → words; a source whose
    name contains one of them (case-insensitive) is the authority for that field."""

    source_trust: Mapping[str, float] = field(default_factory=dict)
    authorities: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_AUTHORITIES))
    volatile_fields: frozenset[str] = VOLATILE_FIELDS

    def trust(self, sources: pd.Series) -> np.ndarray:
        return sources.map(dict(self.source_trust)).fillna(DEFAULT_TRUST).to_numpy(dtype=np.float64)

    def is_authority(self, field_name: str, sources: pd.Series) -> np.ndarray:
        words = self.authorities.get(field_name, ())
        if not words:
            return np.zeros(len(sources), dtype=bool)
        # A run has a handful of sources: decide per source name, then spread.
        hit = {name: any(w in name.lower() for w in words) for name in sources.unique()}
        return sources.map(hit).to_numpy(dtype=bool)


_CRITERIA = ("valid", "authority", "trust", "first", "second")  # first/second: frequency/recency by field


def is_family_row(records: pd.DataFrame) -> pd.Series:
    """A row about a worker's family member (it has a relation to the worker or a family-card role)."""
    return (records["relation"].fillna("") != "") | (records["family_role"].fillna("") != "")


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize(values, sort=True) for strings, but the uniques sorted by Arrow (UTF-8 byte order,
    which is code point order; several times faster than sorting Python strings)."""
    codes, uniques = pd.factorize(values)
    order = pc.array_sort_indices(pa.array(np.asarray(uniques, dtype=object), type=pa.large_string()))
    order = order.to_numpy()
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes], np.asarray(uniques, dtype=object)[order]


@dataclass(frozen=True)
class _Candidates:
    """One entry per (record, field) with a value: integer codes and every ranking criterion, so all
    sorting is numpy lexsort on numbers (strings are sorted once, when factorised)."""

    columns: dict[str, np.ndarray]
    values: np.ndarray  # value_code → value text; codes keep text order within a field


def _candidates(records: pd.DataFrame, person: np.ndarray, rules: SurvivorshipRules) -> _Candidates:
    sources = records["source"].astype(str)
    # Trust as a dense rank (higher trust, higher rank): only its order matters, and integers pack
    # into the sort keys of _winners.
    trust = np.unique(rules.trust(sources), return_inverse=True)[1].astype(np.int64)
    flags = "|" + records["flags"].fillna("").astype(str)
    flagged = np.flatnonzero((flags != "|").to_numpy())  # most rows have no flag: only search the others
    event = records[list(EVENT_DATE_FIELDS)].fillna("").astype(str).max(axis=1)
    recency = event.rank(method="dense").to_numpy(dtype=np.int64)  # "" (no date) ranks lowest
    key_rank, _ = _sorted_codes(records["record_key"].astype(str).to_numpy())  # keys are unique: a rank
    parts: list[dict[str, np.ndarray]] = []
    texts: list[np.ndarray] = []
    offset = 0
    for field_index, name in enumerate(PERSON_FIELDS):
        values = records[name].fillna("").astype(str)
        keep = (values != "").to_numpy()
        if not keep.any():
            continue
        codes, uniques = _sorted_codes(values[keep].to_numpy())
        invalid = np.zeros(len(records), dtype=bool)
        invalid[flagged] = flags.iloc[flagged].str.contains(f"|{name}_", regex=False).to_numpy()
        rows = np.flatnonzero(keep)
        parts.append(
            {
                "person": person[rows],
                "field": np.full(len(rows), field_index),
                "value": codes + offset,
                "row": rows,
                "key_rank": key_rank[rows],
                "valid": (~invalid[rows]).astype(np.int8),
                "authority": rules.is_authority(name, sources)[rows].astype(np.int8),
                "trust": trust[rows],
                "recency": recency[rows],
                "volatile": np.full(len(rows), name in rules.volatile_fields),
            }
        )
        texts.append(np.asarray(uniques, dtype=object))
        offset += len(uniques)
    names = (
        "person",
        "field",
        "value",
        "row",
        "key_rank",
        "valid",
        "authority",
        "trust",
        "recency",
        "volatile",
    )
    columns = {c: np.concatenate([p[c] for p in parts]) if parts else np.empty(0, np.int64) for c in names}
    return _Candidates(columns, np.concatenate(texts) if texts else np.empty(0, object))


def _group_starts(*keys: np.ndarray) -> np.ndarray:
    """Positions where any of the (sorted) keys changes: the first row of each group."""
    if not len(keys[0]):
        return np.empty(0, np.int64)
    change = np.zeros(len(keys[0]), dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def _descending(values: np.ndarray) -> np.ndarray:
    """Non-negative integers whose ascending order is ``values``' descending order (integers)."""
    return (int(values.max()) - values.astype(np.int64)) if len(values) else values.astype(np.int64)


def _lexsort(*keys: np.ndarray) -> np.ndarray:
    """The stable order sorting by ``keys`` (non-negative integers), most significant first.

    Same result as ``np.lexsort(keys[::-1])``, but adjacent keys are packed into one int64 while their
    ranges fit (mixed radix): lexsort pays a full indirect sort per key, and golden records sort tens
    of millions of (person, field, value) rows on seven or eight keys.
    """
    words: list[np.ndarray] = []
    word, span = None, 1
    for key in keys:
        size = int(key.max()) + 1 if len(key) else 1
        if word is not None and span * size < 2**62:
            word, span = word * size + key, span * size
        else:
            if word is not None:
                words.append(word)
            word, span = key.astype(np.int64), size
    if word is not None:
        words.append(word)
    if len(words) == 1:
        return np.argsort(words[0], kind="stable")
    return np.lexsort(words[::-1])


def _winners(candidates: _Candidates) -> dict[str, np.ndarray]:
    """Per (person, field): the winning value code, the record row that gave it, and the deciding rule.

    Step 1 keeps, per distinct value, its best record (valid, authority, trust, recency, smallest key)
    and counts its records (frequency). Step 2 ranks the values; the runner-up decides the rule.
    """
    c = candidates.columns
    order = _lexsort(
        c["person"],
        c["value"],
        1 - c["valid"],
        1 - c["authority"],
        _descending(c["trust"]),
        _descending(c["recency"]),
        c["key_rank"],
    )
    s = {k: v[order] for k, v in c.items()}
    starts = _group_starts(s["person"], s["value"])
    v = {k: a[starts] for k, a in s.items()}
    v["frequency"] = np.diff(np.append(starts, len(order)))
    v["first"] = np.where(v["volatile"], v["recency"], v["frequency"])
    v["second"] = np.where(v["volatile"], v["frequency"], v["recency"])

    order = _lexsort(
        v["person"],
        v["field"],
        1 - v["valid"],
        1 - v["authority"],
        _descending(v["trust"]),
        _descending(v["first"]),
        _descending(v["second"]),
        v["value"],
    )
    v = {k: a[order] for k, a in v.items()}
    win = _group_starts(v["person"], v["field"])
    nxt = np.minimum(win + 1, max(len(order) - 1, 0))
    has_runner = (
        (win + 1 < len(order)) & (v["person"][nxt] == v["person"][win]) & (v["field"][nxt] == v["field"][win])
    )
    volatile = v["volatile"][win]
    rule = np.select(
        [v[name][win] != v[name][nxt] for name in _CRITERIA],
        [
            np.full(len(win), "valid"),
            np.full(len(win), "authority"),
            np.full(len(win), "trust"),
            np.where(volatile, "recency", "frequency"),
            np.where(volatile, "frequency", "recency"),
        ],
        default="tie",
    )
    return {
        "person": v["person"][win],
        "field": v["field"][win],
        "value": v["value"][win],
        "row": v["row"][win],
        "rule": np.where(has_runner, rule, "only_value"),
    }


def _provenance_json(winners: dict[str, np.ndarray], records: pd.DataFrame, people: int) -> np.ndarray:
    """Provenance JSON per person code, ``{record_key: {field: rule, …}, …}``: each record that won a
    field, once, with the fields it gave and the rule that chose each. ``winners`` is sorted by person.

    The value is not repeated (it is the person's own golden attribute) nor the source (the record key
    starts with it): at a million people this document is most of a person's bytes, and every byte is
    written to parquet, to the graph's CSV and into the store. Assembled by Arrow's string kernels over
    list offsets, not a Python format call per fragment: a million people have ten million winning
    fields.
    """
    documents = np.full(people, "{}", dtype=object)
    if not len(winners["person"]):
        return documents
    order = np.lexsort((winners["field"], winners["row"], winners["person"]))
    person, row, field_code = winners["person"][order], winners["row"][order], winners["field"][order]
    text = partial(pa.scalar, type=pa.large_string())
    # field and rule are fixed identifiers: no quoting needed. The record key comes from the data.
    names = pa.array([f'"{name}":"' for name in PERSON_FIELDS], type=pa.large_string())
    rules = pa.array(winners["rule"][order].astype(str), type=pa.large_string())
    fragments = pc.binary_join_element_wise(names.take(pa.array(field_code)), rules, text('"'), text(""))
    records_at = _group_starts(person, row)
    per_record = _grouped(fragments, records_at)
    keys = records["record_key"].astype(str).to_numpy()[row[records_at]]
    quoted = pa.array([encode_basestring(key) for key in keys.tolist()], type=pa.large_string())
    entries = pc.binary_join_element_wise(
        quoted, text(":{"), pc.binary_join(per_record, text(",")), text("}"), text("")
    )
    people_at = _group_starts(person[records_at])
    per_person = _grouped(entries, people_at)
    joined = pc.binary_join_element_wise(
        text("{"), pc.binary_join(per_person, text(",")), text("}"), text("")
    )
    documents[person[records_at][people_at]] = joined.to_numpy(zero_copy_only=False)
    return documents


def _grouped(values: pa.Array, starts: np.ndarray) -> pa.LargeListArray:
    """``values`` cut into consecutive groups beginning at ``starts`` (the first is 0)."""
    offsets = pa.array(np.append(starts, len(values)), pa.int64())
    return pa.LargeListArray.from_arrays(offsets, values)


def golden_records(
    records: pd.DataFrame, person_ids: np.ndarray, rules: SurvivorshipRules | None = None
) -> pd.DataFrame:
    """persons.parquet rows (linkage/linked.py PERSON_COLUMNS) for records resolved to ``person_ids``,
    one per distinct person ID, sorted by person_id.

    is_worker is true when any of the person's records is not a family row (see :func:`is_family_row`):
    someone only ever seen as a spouse or child on a card or a beneficiary list is not a worker.
    """
    rules = rules or SurvivorshipRules()
    person, people = _sorted_codes(np.asarray(person_ids, dtype=object))
    candidates = _candidates(records, person, rules)
    winners = _winners(candidates)
    texts = candidates.values[winners["value"]]
    table: dict[str, object] = {"person_id": np.asarray(people, dtype=object)}
    for field_index, name in enumerate(PERSON_FIELDS):
        column = np.full(len(people), "", dtype=object)
        chosen = winners["field"] == field_index
        column[winners["person"][chosen]] = texts[chosen]
        table[name] = column
    worker_rows = (~is_family_row(records)).to_numpy(dtype=np.float64)
    table["is_worker"] = np.bincount(person, weights=worker_rows, minlength=len(people)) > 0
    table["record_count"] = np.bincount(person, minlength=len(people)).astype(np.int64)
    table["provenance"] = _provenance_json(winners, records, len(people))
    return pd.DataFrame(table)[list(PERSON_COLUMNS)]
