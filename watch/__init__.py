"""Watchlist matching: which watched entities (and topics) an article mentions, and why.

Public API::

    from watch import load_watchlist, Matcher
    m = Matcher(load_watchlist("watchlists/default.toml"))
    res = m.match(title, text)      # MatchResult(entities, flags, mentions)

Modules: ``watchlist`` (format, validation), ``normalize`` (NFKC + character map, offsets),
``korean`` (particles), ``romanize`` (romanized Korean names), ``inflect`` (topic plurals),
``matcher`` (the automaton and rules), ``snippets``, ``jsonl`` (the ``newsmon match`` filter).
"""
from watch.jsonl import match_jsonl
from watch.matcher import Flag, Matcher, MatchResult, Mention
from watch.watchlist import Entity, Watchlist, WatchlistError, load_watchlist, parse_watchlist

__all__ = ["Entity", "Flag", "MatchResult", "Matcher", "Mention", "Watchlist", "WatchlistError",
           "load_watchlist", "match_jsonl", "parse_watchlist"]
