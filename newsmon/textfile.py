"""Reading the user's UTF-8 text files (config, watchlist) with one-line errors."""
from __future__ import annotations

from pathlib import Path

from newsmon.errors import ConfigError


def read_utf8(path: Path, *, what: str, fix: str, error: type[ConfigError] = ConfigError) -> str:
    """The file's text without a BOM; ``error`` naming the file (and line) and ``fix`` otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot read {what} ({e.strerror or e}); {fix}") from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text ({e.reason} at byte {e.start}); "
                    "save the file as UTF-8") from None
