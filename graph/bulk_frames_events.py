"""Placements, family ties, complaints, office visits and steward decisions, column-wise: the later
steps of ``graph.bulk_frames``, each mirroring its row builder in ``graph.extract`` and its statements
in ``graph.load_cypher``."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from linkage.canonical import PHASES

from . import identity
from .bulk_columns import GraphChanges, GraphColumns, Property, absent_if_empty, strings
from .bulk_frame_tools import TEXT, clean, dates, extreme, mode_of, per_distinct
from .extract import _HEAD_ROLE, _PLACEMENT_FIELDS, _ROLE_TO_HEAD, camel

_PHASE_ORDER: Final = {phase: i for i, phase in enumerate(PHASES)}
# What a placement reads from its records besides the fields that make a record a placement record.
_PLACEMENT_DETAILS: Final = ("employer_country", "procedural", "return_date", "sector")


def _placement_ids(rec: pd.DataFrame) -> pd.DataFrame:
    """``Extraction._placement_groups``: the records that describe a placement, with its ID. A dated
    record is anchored on its departure; an undated one on the latest departure of the same person
    through the same agency, else on its agency and country."""
    says = np.logical_or.reduce([(rec[f] != "").to_numpy(dtype=bool) for f in _PLACEMENT_FIELDS])
    own = ((rec["complaint_id"] == "") & (rec["relation"] == "")).to_numpy(dtype=bool)
    pl = rec.loc[
        says & own, ["record_key", "person_id", "agency_id", *_PLACEMENT_FIELDS, *_PLACEMENT_DETAILS]
    ]
    dated = pl["departure_date"] != ""
    latest = extreme(pl[dated], ["person_id", "agency_id"], "departure_date", "max").rename("latest")
    pl = pl.join(latest, on=["person_id", "agency_id"])
    country = pl["destination_country"].mask(pl["destination_country"] == "", pl["employer_country"])
    anchor = ("departed " + pl["departure_date"]).where(dated, "departed " + pl["latest"].astype(TEXT))
    anchor = anchor.where(dated | pl["latest"].notna(), "undated " + pl["agency_id"] + " " + country)
    return pl.assign(placement_id=per_distinct(identity.placement_id, pl["person_id"], anchor.astype(TEXT)))


def placements(g: GraphChanges, rec: pd.DataFrame) -> None:
    """``Extraction.placements_rows`` and the PLACEMENTS statements: a node per placement, its person,
    agency, employer and the records that describe it."""
    pl = _placement_ids(rec)
    key = pl["placement_id"]
    # The furthest record: highest phase, the first (by record key) among equals, as ``max`` picks.
    order = per_distinct(
        lambda phase: -_PHASE_ORDER.get(phase, -1), pl["placement_phase"], dtype=pd.ArrowDtype(pa.int64())
    )
    columns = ["placement_id", "record_key", "person_id", "placement_phase", "placement_status"]
    ranked = pa.Table.from_pandas(pl[columns].assign(order=order), preserve_index=False)
    ranked = ranked.sort_by([("order", "ascending"), ("record_key", "ascending")])
    firsts = [(c, "first") for c in ("person_id", "placement_phase", "placement_status")]
    furthest = (
        ranked.group_by("placement_id", use_threads=False)
        .aggregate(firsts)
        .to_pandas(types_mapper=pd.ArrowDtype)
    )
    ids = pd.Index(furthest["placement_id"])
    furthest = furthest.set_axis(ids).rename(columns=lambda c: c.removesuffix("_first"))
    status = furthest["placement_status"].mask(
        furthest["placement_status"] == "", mode_of(key, pl["placement_status"], ids)
    )
    stated = ids.isin(key[pl["procedural"] != ""])
    denied = ids.isin(key[pl["procedural"] == "false"])
    destination = mode_of(key, pl["destination_country"], ids)
    destination = destination.mask(destination == "", mode_of(key, pl["employer_country"], ids))
    departure = extreme(pl[pl["departure_date"] != ""], ["placement_id"], "departure_date", "min")
    returned = extreme(pl[pl["return_date"] != ""], ["placement_id"], "return_date", "max")
    props = {
        "phase": absent_if_empty(furthest["placement_phase"]),
        "status": absent_if_empty(status),
        # Any silo recording a non-procedural departure is the signal that matters.
        "procedural": Property(pa.array(~denied, pa.bool_(), mask=~stated)),
        "departureDate": Property(pa.array(dates(departure.reindex(ids, fill_value="").astype(TEXT)))),
        "returnDate": Property(pa.array(dates(returned.reindex(ids, fill_value="").astype(TEXT)))),
        "destination": absent_if_empty(destination),
        "sector": absent_if_empty(mode_of(key, pl["sector"], ids)),
    }
    g.add_nodes("Placement", ids, props)
    g.rows_per_step["placements"] = len(ids)
    g.relate("HAS_PLACEMENT", "Person", "Placement", furthest["person_id"], ids)
    agency = mode_of(key, pl["agency_id"], ids)
    employer = per_distinct(
        identity.employer_id,
        mode_of(key, pl["employer_name"], ids),
        mode_of(key, pl["employer_country"], ids),
    )
    for column, label, rel_type in (
        (agency, "Agency", "THROUGH_AGENCY"),
        (employer, "Employer", "WITH_EMPLOYER"),
    ):
        named = column != ""
        g.add_keys(label, column[named], stamped=False)  # MERGE (a:Agency …) without SET
        g.relate(rel_type, "Placement", label, ids[named.to_numpy()], column[named])
    g.relate("DESCRIBES", "SourceRecord", "Placement", pl["record_key"], key)


def family(g: GraphChanges, rec: pd.DataFrame, by_nik: pd.Series) -> None:
    """Ties from family cards (each member to the head: the smallest person ID in that role) and ties a
    record declares (to the worker whose NIK it gives)."""
    on_card = (rec["kk_number"] != "") & (rec["family_role"] != "")
    carded = rec.loc[on_card, ["record_key", "kk_number", "person_id", "family_role"]]
    carded = carded.sort_values("record_key", kind="stable")  # the loader reads records by key
    carded = carded.assign(role=per_distinct(str.upper, carded["family_role"]))
    carded = carded.drop_duplicates(["kk_number", "person_id"], keep="last")  # a later record's role wins
    heads = extreme(carded[carded["role"] == _HEAD_ROLE], ["kk_number"], "person_id", "min").rename("head")
    members = carded.join(heads, on="kk_number", how="inner")
    members = members[(members["person_id"] != members["head"]) & (members["role"] != _HEAD_ROLE)]
    relation = per_distinct(lambda role: _ROLE_TO_HEAD.get(role, "famili"), members["role"])
    card_ties = pd.DataFrame(
        {"from": members["person_id"], "to": members["head"], "relation": relation, "basis": "family_card"}
    )
    declared = rec.loc[
        (rec["relation"] != "") & (rec["related_nik"] != ""), ["person_id", "relation", "related_nik"]
    ]
    worker = declared["related_nik"].map(by_nik)
    declared = declared.assign(worker=worker)[worker.notna() & (worker != declared["person_id"])]
    said = pd.DataFrame(
        {
            "from": declared["person_id"],
            "to": declared["worker"].astype(TEXT),
            "relation": per_distinct(str.lower, declared["relation"]),
            "basis": "declared",
        }
    )
    both = pd.concat([card_ties, said], ignore_index=True).astype(TEXT)
    # Unthreaded: the groups then come in the order they first appear, whatever else runs meanwhile
    # (the ties' order is the file's, which must not vary from one build to the next).
    table = pa.Table.from_pandas(both, preserve_index=False)
    ties = table.group_by(list(both.columns), use_threads=False).aggregate([])
    g.rows_per_step["family"] = ties.num_rows
    # One relationship per (from, to, relation): SET rel.basis in sorted row order leaves the largest.
    merged = ties.group_by(["from", "to", "relation"], use_threads=False).aggregate([("basis", "max")])
    props = {"relation": Property(merged["relation"]), "basis": Property(merged["basis_max"])}
    g.relate("FAMILY_OF", "Person", "Person", merged["from"], merged["to"], props)


def complaints(g: GraphChanges, rec: pd.DataFrame, by_nik: pd.Series) -> None:
    filed = rec[(rec["complaint_id"] != "") | (rec["complaint_type"] != "") | (rec["complaint_text"] != "")]
    cid = ("C:" + filed["complaint_id"]).where(filed["complaint_id"] != "", "C:" + filed["record_key"])
    concerns = filed["related_nik"].map(by_nik).astype(TEXT)
    filed = filed.assign(complaint=cid, concerns=concerns.mask(concerns.isna(), filed["person_id"]))
    filed = filed.sort_values(["complaint", "record_key"], kind="stable")
    g.rows_per_step["complaints"] = len(filed)
    # SET c += row.props, row after row: the last row of a complaint ID leaves its map, nulls removed.
    last = filed.drop_duplicates("complaint", keep="last")
    props = {
        "date": Property(pa.array(dates(last["complaint_date"]))),
        "type": absent_if_empty(last["complaint_type"]),
        "text": absent_if_empty(last["complaint_text"]),
        "source": Property(strings(last["source"])),
    }
    g.add_nodes("Complaint", last["complaint"], props)
    for rel_type, start, end, starts, ends in (
        ("REPORTS", "SourceRecord", "Complaint", filed["record_key"], filed["complaint"]),
        ("FILED", "Person", "Complaint", filed["person_id"], filed["complaint"]),
        ("CONCERNS", "Complaint", "Person", filed["complaint"], filed["concerns"]),
    ):
        pairs = pd.DataFrame({"start": starts, "end": ends}).drop_duplicates()
        g.relate(rel_type, start, end, pairs["start"], pairs["end"])
    for column, label in (("agency_id", "Agency"), ("broker_id", "Broker")):
        against = filed.loc[filed[column] != "", ["complaint", column]].drop_duplicates()
        g.add_keys(label, against[column], stamped=False)
        g.relate("AGAINST", "Complaint", label, against["complaint"], against[column])


def office_visits(g: GraphColumns, rec: pd.DataFrame) -> None:
    visits = rec.loc[rec["ltsa_office"] != "", ["person_id", "ltsa_office"]]
    visits = visits.assign(office=per_distinct(identity.office_id, visits["ltsa_office"]))
    pairs = visits.loc[visits["office"] != "", ["person_id", "office"]].drop_duplicates()
    g.rows_per_step["office_visits"] = len(pairs)
    pairs = pairs[g.exists("LtsaOffice", pairs["office"]).to_numpy(zero_copy_only=False)]
    g.relate("SERVED_AT", "Person", "LtsaOffice", pairs["person_id"], pairs["office"])


def decisions(g: GraphColumns, frame: pd.DataFrame) -> None:
    """Steward decisions (a few thousand rows): ``SET d = row.props``, so the last row of an ID wins."""
    d = clean(frame, list(frame.columns))
    did = [
        identity.decision_id(c, v, t)
        for c, v, t in zip(d["candidate_id"], d["decision"], d["decided_at"], strict=True)
    ]
    d = d.assign(decision_id=pd.Series(did, index=d.index, dtype=TEXT)).sort_values(
        "decision_id", kind="stable"
    )
    g.rows_per_step["decisions"] = len(d)
    last = d.drop_duplicates("decision_id", keep="last")
    props = {camel(str(c)): absent_if_empty(last[c]) for c in frame.columns}
    g.add_nodes("StewardDecision", last["decision_id"], props)
    about = pd.concat(
        [d[["decision_id", side]].set_axis(["start", "end"], axis=1) for side in ("left_key", "right_key")]
    ).drop_duplicates()
    about = about[g.exists("SourceRecord", about["end"]).to_numpy(zero_copy_only=False)]
    g.relate("ABOUT", "StewardDecision", "SourceRecord", about["start"], about["end"])
