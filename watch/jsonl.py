"""``newsmon match --watchlist PATH --jsonl``: match JSON lines from stdin.

Input: one JSON object per line, ``{"id": ..., "title": str|null, "text": str|null}``
(a missing or null title/text is empty). Output, one line per good input line, in order::

    {"id": ..., "entities": ["lg", "samsung"],
     "mentions": [{"entity", "alias", "text", "field", "start", "end", "kind", "snippet",
                   "note"?}, ...],
     "flags": [{"entity", "count", "in_title", "prominence", "prominence_parts", "reason",
                "snippet"}, ...]}

``note`` (only on mentions of ambiguous aliases) says what corroborated the mention;
``prominence`` (0-100) and its parts are ``watch.prominence``'s. With ``--explain`` each
line also has ``"rejected": [{"entity", "alias", "text", "field", "start", "end",
"reason"}, ...]``: the mentions that did not count, and why (ambiguous aliases without
corroboration, names starting a venue's name, lower-case names starting a hyphenated word,
everyday words used as a title before a person or ending a longer name).

A bad input line (not JSON, not an object, no id, title/text not strings) gets one line
on stderr, ``line N: <reason>``, and matching goes on. Exit code: 0 all lines matched,
1 some lines were rejected (all others were still written), 2 the watchlist is invalid
(``newsmon: error: <file>:<line>: <reason>`` on stderr, nothing read).
"""
from __future__ import annotations

import json
import sys
from typing import TextIO

from watch.matcher import Matcher
from watch.watchlist import WatchlistError, load_watchlist


def _article(line: str) -> tuple[object, str | None, str | None]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(obj, dict):
        raise TypeError("expected a JSON object {\"id\", \"title\", \"text\"}")
    if "id" not in obj or obj["id"] is None:
        raise ValueError('missing "id"')
    if not isinstance(obj["id"], (str, int)) or isinstance(obj["id"], bool):
        raise TypeError('"id" must be a string or an integer')
    for key in ("title", "text"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f'"{key}" must be a string or null')
    return obj["id"], obj.get("title"), obj.get("text")


def match_jsonl(watchlist_path: str, stdin: TextIO, stdout: TextIO, stderr: TextIO | None = None,
                explain: bool = False) -> int:
    err = stderr if stderr is not None else sys.stderr
    try:
        matcher = Matcher(load_watchlist(watchlist_path))
    except WatchlistError as e:
        err.write(f"newsmon: error: {e}\n")
        return 2
    bad = 0
    for lineno, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            aid, title, text = _article(line)
        except (ValueError, TypeError) as e:  # (TypeError: a value of the wrong type)
            err.write(f"line {lineno}: {e}\n")
            bad += 1
            continue
        res = matcher.match(title, text)
        out = {"id": aid, "entities": res.entities, "mentions": [m.to_dict() for m in res.mentions],
               "flags": [f.to_dict() for f in res.flags]}
        if explain:
            out["rejected"] = [r.to_dict() for r in res.rejected]
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    stdout.flush()
    return 1 if bad else 0
