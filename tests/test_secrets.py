"""Secrets and exposure: the Neo4j password stays secret, the server stays local, reads stay reads.

Runs against the session's throwaway server; the password is the one `graph.server` generated
and stored in its home.
"""

from __future__ import annotations

import ast
import contextlib
import re
import socket
import time
from pathlib import Path

import neo4j
import psutil
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph import server
from graph.errors import QueryError
from graph.readonly import run_read_only
from graph.settings import Settings
from graph.store import dump
from tests import app_fixture
from tests.conftest import delete_all
from tests.test_reliability import ROOT, run_cli, write_corpus

pytestmark = pytest.mark.neo4j

WRONG_PASSWORD = "wrong-Secret-4242"
APP_PAGES = sorted((ROOT / "app_pages").glob("*.py"))
# The files app.py routes to (the others in app_pages/ are helpers the pages import).
ROUTED = sorted(set(re.findall(r'st\.Page\("app_pages/(\w+\.py)"', (ROOT / "app.py").read_text())))


def _password(settings: Settings) -> str:
    secret = settings.password()
    assert secret and len(secret) >= 16, "the local server must have a generated password"
    return secret


def test_the_password_file_is_0600(settings: Settings) -> None:
    assert settings.password_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_cli_outputs_and_errors_never_show_the_password(
    settings: Settings, neo4j_env: dict[str, str], clean_db: neo4j.Driver, tmp_path: Path
) -> None:
    secret = _password(settings)
    external = dict(neo4j_env, NEO4J_URI=settings.uri, NEO4J_PASSWORD=secret)
    wrong = dict(neo4j_env, NEO4J_URI=settings.uri, NEO4J_PASSWORD=WRONG_PASSWORD)
    in_uri = dict(
        neo4j_env,
        NEO4J_URI=settings.uri.replace("bolt://", f"bolt://neo4j:{WRONG_PASSWORD}@"),
        NEO4J_PASSWORD=WRONG_PASSWORD,
    )
    corpus = write_corpus(tmp_path / "corpus", 2)
    runs = [
        (("db", "status"), neo4j_env, 0),
        (("db", "status"), external, 0),
        (("config",), neo4j_env, 0),
        (("config",), external, 0),
        (("ingest", *map(str, corpus)), neo4j_env, 0),
        (("stats",), external, 0),
        (("cypher", "CREATE (n:Evil)"), neo4j_env, 1),
        (("stats",), wrong, 1),
        (("db", "status"), wrong, 3),
        (("stats",), in_uri, 1),
    ]
    for args, env, code in runs:
        proc = run_cli(*args, env=env)
        text = proc.stdout + proc.stderr
        assert proc.returncode == code, (args, text)
        assert "Traceback" not in text
        assert secret not in text, args
        assert WRONG_PASSWORD not in text, args
    assert "refused the credentials" in run_cli("stats", env=wrong).stderr
    # Three wrong passwords in a row make Neo4j lock the user for 5 s, even with the right one.
    locked = run_cli("stats", env=external)
    assert locked.returncode == 1 and "Traceback" not in locked.stderr, locked.stderr
    assert "repeated wrong passwords" in locked.stderr and secret not in locked.stderr
    _wait_until_login_works(settings)


def _wait_until_login_works(settings: Settings) -> None:
    """The lock must be over before the next test uses the server."""
    deadline = time.monotonic() + 30
    with neo4j.GraphDatabase.driver(settings.uri, auth=("neo4j", _password(settings))) as drv:
        while True:
            try:
                drv.verify_connectivity()
                return
            except neo4j.exceptions.Neo4jError:
                assert time.monotonic() < deadline, "the neo4j user stayed locked"
                time.sleep(0.5)


def test_server_logs_and_config_never_hold_the_password(settings: Settings) -> None:
    # Runs after the CLI test above (file order) so the logs include its failed logins.
    secret = _password(settings).encode()
    home = server.home_dir(settings)
    checked = 0
    for folder in ("logs", "conf", "run"):
        for path in (home / folder).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert secret not in data, path
                assert WRONG_PASSWORD.encode() not in data, path
                checked += 1
    assert (home / "logs" / "neo4j.log").is_file() and checked >= 3


def _all_app_text(at: AppTest) -> str:
    kinds = ("markdown", "caption", "code", "text", "info", "warning", "error", "success",
             "exception", "metric", "json", "text_input", "text_area", "dataframe",
             "component_instance", "selectbox", "expander", "title", "header", "subheader")  # fmt: skip
    return "\n".join(str(el.proto) for kind in kinds for el in at.get(kind))


def test_the_app_never_shows_the_password(
    settings: Settings, driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = _password(settings)
    delete_all(driver, settings.neo4j_database)
    app_fixture.load(driver, settings)
    for key, value in app_fixture.app_env(settings).items():
        monkeypatch.setenv(key, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    shown = 0
    assert len(ROUTED) >= 9
    for page in ROUTED:
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, page
        text = _all_app_text(at)
        assert secret not in text, page
        shown += len(text)
    assert shown > 1000
    # A wrong password: the error the app shows does not repeat it.
    monkeypatch.setenv("NEO4J_PASSWORD", WRONG_PASSWORD)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.error, "a refused login must be shown"
    assert WRONG_PASSWORD not in _all_app_text(at)
    _wait_until_login_works(settings)
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_local_server_listens_on_loopback_only(settings: Settings) -> None:
    conf = (server.home_dir(settings) / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    listen = [ln for ln in conf.splitlines() if "listen_address=" in ln]
    assert listen and all(ln.split("=", 1)[1].startswith("127.0.0.1") for ln in listen), listen
    pid = server.server_pid(settings)
    assert pid is not None
    sockets = [c for c in psutil.Process(pid).net_connections("inet") if c.status == "LISTEN"]
    assert {c.laddr.port for c in sockets} >= {settings.bolt_port, settings.http_port}
    assert all(c.laddr.ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1") for c in sockets), sockets


def _non_loopback_ipv4() -> list[str]:
    found = []
    for addrs in psutil.net_if_addrs().values():
        found += [a.address for a in addrs if a.family == socket.AF_INET]
    return [a for a in found if not a.startswith("127.")]


def test_bolt_is_not_reachable_on_other_addresses(settings: Settings) -> None:
    addresses = _non_loopback_ipv4()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    for address in addresses:
        for port in (settings.bolt_port, settings.http_port):
            with contextlib.suppress(ConnectionRefusedError, TimeoutError):
                socket.create_connection((address, port), timeout=2).close()
                pytest.fail(f"Neo4j answers on {address}:{port}")


def test_the_console_refuses_writes_and_leaves_the_graph_unchanged(
    settings: Settings, driver: neo4j.Driver
) -> None:
    delete_all(driver, settings.neo4j_database)
    app_fixture.load(driver, settings)
    before = dump(driver, settings.neo4j_database)
    for cypher in ("CREATE (n:Evil) RETURN n", "MATCH (n) DETACH DELETE n",
                   "MATCH (p:Person) SET p.name = 'x'"):  # fmt: skip
        with pytest.raises(QueryError, match=r"^refused: "):
            run_read_only(driver, settings.neo4j_database, cypher)
    assert dump(driver, settings.neo4j_database) == before


# The write side of graph/ the app may reach, and from where: ingestion only.
WRITE_CALLS = {"Store", "run_ingest", "execute_write", "WRITE_ACCESS", "retract", "reset",
               "write", "init_schema"}  # fmt: skip
ALLOWED = {"app_pages/ingest.py": {"Store", "run_ingest", "write"}}


def test_the_app_writes_only_through_ingestion() -> None:
    for path in [ROOT / "app.py", *APP_PAGES]:
        rel = path.relative_to(ROOT).as_posix()
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
        used = names & WRITE_CALLS
        # zipfile.write in the export page writes a download, not the graph; the audit log
        # (app_pages/access.py) is a file of its own.
        if rel in ("app_pages/export.py", "app_pages/access.py"):
            used.discard("write")
        assert used <= ALLOWED.get(rel, set()), (rel, used)
