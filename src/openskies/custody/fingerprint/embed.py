"""Embedding a delivery's codeword into an image, and reading code positions back.

Both work strip by strip over a ``RowSource`` (rows of the original read on demand), so a
frame of 8,000 × 6,000 is never held whole: a strip and its halo are in memory at a time.
Reading is non-blind: the suspect copy, registered onto the original's grid, minus the
original (through a fitted blur and gain, the channel the attacks applied), correlated with
each position's carrier.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from openskies.custody.fingerprint.carrier import F32, Carrier, luminance

__all__ = ["Channel", "RowSource", "embed_strips", "fit_channel", "image_scale", "read_positions"]

STRIP = 256


class RowSource(Protocol):
    """Rows of an image, read on demand: ``read(y0, y1)`` is (y1-y0, width[, channels])."""

    @property
    def height(self) -> int: ...

    @property
    def width(self) -> int: ...

    @property
    def dtype(self) -> np.dtype[Any]: ...

    def read(self, y0: int, y1: int) -> NDArray[Any]: ...


def image_scale(source: RowSource) -> float:
    """Grey levels per 1/255 of the range: 1 for 8-bit; the data's range/255 for 16-bit."""
    if source.dtype == np.uint8:
        return 1.0
    low, high = np.inf, -np.inf
    for y0 in range(0, source.height, STRIP * 4):
        rows = luminance(source.read(y0, min(source.height, y0 + STRIP * 4)))
        low, high = min(low, float(rows.min())), max(high, float(rows.max()))
    return max(high - low, 255.0) / 255.0


def _window(carrier: Carrier, y0: int, y1: int, halo: int) -> tuple[int, int]:
    return max(0, y0 - halo), min(carrier.height, y1 + halo)


def embed_strips(
    source: RowSource, carrier: Carrier, bits: NDArray[np.bool_], strip: int = STRIP
) -> Iterator[NDArray[Any]]:
    """The fingerprinted copy, strip by strip, in the source's dtype; the original is only read."""
    if np.dtype(source.dtype) not in (np.dtype(np.uint8), np.dtype(np.uint16)):
        raise ValueError(f"dtype: {source.dtype} images are not fingerprinted (8 or 16 bit)")
    signs = np.where(bits, np.float32(1), np.float32(-1))
    table = carrier.position_of_cell()
    top = float(np.iinfo(source.dtype).max)
    alpha = np.float32(carrier.alpha)
    for y0 in range(0, carrier.height, strip):
        y1 = min(carrier.height, y0 + strip)
        a, b = _window(carrier, y0, y1, carrier.halo)
        rows = source.read(a, b)
        grey = luminance(rows)
        field = carrier.chips(a, b) * signs[carrier.positions(a, b, table)]
        delta = alpha * carrier.mask(grey) * carrier.lowpass(field)
        inner = slice(y0 - a, y1 - a)
        out = rows[inner].astype(np.float32)
        change = delta[inner] if out.ndim == 2 else delta[inner][..., None]
        if out.ndim == 3 and out.shape[2] in (2, 4):  # leave alpha alone
            change = np.concatenate(
                [np.repeat(change, out.shape[2] - 1, axis=2), np.zeros_like(change)], axis=2
            )
        yield np.clip(np.rint(out + change), 0, top).astype(source.dtype)


@dataclass(frozen=True)
class Channel:
    """What an attack did to the grey levels, fitted: suspect ≈ gain · blur_σ(original) + offset."""

    blur: float
    gain: float
    offset: float


def _affine_strip(matrix: NDArray[np.float64], y0: int) -> NDArray[np.float64]:
    """The map original → suspect for rows starting at ``y0`` of the original."""
    shift = np.array([[1, 0, 0], [0, 1, y0], [0, 0, 1]], dtype=np.float64)
    return (np.vstack([matrix, [0, 0, 1]]) @ shift)[:2]


def _warp(suspect: F32, matrix: NDArray[np.float64], y0: int, y1: int, width: int) -> F32:
    """Suspect grey levels resampled on the original's rows [y0, y1)."""
    warped = cv2.warpAffine(
        suspect,
        _affine_strip(matrix, y0),
        (width, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return np.asarray(warped, dtype=np.float32)


def _valid(
    shape: tuple[int, int], matrix: NDArray[np.float64], y0: int, y1: int, width: int
) -> NDArray[np.bool_]:
    """Pixels of the original's rows whose place in the suspect lies inside it (2 px margin)."""
    ys, xs = np.mgrid[y0:y1, 0:width].astype(np.float64)
    sx = matrix[0, 0] * xs + matrix[0, 1] * ys + matrix[0, 2]
    sy = matrix[1, 0] * xs + matrix[1, 1] * ys + matrix[1, 2]
    margin = 2.0
    inside: NDArray[np.bool_] = (
        (sx >= margin)
        & (sy >= margin)
        & (sx <= shape[1] - 1 - margin)
        & (sy <= shape[0] - 1 - margin)
    )
    return inside


BLURS = (0.0, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0)


def _blur(grey: F32, sigma: float) -> F32:
    if sigma == 0.0:
        return grey
    blurred = cv2.GaussianBlur(grey, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return np.asarray(blurred, dtype=np.float32)


def fit_channel(source: RowSource, suspect: F32, matrix: NDArray[np.float64]) -> Channel:
    """The blur, gain and offset that best map the original onto the registered suspect,
    fitted on a band of rows through the middle of the overlap."""
    height, width = source.height, source.width
    best: tuple[float, Channel] | None = None
    samples = []
    for centre in (height // 4, height // 2, 3 * height // 4):
        y0, y1 = max(0, centre - 64), min(height, centre + 64)
        valid = _valid(suspect.shape[:2], matrix, y0, y1, width)
        valid[1::2] = False  # every other row is enough for three numbers
        if valid.sum() > 1000:
            grey = luminance(source.read(y0, y1))
            samples.append((grey, _warp(suspect, matrix, y0, y1, width)[valid], valid))
    if not samples:
        return Channel(0.0, 1.0, 0.0)
    for sigma in BLURS:
        xs = np.concatenate([_blur(o, sigma)[v] for o, _, v in samples]).astype(np.float64)
        ys = np.concatenate([s for _, s, _ in samples]).astype(np.float64)
        mx, my = xs.mean(), ys.mean()
        gain = float(np.dot(xs - mx, ys - my) / max(float(np.dot(xs - mx, xs - mx)), 1e-12))
        offset = my - gain * mx
        error = float(np.mean((ys - gain * xs - offset) ** 2))
        if best is None or error < best[0]:
            best = (error, Channel(sigma, float(gain), float(offset)))
    assert best is not None
    return best[1]


def read_positions(
    source: RowSource,
    carrier: Carrier,
    suspect: F32,
    matrix: NDArray[np.float64],
    channel: Channel,
    strip: int = STRIP,
) -> NDArray[np.float64]:
    """The reading r: per code position, the correlation of the residual with its carrier."""
    table = carrier.position_of_cell()
    halo = carrier.halo + int(np.ceil(3 * channel.blur)) + 2
    clip = np.float32(24 * carrier.scale)  # residuals beyond ±24 grey levels are not ours
    reading = np.zeros(carrier.length, dtype=np.float64)
    for y0 in range(0, carrier.height, strip):
        y1 = min(carrier.height, y0 + strip)
        a, b = _window(carrier, y0, y1, halo)
        valid = _valid(suspect.shape[:2], matrix, a, b, carrier.width)
        if not valid[y0 - a : y1 - a].any():
            continue
        grey = luminance(source.read(a, b))
        predicted = np.float32(channel.gain) * _blur(grey, channel.blur) + np.float32(
            channel.offset
        )
        residual = _warp(suspect, matrix, a, b, carrier.width) - predicted
        residual = np.where(valid, np.clip(residual, -clip, clip), np.float32(0))
        matched = carrier.lowpass(carrier.mask(grey) * residual)
        inner = slice(y0 - a, y1 - a)
        weights = (matched[inner] * carrier.chips(y0, y1)).ravel()
        reading += np.bincount(
            carrier.positions(y0, y1, table).ravel(), weights=weights, minlength=carrier.length
        )
    return reading
