"""The ingest flow: read sources, skip known content before any NLP, extract, write in batches.

One write transaction per batch holds the batch's articles together with all their facts, so
an article and its facts become visible together or not at all; a rerun after a crash only
redoes the batches that never committed.

Writes are off the critical path: a writer thread commits batch k while the NLP extracts batch
k + 1. At most one extracted batch waits for the writer, so memory stays bounded, and the
extraction only stops when the writer falls behind ("write_wait" in the summary's seconds).
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from graph.errors import DatabaseUnavailable
from graph.progress import Progress
from ingest.records import Article, Extraction, ExtractionFailure

if TYPE_CHECKING:
    from ingest.sources import KnownFile, SourceProblem

# spaCy's `nlp.max_length`: past it the parser needs gigabytes and spaCy refuses the text (E088).
# A "document" that long is a dump of many articles, so it is one bad input, not a crash.
MAX_ARTICLE_CHARS = 1_000_000


def too_long(article: Article) -> SourceProblem | None:
    """A SourceProblem when the article is too long for the NLP pipeline, else None."""
    from ingest.sources import SourceProblem

    if len(article.text) <= MAX_ARTICLE_CHARS:
        return None
    return SourceProblem(
        article.path,
        f"text too long for one article ({len(article.text):,} characters, the limit is "
        f"{MAX_ARTICLE_CHARS:,}): split it into articles",
    )


class _Store(Protocol):
    def known_article_ids(self, ids: Iterable[str]) -> set[str]: ...
    def known_raw_digests(self, digests: Iterable[str]) -> set[str]: ...
    def note_raw_digests(self, digests: dict[str, str]) -> None: ...
    def write(self, extractions: Sequence[Extraction]) -> Any: ...


class _Extractor(Protocol):
    def extract(
        self, articles: Iterable[Article], on_error: Callable[[Any], None] | None = ...
    ) -> Generator[Extraction, None, None]: ...


@dataclass
class IngestSummary:
    """What an ingest did; `new` counts only articles whose write transaction committed."""

    new: int = 0
    updated: int = 0  # new versions of stored articles (same URL or file, another text)
    skipped: int = 0
    failed: int = 0
    entities: int = 0
    relations: int = 0
    cases: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    # files in the folders given of a type casegraph does not read (ingest.sources.UnsupportedFile)
    unsupported: list[str] = field(default_factory=list)
    # read, nlp and write_wait split the wall time `total` of the calling thread; `write` is
    # the writer thread's busy time, which mostly overlaps the NLP.
    seconds: dict[str, float] = field(
        default_factory=lambda: {
            "read": 0.0, "nlp": 0.0, "write": 0.0, "write_wait": 0.0, "total": 0.0
        }
    )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": {
                "new": self.new,
                "updated": self.updated,
                "skipped": self.skipped,
                "failed": self.failed,
            },
            "entities": self.entities,
            "relations": self.relations,
            "cases": self.cases,
            "problems": self.problems,
            "unsupported": self.unsupported,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def line(self) -> str:
        return (
            f"articles: {self.new} new, {self.updated} updated, {self.skipped} unchanged, "
            f"{self.failed} failed; "
            f"{self.entities} entity mentions, {self.relations} facts, {self.cases} cases written "
            f"in {self.seconds['total']:.1f}s"
        ) + self.unsupported_line()

    def unsupported_line(self) -> str:
        """The summary's part "; skipped, unsupported type: 2 (a.xlsx, b.png)", or ""."""
        if not self.unsupported:
            return ""
        names = [Path(p).name for p in self.unsupported[:_NAMED]]
        more = (
            f", and {len(self.unsupported) - _NAMED:,} more"
            if len(self.unsupported) > _NAMED
            else ""
        )
        return f"; skipped, unsupported type: {len(self.unsupported)} ({', '.join(names)}{more})"


_NAMED = 10  # unsupported files named in the summary line (--json lists them all)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def readable_articles(
    paths: Sequence[str],
    fields: Any,
    on_problem: Callable[[Any], None],
    follow_links: bool = False,
    known: Callable[[set[str]], set[str]] | None = None,
) -> Iterator[Article | KnownFile]:
    """The articles of `paths`; every unreadable or over-long input goes to `on_problem`
    (`follow_links`, `known`: see `ingest.sources.read_sources`)."""
    from ingest.sources import KnownFile, read_sources

    for item in read_sources(paths, fields, follow_links, known):
        if isinstance(item, Article):
            item = too_long(item) or item
        if isinstance(item, Article | KnownFile):
            yield item
        else:
            on_problem(item)


def run_ingest(
    paths: Sequence[str],
    *,
    store: _Store,
    extractor_factory: Callable[[], _Extractor],
    fields: Any,
    batch_size: int,
    on_problem: Callable[[Any], None] = lambda p: None,
    on_written: Callable[[int], None] = lambda n: None,
    progress: bool = False,
    follow_links: bool = False,
    on_extracted: Callable[[int], None] = lambda n: None,
) -> IngestSummary:
    """Ingest `paths` into `store`; the extractor (spaCy) is only loaded if something is new.

    `on_extracted` (1, for each article as the NLP finishes it) and `on_written` (the number
    of articles a batch committed) are called in the calling thread, so they may update a user
    interface; `on_problem` is too, except for an article the store refused (a casegraph bug),
    which the writer thread reports (under a lock). The progress bar counts extracted articles:
    a batch commits only when it is full, which would leave it at 0 for seconds.
    """
    from ingest.sources import UnsupportedFile

    summary = IngestSummary()
    started = time.perf_counter()
    seen: set[str] = set()

    def sources() -> Iterator[Article | KnownFile]:
        items = readable_articles(paths, fields, failed, follow_links, store.known_raw_digests)
        while True:
            t0 = time.perf_counter()
            item = next(items, None)
            summary.seconds["read"] += time.perf_counter() - t0
            if item is None:
                return
            yield item

    lock = threading.Lock()  # the writer thread reports articles it could not store, too

    def failed(problem: Any) -> None:
        if isinstance(problem, UnsupportedFile):
            summary.unsupported.append(problem.path)  # named in the summary, not one by one
            return
        with lock:
            summary.failed += 0 if getattr(problem, "kept", False) else 1
            summary.problems.append({"path": problem.path, "message": problem.message})
            on_problem(problem)

    def new_articles() -> Iterator[Article]:
        # Files whose bytes are stored were skipped while reading (a KnownFile); the content
        # hash check of the others runs per chunk, before any NLP. A stored article read from
        # a file without a known digest gets the file's digest, for the next time.
        for chunk in _chunks(sources(), batch_size):
            articles = [a for a in chunk if isinstance(a, Article)]
            summary.skipped += len(chunk) - len(articles)
            known = store.known_article_ids({a.id for a in articles} - seen)
            digests = {a.id: a.raw_digest for a in articles if a.id in known and a.raw_digest}
            if digests:
                store.note_raw_digests(digests)
            for article in articles:
                if article.id in known or article.id in seen:
                    summary.skipped += 1
                    continue
                seen.add(article.id)
                yield article

    with Progress(enabled=progress, label="ingest") as bar:
        try:
            pending = new_articles()
            first = next(pending, None)
            if first is not None:
                extractor = extractor_factory()
                extracted = extractor.extract(itertools.chain([first], pending), on_error=failed)
                writer = _Writer(store, summary, failed, on_written)
                with contextlib.closing(extracted), writer:  # on an error: NLP workers stop
                    counted = _counted(extracted, bar, on_extracted)
                    for batch in _chunks(counted, batch_size):
                        writer.put(batch)
                    writer.flush()
        except DatabaseUnavailable as exc:
            # Reads between the writes fail the same way: say in both cases what committed.
            raise DatabaseUnavailable(
                f"{exc} ({summary.new + summary.updated} articles were written before the failure; "
                "run the same ingest again to complete it)"
            ) from None
        bar.advance(0)
    summary.seconds["total"] = time.perf_counter() - started
    waited = summary.seconds["read"] + summary.seconds["write_wait"]
    summary.seconds["nlp"] = max(0.0, summary.seconds["total"] - waited)
    return summary


def _counted(
    extractions: Iterator[Extraction], bar: Progress, on_extracted: Callable[[int], None]
) -> Iterator[Extraction]:
    """The extractions, each reported to the bar and `on_extracted` as it comes."""
    for extraction in extractions:
        bar.advance()
        on_extracted(1)
        yield extraction


class _Writer:
    """Writes batches in a background thread, one transaction each, in the order given.

    `put` hands over a batch and returns at once unless the previous one is still waiting;
    `flush` returns when everything handed over is committed. An error of the writer (the
    database gone after the store's retries) is raised in the caller at its next `put` or
    `flush`; leaving the context early lets the writer finish its current batch and stop.
    """

    _POLL = 0.1  # seconds between checks of the writer while waiting for it

    def __init__(
        self,
        store: _Store,
        summary: IngestSummary,
        failed: Callable[[Any], None],
        on_written: Callable[[int], None],
    ) -> None:
        self._store, self._summary, self._failed = store, summary, failed
        self._on_written = on_written
        self._queue: queue.Queue[list[Extraction] | None] = queue.Queue(maxsize=1)
        # Sizes of committed batches, reported by the caller's thread (`_report`): a user
        # interface may only be updated from the thread that drives it.
        self._written: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="casegraph-writer", daemon=True)

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread.is_alive():
            self._stop.set()
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)  # wakes a writer waiting for work
            self._thread.join()

    def put(self, batch: list[Extraction]) -> None:
        self._hand_over(batch)

    def flush(self) -> None:
        self._hand_over(None)
        t0 = time.perf_counter()
        while self._thread.is_alive():
            self._thread.join(self._POLL)
            self._report()
        self._summary.seconds["write_wait"] += time.perf_counter() - t0
        self._report()
        self._raise_error()

    def _hand_over(self, batch: list[Extraction] | None) -> None:
        t0 = time.perf_counter()
        while True:
            self._report()
            self._raise_error()
            try:
                self._queue.put(batch, timeout=self._POLL)
                break
            except queue.Full:
                continue
        self._summary.seconds["write_wait"] += time.perf_counter() - t0

    def _report(self) -> None:
        while True:
            try:
                n = self._written.get_nowait()
            except queue.Empty:
                return
            self._on_written(n)

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _loop(self) -> None:
        while not self._stop.is_set():
            batch = self._queue.get()
            if batch is None or self._stop.is_set():
                return
            try:
                written = _write(self._store, batch, self._summary, self._failed)
            except BaseException as exc:  # handed to the caller, who raises it
                self._error = exc
                return
            self._written.put(written)


def _write(
    store: _Store, batch: list[Extraction], summary: IngestSummary, failed: Callable[[Any], None]
) -> int:
    """Write one batch; the number of its articles that committed."""
    t0 = time.perf_counter()
    try:
        replaced = {new for _, new in getattr(store.write(batch), "replaced", ())}
    except ValueError:
        # A record that breaks the ontology is a casegraph bug, found before anything of the
        # batch was written: write the articles one by one so only the culprit is left out.
        batch = [x for x in batch if _write_alone(store, x, failed)]
        replaced = set()
    summary.seconds["write"] += time.perf_counter() - t0
    updated = sum(1 for x in batch if x.article.id in replaced)
    summary.updated += updated
    summary.new += len(batch) - updated
    summary.entities += sum(len(x.entities) for x in batch)
    summary.relations += sum(len(x.relations) for x in batch)
    summary.cases += sum(len(x.cases) for x in batch)
    return len(batch)


def _write_alone(store: _Store, extraction: Extraction, failed: Callable[[Any], None]) -> bool:
    try:
        store.write([extraction])
    except ValueError as exc:
        failed(
            ExtractionFailure(
                extraction.article.path,
                f"could not be stored ({exc}); the other articles go on — "
                "please report this as a casegraph bug",
            )
        )
        return False
    return True
