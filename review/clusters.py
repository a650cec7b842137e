"""Story clusters: the same story from several outlets, found by near-duplicate detection.

Wire copies, syndicated text and re-headlined articles share most of their body text, so
two articles are one story when the sets of their body *shingles* overlap enough:

* shingles: the body is NFKC-normalised and lower-cased, punctuation dropped; Latin/digit
  words are tokens, Hangul is split into syllables (Korean spacing and particles vary
  between outlets, so words are unreliable units; syllable n-grams are not). A shingle is
  ``k`` consecutive tokens: 5 words for alphabetic text, 4 syllables when most tokens
  are Hangul (both about one short phrase). The headline is left out on purpose: outlets
  rewrite headlines, the body survives.
* MinHash, one-permutation variant (Li, Owen & Zhang 2012) with optimal densification
  (Shrivastava 2017): each shingle gets one 64-bit BLAKE2b hash, which picks one of
  ``NUM_PERM`` = 120 bins and competes for that bin's minimum; an empty bin (short body)
  copies the minimum of a bin chosen by a fixed pseudo-random probe sequence, the same
  for every article. The share of equal bins estimates the Jaccard similarity like
  classic 120-permutation MinHash (standard error < 0.05) at the cost of one hash per
  shingle instead of 120 (measured on this machine: 3 ms for a 300-word body instead of
  ~30 ms).
  Everything derives from fixed seeds: signatures are deterministic across processes and
  machines, and can be stored.
* LSH banding: 40 bands of 3 rows. Two articles become candidates when one band agrees:
  probability 0.99 at Jaccard 0.5, 0.66 at 0.3, 0.04 at 0.1. Band keys are stored in the
  ``cluster_band`` table, so a new article is compared only with the articles that share
  a band key and are dated within the window (``[review] cluster_window_days``), found
  by one indexed query, never with every stored article. Three rows per band keep
  unrelated articles that share an outlet's boilerplate (Jaccard 0.1-0.2) mostly out of
  the candidates; the price is that a heavily cut copy (Jaccard 0.2-0.35, admitted by
  containment below) is found with probability 0.3-0.8 per stored copy; with several
  copies of a story stored, one of them usually catches it.
* Verification: a candidate is the same story when the estimated Jaccard reaches
  ``cluster_jaccard`` (0.5), or when ``cluster_containment`` (0.7) of the shorter body's
  shingles are in the longer one (a copy cut short or with added paragraphs) and the
  Jaccard is at least 0.2. Containment is derived from the Jaccard and both set sizes.
* Assignment: the new article joins the cluster of its most similar candidate (ties: the
  lowest article id), else starts its own cluster whose id is its article id. Articles
  are clustered in id order, one transaction each, so the result does not depend on
  timing. A new article that resembles two clusters joins one; clusters are not merged,
  so a decision taken on a story never moves to another.
"""
from __future__ import annotations

import hashlib
import logging
import random
import re
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.store import SignatureRow, Store
from newsmon.settings import ReviewSettings

log = logging.getLogger("newsmon.review.clusters")

NUM_PERM = 120
BANDS = 40
ROWS = NUM_PERM // BANDS  # 3
assert BANDS * ROWS == NUM_PERM
WORD_SHINGLE = 5
HANGUL_SHINGLE = 4
MIN_JACCARD_FOR_CONTAINMENT = 0.2
_SEED = 0x6E65_7773_6D6F_6E  # "newsmon": fixed, so stored signatures stay comparable
_PACK = struct.Struct(f"<{NUM_PERM}Q")
_WORD = re.compile(r"[^\W_]+")


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def tokens(text: str) -> tuple[list[str], bool]:
    """Tokens of a body and whether it is mostly Hangul (see module docstring)."""
    norm = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    hangul = 0
    for m in _WORD.finditer(norm):
        w = m.group()
        if any(_is_hangul(c) for c in w):
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
    if len(toks) <= k:
        return {sep.join(toks)}
    return {sep.join(toks[i:i + k]) for i in range(len(toks) - k + 1)}


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


def _hash64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")


def _probe(i: int) -> Iterator[int]:
    """The fixed probe sequence of bin ``i`` used to fill it when it is empty."""
    rng = random.Random(_SEED ^ (i * 0x9E37_79B9))
    while True:
        yield rng.randrange(NUM_PERM)


def signature(text: str | None) -> Signature | None:
    """MinHash signature of a body, or None when it has no words to compare."""
    sh = shingles(text)
    if not sh:
        return None
    mins: list[int | None] = [None] * NUM_PERM
    for s in sh:
        h = _hash64(s)
        b = h % NUM_PERM
        cur = mins[b]
        if cur is None or h < cur:
            mins[b] = h
    filled = list(mins)
    for i, v in enumerate(mins):
        if v is None:
            # Optimal densification: borrow from the first non-empty bin of i's probe sequence.
            for j in _probe(i):
                if mins[j] is not None:
                    filled[i] = mins[j]
                    break
    return Signature(tuple(filled), len(sh))  # type: ignore[arg-type]


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return sum(x == y for x, y in zip(a.values, b.values)) / NUM_PERM


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


def same_story(a: Signature, b: Signature, settings: ReviewSettings) -> bool:
    j, c = similarity(a, b)
    return _passes(j, c, settings)


def _passes(j: float, c: float, settings: ReviewSettings) -> bool:
    return j >= settings.cluster_jaccard or (
        c >= settings.cluster_containment and j >= MIN_JACCARD_FOR_CONTAINMENT)


def choose_cluster(sig: Signature, candidates: list[SignatureRow], settings: ReviewSettings) -> int | None:
    """The cluster of the most similar candidate that is the same story, or None."""
    best: tuple[float, float, int] | None = None  # (score, -article_id, cluster)
    for c in candidates:
        other = Signature.unpack(c.signature, c.n_shingles)
        j, cont = similarity(sig, other)
        if not _passes(j, cont, settings):
            continue
        key = (max(j, cont), -c.article_id, c.cluster_id)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


@dataclass
class ClusterReport:
    articles: int = 0  # articles given a cluster in this call
    joined: int = 0  # ... of which joined an existing story
    without_body: int = 0  # ... of which had no body to compare (a story of their own)


def cluster_article(store: Store, article_id: int, text: str | None, at: datetime,
                    settings: ReviewSettings) -> tuple[int, Signature | None]:
    """Cluster one stored article; returns (its cluster id, its signature or None if no body)."""
    sig = signature(text)
    if sig is None:
        return store.assign_own_cluster(article_id), None
    cid = store.assign_cluster(
        article_id, at=at, n_shingles=sig.n_shingles, signature=sig.pack(), bands=sig.bands(),
        window=timedelta(days=settings.cluster_window_days),
        choose=lambda cands: choose_cluster(sig, cands, settings))
    return cid, sig


def cluster_pending(store: Store, settings: ReviewSettings, limit: int | None = None) -> ClusterReport:
    """Cluster the stored articles that have no cluster yet, oldest first (at most ``limit``,
    default ``cluster_max_per_cycle``). Safe to run from several workers at once."""
    rep = ClusterReport()
    for article_id, text, at in store.articles_to_cluster(limit or settings.cluster_max_per_cycle):
        try:
            cid, sig = cluster_article(store, article_id, text, at, settings)
        except LookupError:
            continue  # deleted meanwhile
        rep.articles += 1
        rep.joined += cid != article_id
        rep.without_body += sig is None
    if rep.articles:
        log.info("clustered %d articles (%d joined an existing story)", rep.articles, rep.joined)
    return rep
