"""The graph a MERGE load leaves on an empty database, built column-wise from the linked frames.

``graph.bulk_image`` replays every loader step row by row (a dict per row, a dict per node); at a
million people that costs minutes and ~18 GB. Here each step is a few grouped column operations whose
result is the same graph, for these reasons (``graph.load_cypher`` holds the statements):

* **Which nodes exist.** Every record's person exists (the reader checks it), so the loader's
  ``MATCH (p:Person …)`` never drops a row built from the records; the relationships that do MATCH
  something that may be missing (an office, a decision's record) are filtered on the written keys.
  A node only ever ``MERGE``d bare by a later step (an employer named by a placement's most frequent
  name and country) is written with its key alone, as the bare ``MERGE`` leaves it.
* **Which value wins.** ``SET n = row.props`` replaces, ``SET n += row.props`` is applied in row
  order: when rows share a key (complaints filed twice), the last row's map is what remains.
  ``MERGE`` of a relationship is idempotent, so relationships are distinct (start, end[, pattern]);
  a FAMILY_OF tie both on a family card and declared keeps the basis of its last row (rows are
  sorted, so the largest).
* **Nulls are removed**: a property the loader's rows set to ``None`` is a null in its column, which
  the importer stores as nothing.

Regions and offices are a few hundred rows and keep the row-wise path (``Extraction`` on one record
per office, ``bulk_image``): their rules (office names matched against region names) stay in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, Final, ParamSpec

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkage.canonical import PERSON_FIELDS

from . import identity
from .bulk_columns import (
    GraphChanges,
    GraphColumns,
    Property,
    absent_if_empty,
    image_columns,
    joined_array,
    strings,
)
from .bulk_frame_tools import TEXT, clean, dates, member_lists, mode_of, or_none, per_distinct, text
from .bulk_frames_events import complaints, decisions, family, office_visits, placements
from .bulk_image import STEP_IMAGES, GraphImage
from .extract import _RECORD_PROPERTIES, Extraction, camel
from .linked_input import LinkedOutput

# What Extraction reads from the records besides an office's name and region: empty here.
_OFFICE_ROW_COLUMNS: Final = (
    "person_id",
    "nik",
    "agency_licence",
    "agency_name",
    "broker_name",
    "broker_phone",
)
P = ParamSpec("P")


def build_columns(linked: LinkedOutput, folder: Path) -> GraphColumns:
    """Every step of ``graph.load.STEPS``, column-wise, in the loader's order, written into ``folder``
    as it goes; ``close`` the result to write the last node files."""
    g = GraphColumns(run=linked.run_id, folder=folder)
    try:
        _build(g, linked)
    except BaseException:
        g.discard()  # no file keeps being written behind the error
        raise
    return g


def _build(g: GraphColumns, linked: LinkedOutput) -> None:
    # In file order: sorting millions of records would copy them; the few rules where the loader's
    # record order decides (first employer spelling, last family-card role) sort their own rows.
    records = linked.records
    rec = clean(records, [c for c in records.columns if c != "row_number"])
    rec["agency_id"] = _agency_ids(rec)
    rec["broker_id"] = per_distinct(identity.broker_id, rec["broker_name"], rec["broker_phone"])
    reference = _reference(g, linked, rec)
    g.finish("Region", "LtsaOffice")
    # The heavy steps read only ``rec`` (no longer changed) and their inputs: two workers compute them
    # (most arrow kernels release the GIL) while this thread applies their changes in the loader's order.
    steps = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bulk-step")
    try:
        persons = _computed(steps, g.run, _persons, linked.persons, rec, reference)
        identifiers = _computed(steps, g.run, _identifiers, rec)
        organisations = _computed(steps, g.run, _organisations, rec)
        placed = _computed(steps, g.run, placements, rec)
        people = _computed(steps, g.run, _family_and_complaints, rec)
        persons.result().apply_to(g)
        g.finish("Person")
        _records(g, records["row_number"], rec)
        g.finish("SourceRecord")
        identifiers.result().apply_to(g)
        g.finish("Passport", "Address")
        organisations.result().apply_to(g)
        g.finish("Phone")
        placed.result().apply_to(g)
        g.finish("Placement", "Employer")
        people.result().apply_to(g)
    finally:
        steps.shutdown(wait=True, cancel_futures=True)  # after an error, nothing keeps computing
    office_visits(g, rec)
    decisions(g, linked.decisions)


def _computed(
    pool: ThreadPoolExecutor,
    run: str,
    step: Callable[Concatenate[GraphChanges, P], None],
    *args: P.args,
    **kwargs: P.kwargs,
) -> Future[GraphChanges]:
    """``step``'s changes to the graph, computed in ``pool``."""

    def compute() -> GraphChanges:
        changes = GraphChanges(run)
        step(changes, *args, **kwargs)
        return changes

    return pool.submit(compute)


def _family_and_complaints(g: GraphChanges, rec: pd.DataFrame) -> None:
    """Two consecutive steps that share the NIK index."""
    by_nik = _person_by_nik(rec)
    family(g, rec, by_nik)
    complaints(g, rec, by_nik)


def _agency_ids(rec: pd.DataFrame) -> pd.Series:
    """``Extraction._agency_ids``: a name without licence borrows the one licence it carries elsewhere."""
    pairs = rec[["agency_licence", "agency_name"]].drop_duplicates()
    ids = [
        identity.agency_id(lic, name)
        for lic, name in zip(pairs["agency_licence"], pairs["agency_name"], strict=True)
    ]
    names = [identity.normalise_organisation(name) for name in pairs["agency_name"]]
    licences: dict[str, set[str]] = {}
    for aid, name in zip(ids, names, strict=True):
        if aid.startswith("LIC:") and name:
            licences.setdefault(name, set()).add(aid)
    by_name = {name: next(iter(found)) for name, found in licences.items() if len(found) == 1}
    borrowed = [by_name.get(n, a) if a.startswith("NAME:") else a for a, n in zip(ids, names, strict=True)]
    table = pairs.assign(agency_id=pd.Series(borrowed, index=pairs.index, dtype=TEXT))
    merged = rec[["agency_licence", "agency_name"]].merge(
        table, how="left", on=["agency_licence", "agency_name"]
    )
    return merged["agency_id"].set_axis(rec.index)


def _person_by_nik(rec: pd.DataFrame) -> pd.Series:
    """``Extraction._unique_nik_index``: NIK → person, for NIKs that point at exactly one person."""
    pairs = rec.loc[rec["nik"] != "", ["nik", "person_id"]].drop_duplicates()
    unique = pairs.drop_duplicates("nik", keep=False)
    return pd.Series(unique["person_id"].to_numpy(), index=unique["nik"].to_numpy())


# --- reference: regions and offices (row-wise, small) -----------------------------------------------


def _reference(g: GraphColumns, linked: LinkedOutput, rec: pd.DataFrame) -> Extraction:
    """Regions and offices through ``Extraction`` and ``bulk_image``. An office's row depends on the
    records only through its name and its most frequent region code, so one record per office name
    carrying that code gives ``Extraction.offices_rows`` exactly its answer on the full data."""
    named = rec.loc[rec["ltsa_office"] != "", ["ltsa_office", "region_code"]]
    offices = pd.Index(named["ltsa_office"].unique())
    one_per_office = pd.DataFrame({c: [""] * len(offices) for c in _OFFICE_ROW_COLUMNS})
    one_per_office["record_key"] = [f"office:{i}" for i in range(len(offices))]  # unique, unused
    one_per_office["ltsa_office"] = list(offices)
    one_per_office["region_code"] = mode_of(named["ltsa_office"], named["region_code"], offices).tolist()
    persons = pd.DataFrame({"person_id": pd.Series(dtype=str)})
    extraction = Extraction(LinkedOutput(one_per_office, persons, linked.decisions, linked.regions, g.run))
    image = GraphImage(run=g.run)
    for step, rows in (("regions", extraction.regions_rows()), ("offices", extraction.offices_rows())):
        g.rows_per_step[step] = len(rows)
        STEP_IMAGES[step](image, rows)
    nodes, relationships = image_columns(image)
    g.nodes.update({n.label: n for n in nodes})
    for r in relationships:
        g.relate(r.rel_type, r.start_label, r.end_label, r.starts, r.ends, r.properties)
    return extraction


# --- persons and their records -----------------------------------------------------------------------


def _persons(g: GraphChanges, persons: pd.DataFrame, rec: pd.DataFrame, reference: Extraction) -> None:
    p = clean(persons, ["person_id", *PERSON_FIELDS, "is_worker", "record_count", "provenance"])
    props = {camel(f): absent_if_empty(p[f]) for f in PERSON_FIELDS}
    worker = (p["is_worker"].str.lower() == "true").to_numpy(dtype=bool)
    count = p["record_count"].mask(p["record_count"] == "", "0")
    props.update(
        birthDate=Property(pa.array(dates(p["birth_date"]))),
        isWorker=Property(pa.array(worker, pa.bool_())),
        recordCount=Property(strings(count).cast(pa.int64())),  # like int(): text that is no integer fails
        provenance=absent_if_empty(p["provenance"]),
        knownNames=Property(_known_names(rec, p["person_id"])),
    )
    labels = pc.if_else(pa.array(worker), pa.scalar("Worker"), pa.scalar(None, pa.string()))
    g.add_nodes("Person", p["person_id"], props, labels)
    g.rows_per_step["persons"] = len(p)
    region = per_distinct(reference.known_region, p["region_code"])  # always a written region, or null
    lives = pd.DataFrame({"start": p["person_id"], "end": region}).dropna()
    g.relate("LIVES_IN", "Person", "Region", lives["start"], lives["end"])


def _known_names(rec: pd.DataFrame, person_ids: pd.Series) -> pa.Array:
    """Every full name and alias a person's records give, sorted, joined with " | " (null if none)."""
    aliased = rec.loc[rec["alias_names"] != "", ["person_id", "alias_names"]]
    aliases = aliased.assign(name=aliased["alias_names"].str.split("|")).explode("name")
    full = rec[["person_id", "full_name"]].rename(columns={"full_name": "name"})
    names = pd.concat([full, aliases[["person_id", "name"]].astype(TEXT)], ignore_index=True)
    names = names[names["name"] != ""].drop_duplicates()
    table = pa.Table.from_pandas(names, preserve_index=False)
    table = table.sort_by([("person_id", "ascending"), ("name", "ascending")])
    grouped = table.group_by("person_id", use_threads=False).aggregate([("name", "list")])
    joined = pc.binary_join(grouped["name_list"], " | ")
    return pc.take(joined, pc.index_in(strings(person_ids), value_set=grouped["person_id"]))


def _records(g: GraphColumns, row_number: pd.Series, rec: pd.DataFrame) -> None:
    props = {camel(f): absent_if_empty(rec[f]) for f in _RECORD_PROPERTIES}
    if not pd.api.types.is_integer_dtype(row_number.dtype):
        row_number = or_none(text(row_number))
    props["rowNumber"] = Property(pa.array(row_number).cast(pa.int64()))
    g.add_nodes("SourceRecord", rec["record_key"], props)
    g.rows_per_step["records"] = len(rec)
    g.relate("RESOLVES_TO", "SourceRecord", "Person", rec["record_key"], rec["person_id"])


# --- shared identifiers and organisations ------------------------------------------------------------


def _identifiers(g: GraphChanges, rec: pd.DataFrame) -> None:
    """Phones, passports, addresses: one node per value, tied to each person with its sorted sources."""
    address = per_distinct(identity.address_key, rec["address"], rec["region_code"])
    for step, label, rel_type, values in (
        ("phones", "Phone", "HAS_PHONE", rec["phone"]),
        ("passports", "Passport", "HAS_PASSPORT", rec["passport_number"]),
        ("addresses", "Address", "HAS_ADDRESS", address),
    ):
        said = pa.table(
            {"person": pa.array(rec["person_id"]), "key": pa.array(values), "source": pa.array(rec["source"])}
        )
        ties = member_lists(said.filter(pc.not_equal(said["key"], "")), ["person", "key"], "source")
        g.rows_per_step[step] = ties.num_rows
        g.add_nodes(label, pc.unique(ties["key"]), {})
        sources = {"sources": joined_array(f"{rel_type}.sources", ties["source_list"])}
        g.relate(rel_type, "Person", label, ties["person"], ties["key"], sources)


def _organisations(g: GraphChanges, rec: pd.DataFrame) -> None:
    agencies = rec.loc[rec["agency_id"] != "", ["agency_id", "agency_name", "agency_licence"]]
    ids = pd.Index(agencies["agency_id"].unique()).sort_values()
    name = mode_of(agencies["agency_id"], agencies["agency_name"], ids)  # "" stays "" (no ``or None``)
    licence = mode_of(agencies["agency_id"], agencies["agency_licence"], ids)
    g.add_nodes("Agency", ids, {"name": Property(strings(name)), "licence": absent_if_empty(licence)})
    g.rows_per_step["agencies"] = len(ids)

    employer = per_distinct(identity.employer_id, rec["employer_name"], rec["employer_country"])
    named = rec.loc[employer != "", ["record_key", "employer_name", "employer_country"]]
    named = named.assign(employer_id=employer[employer != ""]).sort_values("record_key", kind="stable")
    named = named.drop_duplicates("employer_id")  # the first record (by key) names the employer
    country = absent_if_empty(named["employer_country"])
    g.add_nodes(
        "Employer",
        named["employer_id"],
        {"name": Property(strings(named["employer_name"])), "country": country},
    )
    g.rows_per_step["employers"] = len(named)

    brokers = rec.loc[rec["broker_id"] != "", ["broker_id", "broker_name", "broker_phone", "person_id"]]
    ids = pd.Index(brokers["broker_id"].unique()).sort_values()
    name = mode_of(brokers["broker_id"], brokers["broker_name"], ids)
    phone = mode_of(brokers["broker_id"], brokers["broker_phone"], ids)
    g.add_nodes("Broker", ids, {"name": absent_if_empty(name), "phone": absent_if_empty(phone)})
    g.rows_per_step["brokers"] = len(ids)
    with_phone = pd.DataFrame({"broker": ids, "phone": phone.to_numpy()})
    with_phone = with_phone[with_phone["phone"] != ""]
    g.add_keys("Phone", with_phone["phone"], stamped=True)  # MERGE (x:Phone …) SET x.loadRun
    g.relate("HAS_PHONE", "Broker", "Phone", with_phone["broker"], with_phone["phone"])

    recruited = pd.DataFrame(
        {"broker": brokers["broker_id"], "person": brokers["person_id"]}
    ).drop_duplicates()
    g.rows_per_step["recruitments"] = len(recruited)
    g.relate("RECRUITED", "Broker", "Person", recruited["broker"], recruited["person"])
