"""Signed image URLs: ``/media/<digest>/<encoded source URL>``.

The digest is an HMAC-SHA256 of the source URL, so the portal only ever fetches images that
its own pages named; anyone else's URL fails the check before any request is made. The key
comes from settings (``media.key``, the same on every replica) or, when that is empty, from
a key file the first start writes into the data folder, so links survive restarts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

PREFIX = "/media"
KEY_BYTES = 32


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


class MediaSigner:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the media signing key must be at least 16 bytes")
        self._key = key

    def _digest(self, url: str) -> str:
        return _encode(hmac.new(self._key, url.encode("utf-8"), hashlib.sha256).digest())

    def path(self, url: str) -> str:
        """Where our own origin serves the image at ``url``."""
        return f"{PREFIX}/{self._digest(url)}/{_encode(url.encode('utf-8'))}"

    def verify(self, digest: str, encoded: str) -> str | None:
        """The source URL of a signed path, or None when the signature does not hold."""
        try:
            url = _decode(encoded).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return url if hmac.compare_digest(digest, self._digest(url)) else None


def source_of(path: str) -> str | None:
    """The source URL a ``/media/`` path names, its signature not checked: for whoever signs
    it again (the sanitizer, so only paths it signed itself reach a stored page)."""
    prefix, _, rest = path.partition(f"{PREFIX}/")
    digest, _, encoded = rest.partition("/")
    if prefix or not digest or not encoded or "/" in encoded:
        return None
    try:
        return _decode(encoded).decode("utf-8") or None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def load_key(configured: str, data_dir: Path) -> bytes:
    """The configured key, else the data folder's key file, written on first use (0600)."""
    if configured:
        return configured.encode("utf-8")
    path = data_dir / "media.key"
    if path.exists():
        return path.read_bytes()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key
