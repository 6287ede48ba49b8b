"""The HTTP API (FastAPI): ``create_app`` builds it; ``openskies serve`` runs it."""

from openskies.api.app import create_app

__all__ = ["create_app"]
