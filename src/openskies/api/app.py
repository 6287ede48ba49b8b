"""The FastAPI application: authentication, problem+json errors, size limits, routes.

State lives in the database only; any number of replicas can serve the same database.
Every request carries ``Authorization: Bearer <token>`` of one delegation. The services
come from the composition root (``openskies.bootstrap.build_app``), opened by the lifespan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from openskies import __version__
from openskies.api.answers import answer
from openskies.api.campaign_routes import router as campaign_router
from openskies.api.custody_routes import router as custody_router
from openskies.api.deps import Unauthorised, authenticated, credentials, service
from openskies.api.edge import EdgeGuard, problem, problems_for_http_errors
from openskies.api.flight_step_routes import router as flight_step_router
from openskies.api.openapi import declare_problems
from openskies.api.pages import DEFAULT_PAGE, PAGED, Cursor, decode_cursor, decode_time_cursor, page
from openskies.api.plan_routes import geo_router
from openskies.api.plan_routes import router as plan_router
from openskies.api.plan_version_routes import router as plan_version_router
from openskies.api.responses import AgreementOut, FlightOut, HealthOut, MeOut, MessageOut
from openskies.api.schemas import (
    AgreementIn,
    ChangesIn,
    DeclineIn,
    MissionPlanIn,
    NotificationIn,
    ProhibitionIn,
    ReportIn,
)
from openskies.api.treaty_routes import router as treaty_router
from openskies.api.validated import AgreementId, FlightId, PageLimit
from openskies.errors import InputError, OpenSkiesError
from openskies.missions.errors import NotFound, Refusal
from openskies.missions.notification import check_notification
from openskies.services.container import Services
from openskies.services.delegations import Credentials, Delegation
from openskies.services.missions import MissionService
from openskies.treaty import is_state_party
from openskies.web import static_dir

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 2 * 1024 * 1024


def create_app(
    compose: Callable[[], AbstractContextManager[Services]],
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """Build the API; ``compose`` opens its services at startup and closes them at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with compose() as services:
            app.state.services = services
            yield

    app = FastAPI(
        title="openskies",
        version=__version__,
        lifespan=lifespan,
        description="Observation flights under the Treaty on Open Skies.",
    )
    _install_errors(app)
    problems_for_http_errors(app)
    app.add_middleware(EdgeGuard, limit=max_body_bytes)
    _install_routes(app)
    app.include_router(flight_step_router)
    app.include_router(treaty_router)
    app.include_router(plan_router)
    app.include_router(plan_version_router)
    app.include_router(campaign_router)
    app.include_router(geo_router)
    app.include_router(custody_router)
    if (static_dir() / "index.html").is_file():  # the web app, when it has been built
        app.mount("/", StaticFiles(directory=static_dir(), html=True), name="web")
    declare_problems(app)
    return app


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refusal(_: Request, exc: Refusal) -> JSONResponse:
        return problem(
            exc.status,
            "Refused by the treaty",
            str(exc),
            field=exc.field,
            violations=[f.as_json() for f in exc.findings],
        )

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc))

    @app.exception_handler(OpenSkiesError)
    async def input_error(_: Request, exc: OpenSkiesError) -> JSONResponse:
        return problem(422 if isinstance(exc, InputError) else 400, "Bad request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, errors=errors)


Me = Annotated[Delegation, Depends(authenticated)]
FLIGHT: dict[str, Any] = {"response_model": FlightOut, "response_model_exclude_unset": True}
"""A flight as the role may see it: the keys it may not see stay absent."""
# the bearer token, checked by the service in the request's own transaction
Caller = Annotated[Credentials, Depends(credentials)]
Svc = Annotated[MissionService, Depends(service)]


def _install_routes(app: FastAPI) -> None:
    @app.exception_handler(Unauthorised)
    async def unauthorised(_: Request, exc: Unauthorised) -> JSONResponse:
        response = problem(401, "Unauthorised", str(exc))
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.get("/api/health", response_model=HealthOut)
    def health(svc: Svc) -> dict[str, Any]:
        exercise = bool(getattr(svc.clock, "is_exercise", False))
        clock = {"mode": "exercise" if exercise else "real", "now": svc.clock.now().isoformat()}
        return {"status": "ok", "version": __version__, "clock": clock}

    @app.get("/api/me", response_model=MeOut)
    def me(who: Me, svc: Svc) -> dict[str, Any]:
        day = svc.clock.now().date()
        party = is_state_party(svc.data, who.state, day)
        return {"state": who.state, "name": who.name, "state_party": party, "on": day.isoformat()}

    @app.post("/api/flights", status_code=201, **FLIGHT)
    def notify(body: NotificationIn, who: Me, svc: Svc) -> dict[str, Any]:
        findings = check_notification(body.model_dump(), svc.clock.now().date())  # every ¶5 item
        if findings:
            raise Refusal(findings, field=findings[0].rule)
        return svc.notify(who, body.command())

    @app.get(
        "/api/flights",
        response_model=list[FlightOut],
        response_model_exclude_unset=True,
        responses=PAGED,
    )
    def flights(
        who: Caller,
        svc: Svc,
        request: Request,
        response: Response,
        limit: PageLimit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Response:
        """The flights by ETA, a page at a time (see ``openskies.api.pages``)."""
        items = svc.list_flights(who, limit + 1, decode_time_cursor(cursor))
        shown = page(items, limit, lambda f: [f["eta"], f["id"]], request, response)
        return answer(list[FlightOut], shown, exclude_unset=True, headers=response.headers)

    @app.get("/api/flights/{flight_id}", **FLIGHT)
    def flight(flight_id: FlightId, who: Caller, svc: Svc) -> Response:
        return answer(FlightOut, svc.get_flight(who, flight_id), exclude_unset=True)

    def plain_step(name: str) -> None:
        def handler(flight_id: FlightId, who: Me, svc: Svc) -> dict[str, Any]:
            return svc.step(who, flight_id, name)

        path = f"/api/flights/{{flight_id}}/{name.replace('_', '-')}"
        app.post(path, name=name, **FLIGHT)(handler)

    for step in (
        "arrive",
        "accept_mission_plan",
        "accept_changes",
        "start_flight",
        "complete_flight",
        "depart",
        "sign_report",
    ):
        plain_step(step)

    @app.post("/api/flights/{flight_id}/mission-plan", **FLIGHT)
    def submit_plan(flight_id: FlightId, body: MissionPlanIn, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.step(who, flight_id, "submit_mission_plan", body.command())

    @app.post("/api/flights/{flight_id}/propose-changes", **FLIGHT)
    def changes(flight_id: FlightId, body: ChangesIn, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.step(who, flight_id, "propose_changes", body.command())

    @app.post("/api/flights/{flight_id}/decline", **FLIGHT)
    def decline(flight_id: FlightId, body: DeclineIn, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.step(who, flight_id, "decline", body.command())

    @app.post("/api/flights/{flight_id}/prohibit", **FLIGHT)
    def prohibit(flight_id: FlightId, body: ProhibitionIn, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.step(who, flight_id, "prohibit", body.command())

    @app.post("/api/flights/{flight_id}/report", **FLIGHT)
    def report(flight_id: FlightId, body: ReportIn, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.step(who, flight_id, "report", body.command())

    @app.post("/api/flights/{flight_id}/agreements", status_code=201, response_model=AgreementOut)
    def propose(flight_id: FlightId, body: AgreementIn, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.propose_agreement(who, flight_id, body.rule, body.terms)

    @app.post(
        "/api/flights/{flight_id}/agreements/{agreement_id}/accept", response_model=AgreementOut
    )
    def accept(flight_id: FlightId, agreement_id: AgreementId, who: Me, svc: Svc) -> dict[str, Any]:
        return svc.accept_agreement(who, flight_id, agreement_id)

    @app.get("/api/messages", response_model=list[MessageOut], responses=PAGED)
    def messages(
        who: Caller,
        svc: Svc,
        request: Request,
        response: Response,
        box: str = "inbox",
        limit: PageLimit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Response:
        """The inbox or outbox by id, a page at a time (see ``openskies.api.pages``)."""
        if box not in ("inbox", "outbox"):
            raise InputError("box: inbox or outbox")
        after = decode_cursor(cursor, (int,))
        items = svc.messages(who, box, limit + 1, after[0] if after else None)
        shown = page(items, limit, lambda m: [m["id"]], request, response)
        return answer(list[MessageOut], shown, headers=response.headers)
