"""Is a body binary (or wrongly labelled) rather than text? One pure function, shared.

``binary_reason(content, content_type)`` returns a short reason ("image/png",
"image/png labelled text/html", "NUL bytes labelled text/html") or None for text. The
fetcher uses it for article pages; the feed parser can use it on feed bodies.

Rules, in order:
1. A declared media type that is not a text type (image/*, application/pdf,
   application/octet-stream, ...) is binary: the server told us so.
2. A file signature (PNG, JPEG, PDF, ZIP, gzip, ...) at the start is binary whatever the label.
3. A byte-order mark means text (UTF-16 text legitimately contains NUL bytes).
4. NUL bytes, or more than a few control bytes, in the first ``SNIFF_BYTES`` mean binary
   (the WHATWG MIME-sniffing "binary data byte" idea, with some slack for stray control
   characters that sloppy CMSes leave in real pages).
"""
from __future__ import annotations

SNIFF_BYTES = 4096
# Share of control bytes (other than tab/newline/CR/FF/ESC) tolerated in text.
CONTROL_SHARE = 0.02

_TEXT_APPLICATION_TYPES = frozenset({
    "application/xhtml+xml", "application/xml", "application/json", "application/javascript",
    "application/ecmascript", "application/x-javascript", "application/rss+xml",
    "application/atom+xml", "application/rdf+xml", "application/x-rss+xml",
    "application/feed+json", "application/ld+json", "application/x-www-form-urlencoded",
})

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"(\xb5/\xfd", "application/zstd"),
    (b"7z\xbc\xaf'\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"\x1aE\xdf\xa3", "video/webm"),
    (b"wOFF", "font/woff"),
    (b"wOF2", "font/woff2"),
    (b"\x7fELF", "application/x-executable"),
    (b"MZ", "application/x-msdownload"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# Control bytes that never appear in text (tab, LF, FF, CR, ESC excluded).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def is_text_media_type(media_type: str) -> bool:
    mt = media_type.strip().lower()
    return (mt.startswith("text/") or mt in _TEXT_APPLICATION_TYPES
            or mt.endswith(("+xml", "+json")))


def _signature(head: bytes) -> str | None:
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}[head[8:12]]
    return None


def _utf16_without_bom(head: bytes) -> bool:
    # ASCII-range UTF-16 has its NULs all on even or all on odd offsets.
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    return half > 0 and ((even >= 0.9 * half and odd == 0) or (odd >= 0.9 * half and even == 0))


def binary_reason(content: bytes, content_type: str | None) -> str | None:
    """Why ``content`` is not text (a short phrase), or None if it looks like text.

    ``content_type`` is the media type without parameters (e.g. ``FetchResult.content_type``)
    or a full Content-Type header value; None when the server sent none.
    """
    mt = (content_type or "").split(";", 1)[0].strip().lower() or None
    if mt is not None and not is_text_media_type(mt):
        return mt
    head = content[:SNIFF_BYTES]
    label = f"labelled {mt}" if mt else "without Content-Type"
    sig = _signature(head)
    if sig is not None:
        return f"{sig} {label}"
    if not head or head.startswith(_BOMS):
        return None
    if b"\x00" in head:
        return None if _utf16_without_bom(head) else f"NUL bytes {label}"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls > CONTROL_SHARE * len(head):
        return f"{controls} control bytes in the first {len(head)} bytes {label}"
    return None
