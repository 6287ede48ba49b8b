"""Request dependencies shared by the routers: the services and the delegation.

The services are looked up on the event loop (no I/O, no worker thread). A route whose
service authenticates in the request's own transaction takes ``credentials`` (the bearer
token, checked there); the others take ``authenticated`` (checked before the route).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from openskies.services.container import Services
from openskies.services.custody import CustodyService
from openskies.services.delegations import Credentials, Delegation, Unauthorised, authenticate
from openskies.services.ledger import LedgerService
from openskies.services.missions import MissionService

__all__ = [
    "Unauthorised",
    "authenticated",
    "credentials",
    "custody",
    "ledger",
    "service",
    "services",
]

bearer = HTTPBearer(auto_error=False)


async def services(request: Request) -> Services:
    """The services of this app (opened by its lifespan)."""
    found = request.app.state.services
    if not isinstance(found, Services):  # pragma: no cover - the lifespan always sets it
        raise RuntimeError("the app's services are not open (no lifespan ran)")
    return found


async def service(request: Request) -> MissionService:
    """The mission service of this app."""
    return (await services(request)).missions


async def custody(request: Request) -> CustodyService:
    """The custody service of this app."""
    return (await services(request)).custody


async def ledger(request: Request) -> LedgerService:
    """The custody log's service of this app (keys, tree heads, witnesses)."""
    return (await services(request)).ledger


async def credentials(
    found: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Credentials:
    """The request's bearer token, to be checked by the service in its transaction; 401
    at once when there is none."""
    if found is None:
        raise Unauthorised("send Authorization: Bearer <token> of your delegation")
    return Credentials(found.credentials)


def authenticated(
    request: Request,
    presented: Annotated[Credentials, Depends(credentials)],
) -> Delegation:
    """The delegation the request's bearer token belongs to; 401 otherwise."""
    missions = request.app.state.services.missions
    with missions.reading().begin() as session:
        found = authenticate(session, presented.token)
    if found is None:
        raise Unauthorised("unknown or revoked token")
    return found
