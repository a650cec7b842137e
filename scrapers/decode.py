"""Bytes of an HTML page -> text, in a fixed and tested order.

Order (the first source whose codec decodes the bytes wins):

1. ``bom``      a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) - nothing overrides it;
2. ``http``     the ``charset`` of the HTTP ``Content-Type`` header;
3. ``meta``     ``<meta charset>`` or ``<meta http-equiv="Content-Type" content="...charset=...">``
                in the first ``META_SCAN_BYTES`` bytes;
4. ``detected`` strict UTF-8 first (multi-byte UTF-8 almost never happens by accident), then
                ``charset_normalizer``;
5. ``default``  UTF-8 with replacement characters, noted.

Labels are mapped to the superset browsers actually use (the WHATWG encoding standard):
EUC-KR / KS_C_5601-1987 -> cp949, ISO-8859-1 / ASCII -> cp1252, GB2312 -> GB18030,
Shift_JIS -> cp932. A declared charset that does not fit the bytes (a UTF-8 page served as
``euc-kr``, a CP949 page labelled ``utf-8``, UTF-8 bytes labelled ``iso-8859-1``) is not used:
the next source is tried and a note says what happened, so the text is never mojibake.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# How far into the document a <meta charset> is looked for. The HTML spec pre-scans 1024
# bytes, but Korean portals put long <head> blocks (scripts, many metas) before it.
META_SCAN_BYTES = 8192
# A declared codec is still trusted when only a few bytes fail (a page truncated inside a
# multi-byte character, one stray byte): at most this many errors per 10 000 bytes, min 8.
TOLERATED_ERRORS_PER_10K = 1
TOLERATED_ERRORS_MIN = 8

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same 2 bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python codec name (after codecs.lookup) -> the superset browsers decode it with.
_SUPERSETS = {
    "euc_kr": "cp949",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_jp": "euc_jis_2004",
    "tis-620": "cp874",
    "iso8859-9": "cp1254",
    "big5": "big5hkscs",
}
# Labels Python does not know under that spelling.
_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "unicode-1-1-utf-8": "utf-8",
    "utf8": "utf-8",
    "x-sjis": "cp932",
    "x-euc-kr": "cp949",
}
_SINGLE_BYTE = {"cp1252", "cp1254", "cp874", "iso8859-15", "iso8859-2", "cp1250", "cp1251", "koi8-r"}

# Candidates for detection, most common on the web first (Korean outlets are the main case).
DETECTABLE = ("utf_8", "cp949", "cp1252", "cp932", "euc_jp", "gb18030", "big5", "cp1251",
              "koi8_r", "cp1250", "iso8859_2", "cp1254", "cp1253", "cp1255", "cp1256", "cp874",
              "iso8859_15")

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str           # codec actually used, e.g. "utf-8", "cp949"
    source: str             # "bom" | "http" | "meta" | "detected" | "default"
    notes: tuple[str, ...]  # what was declared and ignored, replaced bytes, ...


def normalize_charset(label: str | None) -> str | None:
    """A charset label from a header or meta tag -> the Python codec to decode with, or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    name = _SUPERSETS.get(name, name)
    return codecs.lookup(name).name


def _try(body: bytes, codec: str) -> tuple[str | None, int]:
    """Decode strictly; tolerate a handful of bad bytes. Returns (text or None, replaced count)."""
    try:
        return body.decode(codec), 0
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None, 0
    text = body.decode(codec, errors="replace")
    bad = text.count("\ufffd") - _count_literal_replacement(body, codec)
    if bad <= max(TOLERATED_ERRORS_MIN, len(body) * TOLERATED_ERRORS_PER_10K // 10_000):
        return text, bad
    return None, bad


def _count_literal_replacement(body: bytes, codec: str) -> int:
    # U+FFFD written in the page itself is not a decoding error.
    try:
        return body.count("\ufffd".encode(codec))
    except (UnicodeEncodeError, LookupError):
        return 0


def _is_multibyte_utf8(body: bytes) -> bool:
    """True when the bytes are valid UTF-8 *and* use non-ASCII sequences: then UTF-8 is right
    even if a single-byte charset (which decodes anything) was declared."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _meta_charset(body: bytes) -> str | None:
    head = body[:META_SCAN_BYTES]
    for m in _META_CHARSET.finditer(head):
        return m.group(1).decode("ascii", "ignore")
    return None


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _korean_cp949(body: bytes) -> str | None:
    """CP949 text if the bytes decode strictly and their non-ASCII characters are mostly
    Hangul syllables. Korean outlets are newsmon's main undeclared/mislabelled case, and a
    generic detector is easily swayed by a page that is 95 % ASCII markup."""
    try:
        text = body.decode("cp949")
    except UnicodeDecodeError:
        return None
    non_ascii = len(_NON_ASCII.findall(text))
    if non_ascii >= 4 and len(_HANGUL.findall(text)) >= 0.8 * non_ascii:
        return text
    return None


def _detect(body: bytes) -> tuple[str, str] | None:
    """(text, codec) by detection, or None."""
    if _is_multibyte_utf8(body) or body.isascii():
        return body.decode("utf-8"), "utf-8"
    korean = _korean_cp949(body)
    if korean is not None:
        return korean, "cp949"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    # Only encodings that web pages actually use: on short or mostly-ASCII pages an
    # unrestricted guess lands on exotic code pages (cp1006, mac_*) and yields mojibake.
    best = from_bytes(body, cp_isolation=list(DETECTABLE)).best()
    if best is None:
        return None
    codec = normalize_charset(best.encoding)
    if codec is None:
        return None
    text, _ = _try(body, codec)
    return (text, codec) if text is not None else None


def decode_html(body: bytes, content_type_charset: str | None = None) -> Decoded:
    """Decode page bytes following the module's documented order; never raises on bad bytes."""
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_html() needs bytes, got {type(body).__name__}")
    body = bytes(body)
    notes: list[str] = []

    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom):].decode(codec, errors="replace")
            if "\ufffd" in text:
                notes.append(f"{codec} BOM but some bytes did not decode; replaced")
            return Decoded(text, codecs.lookup(codec).name, "bom", tuple(notes))

    declared: list[tuple[str, str | None, str]] = [
        ("http", content_type_charset, "HTTP header"),
        ("meta", _meta_charset(body), "<meta> tag"),
    ]
    failed: list[tuple[str, str]] = []  # (label, where) of declarations that did not fit
    for source, label, where in declared:
        if not label:
            continue
        codec = normalize_charset(label)
        if codec is None:
            notes.append(f"unknown charset {label!r} declared in {where}; ignored")
            continue
        if codec in _SINGLE_BYTE and _is_multibyte_utf8(body):
            # Single-byte codecs decode any bytes, so "it decoded" proves nothing here.
            failed.append((label, where))
            continue
        text, bad = _try(body, codec)
        if text is not None:
            notes.extend(f"declared {lb} in {wh} but bytes do not decode with it; "
                         f"used {label} from {where}" for lb, wh in failed)
            if bad:
                notes.append(f"{bad} undecodable byte(s) replaced ({codec})")
            return Decoded(text, codec, source, tuple(notes))
        failed.append((label, where))

    found = _detect(body)
    if found is not None:
        text, real = found
        notes.extend(f"declared {lb} in {wh} but bytes are {_label(real)}; decoded as {real}"
                     for lb, wh in failed)
        return Decoded(text, real, "detected", tuple(notes))
    notes.extend(f"declared {lb} in {wh} does not decode the bytes; ignored" for lb, wh in failed)
    notes.append("no charset declared or detected; decoded as utf-8 with replacement characters")
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "default", tuple(notes))


def _label(codec: str) -> str:
    return {"utf-8": "UTF-8", "cp949": "CP949/EUC-KR"}.get(codec, codec)
