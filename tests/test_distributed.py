"""Extraction on a Dask cluster (distributed.LocalCluster, 2 worker processes): the graph equals
the one of a local ingest, a worker killed mid-run changes nothing, and an unreachable scheduler
is one line. The articles are invented (template sentences with made-up names)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import types
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from distributed import Client, LocalCluster

from graph.export import export_graph
from graph.ingestion import IngestSummary, run_ingest
from graph.settings import Settings
from graph.store import Store
from ingest.distributed import DaskExtractor
from ingest.records import Extraction
from ingest.sources import CorpusFields
from tests.conftest import delete_all, free_ports
from tests.extract_support import extractor

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2  # articles per write transaction and per Dask task: several tasks per worker

AGENCIES = ["The Dutch police", "German prosecutors", "The FBI", "Spanish police", "Europol"]
PEOPLE = ["Marten Volkaert", "Ilse Brandhorst", "Tomas Quillan", "Rena Castellvi"]
OFFENCES = ["money laundering", "drug trafficking", "fraud"]
PLACES = ["Amsterdam", "Madrid", "Berlin", "Lyon"]


def _texts() -> list[str]:
    out = []
    for i in range(24):
        agency, person = AGENCIES[i % 5], PEOPLE[i % 4]
        out.append(
            f"{agency} arrested {person} in {PLACES[i % 4]} on Tuesday, officials said. "
            f"{person}, {30 + i}, was charged with {OFFENCES[i % 3]}. "
            f"{AGENCIES[(i + 2) % 5]} cooperated with {agency} in the investigation, "
            f"which began in {2015 + i % 7}."
        )
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dask") / "articles.jsonl"
    rows = [{"title": f"Article {i}", "text": t} for i, t in enumerate(_texts())]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    # Worker processes are spawned, and spawn re-runs the parent's __main__ file; an AppTest
    # earlier in the session leaves app.py there. A bare __main__ keeps the workers clean.
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        with LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as c:
            yield c
    finally:
        sys.modules["__main__"] = main


def _ingest(driver: neo4j.Driver, database: str, corpus: Path, factory: Any) -> IngestSummary:
    delete_all(driver, database)
    return run_ingest(
        [str(corpus)], store=Store(driver, database=database, batch_size=BATCH),
        extractor_factory=factory, fields=CorpusFields(), batch_size=BATCH,
    )  # fmt: skip


def _export(driver: neo4j.Driver, database: str, out: Path) -> dict[str, Any]:
    files = export_graph(driver, database, "json", out).files
    return json.loads(files[0].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def local_graph(
    driver: neo4j.Driver, neo4j_server: Settings, corpus: Path, tmp_path_factory: Any
) -> dict[str, Any]:
    """The JSON export of the corpus ingested with the local pipeline."""
    db = neo4j_server.neo4j_database
    summary = _ingest(driver, db, corpus, extractor)
    assert summary.new == 24 and summary.relations > 24
    return _export(driver, db, tmp_path_factory.mktemp("local") / "graph.json")


def test_cli_ingest_on_the_cluster_gives_the_local_graph(
    driver: neo4j.Driver, neo4j_server: Settings, neo4j_env: dict[str, str],
    corpus: Path, cluster: LocalCluster, local_graph: dict[str, Any], tmp_path: Path,
) -> None:  # fmt: skip
    delete_all(driver, neo4j_server.neo4j_database)
    env = {**neo4j_env, "CASEGRAPH_DASK_SCHEDULER": cluster.scheduler_address}
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "ingest", str(corpus), "--batch-size", str(BATCH),
         "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["articles"] == {
        "new": 24,
        "updated": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert _export(driver, neo4j_server.neo4j_database, tmp_path / "g.json") == local_graph


class _KillsAWorker:
    """The Dask extractor, and once the first chunk came back: SIGKILL for a worker process
    that is extracting a chunk at that moment."""

    def __init__(self, scheduler: str) -> None:
        self.inner = DaskExtractor(scheduler, batch_size=BATCH)
        self.killed: list[str] = []

    def extract(self, articles: Iterable[Any], on_error: Any = None) -> Generator[Extraction]:
        with Client(self.inner.scheduler, set_as_default=False) as client:
            for i, extraction in enumerate(self.inner.extract(articles, on_error)):
                if i == 0:
                    busy = [w for w, keys in client.processing().items() if keys]
                    assert busy, "no chunk was in flight on a worker"
                    pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(busy[0])
                yield extraction


def test_a_worker_killed_mid_run_changes_nothing(
    driver: neo4j.Driver, neo4j_server: Settings, corpus: Path, cluster: LocalCluster,
    local_graph: dict[str, Any], tmp_path: Path,
) -> None:  # fmt: skip
    killer = _KillsAWorker(cluster.scheduler_address)
    summary = _ingest(driver, neo4j_server.neo4j_database, corpus, lambda: killer)
    assert len(killer.killed) == 1
    assert (summary.new, summary.failed) == (24, 0)
    assert _export(driver, neo4j_server.neo4j_database, tmp_path / "g.json") == local_graph


def test_an_unreachable_scheduler_is_one_line(corpus: Path) -> None:
    (port,) = free_ports(1)
    env = {**os.environ, "CASEGRAPH_DASK_CONNECT_TIMEOUT": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "extract", str(corpus),
         "--scheduler", f"tcp://127.0.0.1:{port}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"Dask scheduler at tcp://127.0.0.1:{port} is not reachable" in lines[0]


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_workers_with_a_scheduler_is_one_line(corpus: Path, command: str) -> None:
    """--workers sizes the local pool: beside a scheduler it would be ignored, so it is refused."""
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", command, str(corpus), "--workers", "2",
         "--scheduler", "tcp://127.0.0.1:1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--workers sets the local pool" in lines[0], done.stderr
