"""``generate``: one seeded run from people to silo files, manifest and ground truth."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from .complaints import make_complaints
from .manifest import render_manifest, truth_table, write_parquet
from .placements import build_market
from .population import generate_population, kinship
from .regions import REGIONS_CSV, load_region_model, ltsa_offices
from .silos import agency, bpjs, disnaker, dukcapil, imigrasi, pengaduan, sisko
from .silos.base import SiloOutput, World
from .silos.frames import people_frame, placement_frame

# Folders this generator owns inside ``out``; they are replaced on every run so no stale file is globbed.
SILO_FOLDERS: Final = (
    "sisko_p2mi",
    "disnaker",
    "disnaker_latin1",
    "disnaker_jatim",
    "dukcapil",
    "imigrasi",
    "p3mi",
    "bpjs",
    "pengaduan",
)


@dataclass(frozen=True)
class SynthResult:
    out: Path
    people: int
    workers: int
    placements: int
    rows_by_source: dict[str, int]


def family_links(people: pd.DataFrame) -> pd.DataFrame:
    """True family links between members of one card: ``related_person_id`` is the ``relation``
    (SUAMI, ISTRI, AYAH, IBU, ANAK, SAUDARA, MERTUA, MENANTU, KAKEK, NENEK, CUCU) of ``person_id``."""
    members = people[["person_id", "family_id", "family_role", "female"]]
    pairs = members.merge(members, on="family_id", suffixes=("", "_related"))
    pairs = pairs[pairs["person_id"] != pairs["person_id_related"]]
    relation = [
        kinship(role, other, female)
        for role, other, female in zip(
            pairs["family_role"], pairs["family_role_related"], pairs["female_related"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "person_id": pairs["person_id"].to_numpy(),
            "related_person_id": pairs["person_id_related"].to_numpy(),
            "relation": relation,
        }
    )


def _entities(world: World) -> pd.DataFrame:
    market = world.market
    agencies = market.agencies.rename(columns={"agency_id": "entity_id"}).assign(kind="agency")
    brokers = market.brokers.rename(columns={"broker_id": "entity_id"}).assign(kind="broker")
    employers = market.employers.rename(columns={"employer_id": "entity_id", "kind": "employer_kind"})
    offices = pd.DataFrame(ltsa_offices(world.regions), columns=["name", "regency_code", "opened"]).astype(
        str
    )
    offices.insert(0, "entity_id", [f"L{i:03d}" for i in range(1, len(offices) + 1)])
    frame = pd.concat(
        [agencies, brokers, employers.assign(kind="employer"), offices.assign(kind="ltsa")], ignore_index=True
    )
    return frame.drop(columns=["weight"]).fillna("").astype(str)


def generate(people: int, seed: int, out: Path, regions_csv: Path = REGIONS_CSV) -> SynthResult:
    """Write the seven silos, ``manifest.toml`` and truth tables for ``people`` synthetic people."""
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    regions = load_region_model(regions_csv)
    population = generate_population(rng, rnd, regions, people)
    market = build_market(rng, rnd, population)
    complaints = make_complaints(rng, rnd, population, market.placements)
    world = World(population, market, complaints, regions, rng, rnd)
    out.mkdir(parents=True, exist_ok=True)
    for folder in SILO_FOLDERS:
        shutil.rmtree(out / folder, ignore_errors=True)
    persons = people_frame(world)
    placements = placement_frame(world, persons)
    workers = set(market.workers["person_id"].tolist())
    outputs: list[SiloOutput] = [sisko.write(world, placements, out)]
    outputs += disnaker.write(world, placements, out)
    outputs.append(dukcapil.write(world, persons, workers, out))
    outputs.append(imigrasi.write(world, placements, out))
    outputs.append(agency.write(world, placements, out))
    outputs.append(bpjs.write(world, placements, persons, out))
    outputs.append(pengaduan.write(world, placements, persons, out))
    # A glob silo with no file this run (no worker from Kab. Cirebon, no agency placement) is left out of
    # the manifest, because a source whose path matches nothing is an ingest error.
    outputs = [o for o in outputs if o.files]
    (out / "manifest.toml").write_text(render_manifest(outputs, seed, people), encoding="utf-8")
    truth = truth_table(outputs)
    write_parquet(truth, out / "truth.parquet")
    _write_world(world, persons, out)
    counts = truth.groupby("source", sort=False).size()
    return SynthResult(
        out, people, len(workers), len(market.placements), {str(k): int(v) for k, v in counts.items()}
    )


def _write_world(world: World, persons: pd.DataFrame, out: Path) -> None:
    people_columns = [
        "person_id",
        "family_id",
        "family_role",
        "sex",
        "birth_date",
        "full_name",
        "mother_name",
        "father_name",
        "nik",
        "kk_number",
        "regency_code",
        "address",
        "phone",
        "tradition",
    ]
    truth_people = persons[people_columns].copy()
    truth_people["birth_date"] = truth_people["birth_date"].astype(str)
    truth_people["is_worker"] = truth_people["person_id"].isin(world.market.workers["person_id"])
    write_parquet(truth_people, out / "people.parquet")
    write_parquet(family_links(world.population.people), out / "families.parquet")
    placements = world.market.placements.drop(columns=["worker_row", "foreign_phone"]).copy()
    for column in ("registered", "departure", "return"):
        placements[column] = placements[column].astype(str).replace("NaT", "")
    write_parquet(placements, out / "placements.parquet")
    write_parquet(_entities(world), out / "entities.parquet")
    write_parquet(world.population.hard_negatives, out / "hard_negatives.parquet")
    complaints = world.complaints.drop(columns=["template", "problem"]).copy()
    complaints["complaint_date"] = complaints["complaint_date"].astype(str)
    write_parquet(complaints, out / "complaints.parquet")
