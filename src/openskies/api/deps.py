"""Request dependencies shared by the routers: the service and the delegation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from openskies.errors import OpenSkiesError
from openskies.services.delegations import Delegation, authenticate
from openskies.services.missions import MissionService

__all__ = ["Unauthorised", "authenticated", "service"]

bearer = HTTPBearer(auto_error=False)


class Unauthorised(OpenSkiesError):
    """No valid bearer token: 401."""


def service(request: Request) -> MissionService:
    """The mission service of this app."""
    return request.app.state.service  # type: ignore[no-any-return]


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
