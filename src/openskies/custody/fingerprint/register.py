"""Registration of a suspect copy onto its original: undoing crop, scale and rotation.

OpenCV's SIFT features on previews of both images (at most ``PREVIEW`` pixels a side) give a
similarity transform by RANSAC (rotation, uniform scale, shift: what cropping, resizing and
rotating do); OpenCV's ECC (Evangelidis & Psarakis 2008) then refines it to an affine map on
a full-resolution patch of the original, to a fraction of a pixel, which the fingerprint's
correlation needs. Why OpenCV: SIFT, RANSAC and ECC in one maintained wheel, in C++.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from openskies.custody.fingerprint.carrier import F32, luminance
from openskies.custody.fingerprint.embed import RowSource

__all__ = ["PREVIEW", "Registration", "RegistrationError", "preview", "register"]

PREVIEW = 1600
PATCH = 1024
ITERATIONS = 30


class RegistrationError(ValueError):
    """The suspect could not be placed on the original (too few matching features)."""


@dataclass(frozen=True)
class Registration:
    """The affine map original (x, y) → suspect (x, y), and how it was found."""

    matrix: NDArray[np.float64]
    inliers: int
    refined: bool


def _to_u8(grey: F32) -> NDArray[np.uint8]:
    low, high = np.percentile(grey[::4, ::4], (0.5, 99.5))  # a sample is enough
    span = max(float(high - low), 1e-6)
    return np.asarray(np.clip((grey - low) * (255.0 / span), 0, 255), dtype=np.uint8)


def preview(source: RowSource, size: int = PREVIEW) -> tuple[F32, float]:
    """A grey preview of at most ``size`` pixels a side, read strip by strip; and its scale."""
    scale = min(1.0, size / max(source.height, source.width))
    width = max(1, round(source.width * scale))
    parts = []
    step = max(1, round(1 / scale)) * 64
    for y0 in range(0, source.height, step):
        y1 = min(source.height, y0 + step)
        rows = luminance(source.read(y0, y1))
        height = max(1, round((y1 - y0) * scale))
        parts.append(cv2.resize(rows, (width, height), interpolation=cv2.INTER_AREA))
    whole = np.concatenate(parts, axis=0)
    height = max(1, round(source.height * scale))
    if whole.shape[0] != height:  # strips rounded their heights: one exact scale for both axes
        whole = cv2.resize(whole, (width, height), interpolation=cv2.INTER_LINEAR)
    return whole.astype(np.float32), scale


def _features(grey: F32) -> tuple[list[cv2.KeyPoint], NDArray[np.float32]]:
    sift = cv2.SIFT_create(nfeatures=4000)  # type: ignore[attr-defined]
    points, descriptors = sift.detectAndCompute(_to_u8(grey), None)
    return list(points), descriptors


def _similarity(original: F32, suspect: F32) -> tuple[NDArray[np.float64], int]:
    points_o, desc_o = _features(original)
    points_s, desc_s = _features(suspect)
    if desc_o is None or desc_s is None or len(points_o) < 8 or len(points_s) < 8:
        raise RegistrationError("too few features to place the suspect on the original")
    matches = cv2.BFMatcher(cv2.NORM_L2).knnMatch(desc_o, desc_s, k=2)
    good = [
        m for m, n in (pair for pair in matches if len(pair) == 2) if m.distance < 0.75 * n.distance
    ]
    # one suspect point for one original point: many-to-one matches (say, on the black
    # corners a rotation leaves) let RANSAC fit a degenerate map of zero scale
    best: dict[int, cv2.DMatch] = {}
    for m in good:
        if m.trainIdx not in best or m.distance < best[m.trainIdx].distance:
            best[m.trainIdx] = m
    good = list(best.values())
    if len(good) < 8:
        raise RegistrationError(f"{len(good)} matching features; at least 8 are needed")
    src = np.array([points_o[m.queryIdx].pt for m in good], dtype=np.float32)
    dst = np.array([points_s[m.trainIdx].pt for m in good], dtype=np.float32)
    for method in (cv2.RANSAC, cv2.LMEDS):
        matrix, inliers = cv2.estimateAffinePartial2D(
            src, dst, method=method, ransacReprojThreshold=3.0, maxIters=5000, confidence=0.999
        )
        count = int(inliers.sum()) if inliers is not None else 0
        if matrix is not None and count >= 8 and 0.05 < _zoom(matrix) < 20:
            break
    else:
        raise RegistrationError("no consistent placement of the suspect on the original")
    return matrix.astype(np.float64), count


def _h(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.vstack([matrix, [0.0, 0.0, 1.0]])


def _shift(dx: float, dy: float) -> NDArray[np.float64]:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], dtype=np.float64)


def _refine(
    source: RowSource, suspect: F32, matrix: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    """ECC on a full-resolution patch at the centre of the overlap; None if it diverges."""
    ys, xs = np.mgrid[0 : source.height : 16, 0 : source.width : 16]
    sx = matrix[0, 0] * xs + matrix[0, 1] * ys + matrix[0, 2]
    sy = matrix[1, 0] * xs + matrix[1, 1] * ys + matrix[1, 2]
    inside = (sx >= 8) & (sy >= 8) & (sx < suspect.shape[1] - 8) & (sy < suspect.shape[0] - 8)
    if inside.sum() < 16:
        return None
    cy, cx = int(np.median(ys[inside])), int(np.median(xs[inside]))
    half = PATCH // 2
    y0, y1 = max(0, cy - half), min(source.height, cy + half)
    x0, x1 = max(0, cx - half), min(source.width, cx + half)
    template = luminance(source.read(y0, y1))[:, x0:x1].copy()
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
    mapped = corners @ matrix.T
    margin = 32
    u0 = int(max(0, np.floor(mapped[:, 0].min()) - margin))
    v0 = int(max(0, np.floor(mapped[:, 1].min()) - margin))
    u1 = int(min(suspect.shape[1], np.ceil(mapped[:, 0].max()) + margin))
    v1 = int(min(suspect.shape[0], np.ceil(mapped[:, 1].max()) + margin))
    crop = np.ascontiguousarray(suspect[v0:v1, u0:u1])
    warp = (_shift(-u0, -v0) @ _h(matrix) @ _shift(x0, y0))[:2].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, ITERATIONS, 1e-4)
    try:
        _, warp = cv2.findTransformECC(  # type: ignore[call-overload]
            template, crop, warp, cv2.MOTION_AFFINE, criteria, None, 3
        )
    except cv2.error:
        return None
    refined = (_shift(u0, v0) @ _h(warp.astype(np.float64)) @ _shift(-x0, -y0))[:2]
    # A refinement that moves any corner of the original by more than 4 px went astray.
    frame = np.array(
        [[0, 0, 1], [source.width, 0, 1], [0, source.height, 1], [source.width, source.height, 1]],
        dtype=np.float64,
    )
    if np.abs(frame @ refined.T - frame @ matrix.T).max() > 4.0 * max(1.0, _zoom(matrix)):
        return None
    return refined


def _zoom(matrix: NDArray[np.float64]) -> float:
    return float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))


def register(
    source: RowSource, suspect: F32, original_preview: tuple[F32, float] | None = None
) -> Registration:
    """Place ``suspect`` (grey levels) on ``source``'s grid: the map original → suspect."""
    small_o, scale_o = original_preview or preview(source)
    scale_s = min(1.0, PREVIEW / max(suspect.shape[:2]))
    small_s = np.asarray(
        cv2.resize(suspect, None, fx=scale_s, fy=scale_s, interpolation=cv2.INTER_AREA)
        if scale_s < 1.0
        else suspect,
        dtype=np.float32,
    )
    coarse, inliers = _similarity(small_o, small_s)
    # preview coordinates: p_o = scale_o · x_o, p_s = scale_s · x_s
    matrix = (
        np.diag([1 / scale_s, 1 / scale_s, 1.0]) @ _h(coarse) @ np.diag([scale_o, scale_o, 1.0])
    )[:2]
    refined = _refine(source, suspect, matrix)
    if refined is None:
        return Registration(matrix, inliers, False)
    return Registration(refined, inliers, True)
