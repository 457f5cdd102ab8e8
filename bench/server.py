"""A dedicated throwaway Neo4j for the benchmark: temporary home, free ports, 1g heap."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from graph import server
from graph.errors import ServerError
from graph.server import free_ports
from graph.settings import Settings, load_settings

HEAP = "1g"
PAGECACHE = "512m"


def bench_settings(home: Path) -> Settings:
    """The user's settings (jar cache, model) with a private home, free ports, fixed memory."""
    bolt, http = free_ports(2)
    base = load_settings({k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")})
    return base.replace(
        home=home, bolt_port=bolt, http_port=http, heap=HEAP, pagecache=PAGECACHE,
        start_timeout=300.0, neo4j_uri=None, neo4j_password=None,
    )  # fmt: skip


def child_env(settings: Settings) -> dict[str, str]:
    """Environment that points `casegraph` and the bench children at this server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        CASEGRAPH_HOME=str(settings.home),
        CASEGRAPH_CACHE=str(settings.cache_dir),
        CASEGRAPH_BOLT_PORT=str(settings.bolt_port),
        CASEGRAPH_HTTP_PORT=str(settings.http_port),
        CASEGRAPH_SPACY_MODEL=settings.spacy_model,
    )
    return env


@contextlib.contextmanager
def throwaway_server() -> Iterator[tuple[Settings, server.ServerStatus]]:
    """Start a Neo4j in a temporary home; always stop it and delete the home afterwards."""
    home = Path(tempfile.mkdtemp(prefix="casegraph-bench-"))
    settings = bench_settings(home)
    try:
        status = server.start(settings)
        yield settings, status
    finally:
        try:
            server.stop(settings, timeout=120)
        except ServerError:
            pid = server.server_pid(settings)
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)
