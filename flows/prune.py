"""The ``prune`` Prefect flow: a thin wrapper around ``models.retention.prune``.

The ``prune/<name>`` deployment runs it on ``[retention] prune_cron`` (daily by default)
when ``[retention]`` sets a limit (``flows.deployments``). The prune runs in a worker
thread (it is blocking database work, in short batches) and logs each step; the run ends
with a markdown artifact ``prune-summary`` and returns the summary line.
"""
from __future__ import annotations

import asyncio

from prefect import flow, get_run_logger
from prefect.artifacts import acreate_markdown_artifact

from models.retention import prune
from models.store import Store
from newsmon.settings import load_settings

SUMMARY_KEY = "prune-summary"


@flow(name="prune", log_prints=True)
async def prune_flow(config_path: str, dry_run: bool = False) -> dict:
    """Apply ``[retention]`` of the config: delete old articles and kept pages, give space back."""
    settings = load_settings(config_path)
    logger = get_run_logger()
    if not settings.retention.enabled:
        logger.warning("no [retention] limit is set in %s: nothing to delete", config_path)
    store = Store.from_settings(settings)
    try:
        rep = await asyncio.to_thread(prune, store, settings.retention, dry_run=dry_run, logger=logger)
    finally:
        store.close()
    for line in rep.lines:
        logger.info("%s", {k: v for k, v in line.items() if k not in ("event", "dry_run")})
    await acreate_markdown_artifact(rep.markdown(), key=SUMMARY_KEY,
                                    description="newsmon prune" + (" (dry run)" if dry_run else ""))
    return {**rep.summary(), "steps": rep.lines}
