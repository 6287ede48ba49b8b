"""Who may be on board: flight monitors, representatives and interpreters (Art. VI §III)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openskies.errors import InputError
from openskies.treaty.citation import Citation

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
    provider: AircraftProvider,
    sensor_control_stations: int,
    max_takeoff_weight_kg: float | None = None,
    flight_distance_km: float | None = None,
) -> OnBoard:
    """Art. VI §III ¶1–5: two monitors (or representatives), an interpreter, one per station.

    ¶2: an aircraft of at most 35,000 kg maximum take-off gross weight on a notified flight
    distance of at most 1,500 km need take only two flight monitors and one interpreter.
    """
    if sensor_control_stations < 0:
        raise InputError("sensor control stations: must be >= 0")
    if provider is AircraftProvider.OBSERVED:
        return OnBoard(0, 2 + sensor_control_stations, 1, Citation("Art. VI §III ¶4"))
    small = (
        max_takeoff_weight_kg is not None
        and max_takeoff_weight_kg <= 35_000
        and flight_distance_km is not None
        and flight_distance_km <= 1_500
    )
    monitors = 2 if small else 2 + sensor_control_stations
    if provider is AircraftProvider.THIRD:
        return OnBoard(monitors, 2 + sensor_control_stations, 1, Citation("Art. VI §III ¶5"))
    return OnBoard(monitors, 0, 1, Citation("Art. VI §III ¶2" if small else "Art. VI §III ¶1"))
