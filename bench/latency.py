"""Latency of the named queries on a synthetic graph, through `graph.queries.run_query`.

Anchors mix hubs (the highest-degree platform, agency, jurisdiction and person) and ordinary
entities (drawn with a fixed seed among those with a degree between 2 and the median-ish 20).
Every (query, anchor) runs once to warm up, then `rounds` times in round-robin; p50/p95 are
over all timed runs of a query, hubs and ordinary anchors together.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from bench.synth import SynthGraph
from graph import ontology
from graph.errors import QueryError
from graph.queries import get_query, parse_params, run_query

QUERIES = ("cooperation_paths", "linked_cases", "entity_profile", "neighbors")
ROW_LIMIT = 1000  # the CLI's default CASEGRAPH_ROW_LIMIT
SLOW_MS = 2000.0  # 40x the target: such an anchor counts as over the limit in the percentiles
TIMEOUT = 10.0  # seconds; a run that exceeds it (or the transaction memory) counts as failed


@dataclass(frozen=True)
class Anchor:
    query: str
    label: str  # "hub" or "ordinary"
    params: dict[str, Any]
    degree: int


def _ordinary(g: SynthGraph, kinds: tuple[str, ...], n: int, rng: random.Random) -> list[Any]:
    pool = [e for k in kinds for e in g.entities[k] if 2 <= g.degree.get(e["id"], 0) <= 20]
    pool.sort(key=lambda e: e["id"])
    return rng.sample(pool, min(n, len(pool)))


def anchors(g: SynthGraph, ordinary: int = 6, seed: int = 11) -> list[Anchor]:
    """The anchors of every query (deterministic for a graph)."""
    rng = random.Random(seed)
    hubs = [g.top(k)[0] for k in (ontology.PLATFORM, ontology.AGENCY, ontology.JURISDICTION,
                                  ontology.PERSON)]  # fmt: skip
    plain = _ordinary(g, (ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM,
                          ontology.AGENCY), ordinary, rng)  # fmt: skip
    out: list[Anchor] = []
    for query in ("linked_cases", "entity_profile", "neighbors"):
        extra = {"depth": 2} if query == "neighbors" else {}
        for label, group in (("hub", hubs), ("ordinary", plain)):
            for e in group:
                params = {"name": e["name"], **extra}
                out.append(Anchor(query, label, params, g.degree.get(e["id"], 0)))
    coop = (ontology.AGENCY, ontology.JURISDICTION)
    hub_a, hub_j = g.top(ontology.AGENCY)[0], g.top(ontology.JURISDICTION, 2)
    small = _ordinary(g, coop, 2 * ordinary, rng)
    pairs = [("hub", hub_a, hub_j[0]), ("hub", hub_j[0], hub_j[1])]
    pairs += [("ordinary", small[i], small[i + 1]) for i in range(0, len(small) - 1, 2)]
    for label, a, b in pairs:
        params = {"from": a["name"], "to": b["name"]}
        degree = g.degree.get(a["id"], 0) + g.degree.get(b["id"], 0)
        out.append(Anchor("cooperation_paths", label, params, degree))
    return out


def _once(driver: Any, database: str, anchor: Anchor) -> tuple[float, int | str]:
    """Milliseconds and rows, or the one-line error of a run that failed (timeout, memory)."""
    named = get_query(anchor.query)
    params = parse_params(named, anchor.params)
    t0 = time.perf_counter()
    try:
        result = run_query(driver, database, named, params, row_limit=ROW_LIMIT, timeout=TIMEOUT)
    except QueryError as exc:
        return (time.perf_counter() - t0) * 1000, str(exc).split(";")[0]
    return (time.perf_counter() - t0) * 1000, len(result.rows)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    data = sorted(values)
    if len(data) == 1 or math.isinf(data[-1]):
        # With failed runs (inf) interpolation is meaningless: take the nearest rank.
        return data[min(len(data) - 1, max(0, math.ceil(q / 100 * len(data)) - 1))]
    return statistics.quantiles(data, n=100, method="inclusive")[int(q) - 1]


def measure(driver: Any, database: str, g: SynthGraph, rounds: int = 5) -> dict[str, Any]:
    """p50/p95/max per query, and per anchor its median, rows and degree."""
    chosen = anchors(g)
    rows: dict[int, int | str] = {}
    for i, anchor in enumerate(chosen):  # warm-up: plans cached, pages in the page cache
        ms, rows[i] = _once(driver, database, anchor)
        if ms > SLOW_MS and not isinstance(rows[i], str):
            # The first run of a query on a fresh server also plans it (seconds for the long
            # ones): only a second slow run marks the anchor as too slow.
            ms, rows[i] = _once(driver, database, anchor)
        if ms > SLOW_MS and not isinstance(rows[i], str):
            rows[i] = f"over {SLOW_MS / 1000:g} s in the warm-up ({ms / 1000:.1f} s), not repeated"
    times: dict[int, list[float]] = {i: [] for i in range(len(chosen))}
    for _ in range(rounds):
        for i, anchor in enumerate(chosen):
            if isinstance(rows[i], str):
                continue  # failed or far too slow in the warm-up: rerunning only costs time
            ms, n = _once(driver, database, anchor)
            times[i].append(ms)
            rows[i] = n
    out: dict[str, Any] = {}
    for query in QUERIES:
        idx = [i for i, a in enumerate(chosen) if a.query == query]
        # A failed anchor counts as `rounds` runs of infinite latency in the percentiles.
        all_ms = [t for i in idx for t in times[i]]
        all_ms += [math.inf] * rounds * sum(1 for i in idx if isinstance(rows[i], str))
        out[query] = {
            "runs": len(all_ms),
            "failed": [chosen[i].params for i in idx if isinstance(rows[i], str)],
            "p50_ms": percentile(all_ms, 50),
            "p95_ms": percentile(all_ms, 95),
            "max_ms": max(all_ms),
            "anchors": [
                {
                    "kind": chosen[i].label,
                    "params": chosen[i].params,
                    "degree": chosen[i].degree,
                    "rows": rows[i],
                    "median_ms": statistics.median(times[i]) if times[i] else math.inf,
                }
                for i in idx
            ],
        }
    return out


def profile(driver: Any, database: str, anchor: Anchor) -> str:
    """PROFILE of one run: the plan's operators with rows and db hits, as text."""
    named = get_query(anchor.query)
    params = parse_params(named, anchor.params)
    from graph.queries import bind_params

    try:
        with driver.session(database=database) as session:
            result = session.run("PROFILE " + named.render(params), bind_params(named, params))
            list(result)  # the profile exists only once every row was produced
            summary = result.consume()
    except Exception as exc:
        return f"(PROFILE failed: {str(exc).splitlines()[0][:300]})"
    plan = summary.profile
    return _plan_text(plan) if plan else "(no profile)"


def _plan_text(plan: dict[str, Any], depth: int = 0) -> str:
    args = plan.get("args", {})
    line = (
        f"{'  ' * depth}{plan.get('operatorType', '?')}  rows={plan.get('rows', 0)} "
        f"dbHits={plan.get('dbHits', 0)}  {str(args.get('Details', ''))[:110]}"
    )
    return "\n".join([line, *(_plan_text(c, depth + 1) for c in plan.get("children", []))])
