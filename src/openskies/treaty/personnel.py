"""Who may be on board: flight monitors, representatives and interpreters (Art. VI §III)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from openskies.errors import InputError
from openskies.treaty.citation import Citation
from openskies.treaty.model import TreatyData

__all__ = ["AircraftProvider", "OnBoard", "on_board"]


class AircraftProvider(StrEnum):
    """Which State Party provides the observation aircraft (Art. VI §I ¶1)."""

    OBSERVING = "observing"
    OBSERVED = "observed"
    THIRD = "third"  # designated by a State Party other than the observing or observed Party


@dataclass(frozen=True)
class OnBoard:
    """The other Party's people a Party must accept on board, unless otherwise agreed."""

    monitors: int  # flight monitors of the observed Party
    representatives: int  # flight representatives (or representatives) of the observing Party
    interpreters: int
    citation: Citation


def on_board(
    data: TreatyData,
    provider: AircraftProvider,
    sensor_control_stations: int,
    max_takeoff_weight_kg: float | None = None,
    flight_distance_km: float | None = None,
    on: date | None = None,
) -> OnBoard:
    """Art. VI §III ¶1–5: two monitors (or representatives), an interpreter, one per station.

    ¶2: an aircraft of at most 35,000 kg maximum take-off gross weight on a notified flight
    distance of at most 1,500 km need take only two flight monitors and one interpreter.
    ¶5: with a third Party's aircraft the observing Party has its representatives and an
    interpreter, and the observed Party its flight monitors and an interpreter (¶1): two.
    The numbers are read from time_limits.yaml as of ``on`` (default: entry into force).
    """
    if sensor_control_stations < 0:
        raise InputError("sensor control stations: must be >= 0")
    day = on or data.entry_into_force
    base = data.limit("flight_monitors").on(day)
    interpreters = data.limit("interpreters_on_board").on(day)
    if provider is AircraftProvider.OBSERVED:
        return OnBoard(0, base + sensor_control_stations, interpreters, Citation("Art. VI §III ¶4"))
    small = (
        max_takeoff_weight_kg is not None
        and max_takeoff_weight_kg <= data.limit("small_aircraft_takeoff_weight").on(day)
        and flight_distance_km is not None
        and flight_distance_km <= data.limit("small_aircraft_flight_distance").on(day)
    )
    monitors = base if small else base + sensor_control_stations
    if provider is AircraftProvider.THIRD:
        return OnBoard(
            monitors,
            base + sensor_control_stations,
            2 * interpreters,
            Citation("Art. VI §III ¶5"),
        )
    citation = Citation("Art. VI §III ¶2" if small else "Art. VI §III ¶1")
    return OnBoard(monitors, 0, interpreters, citation)
