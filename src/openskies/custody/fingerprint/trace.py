"""Tracing a leaked copy to the deliveries it came from.

The suspect is registered onto the original, each code position is read, every delivery of
the object is scored, and a delivery is named only if its score passes the Chernoff
threshold for ``ε / n`` (n deliveries), so the chance that any innocent recipient is named
is at most ε. Colluders who averaged their copies are each named when their scores pass;
when no score passes, the trace says it cannot decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openskies.custody.fingerprint.carrier import F32, Carrier
from openskies.custody.fingerprint.code import TardosCode, chernoff_threshold
from openskies.custody.fingerprint.embed import RowSource, fit_channel, read_positions
from openskies.custody.fingerprint.register import Registration, register

__all__ = ["ArraySource", "Delivery", "Trace", "TracedDelivery", "code_of", "trace"]


class ArraySource:
    """A ``RowSource`` over an array (in memory, or a memory map)."""

    def __init__(self, array: NDArray[Any]) -> None:
        self.array = array

    @property
    def height(self) -> int:
        return int(self.array.shape[0])

    @property
    def width(self) -> int:
        return int(self.array.shape[1])

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.array.dtype

    def read(self, y0: int, y1: int) -> NDArray[Any]:
        return self.array[y0:y1]


@dataclass(frozen=True)
class Delivery:
    """One fingerprinted delivery: who got it, its secret seed, where the ledger has it."""

    delivery_id: str
    recipient: str
    seed: bytes
    ledger_index: int | None = None


@dataclass(frozen=True)
class TracedDelivery:
    """A delivery's score (normalised: an innocent's has mean 0, standard deviation 1)."""

    delivery: Delivery
    score: float

    def as_json(self, threshold: float) -> dict[str, Any]:
        """The delivery, its score and whether it is named."""
        return {
            "recipient": self.delivery.recipient,
            "delivery_id": self.delivery.delivery_id,
            "ledger_index": self.delivery.ledger_index,
            "score": round(self.score, 3),
            "named": self.score >= threshold,
        }


@dataclass(frozen=True)
class Trace:
    """The outcome: every delivery scored, the threshold, who is named."""

    scored: tuple[TracedDelivery, ...]
    threshold: float
    epsilon: float
    registration: Registration | None
    positions_read: int
    notes: tuple[str, ...] = field(default=())

    @property
    def named(self) -> tuple[TracedDelivery, ...]:
        """The deliveries whose score passes the threshold, best first."""
        return tuple(t for t in self.scored if t.score >= self.threshold)

    @property
    def decided(self) -> bool:
        """True when at least one delivery is named."""
        return bool(self.named)

    def as_json(self) -> dict[str, Any]:
        """``recipient``, ``delivery_id``, ``ledger_index``, ``score``, ``threshold`` of the
        best-scoring named delivery (null when undecided), with every delivery scored."""
        best = self.named[0] if self.named else None
        return {
            "recipient": best.delivery.recipient if best else None,
            "delivery_id": best.delivery.delivery_id if best else None,
            "ledger_index": best.delivery.ledger_index if best else None,
            "score": round(
                best.score if best else (self.scored[0].score if self.scored else 0.0), 3
            ),
            "threshold": round(self.threshold, 3),
            "decided": self.decided,
            "named": [t.as_json(self.threshold) for t in self.named],
            "deliveries": [t.as_json(self.threshold) for t in self.scored],
            "epsilon": self.epsilon,
            "positions_read": self.positions_read,
            "registration": None
            if self.registration is None
            else {
                "matrix": [[round(v, 6) for v in row] for row in self.registration.matrix.tolist()],
                "inliers": self.registration.inliers,
                "refined": self.registration.refined,
            },
            "notes": list(self.notes),
        }


def code_of(carrier: Carrier) -> TardosCode:
    """The object's Tardos code, from the carrier's key and parameters."""
    return TardosCode.from_key(carrier.key, carrier.length, carrier.params.cutoff)


def _clipped(reading: NDArray[np.float64]) -> NDArray[np.float64]:
    read = reading[reading != 0]
    if read.size == 0:
        return reading
    limit = 3.0 * float(np.sqrt(np.mean(read**2)))
    return np.clip(reading, -limit, limit)


def trace(
    source: RowSource,
    carrier: Carrier,
    deliveries: list[Delivery],
    suspect: F32,
    registration: Registration | None = None,
) -> Trace:
    """Name the deliveries ``suspect`` (grey levels, any size) came from, or none."""
    epsilon = carrier.params.epsilon
    registration = registration or register(source, suspect)
    channel = fit_channel(source, suspect, registration.matrix)
    reading = _clipped(read_positions(source, carrier, suspect, registration.matrix, channel))
    code = code_of(carrier)
    norm = float(np.sqrt(np.sum(reading**2)))
    read = int(np.count_nonzero(reading))
    if norm == 0.0 or not deliveries:
        return Trace((), math.inf, epsilon, registration, read, ("nothing could be read",))
    threshold = chernoff_threshold(code, reading, epsilon / len(deliveries)) / norm
    scored = sorted(
        (TracedDelivery(d, code.score(reading, code.codeword(d.seed)) / norm) for d in deliveries),
        key=lambda t: -t.score,
    )
    notes = (f"channel: blur {channel.blur}, gain {channel.gain:.3f}",)
    return Trace(tuple(scored), threshold, epsilon, registration, read, notes)
