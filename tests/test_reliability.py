"""Crash safety and concurrency of `casegraph ingest`, run as real processes on a real Neo4j.

The corpus is short articles cut from the public-domain DOJ press releases in data/sample
(the first sentences of each release, one .txt file per article). The reference for every
comparison is `graph.store.dump` after one clean run into an empty database, made in this
process by `graph.ingestion.run_ingest` with the session's loaded pipeline (what `casegraph
ingest` runs, without one more process loading spaCy); the runs under test are the command's.
"""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.settings import Settings
from graph.store import dump
from ingest.records import Article
from ingest.sources import read_sources
from tests.conftest import delete_all

ROOT = Path(__file__).resolve().parent.parent
DOJ = ROOT / "data" / "sample" / "doj_press.csv"
ARTICLE_CHARS = 700  # short articles keep the NLP cheap; the DOJ releases run to pages

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


# --------------------------------------------------------------------------- helpers (shared)


@functools.cache
def _doj_articles() -> tuple[Article, ...]:
    return tuple(a for a in read_sources([DOJ]) if isinstance(a, Article))


def short_texts(count: int) -> list[str]:
    """The opening sentences (up to ARTICLE_CHARS) of the first `count` DOJ releases."""
    texts = []
    for article in _doj_articles()[:count]:
        text = ""
        for sentence in re.split(r"(?<=[.!?])\s+", article.text):
            if text and len(text) + len(sentence) > ARTICLE_CHARS:
                break
            text = f"{text} {sentence}".strip()
        texts.append(text)
    assert len(set(texts)) == count, "the corpus needs distinct articles"
    return texts


def write_corpus(folder: Path, count: int) -> list[Path]:
    """`count` one-article .txt files in `folder`, in a stable order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(short_texts(count)):
        path = folder / f"doj-{i:03d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def cli_env(server: Settings) -> dict[str, str]:
    """The environment of a `casegraph` process using the local server of `server`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "CASEGRAPH_"))}
    env.update(
        CASEGRAPH_HOME=str(server.home),
        CASEGRAPH_CACHE=str(server.cache_dir),
        CASEGRAPH_BOLT_PORT=str(server.bolt_port),
        CASEGRAPH_HTTP_PORT=str(server.http_port),
    )
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "graph.cli", *args]


def run_cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli(*args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def ingest_ok(paths: list[Path], env: dict[str, str], *extra: str) -> dict[str, Any]:
    """Run `casegraph ingest --json`; it must succeed; returns the summary."""
    proc = run_cli("ingest", *map(str, paths), "--json", *extra, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def count_articles(driver: neo4j.Driver, database: str = "neo4j") -> int:
    records, _, _ = driver.execute_query(
        "MATCH (a:Article) RETURN count(a) AS n", database_=database
    )
    return int(records[0]["n"])


ARTICLE_FACTS = """
MATCH (a:Article)
RETURN a.id AS id,
       COLLECT { MATCH (a)-[m:MENTIONS]->(e) RETURN [e.id, m.count] AS x ORDER BY x } AS mentions,
       COLLECT { MATCH (e:Evidence {article_id: a.id}) RETURN e.id AS x ORDER BY x } AS evidence,
       COLLECT { MATCH (c:Case)-[:REPORTED_IN]->(a) RETURN c.id AS x ORDER BY x } AS cases,
       COLLECT { MATCH (e:Evidence {article_id: a.id})
                 WHERE NOT EXISTS { MATCH ()-[r {key: e.fact_key}]->()
                                    WHERE a.id IN r.articles }
                 RETURN e.id AS x } AS orphans
"""


def article_facts(driver: neo4j.Driver, database: str = "neo4j") -> dict[str, dict[str, Any]]:
    """Per visible Article: its mentions, evidence and cases, and evidence without its fact."""
    records, _, _ = driver.execute_query(ARTICLE_FACTS, database_=database)
    return {
        r["id"]: {k: r[k] for k in ("mentions", "evidence", "cases", "orphans")} for r in records
    }


def assert_complete(seen: dict[str, dict[str, Any]], reference: dict[str, dict[str, Any]]) -> None:
    """Every Article that is visible carries exactly the facts of the clean run."""
    for aid, facts in seen.items():
        assert aid in reference, f"article {aid} is not one of the corpus"
        assert facts == reference[aid], f"article {aid} is visible without all its facts"
        assert not facts["orphans"]


def dump_diff(got: dict[str, Any], want: dict[str, Any], limit: int = 6) -> list[str]:
    """The first differences between two dumps, readable in an assertion message."""
    out = []
    for part in ("nodes", "relationships"):
        key = (
            (lambda x: x["id"])
            if part == "nodes"
            else (lambda x: (x["type"], x["start"], x["end"], x["properties"].get("key")))
        )
        g = {json.dumps(key(x)): x for x in got[part]}
        w = {json.dumps(key(x)): x for x in want[part]}
        for k in sorted(set(g) | set(w)):
            if g.get(k) != w.get(k):
                out.append(f"{part} {k}: got {g.get(k)} want {w.get(k)}")
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])


def assert_same_graph(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got == want, "\n".join(dump_diff(got, want))


DUPLICATES = """
CALL () { MATCH (n) WHERE n.id IS NOT NULL
          WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS nodes }
CALL () { MATCH ()-[r]->() WHERE r.key IS NOT NULL
          WITH type(r) AS t, r.key AS k, count(*) AS c WHERE c > 1 RETURN count(*) AS facts }
CALL () { MATCH (a:Article)-[m:MENTIONS]->(e)
          WITH a, e, count(m) AS c WHERE c > 1 RETURN count(*) AS mentions }
CALL () { MATCH (e:Evidence)
          WITH e.fact_key AS k, e.article_id AS a, e.start AS s, e.end AS x, count(*) AS c
          WHERE c > 1 RETURN count(*) AS evidence }
RETURN nodes, facts, mentions, evidence
"""


def duplicates(driver: neo4j.Driver, database: str = "neo4j") -> dict[str, int]:
    records, _, _ = driver.execute_query(DUPLICATES, database_=database)
    return dict(records[0])


# --------------------------------------------------------------------------- crash safety

CRASH_ARTICLES = 30


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_corpus(tmp_path_factory.mktemp("reliability") / "corpus", 36)


@pytest.fixture(scope="module")
def clean_run(corpus: list[Path], driver: neo4j.Driver, neo4j_server: Settings) -> dict[str, Any]:
    """One clean ingest of the first CRASH_ARTICLES files: dump, per-article facts, summary."""
    from tests.pipeline_graph import ingest

    delete_all(driver, neo4j_server.neo4j_database)
    summary = ingest(driver, neo4j_server.neo4j_database, *corpus[:CRASH_ARTICLES]).as_dict()
    assert summary["articles"]["new"] == CRASH_ARTICLES
    reference = {
        "dump": dump(driver, neo4j_server.neo4j_database),
        "facts": article_facts(driver, neo4j_server.neo4j_database),
        "summary": summary,
    }
    assert duplicates(driver) == {"nodes": 0, "facts": 0, "mentions": 0, "evidence": 0}
    assert sum(len(f["evidence"]) for f in reference["facts"].values()) > CRASH_ARTICLES
    return reference


def _kill_after_first_commit(
    proc: subprocess.Popen, driver: neo4j.Driver, reference: dict[str, Any]
) -> int:
    """SIGKILL `proc` once an Article is committed; check completeness at every poll."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ingest ended (status {proc.returncode}) before it could be killed")
        seen = article_facts(driver)
        assert_complete(seen, reference["facts"])
        if seen:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return len(seen)
        time.sleep(0.02)
    proc.kill()
    pytest.fail("no article was committed within 240 s")


def test_sigkill_mid_ingest_then_rerun_equals_one_clean_run(
    corpus: list[Path], clean_run: dict[str, Any], clean_db: neo4j.Driver, neo4j_env: dict[str, str]
) -> None:
    paths = corpus[:CRASH_ARTICLES]
    proc = subprocess.Popen(
        cli("ingest", *map(str, paths), "--batch-size", "1"),
        cwd=ROOT, env=neo4j_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen_at_kill = _kill_after_first_commit(proc, clean_db, clean_run)
    assert proc.returncode == -signal.SIGKILL
    after = article_facts(clean_db)
    assert seen_at_kill <= len(after) < CRASH_ARTICLES, "the kill must land mid-run"
    assert_complete(after, clean_run["facts"])

    summary = ingest_ok(paths, neo4j_env, "--batch-size", "1")
    assert summary["articles"] == {
        "new": CRASH_ARTICLES - len(after),
        "updated": 0,
        "skipped": len(after),
        "failed": 0,
    }
    assert_same_graph(dump(clean_db), clean_run["dump"])


# --------------------------------------------------------------------------- concurrency


def test_two_concurrent_ingests_of_overlapping_corpora_equal_a_sequential_run(
    corpus: list[Path], clean_db: neo4j.Driver, neo4j_env: dict[str, str]
) -> None:
    # 24 articles each, 12 in common; the common ones come first for one and last for the other.
    from tests.pipeline_graph import ingest

    first, second = corpus[:24], corpus[12:36]
    ingest(clean_db, "neo4j", *first)  # the sequential reference, in this process
    ingest(clean_db, "neo4j", *second)
    sequential = dump(clean_db)
    assert count_articles(clean_db) == 36
    delete_all(clean_db, "neo4j")

    procs = [
        subprocess.Popen(
            cli("ingest", *map(str, paths), "--batch-size", "2", "--json"),
            cwd=ROOT,
            env=neo4j_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for paths in (first, second[::-1])
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
    summaries = [json.loads(stdout) for stdout, _ in outputs]
    # Both may write a shared article (each saw it missing); together they cover all 36.
    written = sum(s["articles"]["new"] for s in summaries)
    assert 36 <= written <= 48
    assert all(s["articles"]["failed"] == 0 for s in summaries)
    assert duplicates(clean_db) == {"nodes": 0, "facts": 0, "mentions": 0, "evidence": 0}
    assert_same_graph(dump(clean_db), sequential)
