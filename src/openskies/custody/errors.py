"""Errors of the custody package.

    OpenSkiesError
    ├── InputError                      (openskies.errors)
    │   └── TransitionError             a copy request step not allowed from its state
    ├── ObjectNotFoundError (LookupError) no object with that SHA-256 in the store
    ├── IntegrityError                  stored bytes do not hash to their name
    └── MissingDependencyError (ImportError) an optional library (cryptography, boto3) is absent

Refusals of a copy request are not exceptions: ``decide`` returns findings with citations.
"""

from __future__ import annotations

from openskies.errors import InputError, OpenSkiesError
from openskies.treaty import Citation

__all__ = [
    "IntegrityError",
    "MissingDependencyError",
    "ObjectNotFoundError",
    "TransitionError",
]


class TransitionError(InputError):
    """A lifecycle step that the current state does not allow; carries the rule's citation."""

    def __init__(self, message: str, citation: Citation) -> None:
        self.citation = citation
        super().__init__(f"{message} ({citation.text})")


class ObjectNotFoundError(OpenSkiesError, LookupError):
    """No object with this SHA-256 in the store."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(f"object {sha256}: not in the store")


class IntegrityError(OpenSkiesError):
    """Stored bytes that do not hash to the name they are stored under."""

    def __init__(self, expected_sha256: str, actual_sha256: str, size: int) -> None:
        self.expected_sha256 = expected_sha256
        self.actual_sha256 = actual_sha256
        self.size = size
        super().__init__(
            f"object {expected_sha256}: its {size} bytes hash to {actual_sha256}; "
            "the stored copy is corrupt"
        )


class MissingDependencyError(OpenSkiesError, ImportError):
    """An optional library needed for this feature is not installed."""

    def __init__(self, library: str, feature: str) -> None:
        self.library = library
        super().__init__(f"{feature} needs the '{library}' package, which is not installed")
