"""Fetched images on disk, within a byte budget, least recently served dropped first.

Each image is two files named by the SHA-256 of its source URL: the bytes, and a small
JSON record (media type, size, when fetched, or why it could not be had and when to try
again). A failure is remembered too, so a broken image is not refetched on every view.
The cache belongs to one machine; replicas each keep their own, and the signed URLs that
point at it are the same everywhere because they depend only on the shared key.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class CachedImage:
    url: str
    media_type: str
    width: int
    height: int
    fetched_at: datetime
    path: Path


@dataclass(frozen=True)
class Unavailable:
    """An image we could not serve, why (a sentence safe to show), and when to try again."""

    url: str
    reason: str
    retry_at: datetime


class ImageCache:
    def __init__(self, folder: Path, budget_bytes: int) -> None:
        self.folder = folder
        self.budget_bytes = budget_bytes
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)
        self._used = sum(p.stat().st_size for p in folder.glob("*.img"))

    @property
    def used_bytes(self) -> int:
        return self._used

    def _files(self, url: str) -> tuple[Path, Path]:
        name = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.folder / f"{name}.img", self.folder / f"{name}.json"

    def get(self, url: str) -> CachedImage | Unavailable | None:
        body, record = self._files(url)
        try:
            raw = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if "reason" in raw:
            return Unavailable(url, raw["reason"], datetime.fromisoformat(raw["retry_at"]))
        if not body.exists():
            return None
        os.utime(body)  # served now: the last to be evicted
        return CachedImage(
            url=url,
            media_type=raw["media_type"],
            width=raw["width"],
            height=raw["height"],
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
            path=body,
        )

    def put(
        self, url: str, content: bytes, media_type: str, width: int, height: int, now: datetime
    ) -> CachedImage | None:
        """Keep an image; None when it alone is larger than the whole budget."""
        if len(content) > self.budget_bytes:
            return None
        body, record = self._files(url)
        with self._lock:
            previous = body.stat().st_size if body.exists() else 0
            temporary = body.with_suffix(".tmp")
            temporary.write_bytes(content)
            temporary.replace(body)
            self._used += len(content) - previous
            image = CachedImage(url, media_type, width, height, now, body)
            meta = asdict(image) | {"fetched_at": now.isoformat(), "path": body.name}
            record.write_text(json.dumps(meta), encoding="utf-8")
            self._evict(keep=body)
        return image

    def remember_failure(self, url: str, reason: str, retry_at: datetime) -> Unavailable:
        body, record = self._files(url)
        failure = Unavailable(url, reason, retry_at)
        with self._lock:
            if body.exists():
                self._used -= body.stat().st_size
                body.unlink()
            record.write_text(
                json.dumps({"url": url, "reason": reason, "retry_at": retry_at.isoformat()}),
                encoding="utf-8",
            )
        return failure

    def _evict(self, keep: Path) -> None:
        """Drop the least recently served images until the cache fits its budget."""
        if self._used <= self.budget_bytes:
            return
        for body in sorted(self.folder.glob("*.img"), key=lambda p: p.stat().st_mtime):
            if self._used <= self.budget_bytes:
                break
            if body == keep:
                continue
            self._used -= body.stat().st_size
            body.unlink()
            body.with_suffix(".json").unlink(missing_ok=True)
