"""The benchmark's own correctness: the synthetic graph has the ontology's shape and the
named queries answer on it; the harness computes what it says. No timing assertions."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from pathlib import Path

import neo4j
import pytest

from bench import corpus, latency, pages, report, synth
from graph import ontology
from graph.queries import get_query, parse_params, run_query
from graph.settings import Settings
from graph.store import Store, fact_key

SIZE = 3_000


@pytest.fixture(scope="module")
def graph() -> synth.SynthGraph:
    return synth.generate(SIZE, seed=3)


def _kinds(g: synth.SynthGraph) -> dict[str, str]:
    kinds = {e["id"]: k for k, rows in g.entities.items() for e in rows}
    kinds.update({c: ontology.CASE for c in g.cases})
    return kinds


def test_size_and_determinism(graph: synth.SynthGraph) -> None:
    assert SIZE <= graph.relationship_count() < SIZE + 100
    again = synth.generate(SIZE, seed=3)
    assert again.counts() == graph.counts()
    assert synth.generate(SIZE, seed=4).counts() != graph.counts()


def test_links_follow_the_ontology(graph: synth.SynthGraph) -> None:
    kinds = _kinds(graph)
    for link in graph.links.values():
        s, t = kinds[link["source"]], kinds[link["target"]]
        if link["type"] in ontology.FACT_PATTERNS:
            assert ontology.fact_allowed(link["type"], s, t), link
        else:
            assert s == ontology.CASE and link["type"] in ontology.CASE_RELATIONSHIPS
        assert link["key"] == fact_key(link["type"], link["source"], link["target"])
        if link["type"] in ontology.SYMMETRIC_FACTS:
            assert link["source"] < link["target"]
    assert set(Counter(x["type"] for x in graph.links.values())) == set(
        ontology.GRAPH_RELATIONSHIPS
    )


def test_provenance_is_consistent(graph: synth.SynthGraph) -> None:
    """articles and evidence_count are what the store would recompute from the Evidence."""
    by_key: dict[str, list[dict]] = {}
    for ev in graph.evidence.values():
        by_key.setdefault(ev["fact_key"], []).append(ev)
    assert set(by_key) == set(graph.links)
    for key, link in graph.links.items():
        assert link["articles"] == sorted({e["article_id"] for e in by_key[key]})
        assert link["evidence_count"] == len(by_key[key])
        for article in link["articles"]:  # whoever a fact involves, its article mentions
            for end in (link["source"], link["target"]):
                assert end in graph.cases or (article, end) in graph.mentions
    mentioned = {e for _, e in graph.mentions}
    assert all(e["id"] in mentioned for rows in graph.entities.values() for e in rows)


def test_degree_is_skewed(graph: synth.SynthGraph) -> None:
    degrees = [graph.degree[e["id"]] for rows in graph.entities.values() for e in rows
               if e["id"] in graph.degree]  # fmt: skip
    hub = graph.top(ontology.AGENCY)[0]
    assert graph.degree[hub["id"]] >= 10 * statistics.median(degrees)


def test_percentile_and_ratio() -> None:
    values = [float(i) for i in range(1, 101)]
    assert latency.percentile(values, 50) == pytest.approx(50.5)
    assert latency.percentile(values, 95) == pytest.approx(95.05)
    ex = {
        "words": {"words": 1000, "articles": 10},
        "workers_1": {
            "bare": {"seconds": 2.0, "load_seconds": 1.0, "peak_rss_mb": 1},
            "casegraph": {"seconds": 1.0, "load_seconds": 1.0, "peak_rss_mb": 1},
        },
    }
    rows, ratios = report.extraction_rows(ex)
    assert ratios == {1: pytest.approx(2.0)} and rows[0][3] == "500"


def test_extraction_ratio_is_that_of_the_median_runs() -> None:
    from bench import run

    runs = [{"seconds": s} for s in (20.0, 30.0, 19.0)]
    assert run._median_run(runs) == {"seconds": 20.0}
    assert run._median_run(runs[:2]) == {"seconds": 20.0}
    ex = {
        "words": {"words": 1000, "articles": 10},
        "workers_1": {
            "bare": {"seconds": 2.0, "load_seconds": 1.0, "peak_rss_mb": 1},
            "casegraph": {"seconds": 1.6, "load_seconds": 1.0, "peak_rss_mb": 1},
            "rounds": {"bare": [2.4, 2.0, 1.9], "casegraph": [1.6, 1.5, 2.5]},
        },
    }
    lines: list[str] = []
    report._extraction({"extraction": ex}, lines, [])
    ratio = next(line for line in lines if line.startswith("- ratio"))
    assert "**1.25x**" in ratio and "bare 2.4 / 2.0 / 1.9; casegraph 1.6 / 1.5 / 2.5" in ratio


def test_corpus_subset_is_round_robin(tmp_path: Path) -> None:
    for office, n in (("b_office", 3), ("a_office", 1)):
        (tmp_path / "text" / office).mkdir(parents=True)
        for i in range(n):
            (tmp_path / "text" / office / f"{i}.txt").write_text("x")
    names = [f"{p.parent.name}/{p.name}" for p in corpus.subset(3, tmp_path)]
    assert names == ["a_office/0.txt", "b_office/0.txt", "b_office/1.txt"]
    assert not corpus.available(tmp_path / "missing")


def _ask(driver: neo4j.Driver, query: str, **params: object) -> list[dict]:
    q = get_query(query)
    return run_query(driver, "neo4j", q, parse_params(q, params), 1000, 60).rows


@pytest.mark.neo4j
def test_loaded_graph_answers_the_named_queries(
    clean_db: neo4j.Driver, settings: Settings, graph: synth.SynthGraph
) -> None:
    synth.load(clean_db, settings.neo4j_database, graph)
    stored = Store(clean_db, settings.neo4j_database).stats()
    counts = graph.counts()
    for rel_type, n in stored["relationships"].items():
        assert n == counts.get(rel_type, 0), rel_type
    assert stored["evidence"] == counts["evidence"] and stored["cases"] == counts["cases"]

    hub = graph.top(ontology.AGENCY)[0]
    profile = _ask(clean_db, "entity_profile", name=hub["name"])
    assert [r["degree"] for r in profile] == [graph.degree[hub["id"]]]
    assert _ask(clean_db, "neighbors", name=hub["name"], depth=2)
    assert _ask(clean_db, "linked_cases", name=hub["name"])
    coop = next(x for x in graph.links.values() if x["type"] == "COOPERATES_WITH")
    names = {e["id"]: e["name"] for rows in graph.entities.values() for e in rows}
    paths = _ask(clean_db, "cooperation_paths", **{
        "from": names[coop["source"]], "to": names[coop["target"]],
    })  # fmt: skip
    assert paths and paths[0]["hops"] == 1
    for anchor in latency.anchors(graph):  # every benchmark anchor resolves to an entity
        if anchor.query == "entity_profile":
            assert _ask(clean_db, "entity_profile", **anchor.params)


@pytest.mark.neo4j
def test_app_pages_are_timed_on_the_synthetic_graph(
    clean_db: neo4j.Driver, settings: Settings, graph: synth.SynthGraph
) -> None:
    synth.load(clean_db, settings.neo4j_database, graph)
    timed = pages.measure(settings, graph, rounds=1, only=("overview", "cases"), per_group=1)
    assert list(timed) == ["overview", "cases", "explore expansion"]
    assert timed["explore expansion"]["runs"] == 2  # a hub and an ordinary entity
    assert all(0 < t["p50_s"] <= t["p95_s"] <= t["max_s"] < 120 for t in timed.values())


def _results(p95: float) -> dict:
    anchor = {"kind": "hub", "params": {"name": "X"}, "degree": 9, "rows": 3, "median_ms": p95}
    latency_ = {"runs": 3, "failed": [], "p50_ms": p95, "p95_ms": p95, "max_ms": p95,
                "anchors": [anchor]}  # fmt: skip
    return {
        "plan": {"rounds": 3}, "commit": "abc", "wall_seconds": 60, "argv": "python -m bench.run",
        "load_before": [1, 1, 1], "load_after": [1, 1, 1],
        "machine": {"cpu": "c", "cores": 2, "ram_gb": 1, "os": "o", "date": "d"},
        "versions": {k: "v" for k in ("python", "spacy", "spacy_model_setting",
                                      "spacy_model_package", "spacy_model_version", "neo4j",
                                      "neo4j_driver", "java")},
        "corpus": {"path": "/nowhere", "available": False},
        "queries": {"1000": {"counts": {"entities": 1, "cases": 1, "articles": 1, "evidence": 1},
                             "stored": {"MENTIONS": 1000}, "generate_seconds": 1.0,
                             "load_seconds": 2.0, "latency": {"neighbors": latency_},
                             "profiles": {},
                             "pages": {"overview": {"runs": 3, "p50_s": 0.4, "p95_s": 0.5,
                                                    "max_s": 0.6}}}},
    }  # fmt: skip


def test_report_states_verdicts_and_only_explains_misses(tmp_path: Path) -> None:
    out = tmp_path / "B.md"
    report.write_report(_results(12.5), out)
    text = out.read_text()
    assert "| neighbors p95 <= 50 ms at 1,000 relationships | 12.5 ms | met |" in text
    assert "corpus was **absent**" in text and "What bounds" not in text
    assert "| overview | 3 | 0.40 | 0.50 | 0.60 |" in text
    assert "| app: overview p95 <= 1 s at 1,000 relationships | 0.50 s | met |" in text
    report.write_report(_results(math.inf), out)
    text = out.read_text()
    assert "| over limit ms | **not met** |" in text and "**neighbors (p95 over limit" in text


def test_a_latency_only_run_is_stamped_apart_from_the_full_run(tmp_path: Path) -> None:
    out = tmp_path / "B.md"
    res = _results(12.5)
    res["queries_run"] = {
        "argv": "python -m bench.run --only latency", "date": "2026-01-02 03:04 UTC",
        "commit": "def", "wall_seconds": 120, "rounds": 5,
        "load_before": [3, 2, 1], "load_after": [4, 3, 2],
    }  # fmt: skip
    report.write_report(res, out)
    text = out.read_text()
    head, section = text.split("## 4. Query latency", 1)
    # The header names both runs; the section carries its own date, commit, load and rounds.
    assert "on d in 1.0 minutes at commit abc" in head and "2026-01-02 03:04 UTC" in head
    assert "at commit def in 2.0 minutes" in section and "[3, 2, 1] / [4, 3, 2]" in section
    assert "5 timed rounds" in section


def test_dask_projection_is_capped_by_the_client_and_says_from_how_many_workers() -> None:
    from bench import distributed

    def row(mode: str, workers: int, write_rate: float, compute: float) -> dict:
        return {"mode": mode, "workers": workers, "articles": 100, "seconds": 20.0,
                "articles_per_s": 5.0, "client_cpu_s": 0.5, "client_cpu_share": 0.025,
                "write_busy_s": 100 / write_rate, "write_articles_per_s": write_rate,
                "relationships_written": 900, "worker_compute_s": compute}  # fmt: skip

    runs = [row("local", 1, 40.0, 0.0), row("dask", 1, 50.0, 10.0), row("dask", 2, 30.0, 10.0)]
    p = distributed.projection(runs)
    # A worker: 100 articles in 10 s of task compute; the writer: the best run, 50/s; the
    # client's CPU: 100 articles per 0.5 s.
    assert (p["per_worker"], p["writer"], p["client_cpu"]) == (10.0, 50.0, 200.0)
    assert p["ceiling_workers"] == 5.0
    assert [(r["workers"], r["articles_per_s"], r["bound"]) for r in p["rows"]] == [
        (8, 50.0, "client"), (32, 50.0, "client"), (128, 50.0, "client")
    ]  # fmt: skip
    assert p["rows"][0]["hours"] == 1_000_000 / 50.0 / 3600
    text = "\n".join(report.distributed_section({"articles": 100, "runs": runs, "projection": p}))
    assert "| dask | 2 | 100 |" in text and "ceiling from about 5 workers on" in text
