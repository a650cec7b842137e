"""The deployments of newsmon and ``newsmon serve``.

* ``poll-feeds/<name>``: on ``[schedule] poll_cron`` in ``[schedule] timezone``;
* ``backfill/<name>``: no schedule, run by hand (UI, ``prefect deployment run``, ``newsmon backfill``);
* ``daily-digest/<name>``: the day's story clusters per entity, on ``[schedule] digest_cron``
  (omitted when it is empty);
* ``prune/<name>``: ``[retention]`` applied on ``[retention] prune_cron`` (daily), registered
  only when ``[retention]`` sets a limit.

``<name>`` is ``[schedule] deployment_name`` (default "newsmon"). Both carry the absolute
``config_path`` as their default parameter, so a run started from the UI or the API finds
the config. Entrypoints are module paths (``flows.poll.poll_feeds``), so a run works from
any working directory of a machine where newsmon is installed.

``serve_deployments`` registers both with the API in ``PREFECT_API_URL`` and runs their
flow runs as subprocesses of this process (Prefect's ``serve``), until SIGTERM or Ctrl-C:
then in-flight runs are cancelled, the schedule is paused (a later ``newsmon serve``
resumes it) and the process exits with status 0. For a fleet of workers see ``deploy/``.
"""
from __future__ import annotations

from pathlib import Path

from newsmon.errors import ConfigError
from newsmon.settings import Settings

TAGS = ["newsmon"]


def check_prefect_api() -> str:
    """The Prefect API URL in use; ConfigError (one line) if none is configured."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise ConfigError("PREFECT_API_URL is not set: start a Prefect server (`prefect server start`) "
                          "and `export PREFECT_API_URL=http://127.0.0.1:4200/api` (see deploy/README.md)")
    return url


def build_deployments(settings: Settings, config_path: str | Path) -> list:
    """The ``poll-feeds``, ``backfill`` (and ``daily-digest``) RunnerDeployments for this config."""
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType
    from pydantic import ValidationError

    from flows.backfill import backfill
    from flows.poll import poll_feeds
    from review.digest import daily_digest

    cfg = str(Path(config_path).resolve())
    sch = settings.schedule
    name = sch.deployment_name
    def cron(key: str, expr: str, section: str = "schedule") -> Cron:
        try:
            return Cron(expr, timezone=str(sch.timezone))
        except (ValueError, ValidationError) as e:
            raise ConfigError(f"{cfg}: key {section}.{key}: {expr!r} is not a cron expression "
                              f"such as '*/15 * * * *' ({' '.join(str(e).split())[:200]})") from None

    schedule = cron("poll_cron", sch.poll_cron)
    digest_schedule = cron("digest_cron", sch.digest_cron) if sch.digest_cron else None
    try:
        poll = poll_feeds.to_deployment(
            name, schedules=[schedule], parameters={"config_path": cfg}, tags=TAGS,
            entrypoint_type=EntrypointType.MODULE_PATH,
            description=f"Poll the feeds of {cfg} ({sch.poll_cron}, {sch.timezone}).")
        back = backfill.to_deployment(
            name, parameters={"config_path": cfg}, tags=TAGS + ["backfill"],
            entrypoint_type=EntrypointType.MODULE_PATH,
            description=f"Backfill for {cfg}: set since (and until, feeds, source=sitemap|stored).")
        extra = [daily_digest.to_deployment(
            name, schedules=[digest_schedule], parameters={"config_path": cfg}, tags=TAGS + ["digest"],
            entrypoint_type=EntrypointType.MODULE_PATH,
            description=f"Daily digest of flagged story clusters for {cfg} ({sch.digest_cron}, {sch.timezone}).")
        ] if digest_schedule else []
        extra += _prune_deployment(settings, cfg, cron)
    except ValueError as e:  # e.g. a deployment name with '/' or '%'
        raise ConfigError(f"{cfg}: key schedule.deployment_name: {' '.join(str(e).split())[:200]}") from None
    return [poll, back, *extra]


def _prune_deployment(settings: Settings, cfg: str, cron) -> list:
    """``prune/<name>`` when [retention] sets a limit (the defaults keep everything: no deployment)."""
    from prefect.types.entrypoint import EntrypointType

    from flows.prune import prune_flow

    r = settings.retention
    if not r.enabled:
        return []
    schedule = cron("prune_cron", r.prune_cron, section="retention")
    return [prune_flow.to_deployment(
        settings.schedule.deployment_name, schedules=[schedule], parameters={"config_path": cfg},
        tags=TAGS + ["retention"], entrypoint_type=EntrypointType.MODULE_PATH,
        description=f"Apply [retention] of {cfg} ({r.prune_cron}, {settings.schedule.timezone}).")]


def serve_deployments(deployments: list, *, limit: int | None = None) -> None:
    """Register and serve ``deployments`` (from ``build_deployments``); returns after SIGTERM / Ctrl-C."""
    from prefect import serve

    check_prefect_api()
    serve(*deployments, print_starting_message=False, limit=limit)
