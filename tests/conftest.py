"""Shared pytest fixtures.

Neo4j: one throwaway server per test session, started through `graph.server.start` (the code
path of `casegraph db start`) in a temporary home on free ports, reusing the machine's jar
cache, and stopped at the end, also when the session fails. Tests that use it carry the
`neo4j` marker and request `driver`, `clean_db` or `settings`.

`make test` runs the suite in parallel (pytest-xdist, `-n 2 --dist loadfile`): each worker is a
session of its own, with its own server in its own temporary home, and `free_ports` hands each
worker ports the other workers are never handed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from graph import server
from graph.errors import CasegraphError, ServerError
from graph.settings import Settings


def _worker() -> tuple[int, int]:
    """(index, count) of this pytest-xdist worker; (0, 1) without xdist."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name.removeprefix("gw")), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


# Ports a server of this session could not bind although the kernel had handed them out as
# free: never handed out again (the kernel may offer the same port on the next try).
_REFUSED: set[int] = set()


def free_ports(count: int) -> list[int]:
    """`graph.server.free_ports` (below the kernel's ephemeral range) with one rule added: only
    ports equal to this worker's index modulo the number of workers, never one refused before,
    so that two parallel workers never pick the same port for their Neo4j, their app or a port
    that must stay closed."""
    index, workers = _worker()
    return server.free_ports(count, lambda p: p % workers == index and p not in _REFUSED)


def throwaway_settings(home: Path) -> Settings:
    """Settings for a small local server in `home`; never NEO4J_URI, whatever the environment."""
    bolt, http = free_ports(2)
    settings = Settings(
        home=home, bolt_port=bolt, http_port=http, heap="512m", pagecache="128m",
        start_timeout=180.0,
    )  # fmt: skip
    # The jar cache is shared by every session on the machine (CI may point it elsewhere).
    cache = os.environ.get("CASEGRAPH_CACHE")
    return settings.replace(cache_dir=Path(cache)) if cache else settings


def stop_quietly(settings: Settings) -> None:
    """Stop a test server whatever happens; SIGKILL when SIGTERM is not enough."""
    try:
        server.stop(settings, timeout=60)
    except ServerError:
        pid = server.server_pid(settings)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the files holding a test marked `slow` first (the order is otherwise
    kept, `make test` passes --no-loadscope-reorder): the files of minutes start early and the
    many short ones even out the workers' ends. A run without xdist keeps the plain order."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable: each file's order is kept


_SERVER_TRIES = 5
_TRY_PAUSE = 2.0  # seconds between tries: another process's sockets come and go


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A running throwaway Neo4j; yields its Settings. A free port can be taken by another
    process between choosing it and the server's start: then the server starts again in a new
    home on other ports, never on a port refused before (five tries)."""
    tried: list[str] = []
    for attempt in range(_SERVER_TRIES):
        settings = throwaway_settings(tmp_path_factory.mktemp("neo4j-home"))
        tried.append(f"{settings.bolt_port}/{settings.http_port}")
        # atexit covers an interpreter exit that skips fixture finalizers.
        atexit.register(stop_quietly, settings)
        try:
            server.start(settings)
            break
        except CasegraphError as exc:
            stop_quietly(settings)
            atexit.unregister(stop_quietly)
            if "already in use" in str(exc) and attempt < _SERVER_TRIES - 1:
                _REFUSED.update((settings.bolt_port, settings.http_port))
                time.sleep(_TRY_PAUSE)
                continue
            pytest.fail(
                f"the test Neo4j server did not start (Bolt/HTTP ports tried: "
                f"{', '.join(tried)}): {exc}",
                pytrace=False,
            )
    try:
        yield settings
    finally:
        stop_quietly(settings)
        atexit.unregister(stop_quietly)


_RESTART_WAIT = 30.0  # seconds a restart waits for its ports to be released


def start_again(settings: Settings) -> None:
    """Start a stopped test server on its own ports. Between its stop and this start another
    process's connection can hold one of them for a moment (the session start picks new ports
    then; a restart cannot, clients know these): wait for the port, up to 30 s."""
    deadline = time.monotonic() + _RESTART_WAIT
    while True:
        try:
            server.start(settings)
            return
        except CasegraphError as exc:
            if "already in use" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(1.0)


@pytest.fixture
def settings(neo4j_server: Settings) -> Settings:
    """Settings pointing at the session's Neo4j (frozen, so tests cannot change it for others)."""
    return neo4j_server


@pytest.fixture
def neo4j_env(neo4j_server: Settings) -> dict[str, str]:
    """An environment for running the `casegraph` command against the session's Neo4j."""
    return cli_env(neo4j_server)


def cli_env(neo4j_server: Settings) -> dict[str, str]:
    """`neo4j_env`, for fixtures of a wider scope."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        CASEGRAPH_HOME=str(neo4j_server.home),
        CASEGRAPH_CACHE=str(neo4j_server.cache_dir),
        CASEGRAPH_BOLT_PORT=str(neo4j_server.bolt_port),
        CASEGRAPH_HTTP_PORT=str(neo4j_server.http_port),
    )
    return env


@pytest.fixture(scope="session")
def driver(neo4j_server: Settings) -> Iterator[neo4j.Driver]:
    """A driver for the session's Neo4j, authenticated with its stored password."""
    auth = (neo4j_server.neo4j_user, neo4j_server.password() or "")
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=auth) as drv:
        yield drv


def delete_all(driver: neo4j.Driver, database: str) -> None:
    """Delete every node and relationship; constraints and indexes stay."""
    # CALL ... IN TRANSACTIONS only runs in an auto-commit transaction, hence session.run.
    with driver.session(database=database) as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


@pytest.fixture
def clean_db(driver: neo4j.Driver, neo4j_server: Settings) -> neo4j.Driver:
    """The driver, on an empty database (constraints and indexes kept)."""
    delete_all(driver, neo4j_server.neo4j_database)
    return driver


@pytest.fixture(scope="module")
def seeded(driver: neo4j.Driver, neo4j_server: Settings) -> neo4j.Driver:
    """The seed graph (tests/seed_graph.py), written once through the store for a module of
    read-only tests."""
    from tests.seed_graph import seed

    delete_all(driver, neo4j_server.neo4j_database)
    seed(driver, neo4j_server.neo4j_database)
    return driver
