"""The `casegraph` command as a user runs it: a real process, a real Neo4j, real files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_ports

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SEED = SAMPLE / "seed-telegram-korea.txt"


def casegraph(*args: str, env: dict[str, str], input_text: str | None = None):
    """Run `casegraph ARGS` in a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=600,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose local server home is empty and whose ports are closed."""
    bolt, http = free_ports(2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        CASEGRAPH_HOME=str(tmp_path / "home"),
        CASEGRAPH_BOLT_PORT=str(bolt),
        CASEGRAPH_HTTP_PORT=str(http),
    )
    return env


def test_status_of_a_stopped_server_is_one_line_and_exit_3(offline_env):
    proc = casegraph("db", "status", env=offline_env)
    assert proc.returncode == 3
    assert proc.stdout.startswith("stopped:")
    assert len(proc.stdout.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_stop_when_stopped_is_a_no_op(offline_env):
    proc = casegraph("db", "stop", env=offline_env)
    assert proc.returncode == 0
    assert "not running" in proc.stdout


def test_database_down_is_one_clear_line(offline_env):
    proc = casegraph("stats", env=offline_env)
    assert_one_line_error(proc, 1, "not reachable", "casegraph db start", "NEO4J_URI")


def test_external_uri_down_is_one_clear_line(offline_env):
    env = dict(offline_env, NEO4J_URI=f"bolt://127.0.0.1:{offline_env['CASEGRAPH_BOLT_PORT']}")
    env["NEO4J_PASSWORD"] = "not-the-password-123"
    proc = casegraph("cypher", "RETURN 1", env=env)
    assert_one_line_error(proc, 1, "not reachable")
    assert "not-the-password-123" not in proc.stderr


def test_user_mistakes_give_one_line_and_non_zero_exit(offline_env):
    assert_one_line_error(casegraph("reset", env=offline_env), 1, "--yes")
    assert_one_line_error(
        casegraph("cypher", "RETURN 1", "--format", "xml", env=offline_env), 2, "table, json, csv"
    )
    assert_one_line_error(
        casegraph("query", "no_such_query", env=offline_env), 1, "no_such_query", "entity_profile"
    )
    proc = casegraph("extract", str(ROOT / "does-not-exist.txt"), env=offline_env)
    assert proc.returncode == 1
    assert "does-not-exist.txt" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_config_file_is_one_line(offline_env, tmp_path):
    cfg = tmp_path / "casegraph.toml"
    cfg.write_text("bolt_port = 'seven'\n")
    proc = casegraph("stats", env=dict(offline_env, CASEGRAPH_CONFIG=str(cfg)))
    assert_one_line_error(proc, 1, "bolt_port")


@pytest.mark.neo4j
def test_cypher_reports_the_server_components(neo4j_env, clean_db):
    proc = casegraph(
        "cypher",
        "CALL dbms.components() YIELD name, versions, edition "
        "RETURN name, versions[0] AS version, edition",
        "--format",
        "json",
        env=neo4j_env,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows[0]["name"] == "Neo4j Kernel"
    assert rows[0]["edition"] == "community"
    assert rows[0]["version"].startswith("5.26.")


@pytest.mark.neo4j
def test_db_status_running_and_start_is_idempotent(neo4j_env, neo4j_server):
    proc = casegraph("db", "status", env=neo4j_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5.26." in proc.stdout and "community" in proc.stdout
    assert (neo4j_server.password() or "") not in proc.stdout
    again = casegraph("db", "start", env=neo4j_env)
    assert again.returncode == 0, again.stderr
    assert "running" in again.stdout


@pytest.mark.neo4j
def test_db_start_with_neo4j_uri_uses_that_server(neo4j_env, neo4j_server, clean_db):
    env = dict(neo4j_env, NEO4J_URI=neo4j_server.uri, NEO4J_PASSWORD=neo4j_server.password())
    proc = casegraph("db", "start", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "NEO4J_URI is set" in proc.stdout


@pytest.mark.neo4j
def test_ingesting_the_same_folder_twice_changes_nothing(neo4j_env, clean_db, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    fixtures = ROOT / "tests" / "fixtures" / "sources"
    for src in sorted(fixtures.glob("*.md")) + sorted(fixtures.glob("*.jsonl")):
        (corpus / src.name).write_bytes(src.read_bytes())

    first = casegraph("ingest", str(corpus), "--json", env=neo4j_env)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["articles"]["new"] >= 2 and summary["articles"]["failed"] == 0
    stats_1 = casegraph("stats", "--json", env=neo4j_env)
    assert stats_1.returncode == 0, stats_1.stderr
    counts = json.loads(stats_1.stdout)
    assert counts["nodes"]["Article"] == summary["articles"]["new"]
    assert counts["nodes"].get("Platform", 0) >= 1

    second = casegraph("ingest", str(corpus), "--json", env=neo4j_env)
    again = json.loads(second.stdout)
    assert again["articles"] == {
        "new": 0, "updated": 0, "skipped": summary["articles"]["new"], "failed": 0
    }  # fmt: skip
    assert casegraph("stats", "--json", env=neo4j_env).stdout == stats_1.stdout


@pytest.mark.neo4j
def test_ingest_with_some_bad_inputs_exits_2_and_names_them(neo4j_env, clean_db, tmp_path):
    (tmp_path / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    proc = casegraph("ingest", str(tmp_path), str(tmp_path / "missing.md"), "--json", env=neo4j_env)
    assert proc.returncode == 2, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["articles"]["new"] == 1 and summary["articles"]["failed"] == 2
    assert "empty.txt" in proc.stderr and "missing.md" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_bad_option_is_a_usage_error_not_a_traceback(offline_env):
    proc = casegraph("analyze", "communities", "--fmt", "json", env=offline_env)
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.neo4j
def test_the_seed_story_through_the_command_line(neo4j_env, clean_db, tmp_path):
    """Issue 4's done-when: cooperation path KR -> FR and both cases linked through Telegram."""
    assert casegraph("ingest", str(SEED), env=neo4j_env).returncode == 0

    proc = casegraph(
        "query", "cooperation_paths", "--param", "from=KR", "--param", "to=FR",
        "--format", "json", env=neo4j_env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    paths = json.loads(proc.stdout)
    assert paths, "no cooperation path from KR to FR"
    best = paths[0]["path"]
    assert "South Korean police" in best and "French law enforcement" in best
    assert any(step["evidence"] for step in paths[0]["steps"])

    proc = casegraph(
        "query", "linked_cases", "--param", "name=Telegram", "--format", "json", env=neo4j_env
    )
    assert proc.returncode == 0, proc.stderr
    jurisdictions = {row["jurisdiction"] for row in json.loads(proc.stdout)}
    assert {"KR", "FR"} <= jurisdictions

    proc = casegraph("query", "linked_cases", "--param", "nme=Telegram", env=neo4j_env)
    assert_one_line_error(proc, 1, "nme", "name")

    proc = casegraph("analyze", "paths", "KR", "FR", "--format", "json", env=neo4j_env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["names"][0] == "South Korea"

    graphml = tmp_path / "graph.graphml"
    proc = casegraph("export", "--format", "graphml", str(graphml), env=neo4j_env)
    assert proc.returncode == 0, proc.stderr
    assert (
        proc.stdout.startswith("exported the graph as graphml: ") and "Summary(" not in proc.stdout
    )
    text = graphml.read_text(encoding="utf-8")
    assert "Telegram" in text and "COOPERATES_WITH" in text


@pytest.mark.neo4j
@pytest.mark.slow
def test_every_command_that_prints_rows_takes_the_same_formats(neo4j_env, clean_db):
    assert casegraph("ingest", str(SEED), env=neo4j_env).returncode == 0
    commands = [
        ("stats",), ("queries",), ("query", "top_entities"), ("cypher", "RETURN 1 AS one"),
        ("search", "Telegram"), ("curate", "list"), ("analyze", "centrality"),
        ("analyze", "communities"),
    ]  # fmt: skip
    for command in commands:
        as_json = casegraph(*command, "--json", env=neo4j_env)
        assert as_json.returncode == 0, (command, as_json.stderr)
        assert json.loads(as_json.stdout) == json.loads(
            casegraph(*command, "--format", "json", env=neo4j_env).stdout
        )
        as_csv = casegraph(*command, "--format", "csv", env=neo4j_env)
        assert as_csv.returncode == 0, (command, as_csv.stderr)
        table = casegraph(*command, env=neo4j_env)  # piped: tab-separated, a row a line
        assert table.returncode == 0 and "│" not in table.stdout, command
        if command != ("search", "Telegram"):  # search's table is its own marked-up listing
            header = next(csv.reader(io.StringIO(as_csv.stdout)))
            assert table.stdout.splitlines()[0].split("\t") == header, command
        assert_one_line_error(
            casegraph(*command, "--json", "--format", "csv", env=neo4j_env), 2, "disagree"
        )


def test_careless_commands_are_refused_before_any_work(offline_env, tmp_path):
    # An empty path (an unset shell variable) is not the current folder.
    for command in ("extract", "ingest"):
        assert_one_line_error(casegraph(command, "", env=offline_env), 2, "empty path")
    # Exporting into a folder that does not exist is an error, not a silent mkdir.
    missing = tmp_path / "no-such-folder" / "graph.json"
    assert_one_line_error(
        casegraph("export", str(missing), env=offline_env), 2, "does not exist", "no-such-folder"
    )
    assert not missing.parent.exists()
    # Negative or absurd limits are refused with the allowed range.
    assert_one_line_error(
        casegraph("analyze", "centrality", "--limit", "-1", env=offline_env), 2, "--limit", "1 and"
    )
    assert_one_line_error(
        casegraph("analyze", "paths", "A", "B", "--k", "0", env=offline_env), 2, "--k"
    )
    assert_one_line_error(
        casegraph("export", str(tmp_path / "x.json"), "--depth", "-3", env=offline_env),
        2,
        "--depth",
    )


def test_extract_refuses_links_out_of_the_folder_unless_asked(offline_env, tmp_path):
    from tests.test_sources import _link_farm

    given, _outside = _link_farm(tmp_path)
    proc = casegraph("extract", str(given), env=offline_env)
    assert proc.returncode == 2, proc.stderr  # some inputs failed, the others were read
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert any("secret.txt" in line and "--follow-links" in line for line in lines), lines
    assert any("pipe.txt" in line and "not a regular file" in line for line in lines), lines
    assert len(proc.stdout.splitlines()) == 3 and "secret first line" not in proc.stdout
    followed = casegraph("extract", "--follow-links", str(given), env=offline_env)
    # The outside file, through the file link and through the folder link.
    assert len(followed.stdout.splitlines()) == 5 and "secret first line" in followed.stdout


def test_a_server_that_accepts_but_never_answers_is_called_frozen(offline_env):
    import socket

    with socket.socket() as listener:  # accepts connections and never speaks Bolt
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        proc = casegraph("stats", env=dict(offline_env, CASEGRAPH_BOLT_PORT=str(port)))
    assert_one_line_error(proc, 1, "did not answer in 15 s", "frozen")
    assert "casegraph db start" not in proc.stderr
