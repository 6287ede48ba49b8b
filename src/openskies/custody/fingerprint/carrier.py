"""Spread-spectrum carriers: where each code position lives in an image, and how strongly.

Every pixel carries a keyed ±1 chip; the image is cut into ``cell × cell`` squares and each
square is given to one code position by a keyed permutation, so every position is spread
over the whole frame (a crop removes a share of each position, not whole positions). The
fingerprint of a delivery is ``Δ = α · m(x) · H ∗ (chip · b)``, where ``b = ±1`` is the
delivery's code bit of the pixel's position, ``H`` a Gaussian low-pass (what survives JPEG
and halving the size) and ``m`` a perceptual mask from the original's local contrast
(stronger in texture, weaker in flat areas). The carrier has unit RMS and ``α · max(m)`` is
the ``strength``, so the fingerprint's RMS is at most ``strength`` grey levels: with 1.9 of
255 the PSNR is at least 42.3 dB by construction (rounding included).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from openskies.custody.fingerprint.code import keyed_uniform, keyed_words

__all__ = ["SCHEME", "Carrier", "FingerprintParams", "luminance"]

SCHEME = "openskies-tardos-ss-1"
F32 = NDArray[np.float32]


@dataclass(frozen=True)
class FingerprintParams:
    """The parameters of the scheme (committed in the ledger with every delivery)."""

    cell: int = 16  # pixels per side of one square of a code position
    carrier_sigma: float = 2.0  # Gaussian low-pass of the chips, pixels
    mask_sigma: float = 4.0  # window of the local contrast, pixels
    strength: float = 1.9  # maximal RMS of the fingerprint, grey levels per 255 of range
    mask_low: float = 0.4  # mask floor (flat areas)
    mask_high: float = 1.6  # mask ceiling (texture)
    texture: float = 6.0  # local standard deviation (per 255) for which the mask is 1
    max_length: int = 4096  # code positions at most
    cutoff: float = 1 / 600  # Tardos cutoff t = 1/(300 c), c = 2 colluders
    epsilon: float = 1e-8  # false attribution probability per trace, all recipients

    def as_json(self) -> dict[str, Any]:
        """Integers only (the ledger refuses floats): fractions as millionths."""
        return {
            "cell": self.cell,
            "carrier_sigma_micro": round(self.carrier_sigma * 1e6),
            "mask_sigma_micro": round(self.mask_sigma * 1e6),
            "strength_micro": round(self.strength * 1e6),
            "mask_low_micro": round(self.mask_low * 1e6),
            "mask_high_micro": round(self.mask_high * 1e6),
            "texture_micro": round(self.texture * 1e6),
            "max_length": self.max_length,
            "cutoff_ppb": round(self.cutoff * 1e9),
            "epsilon_ppb": round(self.epsilon * 1e9),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FingerprintParams:
        """The parameters from ``as_json``."""
        return cls(
            cell=int(doc["cell"]),
            carrier_sigma=doc["carrier_sigma_micro"] / 1e6,
            mask_sigma=doc["mask_sigma_micro"] / 1e6,
            strength=doc["strength_micro"] / 1e6,
            mask_low=doc["mask_low_micro"] / 1e6,
            mask_high=doc["mask_high_micro"] / 1e6,
            texture=doc["texture_micro"] / 1e6,
            max_length=int(doc["max_length"]),
            cutoff=doc["cutoff_ppb"] / 1e9,
            epsilon=doc["epsilon_ppb"] / 1e9,
        )


def luminance(rows: NDArray[Any]) -> F32:
    """Grey levels of image rows (Rec. 601 luma for colour; alpha ignored), float32."""
    if rows.ndim == 2:
        return rows.astype(np.float32)
    if rows.shape[2] == 1:
        return rows[..., 0].astype(np.float32)
    if rows.shape[2] == 2:  # grey + alpha
        return rows[..., 0].astype(np.float32)
    rgb = rows[..., :3].astype(np.float32)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Carrier:
    """The carriers of one object (``key`` is its secret) at its size and grey scale."""

    key: bytes
    height: int
    width: int
    scale: float  # grey levels per 1/255 of the range: 1 for 8-bit, the range/255 else
    params: FingerprintParams

    @property
    def cells(self) -> tuple[int, int]:
        """Rows and columns of cells."""
        cell = self.params.cell
        return -(-self.height // cell), -(-self.width // cell)

    @property
    def length(self) -> int:
        """Code positions: one per cell, at most ``max_length``."""
        rows, cols = self.cells
        return min(self.params.max_length, rows * cols)

    @property
    def halo(self) -> int:
        """Rows above and below a strip that its filters need."""
        p = self.params
        return math.ceil(3 * max(p.carrier_sigma, p.mask_sigma)) + 2

    def key_id(self) -> str:
        """A public name of the key (SHA-256 of it), for the ledger."""
        return hashlib.sha256(b"openskies-fingerprint-key\x00" + self.key).hexdigest()

    def position_of_cell(self) -> NDArray[np.int32]:
        """The code position of each cell (rows × cols), a keyed spread of all positions."""
        rows, cols = self.cells
        order = np.argsort(keyed_uniform(self.key, "cells", rows * cols), kind="stable")
        position = np.empty(rows * cols, dtype=np.int32)
        position[order] = np.arange(rows * cols, dtype=np.int32) % self.length
        return position.reshape(rows, cols)

    def chips(self, y0: int, y1: int) -> F32:
        """The ±1 chips of rows [y0, y1), each row from its own keyed stream."""
        words = -(-self.width // 64)
        out = np.empty((y1 - y0, self.width), dtype=np.float32)
        for i, y in enumerate(range(y0, y1)):
            raw = keyed_words(self.key, "chips", words, y).view(np.uint8)
            bits = np.unpackbits(raw, bitorder="little")[: self.width]
            out[i] = bits.astype(np.float32) * 2 - 1
        return out

    def positions(self, y0: int, y1: int, table: NDArray[np.int32]) -> NDArray[np.int32]:
        """The code position of every pixel of rows [y0, y1)."""
        cell = self.params.cell
        rows = table[np.arange(y0, y1) // cell]
        return np.repeat(rows, cell, axis=1)[:, : self.width]

    def mask(self, grey: F32) -> F32:
        """The perceptual mask m(x) of rows of the original's grey levels."""
        p = self.params
        mean = cv2.GaussianBlur(grey, (0, 0), p.mask_sigma, borderType=cv2.BORDER_REFLECT)
        square = cv2.GaussianBlur(grey * grey, (0, 0), p.mask_sigma, borderType=cv2.BORDER_REFLECT)
        std = np.sqrt(np.maximum(square - mean * mean, 0.0))
        return np.clip(std / (p.texture * self.scale), p.mask_low, p.mask_high).astype(np.float32)

    def lowpass(self, field: F32) -> F32:
        """H ∗ field, normalised so white ±1 chips give a unit-RMS carrier."""
        sigma = self.params.carrier_sigma
        gain = 2 * sigma * math.sqrt(math.pi)
        blurred = cv2.GaussianBlur(field, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        return np.asarray(blurred * np.float32(gain), dtype=np.float32)

    @property
    def alpha(self) -> float:
        """Carrier amplitude, so that α · max(m) is the strength."""
        p = self.params
        return p.strength * self.scale / p.mask_high
