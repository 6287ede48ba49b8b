"""The rest of the flight over HTTP: acknowledgement with the choice of aircraft, pre-flight
inspection and demonstration flight (Ann. F), cancellation and curtailment (Ann. F; Art.
VIII §II), and the written explanations of a prohibition or a decline (Art. VIII §I ¶3, ¶6).

Each route is one step of ``MissionService.step``: authorised by the delegation's treaty
role in the flight on the day, refused with the rule's citation, answered with the flight.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from openskies.api.deps import authenticated, service
from openskies.api.responses import FlightOut
from openskies.api.schemas import (
    AcknowledgementIn,
    CancellationIn,
    CurtailmentIn,
    DemonstrationIn,
    ExplanationIn,
    FindingIn,
    InspectionIn,
)
from openskies.api.validated import FlightId
from openskies.services.commands import StepCommand
from openskies.services.delegations import Delegation
from openskies.services.missions import MissionService

__all__ = ["router"]

router = APIRouter(prefix="/api/flights")

Me = Annotated[Delegation, Depends(authenticated)]
Svc = Annotated[MissionService, Depends(service)]


class StepBody(Protocol):
    """A step's request model (``openskies.api.schemas``): it builds the step's command."""

    def command(self) -> StepCommand: ...


def _step(
    svc: MissionService, who: Delegation, flight_id: str, step: str, body: StepBody | None
) -> Any:
    """The step, with the command its validated body builds (``...In.command()``)."""
    return svc.step(who, flight_id, step, body.command() if body is not None else None)


FLIGHT: dict[str, Any] = {"response_model": FlightOut, "response_model_exclude_unset": True}
"""A flight as the role may see it: the keys it may not see stay absent."""


def _route(step: str, model: type[BaseModel] | None, summary: str, optional: bool = False) -> None:
    """``POST /api/flights/{id}/<step>``: the step, with its body when ``model`` says one
    (a body that may be left out when ``optional``)."""
    if model is None:

        def plain(flight_id: FlightId, who: Me, svc: Svc) -> Any:
            return _step(svc, who, flight_id, step, None)

        handler: Any = plain
    elif optional:

        def maybe(flight_id: FlightId, who: Me, svc: Svc, body: StepBody | None = None) -> Any:
            return _step(svc, who, flight_id, step, body)

        maybe.__annotations__["body"] = model | None  # the concrete model, for validation
        handler = maybe
    else:

        def with_body(flight_id: FlightId, body: StepBody, who: Me, svc: Svc) -> Any:
            return _step(svc, who, flight_id, step, body)

        with_body.__annotations__["body"] = model
        handler = with_body
    path = f"/{{flight_id}}/{step.replace('_', '-')}"
    router.post(path, name=step, summary=summary, **FLIGHT)(handler)


_route(
    "acknowledge",
    AcknowledgementIn,
    "The observed Party acknowledges within 24 hours (Art. VI §I ¶6)",
    optional=True,
)
_route(
    "start_inspection",
    InspectionIn,
    "The pre-flight inspection begins (Ann. F §I ¶2(A), ¶4; §II ¶2(A), ¶4)",
    optional=True,
)
_route(
    "start_demonstration",
    DemonstrationIn,
    "A demonstration flight begins, after the inspection (Ann. F §III ¶1–2, ¶3(D))",
    optional=True,
)
for _name, _model, _summary in (
    ("end_inspection", FindingIn, "The inspection ends with its finding (Ann. F §I ¶9, §II ¶8)"),
    ("end_demonstration", FindingIn, "It ends, at most 2 hours later (Ann. F §III ¶3(B))"),
    ("cancel", CancellationIn, "Cancelled on a ground of Ann. F: not counted (§I ¶8, §III ¶8)"),
    ("curtail", CurtailmentIn, "Curtailed: counted unless Art. VIII §II ¶5 says otherwise"),
    ("explain_prohibition", ExplanationIn, "Written explanation within 7 days (Art. VIII §I ¶3)"),
    ("explain_decline", ExplanationIn, "Written explanation within 7 days (Art. VIII §I ¶6)"),
):
    _route(_name, _model, _summary)
