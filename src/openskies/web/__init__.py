"""The web app's built static files (``npm ci --prefix web && node web/build.mjs``).

The sources are in ``web/src``; the build copies them, with Leaflet, into ``static/``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["static_dir"]


def static_dir() -> Path:
    """The directory of the built web app: ``index.html`` at its root (may not be built)."""
    return Path(__file__).parent / "static"
