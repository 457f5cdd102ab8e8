"""One ingest, measured in its own process: `python -m bench.ingestion LIST_FILE --workers N`.

It runs `graph.ingestion.run_ingest` (the code path of `casegraph ingest`) against the Neo4j
named by the environment (the bench's throwaway server), with two thin wrappers that only
observe: the store counts what each write committed, and the extractor times the part of
`Extractor.extract` after spaCy (mention finding, resolution, relations, cases: "resolution").
Prints one JSON object: the run_ingest summary, the phase split, relationships written per
second of write time, peak RSS, and whether spaCy was ever imported.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil


class CountingStore:
    """Delegates to graph.store.Store; adds up the relationships and nodes each write created."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.relationships = 0
        self.nodes = 0
        self.batches = 0

    def known_article_ids(self, ids: Any) -> set[str]:
        return self._store.known_article_ids(ids)  # type: ignore[no-any-return]

    def known_raw_digests(self, digests: Any) -> set[str]:
        return self._store.known_raw_digests(digests)  # type: ignore[no-any-return]

    def note_raw_digests(self, digests: dict[str, str]) -> None:
        self._store.note_raw_digests(digests)

    def write(self, extractions: Sequence[Any]) -> Any:
        result = self._store.write(extractions)
        self.relationships += result.relationships_created
        self.nodes += result.nodes_created
        self.batches += 1
        return result


def timed_extractor(extractor: Any, clock: dict[str, float], errors: list[str]) -> Any:
    """Time `extract_doc` (everything after the spaCy pipeline) on this instance only.

    An article on which the extraction raises is recorded in `errors` and passed on with no
    entities: in `casegraph ingest` the exception would end the run (with NLP workers it
    hangs it), and the benchmark measures speed, not that bug.
    """
    from ingest.records import Extraction

    inner = extractor.extract_doc

    def extract_doc(doc: Any, article: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return inner(doc, article)
        except Exception as exc:
            errors.append(f"{article.path}: {type(exc).__name__}: {exc}")
            return Extraction(article)
        finally:
            clock["resolution"] += time.perf_counter() - t0

    extractor.extract_doc = extract_doc
    return extractor


class RssPoller:
    """Polls the RSS of this process plus its children (nlp.pipe workers) every 50 ms."""

    def __init__(self) -> None:
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak_total = max(self.peak_total, total)

    def __enter__(self) -> RssPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def ingest(paths: list[str], workers: int, batch_size: int) -> dict[str, Any]:
    from graph.connection import open_driver
    from graph.ingestion import run_ingest
    from graph.settings import load_settings
    from graph.store import Store
    from ingest.sources import CorpusFields

    settings = load_settings()
    clock = {"resolution": 0.0}
    errors: list[str] = []
    loaded = {"extractor": False}

    def factory() -> Any:
        from ingest.pipeline import Extractor

        loaded["extractor"] = True
        return timed_extractor(
            Extractor(
                settings.spacy_model,
                workers,
                kinds_model=settings.kinds_model,
                facts_model=settings.facts_model,
            ),
            clock,
            errors,
        )

    driver = open_driver(settings)
    try:
        store = CountingStore(Store(driver, settings.neo4j_database, batch_size=batch_size))
        with RssPoller() as poller:
            summary = run_ingest(
                paths,
                store=store,
                extractor_factory=factory,
                fields=CorpusFields(),
                batch_size=batch_size,
            )
    finally:
        driver.close()
    s = summary.seconds
    # run_ingest's "nlp" is total - read - write_wait; the resolution part is taken out of it.
    # "write" is the writer thread's busy time, which overlaps the NLP; "write_wait" is the
    # time the ingest stood still waiting for the writer (the write phase's critical path).
    phases = {
        "read_clean": s["read"],
        "nlp": max(0.0, s["nlp"] - clock["resolution"]),
        "resolution": clock["resolution"],
        "write": s["write"],
        "write_wait": s["write_wait"],
        "total": s["total"],
    }
    return {
        "summary": summary.as_dict(),
        "phases": phases,
        "relationships_written": store.relationships,
        "nodes_written": store.nodes,
        "write_batches": store.batches,
        "extraction_errors": errors,
        "extractor_loaded": loaded["extractor"],
        "spacy_imported": "spacy" in sys.modules,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_with_workers_mb": round(poller.peak_total / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("list_file", type=Path, help="file with one article path per line")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args(argv)
    paths = [p for p in args.list_file.read_text(encoding="utf-8").split("\n") if p]
    out = ingest(paths, args.workers, args.batch_size)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
