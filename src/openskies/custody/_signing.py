"""Ed25519 signatures (RFC 8032) through the ``cryptography`` package, imported lazily.

Keys travel as raw 32-byte values; a key is named by its ``key_id``, the lowercase hex
SHA-256 of the raw public key. Everything else in the custody package works without
``cryptography``; signing and checking signatures need it.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from openskies.custody.errors import MissingDependencyError
from openskies.errors import InputError

__all__ = ["Ed25519Signer", "Signer", "key_id", "verify_ed25519"]


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("cryptography", "Ed25519 signing and verification") from None
    return ed25519


def key_id(public_key: bytes) -> str:
    """The name of a public key: lowercase hex SHA-256 of its 32 raw bytes."""
    if len(public_key) != 32:
        raise InputError(f"public key: {len(public_key)} bytes; an Ed25519 key has 32")
    return hashlib.sha256(public_key).hexdigest()


class Signer(Protocol):
    """Anything that signs with an Ed25519 key: an in-memory key, an HSM, a smart card."""

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        ...


class Ed25519Signer:
    """An Ed25519 private key held in memory (for tests, tools and small deployments)."""

    def __init__(self, private_key: bytes) -> None:
        if len(private_key) != 32:
            raise InputError(f"private key: {len(private_key)} bytes; an Ed25519 key has 32")
        self._key = _ed25519().Ed25519PrivateKey.from_private_bytes(private_key)
        from cryptography.hazmat.primitives import serialization

        self._public: bytes = bytes(
            self._key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    @classmethod
    def generate(cls) -> Ed25519Signer:
        """A new random key."""
        from cryptography.hazmat.primitives import serialization

        key = _ed25519().Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return cls(raw)

    @classmethod
    def from_pem(cls, pem: bytes) -> Ed25519Signer:
        """A key from PKCS#8 PEM (what ``openskies keys init`` writes)."""
        from cryptography.hazmat.primitives import serialization

        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            raise InputError("key file: not an unencrypted PKCS#8 PEM private key") from None
        if not isinstance(key, _ed25519().Ed25519PrivateKey):
            raise InputError("key file: not an Ed25519 key")
        return cls(key.private_bytes_raw())

    def private_pem(self) -> bytes:
        """The private key as PKCS#8 PEM, to keep in a file only its owner can read."""
        from cryptography.hazmat.primitives import serialization

        return bytes(
            self._key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key (the log keeps its own this way)."""
        return bytes(self._key.private_bytes_raw())

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        return self._public

    @property
    def key_id(self) -> str:
        """Hex SHA-256 of the public key."""
        return key_id(self._public)

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return bytes(self._key.sign(message))

    def __repr__(self) -> str:
        return f"Ed25519Signer(key_id={self.key_id[:16]}...)"


def verify_ed25519(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``public_key``'s Ed25519 signature of ``message``."""
    ed25519 = _ed25519()
    from cryptography.exceptions import InvalidSignature

    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
