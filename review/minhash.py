"""MinHash signatures of article bodies: the part of story clustering that needs no
database, so the cycle's worker processes can compute it beside extraction.

The method (shingles, one-permutation MinHash with optimal densification, LSH bands) is
described in ``review.clusters``. Everything derives from fixed seeds: signatures are
deterministic across processes and machines and are stored, so this module must keep
giving the very same values (``tests/test_review_clusters.py::test_signatures_are_frozen``).
"""
from __future__ import annotations

import functools
import hashlib
import operator
import random
import re
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

NUM_PERM = 120
BANDS = 40
ROWS = NUM_PERM // BANDS  # 3
assert BANDS * ROWS == NUM_PERM
WORD_SHINGLE = 5
HANGUL_SHINGLE = 4
_SEED = 0x6E65_7773_6D6F_6E  # "newsmon": fixed, so stored signatures stay comparable
_PACK = struct.Struct(f"<{NUM_PERM}Q")
_BLAKE64 = hashlib.blake2b(digest_size=8)  # copied per shingle (signature), never updated
_WORD = re.compile(r"[^\W_]+")


_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")  # syllables, jamo


def tokens(text: str) -> tuple[list[str], bool]:
    """Tokens of a body and whether it is mostly Hangul (see module docstring)."""
    norm = unicodedata.normalize("NFKC", text).lower()
    words = _WORD.findall(norm)
    if _HANGUL.search(norm) is None:  # the common case: one C-level pass, no per-word loop
        return words, False
    out: list[str] = []
    hangul = 0
    has_hangul = _HANGUL.search
    for w in words:
        if has_hangul(w):
            # Syllables, and digits/Latin glued to them, one token per character.
            out.extend(w)
            hangul += len(w)
        else:
            out.append(w)
    return out, hangul * 2 > len(out)


def shingles(text: str | None) -> set[str]:
    """The body's shingles; empty for an empty body."""
    if not text:
        return set()
    toks, korean = tokens(text)
    if not toks:
        return set()
    k = HANGUL_SHINGLE if korean else WORD_SHINGLE
    sep = "" if korean else " "
    n = len(toks) - k + 1
    if n <= 1:
        return {sep.join(toks)}
    # k shifted views zipped: the windows toks[i:i + k], built without a Python-level loop
    return set(map(sep.join, zip(*(toks[i:n + i] for i in range(k)))))


@dataclass(frozen=True)
class Signature:
    values: tuple[int, ...]  # NUM_PERM minima
    n_shingles: int

    def pack(self) -> bytes:
        return _PACK.pack(*self.values)

    @classmethod
    def unpack(cls, data: bytes, n_shingles: int) -> "Signature":
        return cls(tuple(_PACK.unpack(data)), n_shingles)

    def bands(self) -> list[int]:
        """One signed 64-bit key per band (fits a BIGINT column on both databases)."""
        out = []
        for b in range(BANDS):
            chunk = struct.pack(f"<H{ROWS}Q", b, *self.values[b * ROWS:(b + 1) * ROWS])
            out.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True))
        return out


def _probe(i: int) -> Iterator[int]:
    """The fixed probe sequence of bin ``i`` used to fill it when it is empty."""
    rng = random.Random(_SEED ^ (i * 0x9E37_79B9))
    while True:
        yield rng.randrange(NUM_PERM)


# The first _PROBE_CACHED steps of every bin's probe sequence, computed once (seeding a
# Random per empty bin per article cost more than the hashing of a short body).
_PROBE_CACHED = 64
_PROBES: list[tuple[int, ...]] = []


def _probes() -> list[tuple[int, ...]]:
    if not _PROBES:
        for i in range(NUM_PERM):
            seq = _probe(i)
            _PROBES.append(tuple(next(seq) for _ in range(_PROBE_CACHED)))
    return _PROBES


def signature(text: str | None) -> Signature | None:
    """MinHash signature of a body, or None when it has no words to compare."""
    sh = shingles(text)
    if not sh:
        return None
    n = len(sh)
    # One 64-bit BLAKE2b hash per shingle (little-endian), converted by one struct call.
    # Each hasher is a copy of one set up once: cheaper than a constructor that parses its
    # keyword arguments again for every shingle (~20 % of the hashing).
    new = _BLAKE64.copy
    digests = []
    keep = digests.append
    for s in sh:
        h = new()
        h.update(s.encode("utf-8"))
        keep(h.digest())
    hashes = _LE64(n).unpack(b"".join(digests))
    # Each bin's minimum: in a dict built from the largest hash down, the last (smallest)
    # value written to a bin stays.
    mins = {h % NUM_PERM: h for h in sorted(hashes, reverse=True)}
    if len(mins) == NUM_PERM:
        return Signature(tuple(mins[i] for i in range(NUM_PERM)), n)
    filled: list[int] = []
    probes = _probes()
    for i in range(NUM_PERM):
        v = mins.get(i)
        if v is None:
            # Optimal densification: borrow from the first non-empty bin of i's probe sequence.
            for j in probes[i]:
                v = mins.get(j)
                if v is not None:
                    break
            else:
                for j in _probe(i):
                    v = mins.get(j)
                    if v is not None:
                        break
        filled.append(v)  # type: ignore[arg-type]
    return Signature(tuple(filled), n)


@functools.lru_cache(maxsize=512)
def _LE64(n: int) -> struct.Struct:  # noqa: N802 - a Struct factory
    return struct.Struct(f"<{n}Q")


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    # map(eq) counts the equal bins in C: ~3x faster than a generator over zip, and
    # clustering compares each new article with every candidate.
    return sum(map(operator.eq, a.values, b.values)) / NUM_PERM


def containment(j: float, n_a: int, n_b: int) -> float:
    """Estimated share of the smaller set inside the larger: |A∩B| / min(|A|, |B|).

    From J = |A∩B| / |A∪B| and |A∪B| = |A| + |B| - |A∩B|: |A∩B| = J (|A| + |B|) / (1 + J).
    """
    small = min(n_a, n_b)
    if small <= 0:
        return 0.0
    return min(1.0, j * (n_a + n_b) / ((1.0 + j) * small))


def similarity(a: Signature, b: Signature) -> tuple[float, float]:
    """(estimated Jaccard, estimated containment of the shorter body)."""
    j = jaccard(a, b)
    return j, containment(j, a.n_shingles, b.n_shingles)


@dataclass(frozen=True)
class Fingerprint:
    """What the clustering step needs of a body, computed where the body is at hand (the
    cycle's worker processes compute it beside extraction, off the main process)."""

    n_shingles: int
    signature: bytes  # Signature.pack()
    bands: tuple[int, ...]


def fingerprint(text: str | None) -> Fingerprint | None:
    """The body's signature and band keys, or None when it has no words to compare."""
    sig = signature(text)
    if sig is None:
        return None
    return Fingerprint(sig.n_shingles, sig.pack(), tuple(sig.bands()))
