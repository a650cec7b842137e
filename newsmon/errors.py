"""Typed errors for newsmon.

The hierarchy says what an error means for the feed or article that raised it,
in the manner of httpx's ``_exceptions.py``:

    NewsmonError
    ├── ConfigError            bad config file / key / watchlist: fix and rerun (exit non-zero)
    ├── InputError             a file or URL given on the command line is unusable (exit non-zero)
    ├── StorageError           database unreachable or locked: fix and rerun (exit non-zero)
    └── FetchError             one URL could not be fetched; the cycle goes on
        ├── TemporaryFetchError   retry later (timeouts, 5xx, 429, connection reset)
        ├── PermanentFetchError   retrying will not help (404, too large, not a feed, binary)
        └── BlockedError          newsmon refused to fetch it (SSRF guard, robots.txt, scheme),
            └── BotChallengeError     or the site put a bot wall (Cloudflare challenge, DataDome,
                                      Akamai, PerimeterX/HUMAN, Sucuri) in the place of the content

Every error carries a one-line, human-readable ``str()`` so that it can be recorded on
the feed or article and shown in summaries as it is.
"""
from __future__ import annotations


class NewsmonError(Exception):
    """Base class of every error newsmon raises on purpose."""


class ConfigError(NewsmonError):
    """A config file, key or watchlist is invalid. The message names the file, the key and the fix."""


class InputError(NewsmonError):
    """A file or URL given on the command line cannot be used (not OPML, too large, hostile
    XML, no page at the URL). The message names it and says why."""


class StorageError(NewsmonError):
    """The database cannot be used (down, locked, wrong URL)."""


class FetchError(NewsmonError):
    """Fetching one URL failed. ``kind`` is one of temporary/permanent/blocked (the
    ``fetch_outcome`` values); ``failure`` is the label shown to people, ``kind`` unless a
    subclass names a finer one ("blocked: bot challenge")."""

    kind = "error"
    failure = "error"

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait, if any

    def __str__(self) -> str:  # one line, always
        return " ".join(super().__str__().split())


class TemporaryFetchError(FetchError):
    kind = failure = "temporary"


class PermanentFetchError(FetchError):
    kind = failure = "permanent"


class BlockedError(FetchError):
    kind = failure = "blocked"


class TooLargeError(PermanentFetchError):
    """The (decompressed) body passed the size cap."""


class DeadlineError(TemporaryFetchError):
    """The overall per-request deadline fired."""


class RobotsDisallowed(BlockedError):
    """robots.txt disallows the path for our user agent."""


class AddressNotAllowed(BlockedError):
    """The host resolves to an address outside the public internet that allow_networks does not cover."""


class BotChallengeError(BlockedError):
    """The site answered with a bot challenge or anti-bot wall instead of the content
    (``scrapers.challenge``): retrying soon only makes the wall stricter, and the page must
    never be parsed as a feed or stored as an article body. ``vendor`` names the wall."""

    failure = "blocked: bot challenge"

    def __init__(self, message: str, *, vendor: str, url: str | None = None, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, url=url, status=status, retry_after=retry_after)
        self.vendor = vendor
