"""newsmon as a Prefect deployment, against a real ``prefect server`` on 127.0.0.1.

One server, one ``newsmon serve`` and two flow runs for the whole session (see
tests/prefect_server.py); the UI test reuses them. The last test stops ``newsmon serve``.
"""
from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.register_assert_rewrite("tests.prefect_server")
pytest_plugins = ["tests.prefect_server"]  # the shared server, `newsmon serve` and runs

from models.store import Store  # noqa: E402
from tests.prefect_server import DEPLOYMENT, WAIT_S, api_client  # noqa: E402

pytestmark = pytest.mark.prefect


def _artifacts(client, run_id) -> dict[str, object]:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    arts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    return {a.key: a for a in arts}


def _task_names(client, run_id) -> list[str]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    return sorted(t.name for t in client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))))


def _log_messages(client, run_id, *, wait_for: str | None = None, timeout: float = 30.0) -> list[str]:
    """The run's log messages; with ``wait_for``, read again until one holds it (or ``timeout``).

    The process that ran the flow ships its logs to the API in batches, after the run's state
    may already read Completed, so the last lines can arrive a few seconds later."""
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    deadline = time.monotonic() + timeout
    while True:
        logs = [log.message for log in client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])), limit=200)]
        if wait_for is None or any(wait_for in m for m in logs) or time.monotonic() > deadline:
            return logs
        time.sleep(0.5)


def test_serve_registers_both_deployments_with_the_schedule(served):
    assert served.first_line["event"] == "serving"
    assert served.first_line["deployments"] == [f"poll-feeds/{DEPLOYMENT}", f"backfill/{DEPLOYMENT}",
                                                f"daily-digest/{DEPLOYMENT}"]
    with api_client(served.server) as client:
        poll = client.read_deployment_by_name(f"poll-feeds/{DEPLOYMENT}")
        back = client.read_deployment_by_name(f"backfill/{DEPLOYMENT}")
        digest = client.read_deployment_by_name(f"daily-digest/{DEPLOYMENT}")
    assert poll.entrypoint == "flows.poll.poll_feeds" and back.entrypoint == "flows.backfill.backfill"
    assert digest.entrypoint == "review.digest.daily_digest"
    assert [s.schedule.cron for s in digest.schedules] == ["0 18 * * *"]
    assert poll.parameters == back.parameters == {"config_path": str(served.config)}
    [sched] = poll.schedules
    assert sched.active and sched.schedule.cron == "*/15 * * * *" and sched.schedule.timezone == "Asia/Seoul"
    assert back.schedules == [] and not poll.paused and not back.paused
    props = back.parameter_openapi_schema["properties"]
    assert {"config_path", "since", "until", "feeds", "source"} <= set(props)
    assert back.parameter_openapi_schema["required"] == ["config_path", "since"]
    assert "sitemap" in json.dumps(props["source"]) and "stored" in json.dumps(props["source"])


def test_poll_run_through_the_api_completes_with_its_artifacts(served, e2e_runs):
    run = e2e_runs.poll
    assert run.state.is_completed()
    assert run.parameters == {"config_path": str(served.config), "feeds": ["Daily"]}
    with api_client(served.server) as client:
        arts = _artifacts(client, run.id)
        tasks = _task_names(client, run.id)
    assert {"poll-summary", "flagged-stories"} <= set(arts)
    assert arts["poll-summary"].type == "markdown" and "| feeds polled |" in arts["poll-summary"].data
    rows = json.loads(arts["flagged-stories"].data)
    by_url = {r["url"].removeprefix(served.site.base): r for r in rows}
    assert set(by_url) == {"/articles/samsung-hbm.html", "/articles/meta-seoul.html"}
    assert "zuckerberg" in by_url["/articles/meta-seoul.html"]["entities"]
    assert tasks == ["poll [Daily]"]


def test_backfill_run_through_the_api_completes_with_progress_and_summary(served, e2e_runs):
    run = e2e_runs.backfill
    assert run.state.is_completed()
    assert run.parameters["since"] == "2026-10-01" and run.parameters["source"] == "sitemap"
    with api_client(served.server) as client:
        arts = _artifacts(client, run.id)
        tasks = _task_names(client, run.id)
        logs = _log_messages(client, run.id, wait_for="Herald: 1/1 URLs: new=1")
    assert {"backfill-progress", "backfill-summary", "backfill-flagged"} <= set(arts)
    assert arts["backfill-progress"].type == "progress" and float(arts["backfill-progress"].data) == 100.0
    md = arts["backfill-summary"].data
    assert md.startswith("# newsmon backfill from sitemaps") and "Herald" in md
    rows = json.loads(arts["backfill-flagged"].data)
    assert [r["url"].removeprefix(served.site.base) for r in rows] == ["/articles/old-story.html"]
    assert tasks == ["sitemap [Herald]"]
    assert any("Herald: 1/1 URLs: new=1" in m for m in logs), logs
    # Stored like a polled story; nothing outside the window fetched.
    rows = {r["url"].removeprefix(served.site.base): r for r in Store(served.db_url).export_rows()}
    assert "lg" in rows["/articles/old-story.html"]["entities"]
    assert served.site.hits["/articles/ancient.html"] == 0


class _SlowCounter(ThreadingHTTPServer):
    """Counts requests in flight at once (slow answers make overlaps visible)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = self.count = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    server.in_flight += 1
                    server.count += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                time.sleep(0.3)
                with server.lock:
                    server.in_flight -= 1
                body = b"<html><body>ok</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True


def test_fleet_politeness_holds_across_workers(served, e2e_runs):
    """Two Fetchers with their own per-process limits (4 per host), each with its own gate
    (as on two machines): the Prefect-enforced limit keeps the host at 1 request at a time."""
    from newsmon.errors import TemporaryFetchError
    from newsmon.settings import FetchSettings
    from scrapers.fetch import Fetcher
    from flows.fleet import PrefectHostGate

    prefix = f"newsmon-test-{uuid.uuid4().hex[:6]}"
    srv = _SlowCounter()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    settings = FetchSettings(allow_networks=("127.0.0.1/32",), per_host_concurrency=4, retries=0,
                             obey_robots=False)

    async def two_workers() -> None:
        gates = [PrefectHostGate(per_host=1, wait_s=WAIT_S, prefix=prefix) for _ in range(2)]
        async with Fetcher(settings, host_gate=gates[0]) as w1, Fetcher(settings, host_gate=gates[1]) as w2:
            await asyncio.gather(*(w.fetch(f"{base}/page/{i}") for i in range(3) for w in (w1, w2)))

    async def gate_times_out() -> str:
        holder = PrefectHostGate(per_host=1, wait_s=WAIT_S, prefix=prefix)
        waiter = PrefectHostGate(per_host=1, wait_s=1.0, prefix=prefix)
        async with holder("busy.example"):
            try:
                async with waiter("busy.example"):
                    return "entered"
            except TemporaryFetchError as e:
                return str(e)

    try:
        with api_client(served.server) as client:
            asyncio.run(two_workers())
            message = asyncio.run(gate_times_out())
            limit = client.read_global_concurrency_limit_by_name(f"{prefix}-host-127.0.0.1")
            # The served runs (fleet_politeness = true in their config) created theirs on demand.
            site_limit = client.read_global_concurrency_limit_by_name("newsmon-host-127.0.0.1")
    finally:
        srv.shutdown()
        srv.server_close()
    assert srv.count == 6 and srv.max_in_flight == 1
    assert limit.limit == 1 and limit.active_slots == 0  # all released
    assert message.startswith("no fleet politeness slot for host busy.example") and "retried next cycle" in message
    assert site_limit.limit == 2 and site_limit.active_slots == 0


def test_serve_stops_cleanly_on_sigterm(served, e2e_runs):
    served.proc.send_signal(signal.SIGTERM)
    rc = served.proc.wait(timeout=60)
    err = served.stderr()
    assert rc == 0, err[-4000:]
    assert "Traceback" not in err and "newsmon: serve stopped" in err
    with api_client(served.server) as client:
        # Prefect's serve pauses the schedule on shutdown; the next `newsmon serve` resumes it.
        assert client.read_deployment_by_name(f"poll-feeds/{DEPLOYMENT}").paused
