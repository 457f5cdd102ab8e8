"""Ingest with extraction on Dask against the local pool, and what it means for 1M articles.

    python -m bench.distributed --quick          # 20 articles, own Neo4j, prints the section
    python -m bench.distributed run LIST --mode dask --workers 2   # one measured ingest

A Dask run starts a real cluster on this machine the way docs/SCALE.md does on many: a
`dask scheduler` process and `dask worker --nworkers N --nthreads 1` (nanny processes), so the
client's CPU is the client's alone (a LocalCluster would run the scheduler inside it). In both
modes the extractor is built (models loaded; on Dask: in every worker, by the plugin) before the
clock starts: the rates are the steady state, as for a long backfill.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = {"full": 300, "quick": 20}
RUNS = (("local", 1), ("dask", 1), ("local", 2), ("dask", 2))
PROJECTED = 1_000_000
PROJECTED_WORKERS = (8, 32, 128)


@contextlib.contextmanager
def dask_cluster(workers: int, tmp: Path) -> Iterator[str]:
    """A scheduler and `workers` worker processes on this machine; the scheduler's address."""
    file = tmp / "scheduler.json"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT, "env": env}
    procs = [
        subprocess.Popen(
            [bin_dir / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(file)], **quiet,
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not file.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start within 60 s")
            time.sleep(0.2)
        procs.append(
            subprocess.Popen(
                [bin_dir / "dask", "worker", "--scheduler-file", str(file), "--nworkers",
                 str(workers), "--nthreads", "1", "--no-dashboard"], **quiet,
            )
        )  # fmt: skip
        yield str(json.loads(file.read_text())["address"])
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def run(paths: list[str], mode: str, workers: int, batch_size: int) -> dict[str, Any]:
    """One ingest of `paths` into the Neo4j of the environment (emptied by the caller)."""
    from bench.ingestion import CountingStore
    from graph.connection import open_driver
    from graph.ingestion import run_ingest
    from graph.settings import load_settings
    from graph.store import Store
    from ingest.sources import CorpusFields

    settings = load_settings()
    models = {
        "model": settings.spacy_model,
        "kinds_model": settings.kinds_model,
        "facts_model": settings.facts_model,
    }
    with contextlib.ExitStack() as stack:
        extractor: Any
        if mode == "dask":
            from ingest.distributed import DaskExtractor

            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            address = stack.enter_context(dask_cluster(workers, tmp))
            from distributed import Client

            with Client(address, set_as_default=False) as client:
                client.wait_for_workers(workers, timeout=120)
            # Registering the plugin waits until every worker has loaded the pipeline.
            extractor = DaskExtractor(address, **models)
        else:
            from ingest.pipeline import Extractor

            extractor = Extractor(workers=workers, **models)
        driver = stack.enter_context(open_driver(settings))
        store = CountingStore(Store(driver, settings.neo4j_database, batch_size=batch_size))
        tasks = stack.enter_context(_task_stream(extractor))
        cpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        summary = run_ingest(
            paths, store=store, extractor_factory=lambda: extractor, fields=CorpusFields(),
            batch_size=batch_size,
        )  # fmt: skip
        wall, cpu1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
        stack.close()
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    new, write = summary.new, summary.seconds["write"]
    return {
        "mode": mode,
        "workers": workers,
        "articles": new,
        "failed": summary.failed,
        "seconds": wall,
        "articles_per_s": new / wall if wall else 0.0,
        "client_cpu_s": cpu,
        "client_cpu_share": cpu / wall if wall else 0.0,
        "write_busy_s": write,
        "write_articles_per_s": new / write if write else 0.0,
        "relationships_written": store.relationships,
        # Seconds the workers spent computing extraction tasks (Dask's task stream).
        "worker_compute_s": sum(tasks),
    }


@contextlib.contextmanager
def _task_stream(extractor: Any) -> Iterator[list[float]]:
    """The compute seconds of every extraction task run meanwhile (Dask only; else empty)."""
    seconds: list[float] = []
    if not hasattr(extractor, "scheduler"):
        yield seconds
        return
    from distributed import Client, get_task_stream

    with Client(extractor.scheduler, set_as_default=False) as client:
        with get_task_stream(client=client) as stream:
            yield seconds
        for task in stream.data:
            if str(task.get("key", "")).find("casegraph-extract") >= 0:
                seconds += [
                    x["stop"] - x["start"] for x in task["startstops"] if x["action"] == "compute"
                ]


def measure(n: int, settings: Any, tmp: Path, child: Any, warm_up: bool = False) -> dict[str, Any]:
    """The four runs of RUNS on the first `n` bench articles, each into an emptied database
    (after an unreported one with `warm_up`, for a Neo4j that has not written yet)."""
    import neo4j

    from bench import corpus
    from bench.server import child_env
    from graph.store import Store

    paths = corpus.subset(n)
    listing = tmp / "distributed.txt"
    listing.write_text("\n".join(str(p) for p in paths) + "\n", encoding="utf-8")
    out: dict[str, Any] = {"articles": len(paths), "runs": []}
    auth = (settings.neo4j_user, settings.password() or "")
    with neo4j.GraphDatabase.driver(settings.uri, auth=auth) as driver:
        store = Store(driver, settings.neo4j_database)
        store.init_schema()
        for mode, workers in ([("local", 2)] if warm_up else []) + list(RUNS):
            store.reset()
            args = ["run", str(listing), "--mode", mode, "--workers", str(workers)]
            result = child("bench.distributed", args, child_env(settings))
            print(f"  {mode} x{workers}: {result['articles_per_s']:.1f} articles/s", flush=True)
            out["runs"].append(result)
        store.reset()
    if warm_up:  # the first writes into a fresh server pay for query planning and JIT
        out["warm_up"] = out["runs"].pop(0)
    out["projection"] = projection(out["runs"])
    return out


def projection(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Wall time of PROJECTED articles on 8/32/128 workers: the workers' rate (a worker's
    measured extraction rate times the workers) until the client's ceiling, the lower of the writer's rate
    (articles per second of write busy time, the best run) and the client's CPU rate (articles per second
    of client CPU, reading, hashing and writing included)."""
    one = next(r for r in runs if r["mode"] == "dask" and r["workers"] == 1)
    dask = [r for r in runs if r["mode"] == "dask"]
    # A worker's rate is what it extracts per second of task compute: the wall time of a short
    # run is also the client's and the writer's.
    per_worker = one["articles"] / one["worker_compute_s"] if one["worker_compute_s"] else 0.0
    writer = max(r["write_articles_per_s"] for r in runs)
    client = min(r["articles"] / r["client_cpu_s"] for r in dask if r["client_cpu_s"])
    ceiling = min(writer, client)
    rows = []
    for w in PROJECTED_WORKERS:
        rate = min(w * per_worker, ceiling)
        rows.append({"workers": w, "articles_per_s": rate, "hours": PROJECTED / rate / 3600,
                     "bound": "workers" if w * per_worker < ceiling else "client"})  # fmt: skip
    return {
        "per_worker": per_worker,
        "writer": writer,
        "client_cpu": client,
        "ceiling": ceiling,
        "ceiling_workers": ceiling / per_worker if per_worker else 0.0,
        "rows": rows,
    }


def _child(module: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False, timeout=1800,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("run", help="one measured ingest (prints one JSON line)")
    one.add_argument("list_file", type=Path)
    one.add_argument("--mode", choices=["local", "dask"], required=True)
    one.add_argument("--workers", type=int, default=1)
    one.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help=f"{ARTICLES['quick']} articles")
    args = parser.parse_args(argv)
    if args.command == "run":
        paths = [p for p in args.list_file.read_text(encoding="utf-8").split("\n") if p]
        sys.stdout.write(json.dumps(run(paths, args.mode, args.workers, args.batch_size)) + "\n")
        return
    from bench.report import distributed_section
    from bench.server import throwaway_server

    with tempfile.TemporaryDirectory() as tmp, throwaway_server() as (settings, _):
        n = ARTICLES["quick" if args.quick else "full"]
        result = measure(n, settings, Path(tmp), _child, warm_up=True)
    sys.stdout.write(json.dumps(result) + "\n\n" + "\n".join(distributed_section(result)) + "\n")


if __name__ == "__main__":
    main()
