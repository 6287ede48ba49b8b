"""The treaty's records as typed, immutable values: States, groups, quota holders, limits.

These are plain frozen dataclasses built by ``_load`` from the shipped data files; the rules
(membership, quotas, deadlines) are functions over them that take the day as an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from openskies.treaty.citation import Citation
from openskies.treaty.history import History

__all__ = [
    "DecisionRecord",
    "FirstDistribution",
    "FlightDistance",
    "Group",
    "GroupKind",
    "QuotaHolder",
    "RecordedDistribution",
    "RecordedTransfer",
    "SensorCategory",
    "SensorLimits",
    "Site",
    "State",
    "SubLimit",
    "TimeLimit",
    "TreatyData",
    "TreatyFlight",
]


@dataclass(frozen=True)
class State:
    """A State that was, or is, a State Party, with the dates known for it.

    ``in_force`` is the day the treaty entered into force for it (Art. XVII ¶2, ¶6); None
    means unknown. A State is a Party from ``in_force`` up to the day before
    ``withdrawal_effective`` (Art. XV ¶2).
    """

    code: str
    name: str
    treaty_name: str
    signed: date | None
    deposited: date | None
    in_force: date | None
    withdrawal_notice: date | None
    withdrawal_effective: date | None
    sources: tuple[Citation, ...]
    note: str | None = None
    party_by: date | None = None  # with in_force unknown: a Party at the latest from this day


class GroupKind(StrEnum):
    """How a group of States Parties holds its quotas."""

    COMMON_QUOTAS = "common_quotas"  # Art. III §II ¶3: one common passive quota
    SEPARATE_QUOTAS = "separate_quotas"  # Art. III §II ¶2: members keep their passive quotas
    BENELUX = "benelux"  # Art. XIV ¶1: deemed a single State Party


@dataclass(frozen=True)
class Group:
    """A group of States Parties (Art. II ¶3, Art. III §II) or the Benelux (Art. XIV)."""

    code: str
    name: str
    kind: GroupKind
    members: tuple[str, ...]
    formed: date
    citation: Citation
    note: str | None = None

    @property
    def holds_common_quota(self) -> bool:
        """True when the group, not its members, holds the passive quota."""
        return self.kind in (GroupKind.COMMON_QUOTAS, GroupKind.BENELUX)


@dataclass(frozen=True)
class QuotaHolder:
    """Whoever holds a passive quota: a State Party, a ¶3 group or the Benelux."""

    code: str
    name: str
    members: tuple[str, ...]
    passive_quota: History[int | None]
    note: str | None = None


@dataclass(frozen=True)
class TreatyFlight:
    """Flights one observing Party may conduct over one observed Party in a distribution."""

    observing: str
    observed: str
    flights: int
    shared_with: str | None = None


@dataclass(frozen=True)
class FirstDistribution:
    """The first distribution of active quotas (Ann. A §II ¶1), valid for a fixed period."""

    valid_from: date
    valid_until: date
    cap_fraction: float
    flights: tuple[TreatyFlight, ...]
    citation: Citation
    known_defects: tuple[str, ...]


@dataclass(frozen=True)
class TimeLimit:
    """A time limit, count or distance of the treaty, as a dated history."""

    id: str
    unit: str
    text: str
    history: History[int]

    def on(self, day: date) -> int:
        """The limit in force on ``day``."""
        return self.history.value_on(day)

    def citation_on(self, day: date) -> Citation:
        """Where the limit in force on ``day`` comes from."""
        return self.history.entry_on(day).citation


@dataclass(frozen=True)
class SensorLimits:
    """What a sensor category may do while a dated entry holds (Art. IV ¶2)."""

    ground_resolution_m: float
    resolution_basis: str
    max_coverage_each_side_km: float | None = None
    max_swath_km: float | None = None
    max_units: Mapping[str, int] = field(default_factory=dict)
    usable: bool = True
    one_side_at_a_time: bool = False
    taxi_aircraft_resolution_m: float | None = None


@dataclass(frozen=True)
class SensorCategory:
    """A category of sensor allowed on an observation aircraft (Art. IV ¶1)."""

    id: str
    name: str
    codes: tuple[str, ...]
    media: tuple[str, ...]
    citation: Citation
    limits: History[SensorLimits]


@dataclass(frozen=True)
class Site:
    """A point of entry/exit, Open Skies airfield, refuelling airfield or calibration target.

    ``lat``/``lon`` are the position as printed in Ann. E App.1 (None when unparseable);
    ``position_quality`` flags defects of the source, which are recorded, not fixed.
    """

    id: str
    holder: str
    state: str
    name: str
    icao: str | None
    roles: tuple[str, ...]
    inspection: bool | None
    position_as_printed: str | None
    lat: float | None
    lon: float | None
    position_quality: str
    corrected_lat: float | None
    corrected_lon: float | None
    note: str | None
    effective: date
    citation: Citation

    @property
    def best_position(self) -> tuple[float, float] | None:
        """(lon, lat) to use: the printed one, or the documented correction if flagged."""
        if self.corrected_lat is not None and self.corrected_lon is not None:
            return (self.corrected_lon, self.corrected_lat)
        if self.lat is not None and self.lon is not None:
            return (self.lon, self.lat)
        return None


@dataclass(frozen=True)
class FlightDistance:
    """Maximum flight distance from one Open Skies airfield (Art. II ¶11, Ann. A §III)."""

    id: str
    holder: str
    airfield: str
    site: str | None
    region: str | None
    distance_km: History[float]


@dataclass(frozen=True)
class SubLimit:
    """A later, dated limit on the distance flown over one region (e.g. Kaliningrad 500 km)."""

    id: str
    holder: str
    region: str
    distance_km: History[float | None]
    status: str
    note: str | None = None


@dataclass(frozen=True)
class RecordedDistribution:
    """A distribution of active quotas agreed for one year (Art. III §I ¶7; Ann. L §II).

    It covers the observing Parties it lists: for any other, the previous year's
    distribution stands (Art. III §I ¶7). An allocation to an acceding State (Ann. A §II
    ¶4) is recorded the same way, listing only that State.
    """

    year: int
    flights: tuple[TreatyFlight, ...]
    citation: Citation
    source: str
    label: str | None = None  # e.g. "DEMO: not an OSCC decision"

    @property
    def observing(self) -> frozenset[str]:
        """The observing Parties this distribution is agreed for."""
        return frozenset(f.observing for f in self.flights)


@dataclass(frozen=True)
class RecordedTransfer:
    """A transfer of active quota for one year (Art. III §I ¶9), agreed by the observed Party."""

    year: int
    transferor: str
    recipient: str
    observed: str
    flights: int
    citation: Citation
    source: str


@dataclass(frozen=True)
class DecisionRecord:
    """One dated decision the data holds, and the file it came from (``treaty decisions``)."""

    kind: str  # passive_quota | distribution | transfer
    subject: str
    effective: date
    value: str
    citation: Citation
    source: str
    note: str | None = None


@dataclass(frozen=True)
class TreatyData:
    """Everything the rules need, loaded once from the shipped data files."""

    signed: date
    entry_into_force: date
    entry_into_force_citation: Citation
    states: Mapping[str, State]
    groups: Mapping[str, Group]
    holders: Mapping[str, QuotaHolder]
    first_distribution: FirstDistribution
    time_limits: Mapping[str, TimeLimit]
    sensors: Mapping[str, SensorCategory]
    sites: Mapping[str, Site]
    flight_distances: Mapping[str, FlightDistance]
    sub_limits: Mapping[str, SubLimit]
    distributions: Mapping[int, tuple[RecordedDistribution, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    transfers: tuple[RecordedTransfer, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()

    def limit(self, limit_id: str) -> TimeLimit:
        """A time limit by its id (see data/time_limits.yaml)."""
        return self.time_limits[limit_id]
