"""Copies that name their recipient: a Tardos code, spread-spectrum embedding, tracing.

Each image copy delivered to a State Party carries a fingerprint unique to that delivery
(``embed_strips``); the original is only read. ``trace`` registers a leaked copy onto the
original (``register``: SIFT + RANSAC, then ECC), reads every code position and names the
deliveries whose Tardos score passes a threshold proven for a false attribution probability
ε. Pure computation on arrays (numpy, OpenCV): image files are read and written by
``openskies.adapters.images``. See docs/fingerprint.md.
"""

from openskies.custody.fingerprint.carrier import SCHEME, Carrier, FingerprintParams, luminance
from openskies.custody.fingerprint.code import TardosCode, chernoff_threshold
from openskies.custody.fingerprint.embed import (
    Channel,
    RowSource,
    embed_strips,
    fit_channel,
    image_scale,
    read_positions,
)
from openskies.custody.fingerprint.register import (
    Registration,
    RegistrationError,
    preview,
    register,
)
from openskies.custody.fingerprint.trace import (
    ArraySource,
    Delivery,
    Trace,
    TracedDelivery,
    code_of,
    trace,
)

__all__ = [
    "SCHEME",
    "ArraySource",
    "Carrier",
    "Channel",
    "Delivery",
    "FingerprintParams",
    "Registration",
    "RegistrationError",
    "RowSource",
    "TardosCode",
    "Trace",
    "TracedDelivery",
    "chernoff_threshold",
    "code_of",
    "embed_strips",
    "fit_channel",
    "image_scale",
    "luminance",
    "preview",
    "read_positions",
    "register",
    "trace",
]
