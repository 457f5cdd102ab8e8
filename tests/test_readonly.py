"""The read-only console: the lexical guard (pure, with hypothesis) and READ-mode execution."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph.errors import QueryError
from graph.readonly import check_read_only, run_read_only
from graph.settings import Settings
from graph.store import dump

# Twenty different write and admin attempts; each must be refused and change nothing.
WRITES = [
    "CREATE (n:Entity {id: 'x'})",
    "MERGE (n:Person {id: 'p'}) RETURN n",
    "MATCH (n:Person) SET n.name = 'pwned'",
    "MATCH (n:Person) SET n:Hacked",
    "MATCH (n) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Person) REMOVE n.name",
    "DROP CONSTRAINT entity_id",
    "CREATE INDEX evil FOR (n:Person) ON (n.x)",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "MATCH (n) FOREACH (x IN [1] | SET n.y = x)",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "USE system SHOW USERS",
    "CREATE USER mallory SET PASSWORD 'secret123' CHANGE NOT REQUIRED",
    "GRANT ROLE admin TO mallory",
    "STOP DATABASE neo4j",
    "ALTER USER neo4j SET PASSWORD 'x'",
    "CALL db.createLabel('Evil')",
    "CALL apoc.create.node(['Evil'], {})",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
    "CALL dbms.security.createUser('m', 'secret123', false)",
    "INSERT (n:Evil)",
    "SHOW TRANSACTIONS YIELD transactionId TERMINATE TRANSACTIONS transactionId",
    "RETURN '\\u0027 MATCH (n) DETACH DELETE n //' AS x",
    # Not writes, but they reveal other sessions' queries and parameters, server paths, accounts.
    "SHOW TRANSACTIONS",
    "show transactions yield currentQuery, parameters RETURN *",
    "SHOW SETTINGS",
    "SHOW SETTINGS YIELD name, value WHERE name CONTAINS 'directories'",
    "SHOW CURRENT USER",
    "SHOW PRIVILEGES",
]
READS = [
    "MATCH (n:Entity) RETURN n.name AS name ORDER BY name LIMIT 3",
    "MATCH (n:Entity {name: 'CREATE (x) SET y'}) RETURN n // DELETE everything",
    "/* MERGE */ MATCH (e:Evidence) RETURN e.start AS start, e.end AS end LIMIT 1",
    "MATCH (start:Entity)-[r]->(stop) RETURN start.name, type(r), stop.name LIMIT 2",
    "MATCH (n) WITH n AS start RETURN count(start)",
    "RETURN {set: 1, create: 2} AS m, $delete AS p",
    "MATCH (`CREATE`:Entity) RETURN `CREATE`.name LIMIT 1",
    "CALL dbms.components()",
    "CALL db.labels() YIELD label RETURN label",
    "SHOW INDEXES",
    "SHOW CONSTRAINTS YIELD name RETURN name",
    "SHOW FUNCTIONS YIELD name RETURN name LIMIT 3",
    "MATCH (show:Entity) RETURN show.name AS settings LIMIT 1",
    "CALL () { MATCH (n:Person) RETURN n.name AS name } RETURN name",
    "MATCH (n:Person) RETURN n.name;",
    "RETURN reduce(s = 0, x IN range(1, 1000) | s + x) AS total",
    "RETURN [x IN range(10, 1, -1) | x * 2] AS down",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_write_attempts_are_refused_by_the_check(cypher: str) -> None:
    with pytest.raises(QueryError, match=r"^refused: .* — the console is read-only$"):
        check_read_only(cypher)


@pytest.mark.parametrize("cypher", READS)
def test_reads_pass_the_check(cypher: str) -> None:
    check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher, why",
    [
        ("RETURN 'open", "unterminated string"),
        ("/* never closed MATCH (n) RETURN n", "unterminated comment"),
        ("MATCH (n) RETURN n\u200b", "invisible"),
        ("", "empty statement"),
    ],
)
def test_unreadable_statements_are_clear_errors(cypher: str, why: str) -> None:
    with pytest.raises(QueryError, match=why):
        check_read_only(cypher)


# ---- hypothesis: write attempts in disguise ---------------------------------------------------

WRITE_CORES = [
    "CREATE (n:Evil)",
    "MERGE (n:Evil {id: 1})",
    "MATCH (n) SET n.x = 1",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) REMOVE n:Entity",
    "DROP INDEX entity_norm",
    "LOAD CSV FROM 'http://x' AS r RETURN r",
    "FOREACH (i IN [1] | CREATE (:Evil))",
    "CALL db.createProperty('x')",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
    "CALL dbms.setConfigValue('x', 'y')",
    "CALL tx.setMetaData({})",
    "CALL db.index.fulltext.createNodeIndex('x', ['A'], ['b'])",
    "GRANT ALL ON DATABASE * TO PUBLIC",
    "CREATE DATABASE evil",
    "START DATABASE neo4j",
    "INSERT (:Evil)",
]
PREFIXES = ["", "MATCH (a) WITH a LIMIT 1 ", "CALL () { ", "EXPLAIN ", "CYPHER 5 ", "WITH 1 AS x "]


def _case_mix(word: str, flips: list[bool]) -> str:
    return "".join(
        c.swapcase() if f else c for c, f in zip(word, flips + [False] * len(word), strict=False)
    )


@st.composite
def disguised_writes(draw: st.DrawFn) -> str:
    core = draw(st.sampled_from(WRITE_CORES))
    flips = draw(st.lists(st.booleans(), max_size=12))
    core = " ".join(_case_mix(w, flips) for w in core.split(" "))
    # Whitespace, comments and unicode spaces between the tokens.
    space = st.sampled_from([" ", "\t", "\n", "  ", "\u00a0", "\u2003", " /* hide */ ", " // c\n"])
    core = "".join(draw(space) if c == " " else c for c in core)
    prefix = draw(st.sampled_from(PREFIXES))
    text = prefix + core + (" RETURN 1 }" if prefix.startswith("CALL") else "")
    noise = draw(st.text(alphabet=st.characters(exclude_characters="'\"`\\*/\n\r"), max_size=8))
    tail = draw(
        st.sampled_from(
            ["", f" // {noise}", f" /* {noise} */", "; MATCH (n) RETURN n", f" RETURN '{noise}'"]
        )
    )
    if draw(st.booleans()):  # a harmless read first, then the write as a second statement
        text = f"MATCH (n) RETURN n LIMIT 1; {text}"
    return text + tail


@st.composite
def fullwidth_or_folded(draw: st.DrawFn) -> str:
    # Letters Neo4j or NFKC may fold back to ASCII keywords.
    word = draw(
        st.sampled_from(["ＣＲＥＡＴＥ (n)", "MATCH (n) ſET n.x = 1", "ınsert (:X)", "DELETE"])
    )
    return word


@hsettings(max_examples=300, deadline=None)
@given(disguised_writes())
def test_disguised_writes_are_all_refused(cypher: str) -> None:
    with pytest.raises(QueryError, match=r"^refused: "):
        check_read_only(cypher)


@hsettings(max_examples=20, deadline=None)
@given(fullwidth_or_folded())
def test_folded_unicode_keywords_are_refused(cypher: str) -> None:
    with pytest.raises(QueryError, match=r"^refused: "):
        check_read_only(cypher)


@hsettings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(exclude_characters="'\\\r\n\x0b\x0c\x1c\x1d\x1e\x85"), max_size=40
    )
)
def test_write_words_inside_strings_and_comments_are_harmless(text: str) -> None:
    literal = text.replace("\u2028", " ").replace("\u2029", " ")
    check_read_only(f"RETURN 'CREATE {literal} DELETE' AS x // SET {literal}")


# ---- against the server ---------------------------------------------------------------------


@pytest.mark.neo4j
def test_writes_are_refused_and_the_graph_is_unchanged(seeded: Any, settings: Settings) -> None:
    db = settings.neo4j_database
    before = dump(seeded, db)
    for cypher in WRITES:
        with pytest.raises(QueryError, match=r"^refused: "):
            run_read_only(seeded, db, cypher)
    assert dump(seeded, db) == before


@pytest.mark.neo4j
@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cypher=disguised_writes())
def test_disguised_writes_leave_the_graph_unchanged(
    seeded: Any, settings: Settings, cypher: str
) -> None:
    db = settings.neo4j_database
    before = dump(seeded, db)
    with pytest.raises(QueryError, match=r"^refused: "):
        run_read_only(seeded, db, cypher)
    assert dump(seeded, db) == before


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "cypher",
    [
        "CALL db.labels() YIELD label WITH label CREATE (:Evil {l: label})",
        "MATCH (n:Person) SET n.name = 'x'",
        "CREATE (:Evil)",
    ],
)
def test_the_server_refuses_what_passes_the_check(
    seeded: Any, settings: Settings, cypher: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Switch the lexical check off: READ access mode alone must stop the write.
    import graph.readonly as readonly

    monkeypatch.setattr(readonly, "check_read_only", lambda text: None)
    db = settings.neo4j_database
    before = dump(seeded, db)
    with pytest.raises(QueryError, match="server rejected a write"):
        readonly.run_read_only(seeded, db, cypher)
    assert dump(seeded, db) == before


@pytest.mark.neo4j
def test_legit_reads_work(seeded: Any, settings: Settings) -> None:
    db = settings.neo4j_database
    names = run_read_only(seeded, db, "MATCH (p:Person) RETURN p.name AS name ORDER BY name;")
    assert [r["name"] for r in names.rows] == ["Pavel Durov", "Woo Jong-soo"]
    assert run_read_only(seeded, db, "CALL dbms.components()").rows[0]["name"] == "Neo4j Kernel"
    indexes = run_read_only(seeded, db, "SHOW INDEXES YIELD name RETURN name")
    assert "entity_norm" in {r["name"] for r in indexes.rows}
    with_params = run_read_only(
        seeded, db, "MATCH (e:Entity {norm: $n}) RETURN e", params={"n": "telegram"}
    )
    assert (
        with_params.rows[0]["e"]["name"] == "Telegram"
        and with_params.nodes[0]["kind"] == "Platform"
    )


@pytest.mark.neo4j
def test_results_are_capped(seeded: Any, settings: Settings) -> None:
    result = run_read_only(
        seeded, settings.neo4j_database, "UNWIND range(1, 50) AS i RETURN i", row_limit=7
    )
    assert [r["i"] for r in result.rows] == list(range(1, 8)) and result.truncated
    full = run_read_only(
        seeded, settings.neo4j_database, "UNWIND range(1, 7) AS i RETURN i", row_limit=7
    )
    assert len(full.rows) == 7 and not full.truncated


@pytest.mark.neo4j
def test_long_reads_time_out_with_a_clear_error(seeded: Any, settings: Settings) -> None:
    cypher = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n"
    with pytest.raises(QueryError, match=r"took too long.*CASEGRAPH_QUERY_TIMEOUT"):
        run_read_only(seeded, settings.neo4j_database, cypher, timeout=1.0)


@pytest.mark.neo4j
def test_syntax_errors_are_one_line(seeded: Any, settings: Settings) -> None:
    with pytest.raises(QueryError, match=r"^Cypher syntax error: ") as info:
        run_read_only(seeded, settings.neo4j_database, "MATCH (n RETURN n")
    assert "\n" not in str(info.value)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("cypher", "params", "message"),
    [
        ('RETURN "\udcff" AS x', {}, "statement holds bytes that are not UTF-8"),
        ("RETURN $x AS x", {"x": "caf\udce9"}, "parameter holds bytes that are not UTF-8"),
        ("RETURN $x AS x", {"x": 2**63}, "does not fit in 64 bits"),
        ("RETURN $x AS x", {"x": {"deep": [-(2**64)]}}, "does not fit in 64 bits"),
        ("RETURN $x AS x", {"x": _nested(60_000)}, "nested more than 64 levels"),
    ],
)
def test_what_neo4j_cannot_receive_is_refused_in_one_line(
    cypher: str, params: dict[str, Any], message: str
) -> None:
    from graph.readonly import check_payload

    with pytest.raises(QueryError, match=message):
        check_payload(cypher, params)


def test_ordinary_payloads_pass() -> None:
    from graph.readonly import check_payload

    check_payload("RETURN $x", {"x": [2**63 - 1, -(2**63), "Öl", {"a": _nested(60)}, True, 1.5]})


@pytest.mark.neo4j
def test_the_console_command_turns_bad_payloads_into_one_line(neo4j_env: dict[str, str]) -> None:
    import subprocess
    import sys

    def cypher(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "graph.cli", "cypher", *args],
            env=neo4j_env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    deep = "x=" + "[" * 60_000 + "]" * 60_000
    for args, needle in [
        (["RETURN $x", "--param", "x=99999999999999999999999999"], "64 bits"),
        (["RETURN $x", "--param", deep], "nested"),
        (["RETURN $x", "--param", "x=" + "[" * 70 + "]" * 70], "nested more than 64"),
    ]:
        proc = cypher(*args)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
        (line,) = proc.stderr.strip().splitlines()
        assert needle in line


@pytest.mark.parametrize(
    "cypher",
    [
        "RETURN reduce(s=0, x IN range(1, 9223372036854775807) | s + 0)",
        "RETURN any(x IN range(1,3000000000) WHERE x < 0)",
        "RETURN [x IN range(1, 1000) | [y IN range(1, 10000) | y]]",  # 10^7 together
        "RETURN size([x IN range(1, toInteger($n)) | x])",  # bounds not written down
        "RETURN range(0, 10, 0)",
    ],
)
def test_ranges_the_timeout_cannot_stop_are_refused(cypher: str) -> None:
    with pytest.raises(QueryError, match="the query timeout can stop"):
        check_read_only(cypher)


def test_unwound_ranges_make_rows_the_timeout_stops_and_pass() -> None:
    check_read_only("UNWIND range(1, toInteger($n)) AS x RETURN count(x)")
    check_read_only("UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*)")


@pytest.mark.neo4j
def test_rows_are_capped_in_bytes_too(seeded: Any, settings: Settings) -> None:
    cypher = "UNWIND range(1, 50) AS i RETURN i, $text AS text"
    result = run_read_only(
        seeded, settings.neo4j_database, cypher, {"text": "x" * 100_000}, byte_limit=2**20
    )
    assert [r["i"] for r in result.rows] == list(range(1, 11)) and result.truncated
    assert "CASEGRAPH_RESULT_MB" in result.truncated_note and "1 MB" in result.truncated_note
    whole = run_read_only(
        seeded, settings.neo4j_database, cypher, {"text": "x" * 100_000}, byte_limit=None
    )
    assert len(whole.rows) == 50 and not whole.truncated


def _busy_percent(process: Any, seconds: float = 1.0) -> float:
    before = process.cpu_times()
    time.sleep(seconds)
    after = process.cpu_times()
    return 100 * ((after.user + after.system) - (before.user + before.system)) / seconds


# Statements the read-only guard lets through that loop inside one expression, where Neo4j never
# looks at the transaction's timeout: without the watchdog each keeps a core busy for hours.
RUNAWAYS = [
    "RETURN size(reduce(s = '', x IN range(1, 1000000) | s + '0123456789')) AS n",
    "RETURN size(reduce(l = [], x IN range(1, 300000) | l + [x])) AS n",
]


@pytest.mark.neo4j
@pytest.mark.parametrize("cypher", RUNAWAYS)
def test_no_statement_keeps_the_server_busy_past_its_timeout(
    seeded: Any, settings: Settings, cypher: str
) -> None:
    """The issue's requirement, measured: the server's CPU once the client has its error."""
    import psutil

    from graph import server

    check_read_only(cypher)  # the guard lets it through: the watchdog is what stops it
    process = psutil.Process(server.server_pid(settings))
    timeout = 2.0
    started = time.monotonic()
    with pytest.raises(QueryError, match="took too long"):
        run_read_only(seeded, settings.neo4j_database, cypher, timeout=timeout)
    assert time.monotonic() - started < timeout + 5
    # A runaway keeps one core at ~100%; an idle server uses a few percent.
    assert _busy_percent(process, 2.0) < 40
    log = (settings.home / "logs" / "neo4j.log").read_text(encoding="utf-8", errors="replace")
    assert "casegraph watchdog: stopped query" in log
    assert run_read_only(seeded, settings.neo4j_database, "RETURN 1 AS one").rows == [{"one": 1}]
