"""Checks a run needs before any work starts (kept light: no HTTP, extraction or Prefect
imports), so a bad database URL or an unreadable watchlist ends the command with one
clear line, quickly, and nothing half-written."""
from __future__ import annotations

from models.store import Store
from newsmon.settings import Settings
from watch import Watchlist, load_watchlist


def preflight(settings: Settings) -> tuple[Store, Watchlist]:
    """Load the watchlist and open the database; raise ConfigError/StorageError (one line).

    The watchlist comes first: a bad one stops the run before the database is created.
    """
    watchlist = load_watchlist(settings.watchlist_path)
    store = Store(settings.database_url, sqlite_busy_timeout_s=settings.database.sqlite_busy_timeout_s)
    store.check()
    store.sync_feeds(settings.feeds)
    return store, watchlist
