"""Flight planning (pure core): routes of the mission plan, their check and optimisation.

- ``route``: waypoints and legs of a mission plan (Art. VI §II ¶4(F));
- ``context``: what a flight is checked against (territory, distances, non-party borders);
- ``validation``: every rule of Art. VI §II, each finding with its citation and leg;
- ``mission_plan``: the one check of a mission plan's route (planner and mission service);
- ``sensors`` and ``coverage``: swaths within Art. IV ¶2 and the sites a route observes;
- ``planner``: the most valuable valid route, by the orienteering solver in ``optimiser``;
- ``sites``, ``route_io``, ``exports``: sites in, routes in and out (GeoJSON, KML, GPX).
"""

from openskies.planning.context import (
    Aircraft,
    FlightContext,
    HazardArea,
    SubLimitArea,
    flight_context,
)
from openskies.planning.coverage import Site, covered_sites, swath_half_width_km
from openskies.planning.exports import plan_to_geojson, route_to_gpx, route_to_kml
from openskies.planning.impact import RESTRICTIONS, RestrictionImpact, restriction_impact
from openskies.planning.mission_plan import check_mission_plan
from openskies.planning.planner import FlightPlan, plan_flight
from openskies.planning.route import FixKind, Leg, Route, TurnType, Waypoint
from openskies.planning.route_io import route_from_geojson
from openskies.planning.sensors import (
    FramingCamera,
    InfraRedLineScanner,
    PanoramicCamera,
    SensorModel,
    SyntheticApertureRadar,
    default_sensors,
)
from openskies.planning.sites import demo_sites, sites_from_csv, sites_from_geojson
from openskies.planning.validation import RouteCheck, validate_route
from openskies.planning.violations import Severity, Violation

__all__ = [
    "RESTRICTIONS",
    "Aircraft",
    "FixKind",
    "FlightContext",
    "FlightPlan",
    "FramingCamera",
    "HazardArea",
    "InfraRedLineScanner",
    "Leg",
    "PanoramicCamera",
    "RestrictionImpact",
    "Route",
    "RouteCheck",
    "SensorModel",
    "Severity",
    "Site",
    "SubLimitArea",
    "SyntheticApertureRadar",
    "TurnType",
    "Violation",
    "Waypoint",
    "check_mission_plan",
    "covered_sites",
    "default_sensors",
    "demo_sites",
    "flight_context",
    "plan_flight",
    "plan_to_geojson",
    "restriction_impact",
    "route_from_geojson",
    "route_to_gpx",
    "route_to_kml",
    "sites_from_csv",
    "sites_from_geojson",
    "swath_half_width_km",
    "validate_route",
]
