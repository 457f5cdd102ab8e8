"""Extraction on a Dask distributed cluster, behind the interface of the local `Extractor`.

    extractor = DaskExtractor("tcp://scheduler:8786")
    for extraction in extractor.extract(articles):
        ...

The client (this process) reads the articles, skips known ones and writes the results; only the
NLP runs on the workers. Each worker loads the spaCy pipeline and the classifiers once, in a
worker plugin, and extracts chunks of articles with the same code as a local pool worker
(`ingest.pipeline._extract_chunk`), so a chunk gives the same `Extraction` records wherever it
runs. At most `per_worker` chunks per worker are in flight, oldest first: memory stays bounded on
both sides and the results come back in input order, as from the local pool.

A worker that dies mid-chunk is no error here: the scheduler gives its tasks to another worker
(up to `distributed.scheduler.allowed-failures` deaths per task), and since results are matched
to their chunk, not to a worker, the graph ends as after a local run.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterable
from typing import Any

from distributed import Client, WorkerPlugin

from graph.errors import CasegraphError, ClusterUnavailable
from ingest import pipeline
from ingest.records import Article, Extraction, ExtractionFailure

# Seconds to wait for the scheduler to answer, and for it to have at least one worker.
CONNECT_TIMEOUT = 10.0
WORKER_WAIT = 60.0
# Retries of a chunk whose task raised (a worker that dies is rescheduled without counting).
TASK_RETRIES = 2


class DaskExtractor:
    """Sends chunks of articles to a Dask cluster's workers; yields their extractions in input
    order. One `extract` per instance: the connection closes when it ends."""

    def __init__(
        self,
        scheduler: str,
        model: str = "en_core_web_sm",
        batch_size: int = 32,
        kinds_model: str = "builtin",
        facts_model: str = "builtin",
        connect_timeout: float = CONNECT_TIMEOUT,
        per_worker: int = 3,
    ) -> None:
        self.scheduler = scheduler
        self.batch_size = batch_size
        self.per_worker = per_worker
        self.client = _connect(scheduler, connect_timeout)
        try:
            _wait_for_workers(self.client, scheduler)
            plugin = ExtractorPlugin(model, batch_size, kinds_model, facts_model)
            self.client.register_plugin(plugin, name=ExtractorPlugin.name)
        except CasegraphError as exc:  # the pipeline did not load on a worker (a setting)
            self.close()
            raise type(exc)(f"on the Dask workers of {scheduler}: {exc}") from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()

    def extract(
        self,
        articles: Iterable[Article],
        on_error: Callable[[ExtractionFailure], None] | None = None,
    ) -> Generator[Extraction, None, None]:
        """One Extraction per article, in input order, as `pipeline.Extractor.extract`."""
        try:
            for outcome in self._outcomes(articles):
                if isinstance(outcome, Extraction):
                    yield outcome
                elif on_error is None:
                    raise outcome.error
                else:
                    on_error(outcome.failure)
        finally:
            self.close()

    def _outcomes(self, articles: Iterable[Article]) -> Generator[pipeline._Outcome, None, None]:
        run = uuid.uuid4().hex[:12]
        pending: deque[Any] = deque()
        try:
            chunks = pipeline._chunks(articles, pipeline._chunk_size(self.batch_size))
            for i, chunk in enumerate(chunks):
                pending.append(
                    self.client.submit(
                        extract_chunk, chunk, key=f"casegraph-extract-{run}-{i}",
                        retries=TASK_RETRIES, pure=False,
                    )
                )  # fmt: skip
                if len(pending) >= self.per_worker * self._workers():
                    yield from self._result(pending.popleft())
            while pending:
                yield from self._result(pending.popleft())
        finally:
            for future in pending:
                future.cancel()

    def _workers(self) -> int:
        return max(1, len(self.client.nthreads()))

    def _result(self, future: Any) -> list[pipeline._Outcome]:
        try:
            outcomes: list[pipeline._Outcome] = future.result()
        except Exception as exc:  # raised TASK_RETRIES + 1 times, killed workers, lost scheduler
            what = (
                "a chunk of articles ended several workers (out of memory?): give the workers "
                "more memory"
                if type(exc).__name__ == "KilledWorker"
                else "check that every worker has casegraph and its spaCy model installed "
                "(docs/SCALE.md) and that the scheduler is still running"
            )
            raise ClusterUnavailable(
                f"extraction failed on the Dask cluster at {self.scheduler} "
                f"({type(exc).__name__}: {_first_line(exc)}): {what}, then run the same command "
                "again (what was written is kept)"
            ) from None
        future.release()
        return outcomes


class ExtractorPlugin(WorkerPlugin):
    """Loads casegraph's extraction pipeline once in each worker (and in every worker that joins
    later or is restarted)."""

    name = "casegraph-extractor"

    def __init__(self, model: str, batch_size: int, kinds_model: str, facts_model: str) -> None:
        self.config = (model, batch_size, kinds_model, facts_model)

    def setup(self, worker: Any) -> None:
        with _LOCK:
            if self.config in _LOADED:  # a new client with the same settings keeps the model
                return
            _LOADED.clear()
            try:
                pipeline._init_worker(None, *self.config)
            except Exception as exc:  # Dask only logs it: the tasks report it (extract_chunk)
                _FAILED[:] = [f"{type(exc).__name__}: {exc}"]
                raise
            _LOADED.append(self.config)
            _FAILED.clear()


# A worker runs tasks in threads; the spaCy pipeline is used by one at a time.
_LOCK = threading.Lock()
_LOADED: list[tuple[str, int, str, str]] = []
_FAILED: list[str] = []  # why the plugin could not load the pipeline on this worker


def extract_chunk(articles: list[Article]) -> list[pipeline._Outcome]:
    """The task run on a worker: the outcomes of a chunk (see `pipeline._extract_chunk`)."""
    with _LOCK:
        if not _LOADED:
            why = _FAILED[0] if _FAILED else "the casegraph worker plugin did not run"
            raise RuntimeError(f"the extraction pipeline is not loaded on this worker ({why})")
        return pipeline._extract_chunk(articles)


def _connect(scheduler: str, timeout: float) -> Any:
    # The client's own log lines (connection retries, a lost scheduler) would break the CLI's
    # one-line error; what matters reaches the caller as an exception. Dask's logging config
    # gives some loggers their own level, so each is set.
    for name in [*logging.root.manager.loggerDict, "distributed.client"]:
        if name.startswith("distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ClusterUnavailable(
            f"the Dask scheduler at {scheduler} is not reachable ({_first_line(exc)}): start it with "
            "`dask scheduler` (docs/SCALE.md), or leave out --scheduler and "
            "CASEGRAPH_DASK_SCHEDULER to extract on this machine"
        ) from None


def _wait_for_workers(client: Any, scheduler: str) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except (TimeoutError, OSError):
        raise ClusterUnavailable(
            f"the Dask scheduler at {scheduler} has no workers after {WORKER_WAIT:.0f} s: "
            f"start some with `dask worker {scheduler} --nthreads 1` (docs/SCALE.md)"
        ) from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return lines[0][:300] if lines else type(exc).__name__
