"""Issue 13's "done when", end to end on the command line: after `casegraph ingest` of the gold
texts in ../shared/data, the search finds the seed article with the sentence marked; a fact
rejected and two entities merged stay so through `casegraph retract` of the seed and a new
ingest of it; `casegraph curate undo` restores each; `casegraph show` marks the mentions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import neo4j
import pytest

from graph.settings import Settings
from ingest.annotations import SHARED_DATA
from tests.conftest import delete_all

GOLD = SHARED_DATA / "gold" / "texts"

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.slow,
    pytest.mark.skipif(not GOLD.is_dir(), reason="../shared/data/gold/texts is missing"),
]


def test_search_reject_merge_survive_reingest_and_undo(
    driver: neo4j.Driver, neo4j_server: Settings, neo4j_env: dict[str, str]
) -> None:
    db = neo4j_server.neo4j_database
    delete_all(driver, db)
    env = {**os.environ, **neo4j_env}

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", *args], env=env, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def one(cypher: str, **params: Any) -> Any:
        records, _, _ = driver.execute_query(cypher, params, database_=db)
        return records[0][0] if records else None

    try:
        cli("ingest", str(GOLD))
        (hit,) = json.loads(cli("search", '"account information"', "--json"))
        assert "Telegram" in hit["title"]
        assert [hit["snippet"][a:b] for a, b in hit["highlights"]] == ["account information"]
        seed = hit["id"]
        assert "«Telegram | Platform»" in cli("show", seed)

        cli("curate", "reject", "--type", "REFUSES_DATA_TO", "--source", "Telegram",
            "--target", "South Korean police", "--note", "checked")  # fmt: skip
        cli("curate", "merge", "South Korean police", "National Office of Investigation")
        refusal = "MATCH (:Platform {name: 'Telegram'})-[r:REFUSES_DATA_TO]->(:Agency {name: $t}) RETURN count(r)"
        office = "MATCH (e:Entity {name: 'National Office of Investigation'}) RETURN count(e)"
        assert one(refusal, t="South Korean police") == 0 and one(office) == 0

        cli("retract", seed)
        cli("ingest", str(GOLD))
        assert one(refusal, t="South Korean police") == 0 and one(office) == 0

        records = json.loads(cli("curate", "list", "--json"))
        for record in records:
            cli("curate", "undo", record["id"])
        assert one(refusal, t="South Korean police") == 1 and one(office) == 1
    finally:
        delete_all(driver, db)
