"""Originals and duplicates (Art. IX §II-III): who holds, who selects, who gets a duplicate."""

from __future__ import annotations

import pytest

from openskies.custody import (
    CustodyRole,
    RecordingMedium,
    SensorCategoryCode,
    assign_originals,
    data_rights,
)
from openskies.errors import InputError
from openskies.treaty import AircraftProvider

FILM = RecordingMedium.FILM
TAPE = RecordingMedium.MAGNETIC_TAPE
DIGITAL = RecordingMedium.DIGITAL
OBSERVING = AircraftProvider.OBSERVING
OBSERVED = AircraftProvider.OBSERVED


def roles(rights, party: str) -> set[tuple[CustodyRole, str]]:  # type: ignore[no-untyped-def]
    return {(e.role, e.citation.text) for e in rights.for_party(party)}


def test_art_ix_2_6_one_film_original_observing_keeps_observed_may_get_duplicate() -> None:
    rights = data_rights("DEU", "POL", OBSERVING, FILM, 1, SensorCategoryCode.OP)
    assert (CustodyRole.RETAINS_ORIGINAL, "Art. IX §II ¶6(A)") in roles(rights, "DEU")
    assert (CustodyRole.FIRST_GENERATION_DUPLICATE, "Art. IX §II ¶6(B)") in roles(rights, "POL")
    assert (CustodyRole.ANNOTATES, "Art. IV ¶5") in roles(rights, "DEU")
    assert assign_originals(rights)[0].party == "DEU"


def test_art_ix_2_6_one_film_original_on_the_observed_partys_aircraft_goes_to_observing() -> None:
    # The observed Party flies ("taxi option") and develops; the observing Party receives.
    rights = data_rights("DEU", "POL", OBSERVED, FILM, 1)
    assert rights.has("DEU", CustodyRole.RECEIVES_ORIGINAL)
    assert rights.has("POL", CustodyRole.FIRST_GENERATION_DUPLICATE)
    assert rights.has("POL", CustodyRole.ANNOTATES)
    assert [h.party for h in assign_originals(rights)] == ["DEU"]


@pytest.mark.parametrize(
    ("provider", "selector", "keeper", "citation"),
    [
        (OBSERVING, "POL", "DEU", "Art. IX §II ¶7(A)"),
        (OBSERVED, "DEU", "POL", "Art. IX §II ¶7(B)"),
    ],
)
def test_art_ix_2_7_two_film_originals_the_party_without_the_aircraft_selects(
    provider: AircraftProvider, selector: str, keeper: str, citation: str
) -> None:
    rights = data_rights("DEU", "POL", provider, FILM, 2)
    assert (CustodyRole.SELECTS_ORIGINAL, citation) in roles(rights, selector)
    assert (CustodyRole.RETAINS_UNSELECTED_ORIGINAL, citation) in roles(rights, keeper)
    holdings = assign_originals(rights, selected_set=2)
    assert [(h.set_number, h.party) for h in holdings] == [(1, keeper), (2, selector)]


@pytest.mark.parametrize("medium", [TAPE, DIGITAL])
def test_art_ix_3_2_one_original_set_observing_holds_observed_gets_duplicate(
    medium: RecordingMedium,
) -> None:
    own = data_rights("FRA", "UKR", OBSERVING, medium, 1)
    assert (CustodyRole.RETAINS_ORIGINAL, "Art. IX §III ¶2(A)") in roles(own, "FRA")
    assert (CustodyRole.FIRST_GENERATION_DUPLICATE, "Art. IX §III ¶2(A)") in roles(own, "UKR")
    assert (CustodyRole.RECORDS_ORIGINALS, "Art. IX §III ¶1") in roles(own, "FRA")
    taxi = data_rights("FRA", "UKR", OBSERVED, medium, 1)
    assert (CustodyRole.RECEIVES_ORIGINAL, "Art. IX §III ¶2(B)") in roles(taxi, "FRA")
    assert (CustodyRole.FIRST_GENERATION_DUPLICATE, "Art. IX §III ¶2(B)") in roles(taxi, "UKR")
    assert (CustodyRole.RECORDS_ORIGINALS, "Art. IX §III ¶1") in roles(taxi, "UKR")


def test_art_ix_3_3_two_original_sets_the_non_providing_party_selects() -> None:
    rights = data_rights("FRA", "UKR", OBSERVED, TAPE, 2)
    assert (CustodyRole.SELECTS_ORIGINAL, "Art. IX §III ¶3(B)") in roles(rights, "FRA")
    assert rights.non_providing_party == "FRA"
    assert [h.party for h in assign_originals(rights, 1)] == ["FRA", "UKR"]


@pytest.mark.parametrize(
    ("provider", "chooser", "citation"),
    [(OBSERVING, "UKR", "Art. IX §III ¶4"), (OBSERVED, "FRA", "Art. IX §III ¶5")],
)
def test_art_ix_3_4_5_sar_the_non_providing_party_chooses_phase_or_image(
    provider: AircraftProvider, chooser: str, citation: str
) -> None:
    rights = data_rights("FRA", "UKR", provider, TAPE, 1, SensorCategoryCode.SAR)
    assert (CustodyRole.CHOOSES_SAR_FORM, citation) in roles(rights, chooser)


def test_art_vi_1_1_aircraft_of_a_third_state_party_counts_as_the_observing_partys() -> None:
    rights = data_rights("BEL", "HUN", AircraftProvider.THIRD, TAPE, 2)
    assert rights.providing_party == "BEL"
    assert rights.has("HUN", CustodyRole.SELECTS_ORIGINAL)
    annotates = rights.for_party("BEL")[0]
    assert annotates.citation.text == "Art. IV ¶5; Art. VI §I ¶1"


def test_number_of_originals_and_media_are_checked_with_citations() -> None:
    with pytest.raises(InputError, match=r"original_sets: 3; .*Art\. IX §II ¶6–7"):
        data_rights("DEU", "POL", OBSERVING, FILM, 3)
    with pytest.raises(InputError, match=r"at least one original set \(Art\. IX §III ¶1\)"):
        data_rights("DEU", "POL", OBSERVING, TAPE, 0)
    with pytest.raises(InputError, match=r"Art\. IX §III ¶2–3"):
        data_rights("DEU", "POL", OBSERVING, TAPE, 3)
    with pytest.raises(InputError, match=r"SAR data are not recorded on film \(Art\. IX §I ¶1\)"):
        data_rights("DEU", "POL", OBSERVING, FILM, 1, SensorCategoryCode.SAR)
    with pytest.raises(InputError, match=r"cannot observe itself"):
        data_rights("DEU", "DEU", OBSERVING, FILM, 1)
    with pytest.raises(InputError, match=r"selected_set"):
        assign_originals(data_rights("DEU", "POL", OBSERVING, FILM, 2))


def test_rights_serialise_with_citations() -> None:
    doc = data_rights("DEU", "POL", OBSERVING, FILM, 1).as_json()
    assert doc["providing_party"] == "DEU"
    assert {"party": "POL", "role": "first_generation_duplicate"}.items() <= doc["entitlements"][
        -1
    ].items()
