"""Shared fixtures. Tests talk only to 127.0.0.0/8.

Prefect: tests that run flows share ONE ``prefect_test_harness`` per session (it costs
~17 s to start); see ``prefect_harness``.
"""
from __future__ import annotations

import os

# Before Prefect is imported anywhere: no analytics, generous start-up of the ephemeral server.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Never let a proxy from the environment see test traffic.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"

import pytest  # noqa: E402

from tests.db_fixtures import db_url, store  # noqa: E402,F401


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness (temporary database, ephemeral API) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
