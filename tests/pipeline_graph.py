"""Graphs built by casegraph's own pipeline for the tests of what people do with them (read,
search, correct): the fixture articles of tests/fixtures/app, ingested for real, and the app
pointed at the test server."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph.ingestion import IngestSummary, run_ingest
from graph.settings import Settings
from graph.store import Store
from ingest.sources import CorpusFields
from tests import app_fixture
from tests.conftest import free_ports
from tests.extract_support import extractor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SEED = app_fixture.FIXTURES / "seed-telegram-korea.txt"
DOJ = app_fixture.FIXTURES / "doj-0002.txt"


def ingest(driver: neo4j.Driver, database: str, *paths: Path) -> IngestSummary:
    """`paths` through the real pipeline into `database`."""
    store = Store(driver, database=database, batch_size=10)
    return run_ingest(
        [str(p) for p in paths], store=store, extractor_factory=extractor,
        fields=CorpusFields(), batch_size=10,
    )  # fmt: skip


def seed_id(driver: neo4j.Driver, database: str) -> str:
    """The id of the ingested seed article."""
    records, _, _ = driver.execute_query(
        "MATCH (a:Article) WHERE a.path ENDS WITH 'seed-telegram-korea.txt' RETURN a.id AS id",
        database_=database,
    )
    return str(records[0]["id"])


def app_test(settings: Settings, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    """AppTest of the app on `page`, pointed at the test server, caches cleared (not run)."""
    for key, value in app_fixture.app_env(settings).items():
        monkeypatch.setenv(key, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page)
    return at


@contextlib.contextmanager
def running_app(
    settings: Settings, wait: object, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """The app as `casegraph app` runs it, on a free port, against the test server; its URL.
    `wait(url, process)` returns once the app answers. A free port can be taken by another
    process's connection before the app binds it: an app that exits while starting, or says its
    port is not available, is started again on another port (three tries), and the last one's
    error output is in the failure."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(app_fixture.app_env(settings))
    env.update(extra_env or {})
    for attempt in range(_APP_TRIES):
        proc, url = _start_app(env)
        try:
            wait(url, proc)  # type: ignore[operator]
            break
        except RuntimeError:
            exited = proc.poll() is not None
            _stop(proc)
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
            # Streamlit says so when the port was taken, and may then hang rather than exit
            # (its sys.exit runs inside the server's event loop): both mean "try another port".
            if (exited or _PORT_TAKEN in err) and attempt < _APP_TRIES - 1:
                continue
            raise RuntimeError(f"the app did not start: {err}") from None
        except BaseException:
            _stop(proc)
            raise
    try:
        yield url
    finally:
        _stop(proc)


_APP_TRIES = 3
_PORT_TAKEN = "is not available"


def _start_app(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    (port,) = free_ports(1)
    cmd = [
        sys.executable, "-m", "graph.app_server", APP,
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return proc, f"http://127.0.0.1:{port}"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


SAMPLE = ROOT / "data" / "sample"


def ingest_cli(settings: Settings, *paths: Path) -> dict[str, object]:
    """`casegraph ingest PATH... --json` against the test server; its summary."""
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(app_fixture.app_env(settings))
    proc = subprocess.run(
        [sys.executable, "-m", "graph.cli", "ingest", *map(str, paths), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)  # type: ignore[no-any-return]
