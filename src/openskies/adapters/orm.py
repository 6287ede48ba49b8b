"""Database tables (SQLAlchemy 2 declarative). The domain never imports this module.

Alembic migrations in ``openskies/adapters/migrations`` create and change these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AUDIT_CHAIN_HEAD",
    "EXERCISE_CLOCK",
    "LEDGER_LOCK",
    "AgreementRow",
    "AuditHeadRow",
    "AuditRow",
    "Base",
    "CopyRequestRow",
    "CosignatureRow",
    "CustodyObjectRow",
    "DelegationKeyRow",
    "DelegationRow",
    "ExerciseClockRow",
    "FingerprintKeyRow",
    "FingerprintRow",
    "FlightEventRow",
    "FlightRow",
    "HoldingRow",
    "LedgerHeadRow",
    "LedgerLeafRow",
    "LedgerNodeRow",
    "LogKeyRow",
    "MessageReadRow",
    "MessageRow",
    "PlanRow",
    "PlanVersionRow",
    "QuotaLockRow",
    "TokenRow",
    "TreeHeadRow",
    "UTCDateTime",
]


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored as aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of all tables; datetimes are aware UTC."""

    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}  # noqa: RUF012


class DelegationRow(Base):
    """A State Party's delegation (or a group member's)."""

    __tablename__ = "delegations"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class TokenRow(Base):
    """An API token of a delegation, stored only as its SHA-256 hash."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class FlightRow(Base):
    """An observation flight: the notification and where it stands."""

    __tablename__ = "flights"
    __table_args__ = (Index("ix_flights_eta_id", "eta", "id"),)  # pages by ETA (0006_i13p)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    observing: Mapped[str] = mapped_column(String(3), index=True)
    observed: Mapped[str] = mapped_column(String(3), index=True)
    observing_holder: Mapped[str] = mapped_column(String(16), index=True)
    observed_holder: Mapped[str] = mapped_column(String(16), index=True)
    quota_year: Mapped[int] = mapped_column(Integer, index=True)
    eta: Mapped[datetime]
    notified_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(32))
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    demonstration_by: Mapped[str] = mapped_column(String(16), default="none")
    transit: Mapped[list[str]] = mapped_column(JSON, default=list)
    agreed_otherwise: Mapped[list[str]] = mapped_column(JSON, default=list)
    times: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notification: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    mission_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FlightEventRow(Base):
    """One step of a flight, append-only."""

    __tablename__ = "flight_events"
    __table_args__ = (UniqueConstraint("flight_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    flight_id: Mapped[str] = mapped_column(ForeignKey("flights.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(3))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    breaches: Mapped[list[Any]] = mapped_column(JSON, default=list)


class MessageRow(Base):
    """A notification between delegations, as JSON and as OSCC-style text."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_sender_id", "sender", "id"),)  # outbox pages (0006_i13p)
    id: Mapped[int] = mapped_column(primary_key=True)
    flight_id: Mapped[str | None] = mapped_column(ForeignKey("flights.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    sender: Mapped[str] = mapped_column(String(3), index=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    to_all_parties: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    created_at: Mapped[datetime]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)


class AgreementRow(Base):
    """An "unless otherwise agreed" override: proposed by one Party, accepted by the other."""

    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
    flight_id: Mapped[str] = mapped_column(ForeignKey("flights.id"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    terms: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(3))
    proposed_at: Mapped[datetime]
    accepted_by: Mapped[str | None] = mapped_column(String(3), default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)


class QuotaLockRow(Base):
    """One row per (quota year, holder), locked while a notification counts quotas."""

    __tablename__ = "quota_locks"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder: Mapped[str] = mapped_column(String(16), primary_key=True)


class ExerciseClockRow(Base):
    """The exercise clock, when one runs: exercise time = started_at + real time elapsed
    since started_real + advanced_seconds (one row, id 1)."""

    __tablename__ = "exercise_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime]
    started_real: Mapped[datetime]
    advanced_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class AuditRow(Base):
    """One entry of the hash-chained audit log."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(80))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


AUDIT_CHAIN_HEAD = 1
"""The ``audit_head`` row of the audit chain: the last entry's seq and hash. Every append
takes it ``FOR UPDATE``, so appends from every replica take turns and the chain stays one."""
LEDGER_LOCK = 2
"""The ``audit_head`` row the transparency log's appends lock (its seq and hash unused)."""
EXERCISE_CLOCK = 1
"""The id of ``exercise_clock``'s one row (no row: real time)."""


class AuditHeadRow(Base):
    """The head of the audit chain: locked by every append so the chain stays a chain."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class DelegationKeyRow(Base):
    """A public key a delegation registered (its private key never reaches the service)."""

    __tablename__ = "delegation_public_keys"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(3), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LogKeyRow(Base):
    """The log's own Ed25519 key, which signs tree heads: the operator's only private key."""

    __tablename__ = "log_keys"
    log_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class TreeHeadRow(Base):
    """A signed tree head, kept so witnesses can cosign it and anyone can compare it."""

    __tablename__ = "tree_heads"
    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(88))


class CosignatureRow(Base):
    """A witness's cosignature of a tree head (one per witness and head)."""

    __tablename__ = "tree_head_cosignatures"
    tree_size: Mapped[int] = mapped_column(ForeignKey("tree_heads.tree_size"), primary_key=True)
    witness: Mapped[str] = mapped_column(String(3), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(88))
    received_at: Mapped[datetime]


class CustodyObjectRow(Base):
    """An original or duplicate in the object store, by its SHA-256."""

    __tablename__ = "custody_objects"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    flight_id: Mapped[str | None] = mapped_column(ForeignKey("flights.id"), index=True)
    flight_reference: Mapped[str] = mapped_column(String(6))
    observing: Mapped[str] = mapped_column(String(3))
    observed: Mapped[str] = mapped_column(String(3))
    annotation: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class HoldingRow(Base):
    """Who holds (and so may download) an object: original holder or duplicate recipient."""

    __tablename__ = "custody_holdings"
    __table_args__ = (UniqueConstraint("sha256", "party"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("custody_objects.sha256"), index=True)
    party: Mapped[str] = mapped_column(String(3), index=True)
    role: Mapped[str] = mapped_column(String(20))
    since: Mapped[datetime]


class CopyRequestRow(Base):
    """A copy request of Art. IX §IV ¶1 and what was decided."""

    __tablename__ = "copy_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    requester: Mapped[str] = mapped_column(String(3), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("custody_objects.sha256"))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime]
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class LedgerLeafRow(Base):
    """One leaf of the custody transparency log (append-only)."""

    __tablename__ = "ledger_leaves"
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    leaf: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class FingerprintKeyRow(Base):
    """The secret key of an object's fingerprinting code (its Tardos biases and carriers)."""

    __tablename__ = "fingerprint_keys"
    object_sha256: Mapped[str] = mapped_column(
        ForeignKey("custody_objects.sha256"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class FingerprintRow(Base):
    """One delivery's copy: its recipient, its code's seed, the copy, its ledger entry."""

    __tablename__ = "fingerprint_deliveries"
    delivery_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    object_sha256: Mapped[str] = mapped_column(ForeignKey("custody_objects.sha256"), index=True)
    recipient: Mapped[str] = mapped_column(String(3), index=True)
    status: Mapped[str] = mapped_column(String(16))  # fingerprinted | unchanged
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    copy_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    copy_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    scheme: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    ledger_index: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime]


class PlanRow(Base):
    """A named plan of one delegation, or the plan of one flight (its versions below)."""

    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(String(3), index=True)
    name: Mapped[str] = mapped_column(String(200))
    observed: Mapped[str] = mapped_column(String(16))
    flight_id: Mapped[str | None] = mapped_column(
        ForeignKey("flights.id"), unique=True, default=None
    )
    created_at: Mapped[datetime]


class PlanVersionRow(Base):
    """One saved version of a plan, append-only: who saved it, when, and what."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime]
    route: Mapped[dict[str, Any]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MessageReadRow(Base):
    """How far a State has read the messages of one flight (for the unread badge)."""

    __tablename__ = "message_reads"
    state: Mapped[str] = mapped_column(String(3), primary_key=True)
    flight_id: Mapped[str] = mapped_column(ForeignKey("flights.id"), primary_key=True)
    last_message_id: Mapped[int] = mapped_column(Integer)


class LedgerNodeRow(Base):
    """The hash of a complete subtree of the custody log (RFC 9162 §2.1): ``level`` 0 is a
    leaf hash, ``(level, index)`` covers leaves ``index * 2**level`` onwards. Written with
    each append (O(log n) rows), so a proof or a root reads O(log n) rows."""

    __tablename__ = "ledger_nodes"
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerHeadRow(Base):
    """A signed tree head of the custody log, stored at each append, with the log's
    frontier (the roots of its perfect subtrees) so the next head costs O(log n)."""

    __tablename__ = "ledger_heads"
    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    frontier: Mapped[list[str]] = mapped_column(JSON)
    signed: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime]
