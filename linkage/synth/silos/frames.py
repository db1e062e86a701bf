"""The joined views silo writers read from: one row per placement with its worker and parties."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..corruption import Noise
from ..identity import indonesian_mobiles
from ..names import first_token
from .base import World, iso_dates


def people_frame(world: World) -> pd.DataFrame:
    """Every true person with family-card facts and display fields as documents write them."""
    people = world.population.people.copy()
    families = world.population.families
    fam = people["family_id"].to_numpy()
    names = world.regions.by_code()
    people["kk_number"] = families["kk_number"].to_numpy()[fam]
    people["address"] = families["address"].to_numpy()[fam]
    people["family_phone"] = families["family_phone"].to_numpy()[fam]
    people["regency_name"] = [names[c].name for c in people["regency_code"].tolist()]
    people["birth_iso"] = iso_dates(people["birth_date"])
    people["nickname"] = [first_token(n) for n in people["full_name"].tolist()]
    # Most adults carry their own phone; the rest give the family's number on every form.
    own = world.rng.random(len(people)) < 0.7
    mobiles = indonesian_mobiles(world.rng, len(people))
    people["phone"] = np.where(own, mobiles, people["family_phone"].to_numpy())
    return people


def placement_frame(world: World, people: pd.DataFrame) -> pd.DataFrame:
    """One row per placement, joined with its worker, agency, broker and employer."""
    market = world.market
    frame = market.placements.merge(people, on="person_id", how="left", validate="many_to_one")
    agencies = market.agencies.set_index("agency_id")
    brokers = market.brokers.set_index("broker_id")
    employers = market.employers.set_index("employer_id")
    frame["agency_name"] = agencies["name"].reindex(frame["agency_id"]).fillna("").to_numpy()
    frame["agency_licence"] = agencies["licence"].reindex(frame["agency_id"]).fillna("").to_numpy()
    frame["broker_name"] = brokers["name"].reindex(frame["broker_id"]).fillna("").to_numpy()
    frame["broker_phone"] = brokers["phone"].reindex(frame["broker_id"]).fillna("").to_numpy()
    frame["employer_name"] = employers["name"].reindex(frame["employer_id"]).fillna("").to_numpy()
    for column in ("registered", "departure", "return"):
        frame[f"{column}_iso"] = iso_dates(frame[column])
    return frame


def damaged(world: World, frame: pd.DataFrame, noise: Noise) -> dict[str, list[str]]:
    """Person fields of ``frame`` after the silo's errors: name, nik, birth_iso, phone, address, mother."""
    female = frame["female"].tolist()
    names = noise.apply_names(
        world.rng,
        world.rnd,
        frame["full_name"].tolist(),
        female,
        frame["father_name"].tolist(),
        frame["nickname"].tolist(),
    )
    niks = noise.apply_niks(world.rng, world.rnd, frame["nik"].tolist(), frame["kk_number"].tolist(), female)
    return {
        "name": names,
        "nik": niks,
        "birth_iso": noise.apply_dates(world.rng, frame["birth_iso"].tolist()),
        "phone": noise.blank(world.rng, frame["phone"].tolist()),
        "address": noise.blank(world.rng, frame["address"].tolist()),
        "mother": noise.blank(world.rng, frame["mother_name"].tolist()),
    }


def with_duplicates(world: World, frame: pd.DataFrame, share: float) -> pd.DataFrame:
    """The same person registered twice: a copy of some rows placed right after the original."""
    copies = np.flatnonzero(world.rng.random(len(frame)) < share)
    order = np.sort(np.r_[np.arange(len(frame)), copies], kind="stable")
    out = frame.iloc[order].reset_index(drop=True)
    is_copy = np.zeros(len(order), dtype=bool)
    is_copy[1:] = order[1:] == order[:-1]
    out["is_copy"] = is_copy
    return out
