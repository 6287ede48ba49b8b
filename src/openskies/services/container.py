"""What the composition root (``openskies.bootstrap``) hands to the API and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from openskies.custody import ObjectStore
from openskies.geo import Territories
from openskies.services.clock import Clock
from openskies.services.custody import CustodyService
from openskies.services.ledger import LedgerService
from openskies.services.missions import MissionService
from openskies.treaty import TreatyData

__all__ = ["Services"]


@dataclass(frozen=True)
class Services:
    """The services of one process and what they share: treaty data, territories, clock,
    database sessions and object store, each built once."""

    data: TreatyData
    territories: Callable[[], Territories]
    clock: Clock
    sessions: sessionmaker[Session]
    store: ObjectStore
    missions: MissionService
    custody: CustodyService
    ledger: LedgerService
