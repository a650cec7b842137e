"""Three candidate bodies from one trafilatura run (the cost of one extraction, not three).

trafilatura's default mode already computes, on its way to its answer, its own rule-based
extraction and a readability extraction (its comparison step, ``compare_extraction``). We
keep those two intermediate results beside the final text instead of running trafilatura
fast mode and readability-lxml again (which tripled the CPU per page):

* ``trafilatura``       the final text (own extraction, readability, justext and recall
                        fallbacks as trafilatura chose);
* ``trafilatura-fast``  its own extraction before the comparison (what ``fast=True`` gives);
* ``readability``       the readability body it compared against.

The hooks wrap two module-level functions of trafilatura (2.x), and the ``copy`` its core
module calls: a caller that can rebuild its tree hands it over, and trafilatura's copy of
the tree it was given (a whole page) is skipped. If a trafilatura release renames them,
``hooks_available()`` is False and the two intermediates are computed by separate calls
(slower, same candidates): nothing breaks.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from lxml import etree

from scrapers import trafxpath
from scrapers.htmltext import node_text

_CAPTURE: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("_CAPTURE", default=None)
_INSTALLED: dict[str, Any] = {}


def _install() -> bool:
    """Wrap trafilatura's comparison step and readability call once per process."""
    if _INSTALLED:
        return bool(_INSTALLED.get("ok"))
    try:
        import trafilatura.core as tcore
        import trafilatura.external as text_mod
        from trafilatura.xml import xmltotxt

        orig_compare = tcore.compare_extraction
        orig_readability = text_mod.try_readability
        orig_copy = tcore.copy
        orig_output = tcore.xmltotxt
    except (ImportError, AttributeError):
        _INSTALLED["ok"] = False
        return False

    def compare_hook(cleaned_tree, raw_tree, body, text, options):
        cap = _CAPTURE.get()
        if cap is not None and "own" not in cap:  # the first call; a recall retry comes later
            # (without formatting, xmltotxt only reads the tree: no copy needed)
            cap["own"] = xmltotxt(body, False) if len(body) else ""
            if len(body):
                cap["own_body"] = body
        return orig_compare(cleaned_tree, raw_tree, body, text, options)

    def output_hook(body, include_formatting):
        # trafilatura's final text: when it kept its own extraction (the very body read above;
        # nothing changes a kept body before the output with comments off), the text read then
        cap = _CAPTURE.get()
        if cap is not None and not include_formatting and body is not None and cap.get("own_body") is body:
            return cap["own"]
        return orig_output(body, include_formatting)

    def readability_hook(tree):
        result = orig_readability(tree)
        cap = _CAPTURE.get()
        if cap is not None and "readability" not in cap:
            cap["readability"] = node_text(result) if result is not None else ""
        return result

    def copy_hook(obj):
        # trafilatura copies a tree it is given (bare_extraction: the caller's tree stays
        # intact), a whole-page copy; a caller that hands its tree over skips that one copy.
        cap = _CAPTURE.get()
        if cap is not None and cap.get("hand_over") is obj:
            cap["hand_over"] = None  # trafilatura's own copies (cleaning, backup) stay
            return obj
        return orig_copy(obj)

    tcore.compare_extraction = compare_hook
    text_mod.try_readability = readability_hook
    tcore.copy = copy_hook
    tcore.xmltotxt = output_hook
    _INSTALLED.update(ok=True, xmltotxt=xmltotxt)
    return True


def hooks_available() -> bool:
    return _install()


def trafilatura_text(page: etree._Element | str, url: str | None, fast: bool = False) -> str:
    """Plain trafilatura (default mode) on a tree or an HTML string; "" on failure."""
    return _extract(page, url, fast)


def _extract(tree: etree._Element | str, url: str | None, fast: bool) -> str:
    import trafilatura

    trafxpath.install()
    try:
        with trafxpath.active():  # its pruning XPaths as Python walks (same nodes, less CPU)
            text = trafilatura.extract(tree, url=url, fast=fast, include_comments=False,
                                       include_tables=True, deduplicate=False, with_metadata=False)
    except Exception:  # noqa: BLE001 - a library failure on one odd page is "no text" here
        return ""
    return text or ""


def trafilatura_candidates(tree: etree._Element, url: str | None, readability_fallback,
                           rebuild: Callable[[], etree._Element] | None = None) -> list[tuple[str, str]]:
    """[(name, text)] for the three candidates; ``tree`` may be pruned in place.

    ``readability_fallback(tree) -> str`` runs when the hooks are unavailable or trafilatura
    skipped its comparison (it does for long texts in some modes).

    ``rebuild() -> tree``: the same tree again (the caller parses and prepares the page
    anew). Given it, ``tree`` is handed over to trafilatura, which then prunes it instead of
    a copy of it (a whole-page copy less); the fallbacks, never needed on the benchmark
    pages, read a rebuilt tree.
    """
    hooked = _install()
    cap: dict[str, Any] = {"hand_over": tree} if hooked and rebuild is not None else {}
    backup = None if hooked else deepcopy(tree)
    token = _CAPTURE.set(cap)
    try:
        final = _extract(tree if hooked else deepcopy(tree), url, fast=False)
    finally:
        _CAPTURE.reset(token)
    # "hand_over" is set only when hooked (no backup); None once trafilatura took the tree
    if ("own" not in cap or "readability" not in cap) and cap.get("hand_over", tree) is None:
        backup = rebuild()  # the handed-over tree is pruned
    if "own" not in cap:
        source = backup if backup is not None else tree
        cap["own"] = _extract(deepcopy(source), url, fast=True)
    if "readability" not in cap:
        cap["readability"] = readability_fallback(backup if backup is not None else tree)
    return [("trafilatura", final), ("trafilatura-fast", cap["own"]),
            ("readability", cap["readability"])]
