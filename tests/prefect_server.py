"""A real Prefect server and ``newsmon serve`` for the deployment tests (a pytest plugin).

Test modules load it with ``pytest_plugins = ["tests.prefect_server"]``: plugin fixtures
are global, so the session-scoped server, the served deployments and their two flow runs
are made once and shared by tests/test_prefect_server.py and tests/test_prefect_ui.py.

* ``prefect_server``: ``prefect server start --host 127.0.0.1 --port <free>`` in a temporary
  ``PREFECT_HOME`` (its own SQLite database), analytics off, the UI pointed at this API.
  Measured here: 10-20 s until /api/health answers (more when the machine is busy).
* ``served``: a copy of the sample site with sitemaps on 127.0.0.1, a config for it, and
  ``newsmon serve --config ...`` as a subprocess with ``PREFECT_API_URL`` set.
* ``e2e_runs``: a ``poll-feeds`` run and a ``backfill`` run created through the API with
  parameters, waited for until they are final.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from newsmon.sample_server import SAMPLE_SITE, SampleSite
from tests.sitemap_site import write_sitemaps

REPO = Path(__file__).resolve().parent.parent
PREFECT_BIN = Path(sys.executable).with_name("prefect")
DEPLOYMENT = "newsmon-e2e"
WAIT_S = 300.0  # upper bound on any wait below (never a timing assertion)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="INFO", NO_PROXY="127.0.0.1,localhost")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(var, None)
    return env


@dataclass
class PrefectServer:
    url: str
    home: Path
    proc: subprocess.Popen
    log: Path

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    def client_env(self, home: Path) -> dict[str, str]:
        """Environment for a process talking to this server."""
        return {**_base_env(home), "PREFECT_API_URL": self.api_url}

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:]


@contextlib.contextmanager
def api_client(server: PrefectServer):
    """A sync Prefect client for ``server`` (settings scoped to the block)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        with get_client(sync_client=True) as client:
            yield client


def _stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop a process we started (and its own process group): SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> Iterator[PrefectServer]:
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**_base_env(home), "PREFECT_SERVER_UI_API_URL": url + "/api"}
    # Services these tests do not use are off: less CPU on a 2-core machine, and no scheduler
    # making runs of the */15 schedule in the middle of the tests (they would poll the feeds
    # the e2e runs check). Kept: event persister and task-run recorder (runs, task runs and
    # artifacts in the API and UI), repossessor (expired concurrency leases, fleet politeness),
    # triggers (automations and their actions: tests/test_prefect_events.py).
    for service in ("SCHEDULER", "LATE_RUNS", "FOREMAN", "PAUSE_EXPIRATIONS",
                    "CANCELLATION_CLEANUP", "CLEANUP_RECONCILER", "DB_VACUUM"):
        env[f"PREFECT_SERVER_SERVICES_{service}_ENABLED"] = "false"
    log = home / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(PREFECT_BIN), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    server = PrefectServer(url, home, proc, log)
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"prefect server exited with {proc.returncode}:\n{server.log_tail()}", pytrace=False)
            try:
                if httpx.get(url + "/api/health", timeout=2.0, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"prefect server did not answer /api/health:\n{server.log_tail()}", pytrace=False)
            time.sleep(0.5)
        yield server
    finally:
        _stop(proc)


@dataclass
class Served:
    server: PrefectServer
    site: SampleSite
    config: Path
    db_url: str
    proc: subprocess.Popen
    first_line: dict
    stderr_lines: list[str] = field(default_factory=list)

    def stderr(self) -> str:
        return "".join(self.stderr_lines)


def write_config(path: Path, site: SampleSite, index: str, db_url: str) -> None:
    path.write_text("\n".join([
        "# newsmon serve test: the sample site on 127.0.0.1",
        "[database]", f"url = {json.dumps(db_url)}",
        "[watchlist]", f"path = {json.dumps(str(REPO / 'watchlists' / 'default.toml'))}",
        "[fetch]", 'allow_networks = ["127.0.0.1/32"]', "retries = 0", "deadline_s = 20.0",
        "fleet_politeness = true",  # per-host slots held through this Prefect server
        "[poll]", "extract_workers = 0",
        "[schedule]", 'poll_cron = "*/15 * * * *"', 'timezone = "Asia/Seoul"', f'deployment_name = "{DEPLOYMENT}"',
        "[[feeds]]", 'name = "Herald"', f'url = "{site.url("/feeds/herald-business.xml")}"',
        f'sitemap = "{index}"', 'timezone = "Asia/Seoul"',
        "[[feeds]]", 'name = "Daily"', f'url = "{site.url("/feeds/daily-tech.atom")}"',
    ]) + "\n", encoding="utf-8")


def _pump(stream, sink: list[str]) -> None:
    for line in iter(stream.readline, ""):
        sink.append(line)


@contextlib.contextmanager
def newsmon_serve(server: PrefectServer, cfg: Path, cwd: Path, db_url: str,
                  site: SampleSite | None = None) -> Iterator[Served]:
    """``newsmon serve --config cfg`` against ``server``, until every deployment it announced
    is registered; stopped on exit."""
    env = server.client_env(cwd / "client-home")
    # The runner looks for runs to start every second instead of every 10.
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "newsmon.cli", "serve", "--config", str(cfg)],
                            env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    stderr: list[str] = []
    stdout: list[str] = []
    threading.Thread(target=_pump, args=(proc.stderr, stderr), daemon=True).start()
    threading.Thread(target=_pump, args=(proc.stdout, stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + WAIT_S
        while not stdout and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        first = stdout[0] if stdout else ""
        if not first:
            proc.wait(timeout=30)
            pytest.fail(f"newsmon serve exited with {proc.returncode}:\n{''.join(stderr)[-4000:]}", pytrace=False)
        s = Served(server, site, cfg, db_url, proc, json.loads(first), stderr)  # type: ignore[arg-type]
        _wait_for_deployments(s)
        yield s
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def served(prefect_server: PrefectServer, tmp_path_factory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("served")
    root = tmp / "site"
    shutil.copytree(SAMPLE_SITE, root)
    with SampleSite(root) as site:
        index = write_sitemaps(root, site.base)
        db_url = f"sqlite:///{tmp / 'newsmon.db'}"
        cfg = tmp / "newsmon.toml"
        write_config(cfg, site, index, db_url)
        with newsmon_serve(prefect_server, cfg, tmp, db_url, site) as s:
            yield s


def _wait_for_deployments(s: Served) -> None:
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + WAIT_S
    with api_client(s.server) as client:
        # every deployment the serve process announced (it prints before it registers them)
        for name in s.first_line.get("deployments") or (f"poll-feeds/{DEPLOYMENT}", f"backfill/{DEPLOYMENT}"):
            while True:
                try:
                    client.read_deployment_by_name(name)
                    break
                except ObjectNotFound:
                    if s.proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"deployment {name} not registered:\n{s.stderr()[-4000:]}", pytrace=False)
                    time.sleep(0.5)


@dataclass
class E2ERuns:
    poll: object  # prefect FlowRun
    backfill: object


@pytest.fixture(scope="session")
def e2e_runs(served: Served) -> E2ERuns:
    """One poll-feeds run (feed Daily) and one sitemap backfill (October window, feed Herald),
    created through the API with parameters, run by ``newsmon serve`` side by side."""
    tag = uuid.uuid4().hex[:6]
    with api_client(served.server) as client:
        poll_dep = client.read_deployment_by_name(f"poll-feeds/{DEPLOYMENT}")
        back_dep = client.read_deployment_by_name(f"backfill/{DEPLOYMENT}")
        poll = client.create_flow_run_from_deployment(
            poll_dep.id, name=f"e2e-poll-{tag}", parameters={"feeds": ["Daily"]})
        back = client.create_flow_run_from_deployment(
            back_dep.id, name=f"e2e-backfill-{tag}",
            parameters={"since": "2026-10-01", "until": "2026-10-03", "feeds": ["Herald"], "source": "sitemap"})
        deadline = time.monotonic() + WAIT_S
        while True:
            runs = [client.read_flow_run(poll.id), client.read_flow_run(back.id)]
            if all(r.state and r.state.is_final() for r in runs):
                break
            if served.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"flow runs not finished ({[r.state for r in runs]}):\n{served.stderr()[-6000:]}",
                            pytrace=False)
            time.sleep(1.0)
    for r in runs:
        assert r.state.is_completed(), f"{r.name}: {r.state.type} {r.state.message}\n{served.stderr()[-6000:]}"
    return E2ERuns(*runs)
