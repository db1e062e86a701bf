"""Turn the linked output into plain rows, one list per node or relationship kind.

Everything that needs a decision (which name an agency goes by, which phase a placement is in, who is
whose spouse on a family card) is decided here in Python, deterministically, so the Cypher that writes
the rows is a plain ``UNWIND … MERGE`` and a rerun writes exactly the same values.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

import pandas as pd

from linkage.canonical import PERSON_FIELDS, PHASES

from . import identity
from .linked_input import LinkedOutput

Row = dict[str, Any]
OFFICES_FILE: Final = Path(__file__).resolve().parent / "reference" / "ltsa_offices.csv"

# Family-card roles (Dukcapil) and the relation a member has to the head of the family.
_ROLE_TO_HEAD: Final = {
    "ISTRI": "istri",
    "SUAMI": "suami",
    "ANAK": "anak",
    "ORANG TUA": "orang tua",
    "MERTUA": "mertua",
    "MENANTU": "menantu",
    "CUCU": "cucu",
}
_HEAD_ROLE: Final = "KEPALA KELUARGA"
# What a SourceRecord node carries: provenance, flags and every person field, standardised and raw.
_RECORD_PROPERTIES: Final = (
    *("source", "record_id", "file", "file_sha256", "flags"),
    *PERSON_FIELDS,
    *(f"raw_{f}" for f in PERSON_FIELDS),
)
_PHASE_ORDER: Final = {phase: i for i, phase in enumerate(PHASES)}
_PLACEMENT_FIELDS: Final = (
    "placement_phase",
    "departure_date",
    "destination_country",
    "employer_name",
    "placement_status",
)


def camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def to_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None  # a bad date stays visible (raw) on the SourceRecord; the graph gets no date


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Strings everywhere, "" for missing: the canonical convention, enforced once."""
    return frame.fillna("").astype(str)


def _as_rows(frame: pd.DataFrame) -> list[Row]:
    """``frame.to_dict("records")`` for all-string frames, without pandas' per-cell boxing (which
    costs more than the rest of the extraction at a million records)."""
    columns = [str(c) for c in frame.columns]
    cells = zip(*(frame[c].tolist() for c in columns), strict=True)
    return [dict(zip(columns, values, strict=True)) for values in cells]


def _mode(values: Iterable[str]) -> str:
    """Most frequent non-empty value; ties go to the smallest, so the choice never depends on order."""
    present = [value for value in values if value]
    if len(present) <= 1:  # most groups hold one record: skip the counting
        return present[0] if present else ""
    counts = Counter(present)
    return min(counts, key=lambda v: (-counts[v], v))


def _is_ltsa(office_key: str) -> bool:
    """Where no LTSA exists, silos name the Disnaker desk that served the worker instead."""
    return "LTSA" in office_key.split() or "SATU ATAP" in office_key


def _values(rows: list[Row], column: str) -> list[str]:
    return [r[column] for r in rows]


class Extraction:
    """The rows of one linked output, computed on demand per step."""

    def __init__(self, linked: LinkedOutput) -> None:
        self.records = _clean(linked.records).sort_values("record_key", kind="stable").reset_index(drop=True)
        self.persons = _clean(linked.persons).sort_values("person_id", kind="stable").reset_index(drop=True)
        self.decisions = _clean(linked.decisions)
        self.regions = _clean(linked.regions)
        self._region_codes = set(self.regions["code"])
        # (name, kind, code) of every region, built once: every office name is matched against all.
        self._region_names = list(
            zip(self.regions["name"], self.regions["kind"], self.regions["code"], strict=True)
        )
        self._person_by_nik = self._unique_nik_index()
        self.records["agency_id"] = self._agency_ids()
        self.records["broker_id"] = [
            identity.broker_id(name, phone)
            for name, phone in zip(self.records["broker_name"], self.records["broker_phone"], strict=True)
        ]
        self._rows = _as_rows(self.records)

    def _agency_ids(self) -> list[str]:
        """Licence-based IDs; a row naming an agency without its licence borrows the licence that
        name carries elsewhere in the data, when that name carries exactly one."""
        named = zip(self.records["agency_licence"], self.records["agency_name"], strict=True)
        ids = [(identity.agency_id(lic, name), identity.normalise_organisation(name)) for lic, name in named]
        licences: dict[str, set[str]] = defaultdict(set)
        for aid, name in ids:
            if aid.startswith("LIC:") and name:
                licences[name].add(aid)
        by_name = {name: next(iter(found)) for name, found in licences.items() if len(found) == 1}
        return [by_name.get(name, aid) if aid.startswith("NAME:") else aid for aid, name in ids]

    def _unique_nik_index(self) -> dict[str, str]:
        """NIK → person, only for NIKs that point at exactly one person (a shared NIK proves nothing)."""
        pairs = self.records.loc[self.records["nik"] != "", ["nik", "person_id"]].drop_duplicates()
        unique = pairs.drop_duplicates("nik", keep=False)
        return dict(zip(unique["nik"], unique["person_id"], strict=True))

    def known_region(self, code: str) -> str | None:
        """The most precise reference region containing ``code`` (a village code falls to its regency)."""
        for candidate in (code, code[:4], code[:2]):
            if candidate and candidate in self._region_codes:
                return candidate
        return None

    # --- reference ---------------------------------------------------------------------------------

    def regions_rows(self) -> list[Row]:
        return [
            {
                "code": r["code"],
                "name": r["name"],
                "kind": r["kind"],
                "parent": r["province_code"] if r["province_code"] != r["code"] else None,
            }
            for r in _as_rows(self.regions)
        ]

    def offices_rows(self) -> list[Row]:
        """The maintained LTSA list plus every office named by a source, each placed in a region."""
        offices: dict[str, Row] = {}
        reference = pd.read_csv(OFFICES_FILE, dtype=str, keep_default_na=False)
        for r in reference.to_dict("records"):
            offices[identity.office_id(r["name"])] = {
                "officeId": identity.office_id(r["name"]),
                "name": r["name"],
                "isLtsa": True,
                "region": self.known_region(r["region_code"]),
            }
        named = self.records.loc[self.records["ltsa_office"] != "", ["ltsa_office", "region_code"]]
        for name, group in named.groupby("ltsa_office", sort=True):
            key = identity.office_id(str(name))
            if key and key not in offices:
                region = self._region_named_in(key) or self.known_region(_mode(group["region_code"])[:4])
                offices[key] = {"officeId": key, "name": str(name), "isLtsa": _is_ltsa(key), "region": region}
        return sorted(offices.values(), key=lambda row: row["officeId"])

    def _region_named_in(self, office_key: str) -> str | None:
        """The region whose name an office name contains ("LTSA KAB INDRAMAYU" → 3212,
        "LTSA PROV JAWA TIMUR" → 35)."""
        words = f" {office_key} "
        want_city = " KOTA " in words
        want_province = " PROV " in words or " PROVINSI " in words
        best: tuple[int, str] | None = None
        for name, kind, code in self._region_names:
            if (kind == "provinsi") != want_province or f" {name} " not in words:
                continue
            score = len(name) * 2 + (1 if (kind == "kota") == want_city else 0)
            if best is None or score > best[0]:
                best = (score, code)
        return best[1] if best else None

    def office_visits_rows(self) -> list[Row]:
        visits = self.records.loc[self.records["ltsa_office"] != "", ["person_id", "ltsa_office"]]
        pairs = {
            (p, identity.office_id(o))
            for p, o in zip(visits["person_id"], visits["ltsa_office"], strict=True)
        }
        return [{"personId": p, "officeId": o} for p, o in sorted(pairs) if o]

    # --- persons and their records -----------------------------------------------------------------

    def persons_rows(self) -> list[Row]:
        names: dict[str, set[str]] = defaultdict(set)
        for pid, name, aliases in zip(
            self.records["person_id"], self.records["full_name"], self.records["alias_names"], strict=True
        ):
            names[pid].update(n for n in (name, *aliases.split("|")) if n)
        rows = []
        columns = [(f, camel(f)) for f in PERSON_FIELDS]
        for p in _as_rows(self.persons):
            props: Row = {name: (p[f] or None) for f, name in columns}
            props.update(
                personId=p["person_id"],
                birthDate=to_date(p["birth_date"]),
                isWorker=p["is_worker"].lower() == "true",
                recordCount=int(p["record_count"] or 0),
                provenance=p["provenance"] or None,
                knownNames=" | ".join(sorted(names[p["person_id"]])) or None,
            )
            rows.append(
                {"personId": p["person_id"], "props": props, "region": self.known_region(p["region_code"])}
            )
        return rows

    def records_rows(self) -> list[Row]:
        columns = [(f, camel(f)) for f in _RECORD_PROPERTIES]
        rows = []
        for r in self._rows:
            props: Row = {name: r[f] for f, name in columns if r[f]}
            props["key"] = r["record_key"]
            props["rowNumber"] = int(r["row_number"]) if r["row_number"] else None
            rows.append({"key": r["record_key"], "personId": r["person_id"], "props": props})
        return rows

    # --- shared identifiers ------------------------------------------------------------------------

    def _identifier_rows(self, column: str, key_of: Iterator[str]) -> list[Row]:
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        for pid, key, source in zip(self.records["person_id"], key_of, self.records["source"], strict=True):
            if key:
                seen[(pid, key)].add(source)
        return [{"personId": p, column: k, "sources": sorted(s)} for (p, k), s in sorted(seen.items())]

    def phones_rows(self) -> list[Row]:
        return self._identifier_rows("e164", iter(self.records["phone"]))

    def passports_rows(self) -> list[Row]:
        return self._identifier_rows("number", iter(self.records["passport_number"]))

    def addresses_rows(self) -> list[Row]:
        keys = (
            identity.address_key(a, c)
            for a, c in zip(self.records["address"], self.records["region_code"], strict=True)
        )
        return self._identifier_rows("normalised", keys)

    # --- organisations -----------------------------------------------------------------------------

    def _grouped(self, column: str) -> list[tuple[str, list[Row]]]:
        groups: dict[str, list[Row]] = defaultdict(list)
        for r in self._rows:
            if r[column]:
                groups[r[column]].append(r)
        return sorted(groups.items())

    def agencies_rows(self) -> list[Row]:
        return [
            {
                "agencyId": aid,
                "name": _mode(r["agency_name"] for r in g),
                "licence": _mode(r["agency_licence"] for r in g) or None,
            }
            for aid, g in self._grouped("agency_id")
        ]

    def employers_rows(self) -> list[Row]:
        rows: dict[str, Row] = {}
        for name, country in zip(
            self.records["employer_name"], self.records["employer_country"], strict=True
        ):
            eid = identity.employer_id(name, country)
            if eid and eid not in rows:
                rows[eid] = {"employerId": eid, "name": name, "country": country or None}
        return [rows[k] for k in sorted(rows)]

    def brokers_rows(self) -> list[Row]:
        named = self.records[self.records["broker_id"] != ""]
        return [
            {
                "brokerId": bid,
                "name": _mode(g["broker_name"]) or None,
                "phone": _mode(g["broker_phone"]) or None,
            }
            for bid, g in named.groupby("broker_id", sort=True)
        ]

    def recruitments_rows(self) -> list[Row]:
        named = self.records.loc[self.records["broker_id"] != "", ["broker_id", "person_id"]]
        pairs = sorted(set(zip(named["broker_id"], named["person_id"], strict=True)))
        return [{"brokerId": b, "personId": p} for b, p in pairs]

    # --- placements --------------------------------------------------------------------------------

    def _placement_groups(self) -> dict[str, list[Row]]:
        """Placement ID → the records describing it.

        A departure date names a placement (a worker rarely leaves twice on one day). A record without
        one (a pre-departure registration) joins the latest dated placement through the same agency,
        else stands for a placement not yet dated.
        """
        by_person: dict[str, list[Row]] = defaultdict(list)
        for r in self._rows:
            says_placement = any(r[f] for f in _PLACEMENT_FIELDS)
            # A complaint or a family member's row may name a country or agency; it is not a placement.
            if says_placement and not r["complaint_id"] and not r["relation"]:
                by_person[r["person_id"]].append(r)
        groups: dict[str, list[Row]] = defaultdict(list)
        for person, records in by_person.items():
            dated = sorted((r for r in records if r["departure_date"]), key=lambda r: r["departure_date"])
            for r in records:
                if r["departure_date"]:
                    anchor = f"departed {r['departure_date']}"
                else:
                    same_agency = [d for d in dated if d["agency_id"] == r["agency_id"]]
                    anchor = (
                        f"departed {same_agency[-1]['departure_date']}"
                        if same_agency
                        else f"undated {r['agency_id']} {r['destination_country'] or r['employer_country']}"
                    )
                groups[identity.placement_id(person, anchor)].append(r)
        return groups

    def placements_rows(self) -> list[Row]:
        rows = []
        for pid, g in sorted(self._placement_groups().items()):
            furthest = max(g, key=lambda r: _PHASE_ORDER.get(r["placement_phase"], -1))
            procedural = {r["procedural"] for r in g} - {""}
            agency = _mode(_values(g, "agency_id"))
            employer = identity.employer_id(
                _mode(_values(g, "employer_name")), _mode(_values(g, "employer_country"))
            )
            props: Row = {
                "placementId": pid,
                "phase": furthest["placement_phase"] or None,
                "status": furthest["placement_status"] or _mode(_values(g, "placement_status")) or None,
                # Any silo recording a non-procedural departure is the signal that matters.
                "procedural": None if not procedural else "false" not in procedural,
                "departureDate": to_date(min((d for d in _values(g, "departure_date") if d), default="")),
                "returnDate": to_date(max((d for d in _values(g, "return_date") if d), default="")),
                "destination": _mode(_values(g, "destination_country"))
                or _mode(_values(g, "employer_country"))
                or None,
                "sector": _mode(_values(g, "sector")) or None,
            }
            rows.append(
                {
                    "placementId": pid,
                    "personId": g[0]["person_id"],
                    "agencyId": agency or None,
                    "employerId": employer or None,
                    "recordKeys": sorted(_values(g, "record_key")),
                    "props": props,
                }
            )
        return rows

    # --- family ------------------------------------------------------------------------------------

    def family_rows(self) -> list[Row]:
        ties: set[tuple[str, str, str, str]] = set()  # (from, to, relation, basis)
        cards: dict[str, dict[str, str]] = defaultdict(dict)  # KK number → person → role
        for kk, role, pid in zip(
            self.records["kk_number"], self.records["family_role"], self.records["person_id"], strict=True
        ):
            if kk and role:
                cards[kk][pid] = role.upper()
        for _kk, roles in sorted(cards.items()):
            heads = sorted(p for p, role in roles.items() if role == _HEAD_ROLE)
            if not heads:
                continue
            for member, role in sorted(roles.items()):
                relation = _ROLE_TO_HEAD.get(role, "famili")
                if member != heads[0] and role != _HEAD_ROLE:
                    ties.add((member, heads[0], relation, "family_card"))
        declared = self.records.loc[
            (self.records["relation"] != "") & (self.records["related_nik"] != ""),
            ["person_id", "relation", "related_nik"],
        ]
        for pid, relation, nik in declared.itertuples(index=False):
            worker = self._person_by_nik.get(nik)
            if worker and worker != pid:
                ties.add((pid, worker, relation.lower(), "declared"))
        return [{"from": f, "to": t, "relation": r, "basis": b} for f, t, r, b in sorted(ties)]

    # --- complaints and steward history ------------------------------------------------------------

    def complaints_rows(self) -> list[Row]:
        r = self.records
        filed = r[(r["complaint_id"] != "") | (r["complaint_type"] != "") | (r["complaint_text"] != "")]
        rows = []
        for c in _as_rows(filed):
            concerns = self._person_by_nik.get(c["related_nik"]) or c["person_id"]
            rows.append(
                {
                    "complaintId": identity.complaint_id(c["complaint_id"], c["record_key"]),
                    "recordKey": c["record_key"],
                    "filerId": c["person_id"],
                    "concernsId": concerns,
                    "agencyId": c["agency_id"] or None,
                    "brokerId": c["broker_id"] or None,
                    "props": {
                        "date": to_date(c["complaint_date"]),
                        "type": c["complaint_type"] or None,
                        "text": c["complaint_text"] or None,
                        "source": c["source"],
                    },
                }
            )
        return sorted(rows, key=lambda row: (row["complaintId"], row["recordKey"]))

    def decisions_rows(self) -> list[Row]:
        rows = []
        for d in _as_rows(self.decisions):
            did = identity.decision_id(d["candidate_id"], d["decision"], d["decided_at"])
            props = {camel(str(k)): (v or None) for k, v in d.items()}
            props["decisionId"] = did
            rows.append({"decisionId": did, "keys": [d["left_key"], d["right_key"]], "props": props})
        return sorted(rows, key=lambda row: row["decisionId"])
