"""The ``prune`` deployment against a real ``prefect server`` on 127.0.0.1 (the session's,
from tests/prefect_server.py): ``newsmon serve`` registers it on ``[retention] prune_cron``
when ``[retention]`` is set, and a run created through the API prunes the database."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import pytest

pytest.register_assert_rewrite("tests.prefect_server")
pytest_plugins = ["tests.prefect_server"]

from models.store import Store  # noqa: E402
from newsmon.settings import parse_settings  # noqa: E402
from tests.cli_helpers import WATCHLIST  # noqa: E402
from tests.prefect_server import WAIT_S, api_client, newsmon_serve  # noqa: E402
from tests.test_retention import flag, rec  # noqa: E402

pytestmark = pytest.mark.prefect
NAME = "newsmon-prune-e2e"


def write_config(path, db_url: str) -> None:
    path.write_text("\n".join([
        "[database]", f"url = {json.dumps(db_url)}",
        "[watchlist]", f"path = {json.dumps(str(WATCHLIST))}",
        "[schedule]", 'timezone = "Asia/Seoul"', f'deployment_name = "{NAME}"', 'digest_cron = ""',
        "[retention]", "raw_days = 10", "articles_days = 30", 'prune_cron = "0 4 * * *"', "batch_pause_s = 0.0",
    ]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def served_prune(prefect_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served-prune")
    db_url = f"sqlite:///{tmp / 'newsmon.db'}"
    now = datetime.now(timezone.utc)  # the deployment prunes against the clock
    store = Store(db_url)
    store.check()
    for n in range(8):  # 0-4: 100 days old (4 is flagged); 5-7: 20 days old (page older than raw_days)
        store.save_article(rec(n, days_old=100 if n < 5 else 20, now=now), flag("samsung") if n == 4 else [])
    store.save_article(rec(99, days_old=1, now=now), [])
    store.close()
    cfg = tmp / "newsmon.toml"
    write_config(cfg, db_url)
    with newsmon_serve(prefect_server, cfg, tmp, db_url) as served:
        yield served


def test_serve_registers_a_daily_prune_deployment_when_retention_is_set(served_prune):
    assert served_prune.first_line["deployments"] == [f"poll-feeds/{NAME}", f"backfill/{NAME}", f"prune/{NAME}"]
    with api_client(served_prune.server) as client:
        dep = client.read_deployment_by_name(f"prune/{NAME}")
    assert dep.entrypoint == "flows.prune.prune_flow"
    assert dep.parameters == {"config_path": str(served_prune.config)}
    [sched] = dep.schedules
    assert sched.active and sched.schedule.cron == "0 4 * * *" and sched.schedule.timezone == "Asia/Seoul"
    assert "dry_run" in dep.parameter_openapi_schema["properties"]


def test_prune_run_through_the_api_prunes_and_reports(served_prune):
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with api_client(served_prune.server) as client:
        dep = client.read_deployment_by_name(f"prune/{NAME}")
        run = client.create_flow_run_from_deployment(dep.id, name=f"e2e-prune-{uuid.uuid4().hex[:6]}")
        deadline = time.monotonic() + WAIT_S
        while not (run := client.read_flow_run(run.id)).state.is_final():
            if time.monotonic() > deadline:
                pytest.fail(f"prune run not finished: {run.state}\n{''.join(served_prune.stderr_lines)[-6000:]}",
                            pytrace=False)
            time.sleep(1.0)
        arts = {a.key: a for a in client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))}
    assert run.state.is_completed(), f"{run.state.message}\n{''.join(served_prune.stderr_lines)[-6000:]}"
    md = arts["prune-summary"].data
    assert md.startswith("# newsmon prune") and "| delete | articles (0 flagged or reviewed)" in md
    store = Store(served_prune.db_url)
    try:
        left = {a.url.rsplit("/", 1)[-1]: a for a in store.iter_articles(with_raw=True)}
    finally:
        store.close()
    assert sorted(left, key=int) == ["4", "5", "6", "7", "99"]  # the old unflagged ones are gone
    assert [k for k, a in left.items() if a.raw_html is None] == ["4", "5", "6", "7"]  # older than raw_days
    assert left["99"].raw_html is not None


def test_no_prune_deployment_without_retention(tmp_path):
    from flows.deployments import build_deployments

    base = {"database": {"url": f"sqlite:///{tmp_path / 'n.db'}"}, "schedule": {"digest_cron": ""}}
    names = [d.flow_name for d in build_deployments(parse_settings(base, base_dir=tmp_path), tmp_path / "c.toml")]
    assert names == ["poll-feeds", "backfill"]
    bad = parse_settings({**base, "retention": {"raw_days": 3, "prune_cron": "daily"}}, base_dir=tmp_path)
    from newsmon.errors import ConfigError
    with pytest.raises(ConfigError, match="retention.prune_cron: 'daily' is not a cron expression"):
        build_deployments(bad, tmp_path / "c.toml")
