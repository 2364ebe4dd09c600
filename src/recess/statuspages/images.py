"""A page's logo and favicon, stored as base64 image data (as Datadog's API defines them),
decoded to bytes and a media type the page can serve from its own address (pure).

Why not inline them or link them: inline, a large logo would weigh on every page view; a link to
another site would make the page load from elsewhere. Anything that is not base64 image data of
a known kind (a URL, for one) is not served.
"""

from __future__ import annotations

import base64
import binascii

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
          (b"GIF89a", "image/gif"), (b"\x00\x00\x01\x00", "image/x-icon"))


def sniff(data: bytes) -> str | None:
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def decode(value: str | None) -> tuple[bytes, str] | None:
    """(bytes, media type) of `value`: base64 data, or a `data:` URI of base64 data."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if ";base64" not in header:
            return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    media_type = sniff(data)
    return (data, media_type) if media_type else None
