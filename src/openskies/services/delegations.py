"""Delegations and their API tokens: a token is shown once and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from openskies.adapters.orm import DelegationRow, TokenRow
from openskies.errors import InputError, OpenSkiesError
from openskies.services.audit import append_audit
from openskies.treaty import TreatyData, resolve_state

__all__ = [
    "Credentials",
    "Delegation",
    "TokenInfo",
    "Unauthorised",
    "authenticate",
    "authenticated_in",
    "create_delegation",
    "hash_token",
    "list_tokens",
    "revoke_token",
]

TOKEN_PREFIX = "osk_"


@dataclass(frozen=True)
class Delegation:
    """The delegation a request acts for: one State."""

    id: int
    state: str
    name: str


class Unauthorised(OpenSkiesError):
    """No valid bearer token: 401."""


@dataclass(frozen=True)
class Credentials:
    """The bearer token a request came with, not yet checked: the service checks it in the
    request's own transaction (``authenticated_in``), so a request is one transaction."""

    token: str = field(repr=False)  # never in a log or a traceback


def hash_token(token: str) -> str:
    """SHA-256 of a token (tokens are 256-bit random, so a fast hash is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_delegation(
    session: Session, data: TreatyData, code: str, now: datetime, label: str = ""
) -> tuple[Delegation, str]:
    """Create (or reuse) the delegation of State ``code`` and issue a new token."""
    state = resolve_state(data, code)
    row = session.execute(
        select(DelegationRow).where(DelegationRow.state == state.code)
    ).scalar_one_or_none()
    if row is None:
        row = DelegationRow(state=state.code, name=f"Delegation of {state.name}", created_at=now)
        session.add(row)
        session.flush()
        append_audit(session, now, "admin", "delegation.create", f"delegation:{state.code}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        TokenRow(delegation_id=row.id, token_hash=hash_token(token), label=label, created_at=now)
    )
    session.flush()
    append_audit(
        session, now, "admin", "token.create", f"delegation:{state.code}", {"label": label}
    )
    return Delegation(row.id, row.state, row.name), token


_delegations, _tokens = DelegationRow.__table__.c, TokenRow.__table__.c
# built once; on the tables (not the ORM classes), so the session runs it as plain SQL
_AUTHENTICATE = (
    select(_delegations.id, _delegations.state, _delegations.name)
    .join_from(
        DelegationRow.__table__, TokenRow.__table__, _tokens.delegation_id == _delegations.id
    )
    .where(_tokens.token_hash == bindparam("token_hash"), _tokens.revoked_at.is_(None))
)


def authenticate(session: Session, token: str) -> Delegation | None:
    """The delegation a valid, unrevoked token belongs to; None otherwise (one query, read
    in the caller's transaction: a token revoked before it began is refused)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = session.execute(_AUTHENTICATE, {"token_hash": hash_token(token)}).one_or_none()
    return None if found is None else Delegation(found.id, found.state, found.name)


def authenticated_in(session: Session, who: Delegation | Credentials) -> Delegation:
    """The delegation acting: ``who`` itself, or the one its token belongs to, checked in
    ``session`` (the request's transaction); ``Unauthorised`` otherwise."""
    if isinstance(who, Delegation):
        return who
    found = authenticate(session, who.token)
    if found is None:
        raise Unauthorised("unknown or revoked token")
    return found


@dataclass(frozen=True)
class TokenInfo:
    """What is known of an API token (never the token itself)."""

    id: int
    state: str
    label: str
    created_at: datetime
    revoked_at: datetime | None


def list_tokens(session: Session) -> list[TokenInfo]:
    """Every token: id, delegation, label, created, revoked (never the token itself)."""
    rows = session.execute(
        select(TokenRow, DelegationRow.state).join(DelegationRow).order_by(TokenRow.id)
    ).all()
    return [TokenInfo(t.id, state, t.label, t.created_at, t.revoked_at) for t, state in rows]


def revoke_token(session: Session, token_id: int, now: datetime) -> None:
    """Revoke a token by its id; requests with it are refused from now on."""
    row = session.get(TokenRow, token_id)
    if row is None:
        raise InputError(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        append_audit(session, now, "admin", "token.revoke", f"token:{token_id}")
