"""Typed errors for newsmon.

The hierarchy says what an error means for the feed or article that raised it,
in the manner of httpx's ``_exceptions.py``:

    NewsmonError
    ├── ConfigError            bad config file / key / watchlist: fix and rerun (exit non-zero)
    ├── StorageError           database unreachable or locked: fix and rerun (exit non-zero)
    └── FetchError             one URL could not be fetched; the cycle goes on
        ├── TemporaryFetchError   retry later (timeouts, 5xx, 429, connection reset)
        ├── PermanentFetchError   retrying will not help (404, too large, not a feed, binary)
        └── BlockedError          newsmon refused to fetch it (SSRF guard, robots.txt, scheme)

Every error carries a one-line, human-readable ``str()`` so that it can be recorded on
the feed or article and shown in summaries as it is.
"""
from __future__ import annotations


class NewsmonError(Exception):
    """Base class of every error newsmon raises on purpose."""


class ConfigError(NewsmonError):
    """A config file, key or watchlist is invalid. The message names the file, the key and the fix."""


class StorageError(NewsmonError):
    """The database cannot be used (down, locked, wrong URL)."""


class FetchError(NewsmonError):
    """Fetching one URL failed. ``kind`` is one of temporary/permanent/blocked."""

    kind = "error"

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait, if any

    def __str__(self) -> str:  # one line, always
        return " ".join(super().__str__().split())


class TemporaryFetchError(FetchError):
    kind = "temporary"


class PermanentFetchError(FetchError):
    kind = "permanent"


class BlockedError(FetchError):
    kind = "blocked"


class TooLargeError(PermanentFetchError):
    """The (decompressed) body passed the size cap."""


class DeadlineError(TemporaryFetchError):
    """The overall per-request deadline fired."""


class RobotsDisallowed(BlockedError):
    """robots.txt disallows the path for our user agent."""


class AddressNotAllowed(BlockedError):
    """The host resolves to an address outside the public internet that allow_networks does not cover."""
