"""Helpers for tests that run the real ``newsmon`` command in a subprocess.

``write_config`` writes a TOML config from a dict (the standard library reads TOML but
does not write it); ``run_newsmon`` runs the console script of this venv with a clean
environment (no proxies, a private PREFECT_HOME) and returns the finished process.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NEWSMON = Path(sys.executable).with_name("newsmon")
WATCHLIST = REPO / "watchlists" / "default.toml"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a valid TOML basic string
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):  # an inline table
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as a TOML value")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def _table(header: str, items: dict[str, Any]) -> list[str]:
    """``[header]`` with its values, then its sub-tables (``[header.sub]``, values inline)."""
    out = ["", header] + [f"{k} = {_value(v)}" for k, v in items.items() if not isinstance(v, dict)]
    name = header.strip("[]")
    for k, v in items.items():
        if isinstance(v, dict):
            out += ["", f"[{name}.{k}]"] + [f"{kk} = {_value(vv)}" for kk, vv in v.items()]
    return out


def toml_text(data: dict[str, Any]) -> str:
    """TOML for a config dict: scalars and arrays, tables, and arrays of tables (whose
    items may have sub-tables, e.g. ``[automations.webhook]``)."""
    out = [f"{k} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict | list) or
           (isinstance(v, list) and not any(isinstance(x, dict) for x in v))]
    for k, v in data.items():
        if isinstance(v, dict):
            out += ["", f"[{k}]"] + [f"{kk} = {_value(vv)}" for kk, vv in v.items()]
    for k, v in data.items():
        if isinstance(v, list) and any(isinstance(x, dict) for x in v):
            for item in v:
                out += _table(f"[[{k}]]", item)
    return "\n".join(out) + "\n"


def write_config(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(toml_text(data), encoding="utf-8")
    return path


def newsmon_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    # Prefect keeps its state here: a test run never touches ~/.prefect, and a test can
    # tell whether Prefect was started at all (importing prefect creates the directory).
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


def newsmon_cmd(*args: str) -> list[str]:
    return [str(NEWSMON), *args]


def run_newsmon(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(newsmon_cmd(*args), cwd=cwd, env=newsmon_env(cwd), capture_output=True, text=True,
                          timeout=timeout)


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a failed command (asserts exit code 2, one stderr line, no stdout)."""
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, f"exit {proc.returncode}; stderr:\n{proc.stderr}"
    assert len(lines) == 1, f"expected one line on stderr, got:\n{proc.stderr}"
    assert lines[0].startswith("newsmon: error: "), lines[0]
    assert proc.stdout == "", proc.stdout
    return lines[0].removeprefix("newsmon: error: ")
