"""`make bench`: measure casegraph and write docs/BENCHMARKS.md.

    python -m bench.run                 # the full benchmark (under 30 minutes on 2 cores)
    python -m bench.run --quick --out /tmp/b.md   # small sizes, to check the harness
    python -m bench.run --only latency  # re-measure only section 4 into the existing report

Steps: machine and versions; extraction throughput (casegraph vs bare spaCy, 1 and 2
processes); ingest of 500/1,000/2,000 articles into a throwaway Neo4j (phase split, write
rate, peak RSS) and an unchanged re-ingest; then synthetic graphs of 10k/100k/1M
relationships and the latency of four named queries on each. Every number in the document is
measured by this run; nothing is carried over from earlier runs, except with `--only latency`:
then section 4 is measured anew and stamped with its own date, commit and load, and the other
sections stay as (and dated by) the full run that measured them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import corpus, distributed, latency, pages, synth
from bench.report import write_report
from bench.server import child_env, throwaway_server
from bench.system import commit, load_average, machine, versions

ROOT = Path(__file__).resolve().parents[1]
CHILD_TIMEOUT = 1200  # seconds: an ingest that hangs fails the benchmark instead of stalling it
PROFILED = 60  # articles of the cProfile run of the casegraph extraction


@dataclass(frozen=True)
class Plan:
    extract_articles: int
    extract_workers: tuple[int, ...]
    ingest_sizes: tuple[int, ...]
    ingest_workers: int
    synth_sizes: tuple[int, ...]
    rounds: int
    extract_rounds: int = 1  # alternating bare / casegraph runs; the median of each side counts


FULL = Plan(200, (1, 2), (500, 1000, 2000), 2, (10_000, 100_000, 1_000_000), 3, 3)
QUICK = Plan(20, (1, 2), (20, 40), 2, (2_000, 10_000), 2)


def _child(module: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `python -m module args` from the project root and parse its one JSON line."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env or dict(os.environ),
        capture_output=True, text=True, check=False, timeout=CHILD_TIMEOUT,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _list_file(paths: list[Path], tmp: Path, name: str) -> str:
    target = tmp / name
    target.write_text("\n".join(str(p) for p in paths) + "\n", encoding="utf-8")
    return str(target)


def _warm_files(paths: list[Path]) -> None:
    # Read once so the first measured run does not pay for a cold disk cache.
    for p in paths:
        p.read_bytes()


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median seconds (the lower middle one of an even number)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


def extraction(plan: Plan, model: str, tmp: Path) -> dict[str, Any]:
    paths = corpus.subset(plan.extract_articles)
    _warm_files(paths)
    listing = _list_file(paths, tmp, "extract.txt")
    out: dict[str, Any] = {"words": _child("bench.extraction", ["words", listing])}
    for workers in plan.extract_workers:
        rounds: dict[str, list[dict[str, Any]]] = {"bare": [], "casegraph": []}
        # Alternate the two sides so that a change of background load hits both, and repeat:
        # on a shared 2-core VM one run of either side can be 20% off its usual time.
        for _ in range(plan.extract_rounds):
            for mode in ("bare", "casegraph"):
                args = [mode, listing, "--model", model, "--workers", str(workers)]
                run = _child("bench.extraction", args)
                rounds[mode].append(run)
                print(f"  extract {mode} x{workers}: {run['seconds']:.1f}s", flush=True)
        runs: dict[str, Any] = {mode: _median_run(rs) for mode, rs in rounds.items()}
        runs["rounds"] = {mode: [r["seconds"] for r in rs] for mode, rs in rounds.items()}
        out[f"workers_{workers}"] = runs
    out["components"] = _child("bench.extraction", ["components", listing, "--model", model])
    listing = _list_file(paths[:PROFILED], tmp, "profile.txt")
    out["profile"] = _child("bench.extraction", ["profile", listing, "--model", model])
    return out


def ingestion(plan: Plan, settings: Any, tmp: Path) -> dict[str, Any]:
    import neo4j

    from graph.store import Store

    env = child_env(settings)
    out: dict[str, Any] = {}
    auth = (settings.neo4j_user, settings.password() or "")
    with neo4j.GraphDatabase.driver(settings.uri, auth=auth) as driver:
        store = Store(driver, settings.neo4j_database)
        store.init_schema()
        for n in plan.ingest_sizes:
            store.reset()
            paths = corpus.subset(n)
            _warm_files(paths)
            listing = _list_file(paths, tmp, f"ingest-{n}.txt")
            args = [listing, "--workers", str(plan.ingest_workers)]
            first = _child("bench.ingestion", args, env)
            print(f"  ingest {n}: {first['phases']['total']:.1f}s", flush=True)
            again = _child("bench.ingestion", args, env)
            print(f"  re-ingest {n}: {again['phases']['total']:.2f}s", flush=True)
            out[str(n)] = {"first": first, "again": again, "stats": store.stats()}
        store.reset()
    return out


def queries(plan: Plan, settings: Any) -> dict[str, Any]:
    import neo4j

    from graph.store import Store

    out: dict[str, Any] = {}
    auth = (settings.neo4j_user, settings.password() or "")
    with neo4j.GraphDatabase.driver(settings.uri, auth=auth) as driver:
        store = Store(driver, settings.neo4j_database)
        for size in plan.synth_sizes:
            _empty(driver, settings.neo4j_database)
            t0 = time.perf_counter()
            graph = synth.generate(size)
            generated = time.perf_counter() - t0
            t0 = time.perf_counter()
            load_split = synth.load(driver, settings.neo4j_database, graph)
            loaded = time.perf_counter() - t0
            print(f"  synth {size}: generated {generated:.0f}s, loaded {loaded:.0f}s", flush=True)
            result = latency.measure(driver, settings.neo4j_database, graph, plan.rounds)
            profiles, page_times = {}, {}
            if size == plan.synth_sizes[-1]:
                profiles = _profiles(driver, settings.neo4j_database, graph, result)
                print(f"  app pages at {size}", flush=True)
                page_times = pages.measure(settings, graph, plan.rounds)
            out[str(size)] = {
                "counts": graph.counts(),
                "stored": store.stats()["relationships"],
                "generate_seconds": generated,
                "load_seconds": loaded,
                "load_split": load_split,
                "latency": result,
                "profiles": profiles,
                "pages": page_times,
            }
    return out


def _empty(driver: Any, database: str) -> None:
    """Delete everything in small auto-commit batches.

    `Store.reset` deletes 10,000 nodes per transaction; with the hubs of a synthetic graph
    (thousands of relationships each) such a transaction can exceed the server's 256 MiB of
    transaction memory, and the retries then stall the benchmark.
    """
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS").consume()


def _profiles(driver: Any, database: str, graph: Any, result: dict[str, Any]) -> dict[str, str]:
    """PROFILE of the slowest anchor that completed, for every query missing the target."""
    chosen = latency.anchors(graph)
    out = {}
    for query, data in result.items():
        if data["p95_ms"] <= 50:
            continue
        finite = [a for a in data["anchors"] if a["median_ms"] != float("inf")]
        if not finite:
            continue
        worst = max(finite, key=lambda a: a["median_ms"])
        anchor = next(a for a in chosen if a.query == query and a.params == worst["params"])
        out[query] = latency.profile(driver, database, anchor)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, to test the harness")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    parser.add_argument(
        "--from-json", type=Path, help="only re-render the report from a results file"
    )
    parser.add_argument(
        "--only", choices=["latency"], help="re-measure one section into the existing report"
    )
    args = parser.parse_args(argv)
    if args.only:
        only_latency(QUICK if args.quick else FULL, args.out)
        return
    if args.from_json:
        write_report(json.loads(args.from_json.read_text()), args.out)
        return
    plan = QUICK if args.quick else FULL
    # SIGTERM becomes SystemExit so that the throwaway server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.time()
    results: dict[str, Any] = {"plan": plan.__dict__, "load_before": load_average()}
    results["machine"] = machine()
    results["commit"] = commit()
    with tempfile.TemporaryDirectory(prefix="casegraph-bench-lists-") as tmp_name:
        tmp = Path(tmp_name)
        with throwaway_server() as (settings, status):
            results["versions"] = versions(settings.spacy_model, status)
            model = results["versions"]["spacy_model_package"]
            if corpus.available():
                print("extraction throughput", flush=True)
                results["extraction"] = extraction(plan, model, tmp)
                print("ingest", flush=True)
                results["ingest"] = ingestion(plan, settings, tmp)
                print("extraction on Dask", flush=True)
                size = distributed.ARTICLES["quick" if plan is QUICK else "full"]
                results["distributed"] = distributed.measure(size, settings, tmp, _child)
            print("query latency", flush=True)
            results["queries"] = queries(plan, settings)
    results["corpus"] = {"path": str(corpus.corpus_dir()), "available": corpus.available()}
    results["load_after"] = load_average()
    results["wall_seconds"] = time.time() - started
    results["argv"] = "python -m bench.run" + (" --quick" if args.quick else "")
    write_report(results, args.out)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    print(f"wrote {args.out} in {results['wall_seconds'] / 60:.1f} min", flush=True)


def only_latency(plan: Plan, out: Path) -> None:
    """Section 4 alone, into the results of the last full run (kept with their own date)."""
    raw = out.with_suffix(".json")
    if not raw.exists():
        raise SystemExit(f"{raw} is missing: run the full `python -m bench.run` first")
    results: dict[str, Any] = json.loads(raw.read_text())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.time()
    run: dict[str, Any] = {"load_before": load_average(), "date": machine()["date"]}
    run["commit"] = commit()
    with throwaway_server() as (settings, status):
        run["neo4j"] = status.version
        print("query latency", flush=True)
        results["queries"] = queries(plan, settings)
    run["load_after"] = load_average()
    run["wall_seconds"] = time.time() - started
    run["rounds"] = plan.rounds
    run["argv"] = "python -m bench.run --only latency" + (" --quick" if plan is QUICK else "")
    results["queries_run"] = run
    write_report(results, out)
    raw.write_text(json.dumps(results, indent=1, default=str))
    print(f"wrote section 4 of {out} in {run['wall_seconds'] / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
