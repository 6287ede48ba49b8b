"""Maximum flight distances (Ann. A §III) and later dated decisions."""

from __future__ import annotations

from datetime import date

import pytest

from openskies.errors import InputError
from openskies.treaty import (
    TreatyData,
    find_flight_distance,
    flight_distances_on,
    sub_limits_on,
)

# Ann. A §III, English text (authentic, Art. XIX): airfield or region -> km.
ANNEX_A_SECTION_III = {
    "deu-wunstorf": 1200,
    "deu-landsberg-lech": 1200,
    "usa-washington-dulles": 4900,
    "usa-travis-afb": 4000,
    "usa-elmendorf-afb": 3000,
    "usa-lincoln-municipal": 4800,
    "blr-rus-kubinka": 5000,
    "blr-rus-ulan-ude": 5000,
    "blr-rus-vorkuta": 6500,
    "blr-rus-magadan": 6500,
    "benelux-zaventem-melsbroek": 945,
    "bgr-sofia": 660,
    "bgr-burgas": 660,
    "can-ottawa": 5000,
    "can-iqaluit": 6000,
    "can-yellowknife": 5000,
    "dnk-metropolitan": 800,
    "dnk-faroe-islands": 250,
    "dnk-greenland": 5600,
    "esp-getafe": 1300,
    "esp-gando": 750,
    "esp-valencia": 1300,
    "esp-valladolid": 1300,
    "esp-moron": 1300,
    "fra-orleans-bricy": 1400,
    "fra-nice-cote-d-azur": 800,
    "fra-toulouse-blagnac": 700,
    "gbr-brize-norton": 1150,
    "gbr-scampton": 1150,
    "gbr-leuchars": 1150,
    "gbr-with-scilly-islands": 1500,
    "gbr-with-shetland-islands": 1500,
    "grc-thessaloniki": 900,
    "grc-elefsis": 900,
    "grc-with-crete-karpathos-rhodes-kos-islands": 1100,
    "hun-budapest-ferihegy": 860,
    "isl-unnamed-open-skies-airfield": 1500,
    "ita-milano-malpensa": 1130,
    "ita-palermo-punta-raisi": 1400,
    "nor-oslo-gardermoen": 1700,
    "nor-tromsoe-langnes": 1700,
    "pol-warszawa-okecie": 1400,
    "prt-lisboa": 1200,
    "prt-sta-maria": 1700,
    "prt-portosanto": 1030,
    "rou-bucharest-otopeni": 900,
    "rou-timisoara": 900,
    "rou-bacau": 900,
    "csk-praha": 600,
    "csk-bratislava": 700,
    "csk-kosice": 400,
    "tur-eskisehir": 1500,
    "tur-diyarbakir": 1500,
    "ukr-borispol": 2100,
}


@pytest.mark.parametrize(("entry_id", "km"), sorted(ANNEX_A_SECTION_III.items()))
def test_ann_a_iii_maximum_flight_distance(data: TreatyData, entry_id: str, km: int) -> None:
    entry = data.flight_distances[entry_id]
    first = entry.distance_km.entries[0]
    assert (first.effective, first.value, first.citation.text) == (
        date(2002, 1, 1),
        km,
        "Ann. A §III",
    )


def test_ann_a_iii_table_is_complete(data: TreatyData) -> None:
    assert set(data.flight_distances) == set(ANNEX_A_SECTION_III)


def test_ann_a_iii_english_text_kept_where_the_dutch_differs(data: TreatyData) -> None:
    for entry_id in ("usa-washington-dulles", "usa-lincoln-municipal", "blr-rus-vorkuta"):
        note = data.flight_distances[entry_id].distance_km.entries[0].note or ""
        assert "Dutch" in note, entry_id


def test_later_decision_5500_km_over_russia_is_a_new_dated_entry(data: TreatyData) -> None:
    kubinka = find_flight_distance(data, "KUBINKA")
    assert kubinka.distance_km.value_on(date(2016, 1, 1)) == 5000
    later = kubinka.distance_km.entry_on(date(2018, 1, 1))
    assert later.value == 5500 and later.citation.url  # cited to a public source


def test_kaliningrad_500_km_sub_limit_is_dated_and_contested(data: TreatyData) -> None:
    assert sub_limits_on(data, "BLR-RUS", date(2016, 1, 1)) == ()
    [limit] = sub_limits_on(data, "BLR-RUS", date(2019, 1, 1))
    assert limit.distance_km.value_on(date(2019, 1, 1)) == 500 and limit.status == "contested"


def test_airfields_are_found_by_name_site_or_icao(data: TreatyData) -> None:
    assert find_flight_distance(data, "orleans-bricy").id == "fra-orleans-bricy"
    assert find_flight_distance(data, "LKPR").id == "csk-praha"
    with pytest.raises(InputError, match="unknown Open Skies airfield"):
        find_flight_distance(data, "Gatwick")


def test_flight_distances_of_one_holder(data: TreatyData) -> None:
    rows = flight_distances_on(data, date(2010, 1, 1), "DEU")
    assert [(r.entry.airfield, r.distance_km) for r in rows] == [
        ("WUNSTORF", 1200),
        ("LANDSBERG-LECH", 1200),
    ]
