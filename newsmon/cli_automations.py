"""``newsmon automations apply | list``: the config's ``[[automations]]`` on the Prefect server
(``newsmon/automations.py``), registered by ``newsmon.cli``."""
from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import Any, Callable

from newsmon.errors import ConfigError


@contextlib.contextmanager
def _client() -> Iterator[Any]:
    """A sync Prefect client for PREFECT_API_URL; ConfigError (one line) if none answers."""
    from newsmon.cli import prefect_env

    prefect_env()
    from flows.deployments import check_prefect_api
    from prefect.client.orchestration import get_client

    api = check_prefect_api()
    with get_client(sync_client=True) as client:
        err = client.api_healthcheck()
        if err is not None:
            raise ConfigError(f"the Prefect API at {api} does not answer ({' '.join(str(err).split())[:200]}); "
                              "start it (`prefect server start`) or fix PREFECT_API_URL")
        yield client


def cmd_apply(args: argparse.Namespace) -> int:
    from newsmon.automations import apply, watchlist_ids
    from newsmon.cli import _settings, emit

    settings = _settings(args)
    ids = watchlist_ids(settings) if any(a.entities for a in settings.automations) else set()
    if not settings.automations and not args.prune:
        print(f"newsmon: no [[automations]] in {args.config}; nothing to apply", file=sys.stderr)
        return 0
    with _client() as client:
        for row in apply(settings, client, ids, prune=args.prune):
            emit(row)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from newsmon.automations import describe, managed
    from newsmon.cli import _settings, emit

    settings = _settings(args)
    configured = {a.name for a in settings.automations}
    with _client() as client:
        for a in managed(client):
            emit(describe(a, configured))
    return 0


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    from newsmon.cli import command_group

    aadd = command_group(sub, "automations", "Prefect automations from the config's [[automations]]",
                         "Prefect automations on newsmon's events, from the config's [[automations]] "
                         "(needs PREFECT_API_URL).")
    sp = aadd("apply", cmd_apply, "create or update (by name) the automations of [[automations]], and the "
              "webhook blocks they use; idempotent")
    sp.add_argument("--prune", action="store_true",
                    help="also delete automations tagged newsmon that the config no longer has")
    aadd("list", cmd_list, "the automations newsmon manages on the Prefect server (JSON lines)")
