"""docs/BENCHMARKS.md from the results of one `python -m bench.run`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bench import corpus, latency, pages, synth

TARGET_RATIO = 1.2
TARGET_WRITE_SHARE = 0.15
TARGET_REINGEST = 50.0
TARGET_P95_MS = 50.0
PROJECTED_ARTICLES = 1_000_000


def _n(x: float, digits: int = 0) -> str:
    return "over limit" if math.isinf(x) else f"{x:,.{digits}f}"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _ok(met: bool) -> str:
    return "met" if met else "**not met**"


def extraction_rows(ex: dict[str, Any]) -> tuple[list[list[Any]], dict[int, float]]:
    words, articles = ex["words"]["words"], ex["words"]["articles"]
    rows, ratios = [], {}
    for key, runs in sorted((k, v) for k, v in ex.items() if k.startswith("workers_")):
        workers = int(key.split("_")[1])
        speeds = {}
        for mode in ("bare", "casegraph"):
            r = runs[mode]
            speeds[mode] = words / r["seconds"]
            rows.append([
                workers, "bare spaCy `nlp.pipe`" if mode == "bare" else "casegraph extract",
                _n(r["seconds"], 1), _n(words / r["seconds"]), _n(articles / r["seconds"], 1),
                _n(r["read_seconds"], 1) if "read_seconds" in r else "-",
                _n(r["rules_seconds"], 1) if "rules_seconds" in r else "-",
                _n(r["load_seconds"], 1), _n(r["peak_rss_mb"]),
            ])  # fmt: skip
        ratios[workers] = speeds["casegraph"] / speeds["bare"]
    return rows, ratios


def _extraction(res: dict[str, Any], lines: list[str], verdicts: list[list[str]]) -> None:
    ex = res["extraction"]
    rows, ratios = extraction_rows(ex)
    lines += [
        "## 1. Extraction throughput",
        "",
        f"{ex['words']['articles']} articles, {_n(ex['words']['words'])} words (cleaned text, "
        "`str.split`). casegraph = read + clean (`ingest.sources`) + `Extractor.extract` + one "
        "JSON line per article, the code path of `casegraph extract`; bare = "
        "`spacy.load(model)` with every component, `nlp.pipe(texts, n_process=N, "
        "batch_size=32)` on the already cleaned texts (reading and cleaning are free for it), "
        "multiplying with thinc's default BLIS kernels; casegraph's pipeline multiplies with "
        "numpy's BLAS on one thread per process (`ingest/nlp.py`), and the per-step table "
        "below shows what each step costs on each side. "
        "Each run is its own process; model loading is timed apart and not in the rate. "
        "The two sides run alternately, several times on a full run; the table shows each "
        "side's median run and the ratio is that of the medians. "
        "'rules' is casegraph's work after spaCy (`Extractor.extract_doc`: mentions, "
        "resolution, relations, cases), timed in the main process; with 2 processes the "
        "rules run inside the worker processes, so it reads 0 there and is part of the "
        "seconds.",
        "",
        *_table(
            [
                "processes",
                "pipeline",
                "seconds",
                "words/s",
                "articles/s",
                "of which read+clean s",
                "of which rules s",
                "load s",
                "peak RSS MB (main)",
            ],
            rows,
        ),
    ]
    for workers, ratio in sorted(ratios.items()):
        lines.append(f"- ratio casegraph / bare, {workers} process(es): **{ratio:.2f}x**")
        rounds = ex[f"workers_{workers}"].get("rounds")
        if rounds and len(rounds["bare"]) > 1:
            lines[-1] += (
                f" (the median of {len(rounds['bare'])} alternating runs of each side, seconds: "
                + "; ".join(
                    f"{mode} {' / '.join(_n(x, 1) for x in rounds[mode])}" for mode in rounds
                )
                + ")"
            )
        verdicts.append([f"extraction >= {TARGET_RATIO}x bare spaCy, {workers} process(es)",
                         f"{ratio:.2f}x", _ok(ratio >= TARGET_RATIO)])  # fmt: skip
    lines.append("")
    comp = ex.get("components")
    if comp:
        names = list(dict.fromkeys([*comp["bare"], *comp["casegraph"]]))
        lines += [f"Seconds per pipeline step, each run on its own over the {comp['articles']} "
                  "articles (1 process, batches of 32, after a warm-up batch); a blank cell is "
                  "a step that pipeline does not have:", ""]  # fmt: skip
        rows = [[f"`{n}`", _n(comp["bare"][n], 2) if n in comp["bare"] else "",
                 _n(comp["casegraph"][n], 2) if n in comp["casegraph"] else ""]
                for n in names]  # fmt: skip
        rows.append(["total (casegraph: with its rules)", _n(sum(comp["bare"].values()), 2),
                     _n(sum(comp["casegraph"].values()), 2)])  # fmt: skip
        lines += _table(["step", "bare spaCy s", "casegraph s"], rows)
    prof = ex.get("profile")
    if prof:
        lines += [f"Where the casegraph extraction spends its time (cProfile, 1 process, first "
                  f"{prof['articles']} articles, {prof['seconds']:.1f} s under the profiler; "
                  "the profiler's per-call cost inflates Python-heavy code such as token "
                  "iteration, so the shares of casegraph's own functions are upper bounds):",
                  ""]  # fmt: skip
        rows = [[f"`{r['function']}`", r["calls"], _n(r["cumulative_s"], 2), _n(r["own_s"], 2),
                 f"{r['share']:.0%}"] for r in prof["top"]]  # fmt: skip
        lines += _table(["function", "calls", "cumulative s", "own s", "share"], rows)


def write_share(phases: dict[str, float]) -> float:
    """The share of the ingest's wall time spent waiting for writes (its critical path)."""
    # Reports measured before the writer thread had no "write_wait": writes were synchronous.
    waited = phases.get("write_wait", phases["write"])
    return waited / phases["total"] if phases["total"] else 0.0


def _ingest(res: dict[str, Any], lines: list[str], verdicts: list[list[str]]) -> None:
    ing = res["ingest"]
    lines += [
        "## 2. Ingest breakdown",
        "",
        f"`graph.ingestion.run_ingest` (the code path of `casegraph ingest`), "
        f"{res['plan']['ingest_workers']} NLP processes, batch size 200, into an emptied "
        "database with the schema. read+clean = `ingest.sources`; resolution = everything "
        "after the spaCy pipeline (`Extractor.extract_doc`: mentions, resolution, relations, "
        "cases); NLP = the rest of the extract loop (spaCy, including waiting for its worker "
        "processes). Writes run in a writer thread while the NLP extracts the next batch: "
        "write busy = the time `Store.write` ran (overlapping the NLP), write wait = the time "
        "the ingest stood still waiting for the writer (a full hand-over queue, and the last "
        "batch). The write share is write wait / total: the part of the wall time that writing "
        "costs; the busy share is given beside it. Relationships/s = relationships created "
        "(driver counters) / write busy seconds.",
        "",
    ]
    rows = []
    for n, data in ing.items():
        f, p = data["first"], data["first"]["phases"]
        art = f["summary"]["articles"]
        share = write_share(p)
        busy = p["write"] / p["total"] if p["total"] else 0.0
        rate = f["relationships_written"] / p["write"] if p["write"] else 0.0
        rows.append([
            n, art["new"], art["skipped"], _n(p["total"], 1), _n(p["read_clean"], 1),
            _n(p["nlp"], 1), _n(p["resolution"], 1), _n(p.get("write_wait", p["write"]), 1),
            f"{share:.1%}", _n(p["write"], 1), f"{busy:.1%}", _n(f["relationships_written"]),
            _n(rate),
        ])  # fmt: skip
        verdicts.append([f"write phase <= 15% of ingest ({n} articles)", f"{share:.1%}",
                         _ok(share <= TARGET_WRITE_SHARE)])  # fmt: skip
    errors = sorted({e for d in ing.values() for e in d["first"].get("extraction_errors", [])})
    if errors:
        lines += [f"The extraction raised on {len(errors)} article(s); the benchmark wrapper "
                  "passed them on with no entities (in `casegraph ingest` the exception ends "
                  "the run, and with NLP workers the run hangs instead):", ""]  # fmt: skip
        lines += [f"- `{e[:300]}`" for e in errors] + [""]
    lines += _table(["articles", "new", "duplicates", "total s", "read+clean s", "NLP s",
                     "resolution s", "write wait s", "write share", "write busy s",
                     "busy share", "relationships", "relationships/s"], rows)  # fmt: skip
    _reingest(ing, lines, verdicts)
    _memory(ing, lines)


def _reingest(ing: dict[str, Any], lines: list[str], verdicts: list[list[str]]) -> None:
    lines += ["## 3. Unchanged re-ingest", "",
              "The same files again, into the graph the first ingest wrote (a new process).", ""]  # fmt: skip
    rows = []
    for n, data in ing.items():
        first, again = data["first"]["phases"]["total"], data["again"]["phases"]["total"]
        speedup = first / again if again else float("inf")
        a = data["again"]
        rows.append([n, _n(first, 1), _n(again, 2), f"{speedup:,.0f}x",
                     a["summary"]["articles"]["skipped"], a["summary"]["articles"]["new"],
                     "yes" if a["extractor_loaded"] else "no",
                     "yes" if a["spacy_imported"] else "no"])  # fmt: skip
        verdicts.append([f"unchanged re-ingest >= 50x faster ({n} articles)",
                         f"{speedup:,.0f}x", _ok(speedup >= TARGET_REINGEST)])  # fmt: skip
    lines += _table(["articles", "first ingest s", "re-ingest s", "speed-up", "skipped", "new",
                     "Extractor built", "spaCy imported"], rows)  # fmt: skip


def _memory(ing: dict[str, Any], lines: list[str]) -> None:
    lines += ["## 5. Memory", "",
              "Peak RSS of the ingest process (`ru_maxrss`) and the peak of the sum over it "
              "and its NLP worker processes (psutil, polled every 50 ms).", ""]  # fmt: skip
    rows = [[n, _n(d["first"]["peak_rss_mb"]), _n(d["first"]["peak_rss_with_workers_mb"])]
            for n, d in ing.items()]  # fmt: skip
    lines += _table(["articles", "peak RSS MB (main)", "peak RSS MB (main + workers)"], rows)
    peaks = [d["first"]["peak_rss_with_workers_mb"] for d in ing.values()]
    if peaks:
        spread = (max(peaks) - min(peaks)) / min(peaks)
        lines += [f"Spread between the smallest and the largest run: {spread:.1%}.", ""]


def _separate_run(res: dict[str, Any]) -> list[str]:
    """The stamp of a latency-only run (`bench.run --only latency`), if this section is one."""
    run = res.get("queries_run")
    if not run:
        return []
    return [
        f"**Measured by a separate run**, `{run['argv']}`, on {run['date']} at commit "
        f"{run['commit']} in {run['wall_seconds'] / 60:.1f} minutes; load average (1/5/15 "
        f"min) before / after: {run['load_before']} / {run['load_after']} on "
        f"{res['machine']['cores']} cores shared with other engineers' work. The other "
        "sections are from the full run dated at the top; no number of this section comes "
        "from that run.",
        "",
    ]


def _queries(res: dict[str, Any], lines: list[str], verdicts: list[list[str]]) -> None:
    rounds = res.get("queries_run", {}).get("rounds", res["plan"]["rounds"])
    lines += [
        "## 4. Query latency on synthetic graphs",
        "",
        *_separate_run(res),
        "`bench/synth.py` generates articles with Zipf-drawn casts (s = "
        f"{synth.ZIPF_S}) and loads them with the real schema (`Store.init_schema`) through "
        f"UNWIND batches of {synth.CHUNK:,} rows with CREATE in auto-commit `CALL {{}} IN "
        f"TRANSACTIONS OF {synth.TX_ROWS:,} ROWS`. Queries run through "
        "`graph.queries.run_query` (read transaction, row limit 1,000, as the CLI), after one "
        f"warm-up run of every (query, anchor) (two if the first took over "
        f"{latency.SLOW_MS / 1000:g} s: a fresh server also plans the query), {rounds} timed rounds. Anchors: "
        "the highest-degree platform, agency, jurisdiction and person (hubs) and 6 ordinary "
        "entities of degree 2-20; cooperation_paths: 2 hub pairs and 6 ordinary agency/"
        "jurisdiction pairs. neighbors runs with depth 2 and its default `limit` (200 "
        "neighbours), linked_cases with its default `cases` (25); the rows column shows what "
        "came back.",
        "",
    ]
    rows = []
    for size, data in res["queries"].items():
        c = data["counts"]
        rows.append([_n(int(size)), _n(sum(data["stored"].values())), _n(c["entities"]),
                     _n(c["cases"]), _n(c["articles"]), _n(c["evidence"]),
                     _n(data["generate_seconds"], 1), _n(data["load_seconds"], 1),
                     _n(sum(data["stored"].values()) / data["load_seconds"])])  # fmt: skip
    lines += _table(["target rels", "stored rels", "entities", "cases", "articles", "evidence",
                     "generate s", "load s", "loaded rels/s"], rows)  # fmt: skip
    rows = []
    for size, data in res["queries"].items():
        for q, d in data["latency"].items():
            rows.append([_n(int(size)), q, d["runs"], _n(d["p50_ms"], 1), _n(d["p95_ms"], 1),
                         _n(d["max_ms"], 1)])  # fmt: skip
    lines += _table(["relationships", "query", "runs", "p50 ms", "p95 ms", "max ms"], rows)
    largest = list(res["queries"])[-1]
    for q, d in res["queries"][largest]["latency"].items():
        verdicts.append([f"{q} p95 <= 50 ms at {_n(int(largest))} relationships",
                         f"{_n(d['p95_ms'], 1)} ms", _ok(d["p95_ms"] <= TARGET_P95_MS)])  # fmt: skip
    lines += [f"Per anchor at {_n(int(largest))} relationships (median of the timed runs):", ""]
    rows = []
    for q, d in res["queries"][largest]["latency"].items():
        for a in d["anchors"]:
            name = " -> ".join(str(v) for k, v in a["params"].items() if k != "depth")
            rows.append([q, a["kind"], name, a["degree"], a["rows"], _n(a["median_ms"], 1)])
    lines += _table(["query", "anchor", "name", "degree", "rows", "median ms"], rows)
    for q, d in res["queries"][largest]["latency"].items():
        for a in d["anchors"]:
            if isinstance(a["rows"], str):
                lines += [f"- {q} {a['params']}: {a['rows']} (limits: "
                          f"{latency.TIMEOUT:g} s, transaction memory 256 MiB)"]  # fmt: skip
    lines.append("")
    for q, text in res["queries"][largest].get("profiles", {}).items():
        lines += [f"PROFILE of the slowest {q} anchor:", "", "```", text, "```", ""]
    _pages(res["queries"][largest].get("pages") or {}, largest, lines, verdicts)


def _pages(data: dict[str, Any], size: str, lines: list[str], verdicts: list[list[str]]) -> None:
    """The app's pages on the largest synthetic graph (bench/pages.py)."""
    if not data:
        return
    lines += [
        f"App pages at {_n(int(size))} relationships, server side (Streamlit AppTest, "
        "bench/pages.py): each page's first render in a new session with the app's caches "
        "cleared, and an Explore expansion (an entity searched and its neighbourhood drawn; "
        "4 hubs and 4 ordinary entities), after one untimed warm-up; the browser's drawing "
        "is not included.",
        "",
    ]
    rows = [[name, d["runs"], _n(d["p50_s"], 2), _n(d["p95_s"], 2), _n(d["max_s"], 2)]
            for name, d in data.items()]  # fmt: skip
    lines += _table(["page", "runs", "p50 s", "p95 s", "max s"], rows)
    for name, d in data.items():
        verdicts.append([f"app: {name} p95 <= {pages.TARGET_S:g} s at {_n(int(size))} "
                         "relationships", f"{_n(d['p95_s'], 2)} s",
                         _ok(d["p95_s"] <= pages.TARGET_S)])  # fmt: skip


def write_report(res: dict[str, Any], out: Path) -> None:
    m, v = res["machine"], res["versions"]
    verdicts: list[list[str]] = []
    body: list[str] = []
    if "extraction" in res:
        _extraction(res, body, verdicts)
        _ingest(res, body, verdicts)
    else:
        body += ["## 1-3, 5. Extraction, ingest, memory", "",
                 f"**Not measured: the corpus was not found at {res['corpus']['path']}** "
                 "(set CASEGRAPH_BENCH_CORPUS to its folder).", ""]  # fmt: skip
    _queries(res, body, verdicts)
    body += [
        "## 6. Progress",
        "",
        "Not a timing: `tests/test_progress.py` runs `casegraph extract` and `casegraph ingest` "
        "on a pseudo-terminal and sees the rich bar with articles/s, and sees none with "
        "`--json` on the same terminal or with stdout on a pipe.",
        "",
    ]
    if "distributed" in res:
        body += distributed_section(res["distributed"])
    body += _bounds(res)
    lines = [
        "# casegraph benchmarks",
        "",
        f"Generated by `make bench` (`{res['argv']}`) on {m['date']} in "
        f"{res['wall_seconds'] / 60:.1f} minutes at commit {res.get('commit', 'unknown')}. "
        + (
            "Every number below was measured by that run, except section 4 (query latency), "
            f"re-measured on its own on {res['queries_run']['date']} at commit "
            f"{res['queries_run']['commit']} (stamped there)."
            if "queries_run" in res
            else "Every number below was measured by that run."
        ),
        "",
        "## Machine and versions",
        "",
        *_table(
            ["", ""],
            [
                ["CPU", m["cpu"]],
                ["cores", m["cores"]],
                ["RAM", f"{m['ram_gb']} GB"],
                ["OS", m["os"]],
                ["Python", v["python"]],
                ["spaCy", v["spacy"]],
                [
                    "model",
                    f"{v['spacy_model_package']} ({v['spacy_model_version']}); setting "
                    f"CASEGRAPH_SPACY_MODEL={v['spacy_model_setting']}",
                ],
                ["Neo4j", f"{v['neo4j']} (throwaway server, heap 1g, page cache 512m)"],
                ["neo4j driver", v["neo4j_driver"]],
                ["Java", v["java"]],
                [
                    "load average (1/5/15 min) before / after",
                    f"{res['load_before']} / {res['load_after']}",
                ],
            ],
        ),
        f"Other load: the machine has {m['cores']} cores shared with other engineers' work; "
        "the load averages above show how busy it was (a load above the core count means "
        "the benchmark shared the CPUs, which slows every timing, both sides of a ratio alike).",
        "",
        "## Targets",
        "",
        *_table(["target", "measured", "verdict"], verdicts),
        "## Inputs",
        "",
        _corpus_line(res),
        "",
        *body,
        "## Rerun",
        "",
        "`make bench` (or `.venv/bin/python -m bench.run`); `python -m bench.run --quick --out "
        "/tmp/b.md` checks the harness in a few minutes. The corpus folder can be moved with "
        "CASEGRAPH_BENCH_CORPUS. Raw results: `docs/BENCHMARKS.json`. The benchmark starts its "
        "own Neo4j in a temporary directory on free ports and stops it at the end.",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")


def _corpus_line(res: dict[str, Any]) -> str:
    if not res["corpus"]["available"]:
        return f"The corpus was **absent** ({res['corpus']['path']}): only synthetic graphs ran."
    plan = res["plan"]
    biggest = max([plan["extract_articles"], *plan["ingest_sizes"]])
    offices = corpus.describe(corpus.subset(biggest))
    return (
        f"County prosecutor releases from `{res['corpus']['path']}` (not in the repository): "
        "per office, files sorted by name, taken round-robin over the offices in alphabetical "
        f"order; the first N of that order. The {biggest} files used come from: "
        + ", ".join(f"{k} {v}" for k, v in offices.items())
        + f". Extraction uses the first {plan['extract_articles']}."
    )


def _bounds(res: dict[str, Any]) -> list[str]:
    """What bounds the targets that were missed, from this run's profiles (see the sections)."""
    from bench.findings import bounds

    return bounds(res)


def distributed_section(d: dict[str, Any]) -> list[str]:
    """Section 7: ingest with extraction on Dask against the local pool, and the projection."""
    p = d["projection"]
    lines = [
        "## 7. Extraction on a Dask cluster",
        "",
        f"The same {d['articles']} articles ingested into an emptied database with the local "
        "process pool (`--workers N`) and with a Dask cluster on this machine (`dask scheduler` "
        "plus `dask worker --nworkers N --nthreads 1`, `--scheduler`), models loaded before the "
        "clock starts. Client CPU = user + system CPU of the ingesting process (reading, the "
        "content-hash skip, handing out chunks, receiving records, the writer thread) over the "
        "wall time (local pool: with 1 worker the NLP runs in the client itself, with 2 its "
        "child processes are not counted). Writer = "
        "articles per second of write busy time. On this machine the workers, the client and "
        "Neo4j share the same cores, so the 2-worker rows are bounded by the cores, not by Dask.",
        "",
    ]
    rows = [
        [r["mode"], r["workers"], r["articles"], _n(r["seconds"], 1), _n(r["articles_per_s"], 1),
         f"{r['client_cpu_share']:.0%}", _n(r["write_articles_per_s"], 1)]
        for r in d["runs"]
    ]  # fmt: skip
    lines += _table(["extraction", "workers", "articles", "wall s", "articles/s",
                     "client CPU", "writer articles/s"], rows)  # fmt: skip
    lines += [
        f"Projection for {PROJECTED_ARTICLES:,} articles: each worker extracts at the rate "
        f"measured in the 1-worker Dask run ({p['per_worker']:.1f} articles per second of task "
        "compute, Dask's task stream; one core each), until the client's ceiling of "
        f"{p['ceiling']:.0f} articles/s, the lower of the writer (best run: "
        f"{p['writer']:.0f} articles per second of write busy time) and the client's CPU "
        f"({p['client_cpu']:.0f} articles per CPU second). The writer rate is measured on a small, "
        "young graph and a Neo4j sharing this machine's cores; network latency, scheduler "
        "overhead at scale and a graph of millions of nodes are not in it.",
        "",
    ]
    lines += _table(
        ["workers", "articles/s", "hours for 1M", "bound by"],
        [[r["workers"], _n(r["articles_per_s"], 0), _n(r["hours"], 1), r["bound"]]
         for r in p["rows"]],
    )  # fmt: skip
    w = p["ceiling_workers"]
    if w < max(r["workers"] for r in p["rows"]):
        lines += [
            f"The single client is the ceiling from about {w:.0f} workers on. What would lift "
            "it: for the first bulk load, workers write CSV and `neo4j-admin database import` "
            "loads it offline (no transactions); for incremental loads, several clients each "
            "ingesting a disjoint part of the corpus against the same cluster (writes are "
            "idempotent MERGEs, but concurrent writers of the same hub entities contend on "
            "their locks), and larger write batches.",
            "",
        ]
    return lines
