#!/usr/bin/env python3
"""Regenerates ``watch/data/english_words.txt`` (the everyday-word list of ``watch.ambiguity``).

Not used at run time. Needs Debian's ``wamerican`` package (/usr/share/dict/american-english)
and the ``wordfreq`` package, neither of which newsmon depends on::

    apt-get install wamerican && pip install wordfreq==3.1.1
    python watch/make_wordlist.py

A word is kept when it is a lower-case entry of the dictionary (proper nouns are capitalized
there), alphabetic, at least 2 letters, with a wordfreq Zipf frequency >= ``MIN_ZIPF``.
"""
from __future__ import annotations

from pathlib import Path

MIN_ZIPF = 3.0
DICTIONARY = Path("/usr/share/dict/american-english")
# The everyday word comes from the company, or is rare next to it: the capitalized form is
# the company, so these do not make an alias ambiguous.
SKIP = {"google", "googled", "googles", "googling", "twitter", "twitters"}
OUT = Path(__file__).resolve().parent / "data" / "english_words.txt"


def main() -> None:
    from wordfreq import zipf_frequency

    header = [line for line in OUT.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    words = {w.strip() for w in DICTIONARY.read_text(encoding="utf-8").splitlines()}
    keep = sorted(w for w in words if w and w.isalpha() and w.islower() and w.isascii() and len(w) >= 2
                  and w not in SKIP and zipf_frequency(w, "en") >= MIN_ZIPF)
    OUT.write_text("\n".join(header + keep) + "\n", encoding="utf-8")
    print(f"{len(keep)} words -> {OUT}")


if __name__ == "__main__":
    main()
