"""Article versions: an article ingested again under the same file or URL with another text
replaces the stored one in the same transaction, and the summary counts it as updated
(graph/store.py `_replace_old_versions`). Texts are invented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

from graph.settings import Settings

pytestmark = pytest.mark.neo4j

FIRST = (
    "Dutch police arrested Jan Vermeer in Rotterdam on Tuesday. Prosecutors charged him with "
    "money laundering for a darknet market called Silk Harbor."
)
EDITED = (
    "Dutch police arrested Jan Vermeer in Rotterdam on Tuesday. Prosecutors charged him with "
    "ransomware extortion. An earlier version of this story named the wrong market."
)
OTHER = "Belgian police searched two offices in Antwerp on Monday in a phishing inquiry."


def _ingest(env: dict[str, str], *paths: Path) -> dict[str, int]:
    proc = subprocess.run(
        [sys.executable, "-m", "graph.cli", "ingest", *map(str, paths), "--json"],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["articles"]


def _articles(driver: neo4j.Driver, database: str) -> list[dict[str, str]]:
    records, _, _ = driver.execute_query(
        "MATCH (a:Article) RETURN a.path AS path, a.url AS url, a.text AS text ORDER BY path, url",
        database_=database,
    )
    return [r.data() for r in records]


def _offences(driver: neo4j.Driver, database: str) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (:Person)-[:CHARGED_WITH]->(o:Offense) RETURN o.name AS name ORDER BY name",
        database_=database,
    )
    return [r["name"] for r in records]


@pytest.mark.slow
def test_an_edited_file_or_row_replaces_its_old_version(
    tmp_path: Path, neo4j_env: dict[str, str], clean_db: neo4j.Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    story = tmp_path / "story.md"
    story.write_text(f"# Arrest in Rotterdam\n\n{FIRST}\n", encoding="utf-8")
    rows = tmp_path / "wire.jsonl"
    wire = [{"url": "https://news.example/a", "title": "A", "text": FIRST},
            {"url": "https://news.example/b", "title": "B", "text": EDITED}]  # fmt: skip
    rows.write_text("".join(json.dumps(r) + "\n" for r in wire), encoding="utf-8")
    assert _ingest(neo4j_env, story, rows) == {"new": 3, "updated": 0, "skipped": 0, "failed": 0}
    assert any("money laundering" in o for o in _offences(clean_db, db))

    story.write_text(f"# Arrest in Rotterdam\n\n{EDITED}\n", encoding="utf-8")
    # The wire file re-sorted, and story a edited: row numbers move, only the URL says which.
    wire[0]["text"] = EDITED.replace("Tuesday", "Wednesday")
    rows.write_text("".join(json.dumps(r) + "\n" for r in reversed(wire)), encoding="utf-8")
    assert _ingest(neo4j_env, story, rows) == {"new": 0, "updated": 2, "skipped": 1, "failed": 0}
    stored = _articles(clean_db, db)
    assert len(stored) == 3
    (kept,) = [a["text"] for a in stored if a["path"].endswith("story.md")]
    assert "ransomware extortion" in kept
    assert {a["url"] for a in stored if a["url"]} == {
        "https://news.example/a",
        "https://news.example/b",
    }
    assert all("Silk Harbor" not in a["text"] for a in stored)
    assert not any("money laundering" in o for o in _offences(clean_db, db))
    # Unchanged again: nothing to do.
    assert _ingest(neo4j_env, story, rows) == {"new": 0, "updated": 0, "skipped": 3, "failed": 0}


def test_two_versions_in_one_file_keep_the_later(
    tmp_path: Path, neo4j_env: dict[str, str], clean_db: neo4j.Driver, settings: Settings
) -> None:
    """Both versions of a story in one corpus file (one batch): the later row replaces the
    earlier, as it would in two runs."""
    rows = tmp_path / "feed.jsonl"
    feed = [{"url": "https://news.example/a", "title": "A", "text": FIRST},
            {"url": "https://news.example/other", "title": "O", "text": OTHER},
            {"url": "https://news.example/a", "title": "A (corrected)", "text": EDITED}]  # fmt: skip
    rows.write_text("".join(json.dumps(r) + "\n" for r in feed), encoding="utf-8")
    assert _ingest(neo4j_env, rows) == {"new": 2, "updated": 1, "skipped": 0, "failed": 0}
    stored = {a["url"]: a["text"] for a in _articles(clean_db, settings.neo4j_database)}
    assert set(stored) == {"https://news.example/a", "https://news.example/other"}
    assert (
        EDITED in stored["https://news.example/a"] and OTHER in stored["https://news.example/other"]
    )
    assert not any("money laundering" in o for o in _offences(clean_db, settings.neo4j_database))
