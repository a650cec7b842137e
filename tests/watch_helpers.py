"""Small test watchlists for the matcher's rule tests (tests/test_watch_heldout*_classes.py)."""
from __future__ import annotations

import json
from collections.abc import Sequence

from watch import Matcher


def entity(eid: str, aliases: list[str], context: Sequence[str] | None = None) -> str:
    """One company of a test watchlist, as TOML (name from the id, optional context terms)."""
    return (f'[[entities]]\nid = "{eid}"\nname = "{eid.title()}"\nkind = "company"\n'
            f"aliases = {json.dumps(aliases, ensure_ascii=False)}\n"
            + (f"context = {json.dumps(list(context), ensure_ascii=False)}\n" if context else ""))


def flagged(m: Matcher, text: str, title: str = "") -> list[str]:
    """The entity ids the matcher flags for a title and body."""
    return m.match(title, text).entities
