"""``native``: driver values as plain Python, walking only what needs converting."""

from __future__ import annotations

import datetime

import neo4j.time

from graph.queries.gateway_io import native


def test_temporal_values_become_python_ones_at_any_depth() -> None:
    row = {
        "birthDate": neo4j.time.Date(1990, 5, 17),
        "person": {"name": "SITI", "seen": neo4j.time.DateTime(2024, 1, 2, 3, 4, 5)},
        "placements": [{"departureDate": neo4j.time.Date(2021, 7, 1), "destination": "MY"}],
    }
    plain = native(row)
    assert plain == {
        "birthDate": datetime.date(1990, 5, 17),
        "person": {"name": "SITI", "seen": datetime.datetime(2024, 1, 2, 3, 4, 5)},
        "placements": [{"departureDate": datetime.date(2021, 7, 1), "destination": "MY"}],
    }
    assert type(plain["placements"][0]["departureDate"]) is datetime.date


def test_a_map_of_scalars_is_kept_and_a_map_holding_more_is_rebuilt() -> None:
    names = {"personId": "P1", "fullName": "SITI AMINAH", "knownNames": "SITI AMINAH | SITI AMINA"}
    hit = {"person": names, "score": 2.5, "when": neo4j.time.Date(2020, 1, 1)}
    plain = native(hit)
    assert plain["person"] is names  # already plain: not copied
    assert plain is not hit and hit["when"] == neo4j.time.Date(2020, 1, 1)  # the driver's map untouched
    assert plain["when"] == datetime.date(2020, 1, 1)
