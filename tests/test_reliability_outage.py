"""Neo4j stopped or restarted under `casegraph ingest`: bounded retries, a clear error, no lies.

These tests stop and start the session's server for real (through graph.server, as `casegraph db
stop` and `db start` do): a fresh server of their own would cost one more start and stop of a JVM
and test nothing more. The tests of a file run in one process one after the other (also under
pytest-xdist's --dist loadfile), so no other test uses the server meanwhile, and the server is
running again after each test, also after a failure.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph import server
from graph.errors import DatabaseUnavailable
from graph.settings import Settings
from graph.store import Store, dump
from tests.conftest import delete_all, start_again
from tests.pipeline_graph import ingest
from tests.test_reliability import (
    ROOT,
    assert_same_graph,
    cli,
    cli_env,
    count_articles,
    ingest_ok,
    write_corpus,
)

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
ARTICLES = 16


@pytest.fixture
def own_server(neo4j_server: Settings) -> Iterator[Settings]:
    """The session's server, which the test may stop and start; running and empty afterwards."""
    try:
        yield neo4j_server
    finally:
        start_again(neo4j_server)  # a no-op when the test left it running
        with _driver(neo4j_server) as drv:
            delete_all(drv, neo4j_server.neo4j_database)


def _driver(settings: Settings) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(settings.uri, auth=("neo4j", settings.password() or ""))


@pytest.fixture(scope="module")
def reference(neo4j_server: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The corpus and the dump of one clean ingest of it (in this process, with the session's
    loaded pipeline, as tests/test_reliability.py makes its reference)."""
    corpus = write_corpus(tmp_path_factory.mktemp("outage") / "corpus", ARTICLES)
    with _driver(neo4j_server) as drv:
        delete_all(drv, "neo4j")
        assert ingest(drv, "neo4j", *corpus).new == ARTICLES
        return {"corpus": corpus, "dump": dump(drv)}


def _start_ingest(settings: Settings, corpus: list[Path], retries: int) -> subprocess.Popen:
    env = dict(cli_env(settings), CASEGRAPH_WRITE_RETRIES=str(retries))
    return subprocess.Popen(
        cli("ingest", *map(str, corpus), "--batch-size", "1", "--json"),
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_for_first_commit(settings: Settings, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    with _driver(settings) as drv:
        while count_articles(drv) == 0:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no article was committed within 240 s"
            time.sleep(0.02)


def _reads_fail_clearly(settings: Settings) -> None:
    """With the server down, the store's reads are retried, then one clear error."""
    with neo4j.GraphDatabase.driver(
        settings.uri, auth=("neo4j", "unused"), max_transaction_retry_time=0.5
    ) as drv:
        store = Store(drv, retries=2)
        store.backoff = 0.1
        with pytest.raises(DatabaseUnavailable, match="check that Neo4j is running"):
            store.known_article_ids({"x"})


def test_stopped_server_gives_one_line_error_with_the_true_count_and_a_rerun_completes(
    own_server: Settings, reference: dict[str, Any]
) -> None:
    corpus = reference["corpus"]
    with _driver(own_server) as drv:
        delete_all(drv, "neo4j")
    proc = _start_ingest(own_server, corpus, retries=2)
    _wait_for_first_commit(own_server, proc)
    server.stop(own_server)
    started = time.monotonic()
    stdout, stderr = proc.communicate(timeout=180)
    # 2 attempts 0.5 s apart, each bounded by the driver's own 5 s retry.
    assert time.monotonic() - started < 60
    assert proc.returncode == 1, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert "check that Neo4j is running" in line or "not reachable" in line, line
    reported = int(re.search(r"\((\d+) articles were written before the failure", line)[1])
    _reads_fail_clearly(own_server)

    start_again(own_server)
    with _driver(own_server) as drv:
        stored = count_articles(drv)
        # A commit the server made while the connection broke is in doubt for the client: it
        # may be stored but not counted, never counted but not stored.
        assert reported <= stored <= reported + 1
        assert 0 < stored < ARTICLES
        summary = ingest_ok(corpus, cli_env(own_server))
        assert summary["articles"] == {
            "new": ARTICLES - stored,
            "updated": 0,
            "skipped": stored,
            "failed": 0,
        }
        assert_same_graph(dump(drv), reference["dump"])


def test_restarted_server_is_waited_for_and_the_ingest_completes(
    own_server: Settings, reference: dict[str, Any]
) -> None:
    corpus = reference["corpus"]
    with _driver(own_server) as drv:
        delete_all(drv, "neo4j")
    # 10 attempts back off 0.5, 1, 2, 4, then 8 s: about a minute, enough for a restart.
    proc = _start_ingest(own_server, corpus, retries=10)
    _wait_for_first_commit(own_server, proc)
    server.stop(own_server)
    start_again(own_server)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    summary = json.loads(stdout)
    with _driver(own_server) as drv:
        assert summary["articles"]["new"] == count_articles(drv) == ARTICLES
        assert_same_graph(dump(drv), reference["dump"])
