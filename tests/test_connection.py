"""Opening the driver: every way of not reaching Neo4j is one line saying what to do."""

from __future__ import annotations

import neo4j
import pytest

from graph.connection import open_driver, safe_uri, session
from graph.errors import DatabaseUnavailable
from graph.settings import Settings
from tests.conftest import free_ports


def closed_port() -> int:
    (port,) = free_ports(1)  # never one a parallel worker's server or app listens on
    return port


def test_unreachable_local_server_says_to_start_it(tmp_path) -> None:
    settings = Settings(home=tmp_path, bolt_port=closed_port(), neo4j_password="x")
    with pytest.raises(DatabaseUnavailable) as err:
        open_driver(settings)
    assert str(err.value) == (
        f"Neo4j is not reachable at bolt://127.0.0.1:{settings.bolt_port}: "
        "run `casegraph db start` or set NEO4J_URI"
    )


def test_unreachable_external_server_names_the_uri() -> None:
    uri = f"neo4j://127.0.0.1:{closed_port()}"
    with pytest.raises(DatabaseUnavailable, match=r"^Neo4j is not reachable at neo4j://127") as err:
        open_driver(Settings(neo4j_uri=uri, neo4j_password="secret-pw"))
    assert "NEO4J_URI" in str(err.value) and "secret-pw" not in str(err.value)


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "127.0.0.1:7687", "bolt://host:port"])
def test_a_malformed_uri_is_one_line(uri: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="NEO4J_URI") as err:
        open_driver(Settings(neo4j_uri=uri, neo4j_password="secret-pw"))
    assert "\n" not in str(err.value) and "secret-pw" not in str(err.value)


def test_safe_uri_drops_credentials() -> None:
    assert safe_uri("neo4j+s://bob:hunter2@db.example:7687") == "neo4j+s://db.example:7687"
    assert safe_uri("bolt://127.0.0.1:7687") == "bolt://127.0.0.1:7687"


@pytest.mark.neo4j
def test_missing_local_password_says_how_to_get_one(settings: Settings, tmp_path) -> None:
    # A local server answers, but this home has no stored password and none is set.
    elsewhere = settings.replace(home=tmp_path, neo4j_uri=None, neo4j_password=None)
    with pytest.raises(DatabaseUnavailable, match="no password for the local Neo4j") as err:
        open_driver(elsewhere)
    assert "casegraph db start" in str(err.value)


@pytest.mark.neo4j
def test_open_driver_connects(settings: Settings) -> None:
    driver = open_driver(settings)
    try:
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_=settings.neo4j_database)
        assert records[0]["one"] == 1
    finally:
        driver.close()


@pytest.mark.neo4j
def test_wrong_password_is_refused_without_showing_it(settings: Settings) -> None:
    wrong = settings.replace(neo4j_password="not-the-password-42")
    with pytest.raises(DatabaseUnavailable) as err:
        open_driver(wrong)
    message = str(err.value)
    assert message.startswith("Neo4j refused the credentials for user 'neo4j' at bolt://")
    assert message.endswith("check NEO4J_USER/NEO4J_PASSWORD")
    assert "not-the-password-42" not in message


@pytest.mark.neo4j
def test_unknown_database_is_named(settings: Settings) -> None:
    with pytest.raises(DatabaseUnavailable, match=r"no database 'nosuchdb'.*NEO4J_DATABASE"):
        open_driver(settings.replace(neo4j_database="nosuchdb"))


@pytest.mark.neo4j
def test_session_helper_reads_and_writes(settings: Settings, clean_db: neo4j.Driver) -> None:
    with session(settings, read=False) as s:
        s.run("CREATE (:Probe {id: 'p'})").consume()
    with session(clean_db, read=True, database=settings.neo4j_database) as s:
        assert s.run("MATCH (p:Probe) RETURN count(p) AS n").single(strict=True)["n"] == 1
    with pytest.raises(neo4j.exceptions.ClientError), session(settings, read=True) as s:
        s.run("CREATE (:Probe {id: 'q'})").consume()  # read access mode refuses writes
    clean_db.execute_query("MATCH (p:Probe) DELETE p", database_=settings.neo4j_database)
