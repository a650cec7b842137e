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
  are clustered in id order (``CLUSTER_BATCH`` per transaction), so the result does not
  depend on timing. A new article that resembles two clusters joins one; clusters are not merged,
  so a decision taken on a story never moves to another.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.store import ClusterJob, SignatureRow, Store
from newsmon.settings import ReviewSettings
from review.minhash import (  # noqa: F401 - re-exported: the clustering API in one place
    BANDS,
    HANGUL_SHINGLE,
    NUM_PERM,
    ROWS,
    WORD_SHINGLE,
    Fingerprint,
    Signature,
    containment,
    fingerprint,
    jaccard,
    shingles,
    signature,
    similarity,
    tokens,
)

log = logging.getLogger("newsmon.review.clusters")

MIN_JACCARD_FOR_CONTAINMENT = 0.2
# Articles per clustering transaction (and per page read from the backlog): small enough
# that the SQLite write lock is held well under a second, large enough that commits are rare.
CLUSTER_BATCH = 64
_NOT_GIVEN = object()


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


def _assign(store: Store, items: list[tuple[int, datetime, Fingerprint | None]],
            settings: ReviewSettings) -> list[int | None]:
    jobs = [ClusterJob(aid, at) if fp is None else
            ClusterJob(aid, at, fp.n_shingles, fp.signature, fp.bands) for aid, at, fp in items]

    def choose(job: ClusterJob, cands: list[SignatureRow]) -> int | None:
        if not cands:
            return None
        return choose_cluster(Signature.unpack(job.signature, job.n_shingles), cands, settings)  # type: ignore[arg-type]

    return store.assign_clusters(jobs, window=timedelta(days=settings.cluster_window_days), choose=choose)


def cluster_pending(store: Store, settings: ReviewSettings, limit: int | None = None,
                    fingerprints: dict[int, Fingerprint | None] | None = None) -> ClusterReport:
    """Cluster the stored articles that have no cluster yet, oldest first (at most ``limit``,
    default ``cluster_max_per_cycle``), ``CLUSTER_BATCH`` per transaction. Safe to run from
    several workers at once.

    ``fingerprints`` (article id -> ``fingerprint(text)``) holds the ones computed already,
    by the cycle's workers; they are taken out of it as they are used. The others are
    computed here from the stored text. The backlog is read a page at a time, so memory
    does not grow with it.
    """
    rep = ClusterReport()
    remaining = limit or settings.cluster_max_per_cycle
    given = fingerprints if fingerprints is not None else {}
    after = 0
    while remaining > 0:
        rows = store.articles_to_cluster(min(CLUSTER_BATCH, remaining), after_id=after)
        if not rows:
            break
        after = rows[-1][0]
        remaining -= len(rows)
        fps = {aid: given.pop(aid, _NOT_GIVEN) for aid, _ in rows}
        # Bodies are read back only for articles whose fingerprint nobody computed yet.
        texts = store.article_texts([aid for aid, fp in fps.items() if fp is _NOT_GIVEN])
        items = [(aid, at, fingerprint(texts.get(aid)) if fps[aid] is _NOT_GIVEN else fps[aid])
                 for aid, at in rows]
        for (aid, _, fp), cid in zip(items, _assign(store, items, settings)):
            if cid is None:
                continue  # deleted meanwhile
            rep.articles += 1
            rep.joined += cid != aid
            rep.without_body += fp is None
    if rep.articles:
        log.info("clustered %d articles (%d joined an existing story)", rep.articles, rep.joined)
    return rep
