"""Request dependencies shared by the routers: the services and the delegation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from openskies.errors import OpenSkiesError
from openskies.services.container import Services
from openskies.services.custody import CustodyService
from openskies.services.delegations import Delegation, authenticate
from openskies.services.ledger import LedgerService
from openskies.services.missions import MissionService

__all__ = ["Unauthorised", "authenticated", "custody", "ledger", "service", "services"]

bearer = HTTPBearer(auto_error=False)


class Unauthorised(OpenSkiesError):
    """No valid bearer token: 401."""


def services(request: Request) -> Services:
    """The services of this app (opened by its lifespan)."""
    found = request.app.state.services
    if not isinstance(found, Services):  # pragma: no cover - the lifespan always sets it
        raise RuntimeError("the app's services are not open (no lifespan ran)")
    return found


def service(request: Request) -> MissionService:
    """The mission service of this app."""
    return services(request).missions


def custody(request: Request) -> CustodyService:
    """The custody service of this app."""
    return services(request).custody


def ledger(request: Request) -> LedgerService:
    """The custody log's service of this app (keys, tree heads, witnesses)."""
    return services(request).ledger


def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Delegation:
    """The delegation the request's bearer token belongs to; 401 otherwise."""
    if credentials is None:
        raise Unauthorised("send Authorization: Bearer <token> of your delegation")
    with service(request).reading()() as session:
        found = authenticate(session, credentials.credentials)
    if found is None:
        raise Unauthorised("unknown or revoked token")
    return found
