"""What the API answers (pydantic): one model per response, so OpenAPI describes it.

The models follow the objects the services and the core build, key for key and in the same
order, so typing a route does not change its bytes. They forbid extra keys: a key a
service adds without adding it here fails the tests (a 500, and the schemathesis check)
instead of vanishing. Free-form parts stay objects: GeoJSON ``properties``, a notification
or a report as the Party sent it, an annotation (Annex B), a plan version's details.

Routes whose objects leave keys out (a flight as a role may see it, a prepared delivery)
are declared with ``response_model_exclude_unset=True``: an absent key stays absent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AgreementOut",
    "AirfieldOut",
    "CampaignOut",
    "ConsistencyOut",
    "CopyDecisionOut",
    "CopyRequestOut",
    "CosignatureOut",
    "CoverageOut",
    "DeliveredOut",
    "DeliveryPreparedOut",
    "FeatureCollection",
    "FlightCustodyOut",
    "FlightOut",
    "FootprintOut",
    "HealthOut",
    "ImpactOut",
    "InclusionOut",
    "IngestedOut",
    "KeyOut",
    "KeyRegisteredOut",
    "KeyRevokedOut",
    "LedgerExportOut",
    "LiveOut",
    "MeOut",
    "MessageOut",
    "ObjectInfoOut",
    "PartyOut",
    "QuotaUsageOut",
    "QuotasOut",
    "RegionsOut",
    "ReportDraftOut",
    "RequestDecidedOut",
    "RequestInfoOut",
    "RouteCheckOut",
    "SignedTreeHeadOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Number = int | float
"""A number as computed: an integer stays one (``5``, not ``5.0``)."""

# --- health, the delegation ---------------------------------------------------------------


class ClockOut(_Out):
    """The server's clock: real time, or an exercise clock."""

    mode: str = Field(description="real or exercise")
    now: str = Field(description="ISO 8601")


class HealthOut(_Out):
    """The server is up: its version and clock."""

    status: str
    version: str
    clock: ClockOut


class MeOut(_Out):
    """The authenticated delegation and whether its State is a State Party today."""

    state: str
    name: str
    state_party: bool
    on: str


# --- findings, deadlines, steps: parts of a flight ----------------------------------------


class FindingOut(_Out):
    """A refusal or breach: the rule, its citation, the limit and the fact."""

    rule: str
    citation: str
    message: str
    limit: Number | str | None
    actual: Number | str | None


class ViolationOut(_Out):
    """A rule a route breaks (or asks about), with its leg."""

    rule: str
    citation: str
    message: str
    leg: int | None
    severity: str = Field(description="violation or notice")
    limit: Number | None
    actual: Number | None


class DeadlineOut(_Out):
    """A deadline of the flight and when the event that meets it happened."""

    rule: str
    at: str
    kind: str = Field(description="by (at the latest) or not_before (at the earliest)")
    citation: str
    text: str
    met_at: str | None
    waived: bool
    late: bool


class GroundOut(_Out):
    """A ground a step may be taken on."""

    value: str
    label: str
    citation: str


class PlanRequirementOut(_Out):
    """What a mission plan must be made for (the observed Party's members, the day)."""

    observed: list[str]
    citation: str
    same_day_as_start: bool
    date_citation: str


class StepOut(_Out):
    """A step the role may take; ``next`` when the flight's state allows it now."""

    step: str
    path: str
    label: str
    citation: str
    next: bool
    danger: bool
    form: str | None
    grounds: list[GroundOut]
    from_: list[str] = Field(alias="from")
    requires: PlanRequirementOut | None = None


class AgreeableOut(_Out):
    """A rule the two Parties may set aside for their flight."""

    rule: str
    citation: str
    label: str


class FlightEventOut(_Out):
    """One step taken in the flight."""

    seq: int
    step: str
    at: str
    actor: str
    breaches: list[FindingOut]


class AgreementOut(_Out):
    """An "unless otherwise agreed" proposal and who accepted it."""

    id: int
    rule: str
    terms: str
    proposed_by: str
    accepted_by: str | None


class MissionPlanOut(_Out):
    """The mission plan submitted: the route (GeoJSON) and its planned start."""

    route: dict[str, Any]
    planned_start: str


class FlightOut(_Out):
    """An observation flight as the delegation's role lets it see it.

    Every State Party sees the notification; the two Parties (and transit States) see the
    timeline, the report once signed goes to all; the keys a role may not see are absent.
    """

    id: str
    observing_party: str
    observed_party: str
    observing_holder: str
    observed_holder: str
    quota_year: int
    eta: str
    notified_at: str
    notification: dict[str, Any] = Field(description="the notification as sent (Art. VI §I ¶5)")
    role: str
    report: dict[str, Any] | None = None
    state: str | None = None
    counted: bool | None = None
    aircraft_by: str | None = Field(
        default=None, description="who provides the aircraft (Art. VI §I ¶1, ¶6)"
    )
    inspecting: str | None = Field(
        default=None, description="who inspects, asks for a demonstration (Art. VI §I ¶11)"
    )
    times: dict[str, str] | None = None
    agreed_otherwise: list[str] | None = None
    breaches: list[FindingOut] | None = None
    deadlines: list[DeadlineOut] | None = None
    steps: list[StepOut] | None = None
    agreeable: list[AgreeableOut] | None = None
    events: list[FlightEventOut] | None = None
    agreements: list[AgreementOut] | None = None
    mission_plan: MissionPlanOut | None = None


class MessageOut(_Out):
    """A message between delegations."""

    id: int
    flight_id: str | None
    kind: str
    from_: str = Field(alias="from")
    to: list[str]
    to_all_parties: bool
    answers: int | None
    created_at: str
    body: dict[str, Any]
    text: str


class LiveOut(_Out):
    """Every flight the delegation may see and its unread messages per flight."""

    flights: list[FlightOut]
    unread: dict[str, int]


# --- treaty --------------------------------------------------------------------------------


class PartyOut(_Out):
    """A State Party on a day: code, names, group and quota holder."""

    code: str
    name: str
    treaty_name: str
    group: str | None
    quota_holder: str
    in_force: str | None


class QuotasOut(_Out):
    """Passive quotas of the holders in force in a year (null where unknown)."""

    year: int
    passive: dict[str, int | None]
    names: dict[str, str]
    observed_cap: dict[str, int]
    phase_in: bool
    unknown: list[str]


class AirfieldOut(_Out):
    """An Open Skies airfield of the observed Party and its maximum flight distance."""

    id: str
    name: str
    airfield: str
    lon: float
    lat: float
    distance_km: Number
    citation: str
    source: str | None


# --- planning ------------------------------------------------------------------------------


class Geometry(_Out):
    """A GeoJSON geometry."""

    type: str
    coordinates: list[Any]


class Feature(_Out):
    """A GeoJSON feature; its properties are free-form."""

    type: str
    geometry: Geometry
    properties: dict[str, Any]


class FeatureCollection(_Out):
    """A GeoJSON FeatureCollection."""

    type: str
    features: list[Feature]


class LegOut(_Out):
    """A leg of a route: height, sensors, length, time and footprint."""

    hagl_m: Number
    sensors: list[str]
    transit: bool
    length_km: Number
    time_min: Number
    swath_half_width_km: Number
    gsd_m: Number | None
    resolution_limit_m: Number | None
    resolution_citation: str | None


class SiteAccountOut(_Out):
    """What became of a candidate site: observed (by which leg), not covered, or excluded."""

    id: str
    lon: float
    lat: float
    value: Number
    status: str = Field(description="observed, not_covered or excluded")
    leg: int | None
    distance_km: Number | None
    rule: str | None
    citation: str | None
    reason: str | None


class CoverageOut(_Out):
    """What a route observes of the sites: its value, every site's account, its swath."""

    value: Number
    sites_observed: list[str]
    sites: list[SiteAccountOut]
    swath: FeatureCollection


class RouteCheckOut(_Out):
    """Every violation of a route, its lengths and its legs; with ``coverage`` asked for,
    what it observes."""

    valid: bool
    violations: list[ViolationOut]
    length_km: Number
    observation_km: Number
    budget_km: Number
    legs: list[LegOut]
    coverage: CoverageOut | None = None


class RegionOut(_Out):
    """A row of Ann. A §III that names a region, and its maximum flight distance."""

    id: str
    region: str
    distance_km: Number
    citation: str
    extends: bool


class RegionalAirfieldOut(_Out):
    """An Open Skies airfield whose maximum flight distance is a region's row."""

    id: str
    name: str
    lon: float
    lat: float


class RegionsOut(_Out):
    """The observed Party's rows naming a region, and its regional airfields."""

    observed: str
    on: str
    regions: list[RegionOut]
    airfields: list[RegionalAirfieldOut]


class FootprintOut(_Out):
    """Swath half-width and ground sample distance at a height (Art. IV ¶2)."""

    hagl_m: Number
    swath_half_width_km: Number
    gsd_m: Number | None
    resolution_limit_m: Number | None
    resolution_citation: str | None
    certified_min_hagl_m: Number
    below_certified_height: bool


class ImpactPlanOut(_Out):
    """The best plan under one condition."""

    value: Number
    sites_observed: int
    length_km: Number
    valid: bool
    geojson: FeatureCollection


class ImpactOut(_Out):
    """The best value with and without a restriction."""

    restriction: str
    note: str
    with_: ImpactPlanOut = Field(alias="with")
    without: ImpactPlanOut
    value_lost: Number
    value_lost_pct: Number


class CampaignFlightOut(_Out):
    """One flight of a campaign: its airfield, check and plan."""

    index: int
    airfield: str
    end_airfield: str
    budget_km: Number
    budget_citation: str
    valid: bool
    length_km: Number
    value_new: Number
    sites_new: list[str]
    plan: FeatureCollection


class CampaignOut(_Out):
    """Several flights over one observed Party, planned together."""

    kind: str
    observed: str
    date: str
    value: Number
    sequential_value: Number
    sites_observed: int
    candidates: int
    rounds: int
    solve_seconds: Number
    flights: list[CampaignFlightOut]


class QuotaOut(_Out):
    """The active quota: total, used and remaining."""

    total: int
    used: int
    remaining: int
    citation: str


class IndividualQuotaOut(_Out):
    """An individual active quota over one observed Party, with the 50 % rule."""

    observed_party: str
    name: str
    individual_quota: int
    basis: str
    citation: str
    fifty_percent_bound: int
    used: int
    remaining: int


class PassiveQuotaOut(_Out):
    """The passive quota: flights to accept, and accepted."""

    quota: int | None
    must_accept: int
    accepted: int
    remaining: int
    citation: str


class QuotaUsageOut(_Out):
    """The delegation's quotas in a year."""

    year: int
    holder: str
    active: QuotaOut
    individual: list[IndividualQuotaOut]
    individual_citation: str
    passive: PassiveQuotaOut


class FlightTimesOut(_Out):
    """When the flight started and was completed."""

    started: str | None
    completed: str | None


class RouteFixOut(_Out):
    """A fix of the route and profile."""

    fix: int
    lon: float
    lat: float
    hagl_m: Number | None


class ObservationPeriodOut(_Out):
    """When a sensor observed."""

    sensor: str
    from_: str | None = Field(alias="from")
    to: str | None


class ReportDraftOut(_Out):
    """A mission report drafted from the flight (Art. VI §I ¶21)."""

    flight_date_and_time: FlightTimesOut
    route_and_profile: list[RouteFixOut]
    weather: str
    observation_periods: list[ObservationPeriodOut]
    data_collected: str
    covers_inspection: str


# --- custody -------------------------------------------------------------------------------


class IngestedOut(_Out):
    """Sensor data stored, durable and logged."""

    sha256: str
    size: int
    ledger_index: int


class HolderOut(_Out):
    """A Party holding a copy of an object."""

    party: str
    role: str
    since: str


class CopyDecisionOut(_Out):
    """The decision on a copy request, on the days it was checked."""

    outcome: str
    findings: list[FindingOut]
    notifications: list[dict[str, Any]]
    checked_on: list[str]


class CopyRequestOut(_Out):
    """A copy request of an object."""

    id: int
    requester: str
    state: str
    requested_at: str
    request: dict[str, Any]
    decision: CopyDecisionOut | None


class CustodyEventOut(_Out):
    """A custody event of an object, at its index in the log."""

    ledger_index: int
    kind: str
    at: str
    actor: str
    object_sha256: str | None
    flight_reference: str | None
    details: dict[str, Any]


class CustodyObjectOut(_Out):
    """An object of a flight: annotation, footprints, holders, requests, events."""

    sha256: str
    size: int
    flight_reference: str | None
    observing_party: str
    observed_party: str
    annotation: dict[str, Any]
    footprints: list[dict[str, Any]]
    created_at: str
    holders: list[HolderOut]
    requests: list[CopyRequestOut]
    events: list[CustodyEventOut]


class FlightCustodyOut(_Out):
    """A flight's objects."""

    flight: str
    observing_party: str
    observed_party: str
    objects: list[CustodyObjectOut]


class ObjectInfoOut(_Out):
    """An object's flight, Parties and duplicate recipients."""

    sha256: str
    size: int
    flight_id: str | None
    flight_reference: str | None
    observing_party: str
    observed_party: str
    duplicate_recipients: list[str]
    copy_sha256: str | None


class RequestInfoOut(_Out):
    """A copy request: object, requester, state and decision."""

    id: int
    sha256: str
    flight_reference: str | None
    requester: str
    state: str
    decision: CopyDecisionOut | None


class DeliveryOut(_Out):
    """One recipient's copy, as the signed delivery event names it."""

    recipient: str
    citation: str
    request_id: int | None = None
    fingerprint: dict[str, Any] | None = None


class DeliveryPreparedOut(_Out):
    """The copies made for the recipients (or the decision that refuses them)."""

    state: str
    sha256: str | None = None
    flight_reference: str | None = None
    decision: CopyDecisionOut | None = None
    deliveries: list[DeliveryOut]


class DeliveredOut(_Out):
    """The duplicate delivered to the observed Party's members."""

    sha256: str
    recipients: list[str]
    ledger_index: int


class RequestDecidedOut(_Out):
    """A copy request decided (and logged, when data moves)."""

    id: int
    state: str
    decision: CopyDecisionOut | None
    ledger_index: int | None


class KeyRegisteredOut(_Out):
    """A delegation's public key registered in the log."""

    key_id: str
    state: str
    ledger_index: int


class KeyOut(_Out):
    """A registered public key, current or revoked."""

    key_id: str
    state: str
    public_key: str
    registered_at: str
    revoked_at: str | None


class KeyRevokedOut(_Out):
    """A key withdrawn."""

    key_id: str
    revoked_at: str
    ledger_index: int


class TreeHeadSignatureOut(_Out):
    """A signature on a tree head: by the log or by a witness."""

    signer: str
    key_id: str
    signature: str


class SignedTreeHeadOut(_Out):
    """A tree head with the log's signature and its witnesses' cosignatures."""

    log_id: str
    tree_size: int
    root_hash: str
    timestamp: str
    signatures: list[TreeHeadSignatureOut]


class ConsistencyOut(_Out):
    """A consistency proof between two tree sizes (RFC 9162 §2.1.4)."""

    first: int
    second: int
    path: list[str]


class CosignatureOut(_Out):
    """A witness's cosignature stored."""

    tree_size: int
    witness: str


class LedgerExportOut(_Out):
    """The whole log and its signed tree heads, for offline verification."""

    format: str
    log_id: str
    leaves: list[str]
    tree_head: SignedTreeHeadOut | None
    tree_heads: list[SignedTreeHeadOut]


class ProofOut(_Out):
    """An audit path of one leaf."""

    leaf_index: int
    tree_size: int
    path: list[str]


class InclusionOut(_Out):
    """An inclusion proof of one entry (RFC 9162 §2.1.3)."""

    entry: str
    proof: ProofOut
    root_hash: str
