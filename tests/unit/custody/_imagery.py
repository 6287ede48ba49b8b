"""Natural-looking test imagery and the attacks a leaker would apply (tests and benchmarks).

``terrain`` is fractal (1/f) value noise with fields, roads and buildings drawn on it, plus
sensor noise: the texture statistics of aerial photographs, at any size, made here (nothing
downloaded). ``ATTACKS`` are the ones docs/fingerprint.md reports on.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

Array = NDArray[np.uint8]


def terrain(height: int, width: int, seed: int = 0, colour: bool = False) -> Array:
    """A synthetic aerial frame (8-bit grey, or RGB) with 1/f texture and man-made edges."""
    rng = np.random.default_rng(seed)
    image = np.zeros((height, width), dtype=np.float32)
    amplitude, cell = 1.0, max(height, width) // 2
    while cell >= 1:
        grid = rng.random((height // cell + 3, width // cell + 3), dtype=np.float32)
        up = cv2.resize(grid, (width + 3 * cell, height + 3 * cell), interpolation=cv2.INTER_CUBIC)
        image += amplitude * up[cell : cell + height, cell : cell + width]
        amplitude *= 0.6
        cell //= 2
    image = (image - image.min()) / (np.ptp(image) + 1e-6) * 140 + 50
    scale = max(1, min(height, width) // 64)
    for _ in range(int(height * width / (scale * scale * 40))):  # fields and buildings
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        w, h = (rng.integers(1, 6, size=2) * scale).tolist()
        angle = float(rng.uniform(0, 180))
        box = cv2.boxPoints(((float(cx), float(cy)), (w, h), angle)).astype(np.int32)
        cv2.fillPoly(image, [box], float(rng.uniform(-40, 40)) + float(image[cy, cx]))
    for _ in range(max(2, (height + width) // 300)):  # roads
        p = rng.integers(0, [width, height], size=2).tolist()
        q = rng.integers(0, [width, height], size=2).tolist()
        cv2.line(image, p, q, float(rng.uniform(30, 220)), max(1, scale // 3))
    image += rng.normal(0, 1.5, size=image.shape).astype(np.float32)
    grey = np.clip(image, 0, 255)
    if not colour:
        return grey.astype(np.uint8)
    tint = np.stack([grey * 0.9 + 10, grey, grey * 0.8 + 20], axis=2)
    return np.clip(tint, 0, 255).astype(np.uint8)


def jpeg(image: Array, quality: int = 75) -> Array:
    """Re-compressed as JPEG (Pillow, libjpeg)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())))


def crop(image: Array, area: float = 0.7, seed: int = 0) -> Array:
    """A crop keeping ``area`` of the frame, at a random place."""
    rng = np.random.default_rng(seed)
    side = np.sqrt(area)
    h, w = int(image.shape[0] * side), int(image.shape[1] * side)
    y = int(rng.integers(0, image.shape[0] - h + 1))
    x = int(rng.integers(0, image.shape[1] - w + 1))
    return image[y : y + h, x : x + w].copy()


def scale(image: Array, factor: float = 0.5) -> Array:
    """Resized by ``factor`` (area averaging, as image tools do when shrinking)."""
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def rotate(image: Array, degrees: float = 3.0) -> Array:
    """Rotated about the centre on the same canvas (corners filled black)."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR)


def combined(image: Array, seed: int = 0) -> Array:
    """Rotation by 2°, crop to 70 %, scaling to 50 % and JPEG 75, in that order."""
    return jpeg(scale(crop(rotate(image, 2.0), 0.7, seed), 0.5), 75)


def attacks(seed: int) -> dict[str, Callable[[Array], Array]]:
    """The attacks of the report, each with its randomness from ``seed``."""
    sign = 1.0 if seed % 2 == 0 else -1.0
    return {
        "none": lambda a: a,
        "jpeg75": lambda a: jpeg(a, 75),
        "crop70": lambda a: crop(a, 0.7, seed),
        "scale50": lambda a: scale(a, 0.5),
        "rotate3": lambda a: rotate(a, 3.0 * sign),
        "combined": lambda a: combined(a, seed),
    }


def psnr(original: NDArray[np.generic], copy: NDArray[np.generic], peak: float = 255.0) -> float:
    """Peak signal-to-noise ratio, dB."""
    error = np.mean((original.astype(np.float64) - copy.astype(np.float64)) ** 2)
    return float(10 * np.log10(peak * peak / error)) if error > 0 else float("inf")
