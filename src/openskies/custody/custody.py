"""Who holds the originals of an observation flight's data, and who gets duplicates.

Art. IX §II (photographic film) and §III (other recording media) give each Party a right
that depends on the recording medium, on how many original sets were made and on which
Party provided the observation aircraft. ``data_rights`` answers with one ``Entitlement`` per
right, each citing its paragraph; ``assign_originals`` says who holds each original once the
Party entitled to choose has chosen.

An aircraft designated by a third State Party is provided by the observing Party (Art. VI
§I ¶1: "the observing Party ... shall have the right to provide ... an aircraft designated by
another State Party"), so it counts as the observing Party's aircraft here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openskies.custody.annotation import RecordingMedium, SensorCategoryCode, media_for
from openskies.errors import InputError
from openskies.treaty import AircraftProvider, Citation

__all__ = [
    "CustodyRole",
    "DataRights",
    "Entitlement",
    "OriginalHolding",
    "assign_originals",
    "data_rights",
]


class CustodyRole(StrEnum):
    """What a Party may (or must) do with an observation flight's data."""

    RECORDS_ORIGINALS = "records_originals"  # duty: record the original set(s) (§III ¶1)
    ANNOTATES = "annotates"  # duty: annotate the data per Annex B (Art. IV ¶5)
    RETAINS_ORIGINAL = "retains_original"  # keeps the one original it recorded
    RECEIVES_ORIGINAL = "receives_original"  # receives the one original from the other Party
    SELECTS_ORIGINAL = "selects_original"  # chooses either of two originals (§II ¶7, §III ¶3)
    RETAINS_UNSELECTED_ORIGINAL = "retains_unselected_original"  # keeps the one not chosen
    FIRST_GENERATION_DUPLICATE = "first_generation_duplicate"  # receives a duplicate
    CHOOSES_SAR_FORM = "chooses_sar_form"  # SAR as initial phase information or image


@dataclass(frozen=True)
class Entitlement:
    """One right or duty of one Party over the data, with the paragraph it comes from."""

    party: str
    role: CustodyRole
    citation: Citation
    message: str

    def as_json(self) -> dict[str, Any]:
        """The entitlement as a JSON object."""
        return {
            "party": self.party,
            "role": self.role.value,
            "citation": self.citation.text,
            "message": self.message,
        }


@dataclass(frozen=True)
class DataRights:
    """The rights of the observing and observed Party over one sensor's data of one flight."""

    observing_party: str
    observed_party: str
    aircraft_provider: AircraftProvider
    providing_party: str  # the Party that provides the aircraft for Art. IX purposes
    medium: RecordingMedium
    original_sets: int
    entitlements: tuple[Entitlement, ...]

    @property
    def non_providing_party(self) -> str:
        """The Party that did not provide the observation aircraft."""
        if self.providing_party == self.observing_party:
            return self.observed_party
        return self.observing_party

    def for_party(self, party: str) -> tuple[Entitlement, ...]:
        """The entitlements of ``party``."""
        return tuple(e for e in self.entitlements if e.party == party)

    def has(self, party: str, role: CustodyRole) -> bool:
        """True when ``party`` has ``role``."""
        return any(e.role is role for e in self.for_party(party))

    def as_json(self) -> dict[str, Any]:
        """The rights as a JSON object."""
        return {
            "observing_party": self.observing_party,
            "observed_party": self.observed_party,
            "aircraft_provider": self.aircraft_provider.value,
            "providing_party": self.providing_party,
            "medium": self.medium.value,
            "original_sets": self.original_sets,
            "entitlements": [e.as_json() for e in self.entitlements],
        }


@dataclass(frozen=True)
class OriginalHolding:
    """Who holds original set ``set_number`` after any selection, and by which rule."""

    set_number: int
    party: str
    citation: Citation


def _check_parties(observing_party: str, observed_party: str) -> None:
    for name, code in (("observing_party", observing_party), ("observed_party", observed_party)):
        if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
            raise InputError(f"{name}: {code!r} is not an ISO 3166 alpha-3 code such as DEU")
    if observing_party == observed_party:
        raise InputError(
            f"observed_party: {observed_party} cannot observe itself; observation flights are "
            "over the territory of another State Party (Art. I ¶1)"
        )


def data_rights(
    observing_party: str,
    observed_party: str,
    aircraft_provider: AircraftProvider,
    medium: RecordingMedium,
    original_sets: int,
    sensor: SensorCategoryCode | None = None,
) -> DataRights:
    """The rights over one sensor's data: originals, duplicates, selection, SAR form.

    Art. IX §II ¶6-7 (film: one or two original negatives), §III ¶1-3 (other media: one
    or two original sets), §III ¶4-5 (SAR: initial phase information or radar image).
    ``medium`` is film, magnetic tape or digital (other recording media, Art. IX §I ¶1);
    when ``sensor`` is given, it must record on that medium (Art. IX §I ¶1).
    """
    _check_parties(observing_party, observed_party)
    digital = medium is RecordingMedium.DIGITAL
    if sensor is not None and not digital and medium not in media_for(sensor):
        kind = medium.value.replace("_", " ")
        raise InputError(f"medium: {sensor.value} data are not recorded on {kind} (Art. IX §I ¶1)")
    film = medium is RecordingMedium.FILM
    section = "§II" if film else "§III"
    if film and original_sets not in (1, 2):
        raise InputError(
            f"original_sets: {original_sets}; the treaty provides for one or two original film "
            "negatives (Art. IX §II ¶6–7)"
        )
    if not film and original_sets < 1:
        raise InputError(
            "original_sets: the Party providing the aircraft records at least one original set "
            "(Art. IX §III ¶1)"
        )
    if not film and original_sets > 2:
        raise InputError(
            f"original_sets: {original_sets}; the treaty provides for one or two original sets "
            "(Art. IX §III ¶2–3)"
        )

    observing_provides = aircraft_provider is not AircraftProvider.OBSERVED
    provider = observing_party if observing_provides else observed_party
    other = observed_party if observing_provides else observing_party
    sub = "(A)" if observing_provides else "(B)"
    third = aircraft_provider is AircraftProvider.THIRD
    out: list[Entitlement] = [
        Entitlement(
            provider,
            CustodyRole.ANNOTATES,
            Citation("Art. IV ¶5; Art. VI §I ¶1" if third else "Art. IV ¶5"),
            "Annotates the data with the information of Annex B, Section II"
            + (
                " (an aircraft designated by a third State Party is provided by the observing "
                "Party)."
                if third
                else "."
            ),
        )
    ]
    if not film:
        out.append(
            Entitlement(
                provider,
                CustodyRole.RECORDS_ORIGINALS,
                Citation("Art. IX §III ¶1"),
                "Records at least one original set of the data.",
            )
        )

    if original_sets == 1:
        if film:
            out.append(
                Entitlement(
                    observing_party,
                    CustodyRole.RETAINS_ORIGINAL
                    if observing_provides
                    else CustodyRole.RECEIVES_ORIGINAL,
                    Citation("Art. IX §II ¶6(A)"),
                    "Retains the original film negative."
                    if observing_provides
                    else "Receives the original film negative.",
                )
            )
            out.append(
                Entitlement(
                    observed_party,
                    CustodyRole.FIRST_GENERATION_DUPLICATE,
                    Citation("Art. IX §II ¶6(B)"),
                    "May select and receive a complete first generation duplicate, or part of "
                    "one, positive or negative: unless otherwise agreed of the same format and "
                    "film size, produced immediately after development and provided to its "
                    "officials immediately.",
                )
            )
        else:
            out.append(
                Entitlement(
                    observing_party,
                    CustodyRole.RETAINS_ORIGINAL
                    if observing_provides
                    else CustodyRole.RECEIVES_ORIGINAL,
                    Citation(f"Art. IX §III ¶2{sub}"),
                    "Retains the original set."
                    if observing_provides
                    else "Receives the original set.",
                )
            )
            out.append(
                Entitlement(
                    observed_party,
                    CustodyRole.FIRST_GENERATION_DUPLICATE,
                    Citation(f"Art. IX §III ¶2{sub}"),
                    "Receives a first generation duplicate copy.",
                )
            )
    else:
        paragraph = f"Art. IX {section} ¶{7 if film else 3}{sub}"
        what = "original film negatives" if film else "sets of recording media"
        when = " at the completion of the observation flight" if observing_provides else ""
        out.append(
            Entitlement(
                other,
                CustodyRole.SELECTS_ORIGINAL,
                Citation(paragraph),
                f"Selects either of the two {what}{when}.",
            )
        )
        out.append(
            Entitlement(
                provider,
                CustodyRole.RETAINS_UNSELECTED_ORIGINAL,
                Citation(paragraph),
                "Retains the original not selected.",
            )
        )

    if sensor is SensorCategoryCode.SAR:
        out.append(
            Entitlement(
                other,
                CustodyRole.CHOOSES_SAR_FORM,
                Citation(f"Art. IX §III ¶{4 if observing_provides else 5}"),
                "Receives the SAR data as initial phase information or as a radar image, at "
                "its choice.",
            )
        )
    return DataRights(
        observing_party=observing_party,
        observed_party=observed_party,
        aircraft_provider=aircraft_provider,
        providing_party=provider,
        medium=medium,
        original_sets=original_sets,
        entitlements=tuple(out),
    )


def assign_originals(
    rights: DataRights, selected_set: int | None = None
) -> tuple[OriginalHolding, ...]:
    """Who holds each original: ``selected_set`` is the one the selecting Party chose.

    One original: the observing Party (Art. IX §II ¶6(A), §III ¶2). Two: the selecting Party
    holds the one it chose, the providing Party the other (§II ¶7, §III ¶3).
    """
    if rights.original_sets == 1:
        if selected_set not in (None, 1):
            raise InputError("selected_set: with one original set there is nothing to select")
        keeper = next(
            e
            for e in rights.entitlements
            if e.role in (CustodyRole.RETAINS_ORIGINAL, CustodyRole.RECEIVES_ORIGINAL)
        )
        return (OriginalHolding(1, keeper.party, keeper.citation),)
    if selected_set not in (1, 2):
        raise InputError(
            f"selected_set: {selected_set!r}; the selecting Party chooses set 1 or set 2 "
            f"(Art. IX {'§II ¶7' if rights.medium is RecordingMedium.FILM else '§III ¶3'})"
        )
    selection = next(e for e in rights.entitlements if e.role is CustodyRole.SELECTS_ORIGINAL)
    holdings = {
        selected_set: OriginalHolding(selected_set, selection.party, selection.citation),
        3 - selected_set: OriginalHolding(
            3 - selected_set, rights.providing_party, selection.citation
        ),
    }
    return (holdings[1], holdings[2])
