"""A Tardos fingerprinting code with a soft-decision accusation and a proven threshold.

Each delivery of an object gets a binary codeword drawn from the object's code: position
``i`` is 1 with probability ``p_i``, the biases ``p_i`` drawn once per object from the arcsine
density cut off at ``t`` (Tardos 2003; Škorić et al. 2008, symmetric version). A recipient's
score against what was read from a suspect copy, ``r`` (one real number per position: about
+1 where the copy says 1, -1 where it says 0, 0 where colluders disagreed and averaged, or
where the copy was cropped away), is ``S = Σ r_i u_i`` with the symmetric Tardos weights
``u_i = sqrt((1-p)/p)`` for a 1 and ``-sqrt(p/(1-p))`` for a 0 (Kuribayashi's soft decoder).

An innocent recipient's codeword is independent of ``r`` (its copy did not go into the
suspect), so its score is a sum of independent zero-mean terms of variance ``r_i²``; the
threshold is the Chernoff bound of that sum, computed exactly for the ``r`` at hand, so
``P(innocent score ≥ threshold) ≤ ε`` holds whatever the attack was.

All randomness comes from SHA-256-seeded PCG64 raw output (stable across numpy versions by
numpy's policy for bit generators), so a code can be rebuilt years later from its key.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "TardosCode",
    "chernoff_threshold",
    "keyed_uniform",
    "keyed_words",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _seed(key: bytes, label: str, *numbers: int) -> np.random.SeedSequence:
    digest = hashlib.sha256(key + b"\x00" + label.encode() + b"\x00").digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4)]
    return np.random.SeedSequence([*words, *numbers])


def keyed_words(key: bytes, label: str, count: int, *numbers: int) -> NDArray[np.uint64]:
    """``count`` pseudo-random 64-bit words from ``key``, ``label`` and ``numbers``."""
    generator = np.random.PCG64(_seed(key, label, *numbers))
    return np.asarray(generator.random_raw(count), dtype=np.uint64)


def keyed_uniform(key: bytes, label: str, count: int, *numbers: int) -> FloatArray:
    """``count`` uniform numbers in [0, 1) from 53 bits of each keyed word."""
    return (keyed_words(key, label, count, *numbers) >> np.uint64(11)).astype(np.float64) * 2.0**-53


@dataclass(frozen=True)
class TardosCode:
    """The code of one object: ``length`` positions with biases ``biases`` in [t, 1-t]."""

    length: int
    cutoff: float
    biases: FloatArray

    @classmethod
    def from_key(cls, key: bytes, length: int, cutoff: float) -> TardosCode:
        """The object's code, rebuilt from its secret key (arcsine density, cut off at t)."""
        if length < 1:
            raise ValueError("length: at least one position")
        if not 0.0 < cutoff < 0.5:
            raise ValueError("cutoff: between 0 and 1/2")
        low = math.asin(math.sqrt(cutoff))
        theta = low + (math.pi / 2 - 2 * low) * keyed_uniform(key, "tardos-bias", length)
        return cls(length, cutoff, np.sin(theta) ** 2)

    def codeword(self, seed: bytes) -> BoolArray:
        """The codeword of one delivery: position i is 1 with probability p_i."""
        return keyed_uniform(seed, "tardos-codeword", self.length) < self.biases

    def weights(self, codeword: BoolArray) -> FloatArray:
        """Symmetric Tardos weights u_i: mean 0 and variance 1 over the code's randomness."""
        p = self.biases
        return np.where(codeword, np.sqrt((1 - p) / p), -np.sqrt(p / (1 - p)))

    def score(self, reading: FloatArray, codeword: BoolArray) -> float:
        """The accusation score Σ r_i u_i of a codeword against a reading ``r``."""
        return float(np.dot(reading, self.weights(codeword)))

    def log_mgf(self, reading: FloatArray, theta: float) -> float:
        """log E[exp(θ S)] for an innocent codeword (independent of ``reading``)."""
        p = self.biases
        up = theta * reading * np.sqrt((1 - p) / p)
        down = -theta * reading * np.sqrt(p / (1 - p))
        return float(np.sum(np.logaddexp(np.log(p) + up, np.log1p(-p) + down)))


def chernoff_threshold(code: TardosCode, reading: FloatArray, epsilon: float) -> float:
    """The least λ with ``min_θ exp(K(θ) − θλ) ≤ ε``: an innocent scores ≥ λ with
    probability at most ε (Chernoff bound, exact cumulant K of the innocent score)."""
    scale = float(np.sqrt(np.sum(reading**2)))
    if scale == 0.0:
        return math.inf
    log_eps = math.log(epsilon)

    def bound(theta: float) -> float:
        return (code.log_mgf(reading, theta) - log_eps) / theta

    # λ(θ) is smooth with one minimum; θ ~ z/scale for a Gaussian tail. Golden search in log θ.
    lo, hi = math.log(1e-3 / scale), math.log(1e2 / scale)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = bound(math.exp(a)), bound(math.exp(b))
    for _ in range(80):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = bound(math.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = bound(math.exp(b))
    return min(fa, fb)
