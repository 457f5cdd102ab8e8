"""The local Neo4j server: configuration, refusals and the real lifecycle.

Tests without the `neo4j` marker start no database: missing tools are real conditions (an
empty PATH, a JAVA_HOME holding an old `java`), ports are taken by real sockets.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import zipfile
from pathlib import Path

import neo4j
import psutil
import pytest

from graph import server
from graph.errors import ConfigError, ServerError
from graph.settings import Settings
from tests.conftest import delete_all, free_ports, throwaway_settings


@pytest.fixture
def local(tmp_path: Path) -> Settings:
    """Settings for a server that is never started, in a fresh home."""
    return throwaway_settings(tmp_path / "home")


@pytest.fixture
def no_tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH holding neither java nor mvn, and no JAVA_HOME."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("JAVA_HOME", raising=False)


# --------------------------------------------------------------------------- neo4j.conf


def test_conf_listens_on_loopback_only_with_our_ports(local: Settings) -> None:
    conf = server.render_conf(local.replace(heap="1g", pagecache="256m"))
    addresses = re.findall(r"^server\.[\w.]*address=(.*)$", conf, re.M)
    assert len(addresses) == 6
    assert all(a.startswith("127.0.0.1") for a in addresses)
    assert "0.0.0.0" not in conf
    assert f"server.bolt.listen_address=127.0.0.1:{local.bolt_port}\n" in conf
    assert f"server.http.listen_address=127.0.0.1:{local.http_port}\n" in conf
    assert "server.https.enabled=false\n" in conf
    assert "server.memory.pagecache.size=256m\n" in conf
    assert "dbms.memory.transaction.total.max=256m\n" in conf
    assert "dbms.usage_report.enabled=false\n" in conf
    assert "internal.dbms.bolt.netty_server_shutdown_quiet_period=0\n" in conf  # a fast stop


def test_conf_directories_are_absolute_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    conf = server.render_conf(throwaway_settings(Path("relative-home")))
    directories = dict(re.findall(r"^server\.directories\.(\w+)=(.*)$", conf, re.M))
    assert set(directories) == {"data", "logs", "plugins", "import", "run"}
    for name, value in directories.items():
        assert Path(value) == tmp_path / "relative-home" / name


def test_transaction_memory_is_a_quarter_of_a_small_heap(local: Settings) -> None:
    conf = server.render_conf(local.replace(heap="512m"))
    assert "dbms.memory.transaction.total.max=128m\n" in conf


@pytest.mark.parametrize(
    ("change", "env"),
    [
        ({"heap": "lots"}, "CASEGRAPH_HEAP"),
        ({"heap": "1.5g"}, "CASEGRAPH_HEAP"),
        ({"pagecache": ""}, "CASEGRAPH_PAGECACHE"),
        ({"bolt_port": 0}, "CASEGRAPH_BOLT_PORT"),
        ({"http_port": 70000}, "CASEGRAPH_HTTP_PORT"),
        ({"neo4j_version": "latest"}, "CASEGRAPH_NEO4J_VERSION"),
    ],
)
def test_bad_settings_are_config_errors_naming_the_variable(
    local: Settings, change: dict[str, object], env: str
) -> None:
    with pytest.raises(ConfigError, match=env):
        server.start(local.replace(**change))
    assert not server.pid_file(local).exists()


def test_same_bolt_and_http_port_is_refused(local: Settings) -> None:
    with pytest.raises(ConfigError, match="different ports"):
        server.start(local.replace(http_port=local.bolt_port))


# --------------------------------------------------------------------------- Java and Maven


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
    ],
)
def test_parse_java_version(output: str, major: int) -> None:
    assert server.parse_java_version(output) == major


@pytest.mark.usefixtures("no_tools")
def test_missing_java_says_what_to_install(local: Settings) -> None:
    with pytest.raises(ConfigError) as info:
        server.start(local)
    message = str(info.value)
    assert "Java 17+ is required" in message
    assert "openjdk-17" in message and "NEO4J_URI" in message
    assert "\n" not in message


@pytest.mark.usefixtures("no_tools")
def test_old_java_is_refused(
    local: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = tmp_path / "jdk11" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk11"))
    with pytest.raises(ConfigError, match=r"Java 17\+ is required.*is Java 11"):
        server.start(local)


def test_java_home_without_java_is_refused(
    local: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(ConfigError, match=r"JAVA_HOME=.* has no bin/java"):
        server.start(local)


@pytest.mark.usefixtures("no_tools")
def test_missing_maven_says_what_to_install(local: Settings, tmp_path: Path) -> None:
    settings = local.replace(cache_dir=tmp_path / "cache")
    with pytest.raises(ConfigError) as info:
        server.provision(settings)
    assert "Maven (mvn) is required" in str(info.value)
    assert "install maven" in str(info.value)


@pytest.mark.usefixtures("no_tools")
def test_incomplete_jar_cache_is_provisioned_again(local: Settings, tmp_path: Path) -> None:
    settings = local.replace(cache_dir=tmp_path / "cache")
    dist = server.distribution_dir(settings)
    (dist / "lib").mkdir(parents=True)
    (dist / "lib" / "neo4j-5.26.31.jar").write_bytes(b"")
    (dist / server.PROVISIONED_MARKER).write_text("neo4j-5.26.31.jar\nneo4j-kernel-5.26.31.jar\n")
    # A jar listed by the marker is missing: provision must go back to Maven (absent here).
    with pytest.raises(ConfigError, match="Maven"):
        server.provision(settings)


# --------------------------------------------------------------------------- refusals, no-ops


@pytest.mark.parametrize(
    ("which", "env"), [("bolt", "CASEGRAPH_BOLT_PORT"), ("http", "CASEGRAPH_HTTP_PORT")]
)
def test_port_taken_is_refused_naming_port_and_setting(
    local: Settings, which: str, env: str
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerError) as info:
            server.start(local.replace(**{f"{which}_port": port}))
    message = str(info.value)
    assert f"port {port} " in message and env in message
    assert not server.pid_file(local).exists()


def test_stop_when_nothing_runs_is_a_noop(local: Settings) -> None:
    assert server.stop(local) is False
    assert not local.home.exists()


def test_status_of_a_stopped_server(local: Settings) -> None:
    status = server.status(local)
    assert status.running is False
    assert status.pid is None and status.version is None
    assert status.uri == f"bolt://127.0.0.1:{local.bolt_port}"
    assert status.home == local.home.resolve()


def test_stale_pid_files_are_cleaned(local: Settings) -> None:
    server.pid_file(local).parent.mkdir(parents=True)
    finished = subprocess.Popen(["true"])
    finished.wait()
    # A dead pid, then a live process that is not a Neo4j on this home (this test itself).
    for pid in (finished.pid, os.getpid()):
        server.pid_file(local).write_text(f"{pid}\n")
        assert server.status(local).running is False
        assert not server.pid_file(local).exists()
        server.pid_file(local).write_text(f"{pid}\n")
        assert server.stop(local) is False
        assert not server.pid_file(local).exists()


def test_private_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    target = tmp_path / "password"
    target.write_text("old")
    target.chmod(0o644)
    old = os.umask(0)
    try:
        server.write_private(target, "s3cret\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "s3cret\n"


def test_server_directories_are_private_even_when_made_before(local: Settings) -> None:
    old_data = local.home / "data"
    old_data.mkdir(parents=True)
    old_data.chmod(0o755)  # a home made before directories were private
    old = os.umask(0)
    try:
        server._prepare_home(local)
    finally:
        os.umask(old)
    for name in (*server.DIRECTORIES, "conf"):
        assert stat.S_IMODE((local.home / name).stat().st_mode) == 0o700, name


def test_neo4j_uri_set_means_no_local_server(local: Settings) -> None:
    (port,) = free_ports(1)
    external = local.replace(neo4j_uri=f"bolt://127.0.0.1:{port}", neo4j_password="unused-pw")
    status = server.start(external)
    assert status.detail.startswith(
        f"NEO4J_URI is set; using bolt://127.0.0.1:{port}, not starting a local server"
    )
    assert status.running is False and status.pid is None
    assert "unused-pw" not in status.detail
    assert server.stop(external) is False
    assert not local.home.exists()


# --------------------------------------------------------------------------- the real server


@pytest.mark.neo4j
def test_status_of_the_running_server(settings: Settings) -> None:
    status = server.status(settings)
    assert status.running is True
    assert status.version == settings.neo4j_version
    assert status.edition == "community"
    assert status.uri == settings.uri
    assert status.pid is not None
    assert psutil.Process(status.pid).is_running()


@pytest.mark.neo4j
def test_the_running_server_keeps_its_data_and_logs_private(settings: Settings) -> None:
    for name in ("data", "logs", "conf"):
        mode = stat.S_IMODE((settings.home / name).stat().st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))
    assert stat.S_IMODE(settings.password_file.stat().st_mode) == 0o600


@pytest.mark.neo4j
def test_second_start_on_the_same_home_is_idempotent(settings: Settings) -> None:
    before = server.status(settings)
    again = server.start(settings)
    assert again.running and again.pid == before.pid


@pytest.mark.neo4j
def test_second_server_on_the_same_home_is_refused(settings: Settings) -> None:
    pid = server.status(settings).pid
    (other_bolt,) = free_ports(1)
    with pytest.raises(ServerError, match=rf"pid {pid}\) already runs on .*casegraph db stop"):
        server.start(settings.replace(bolt_port=other_bolt))
    assert server.status(settings).pid == pid


@pytest.mark.neo4j
def test_password_is_private_and_never_logged(settings: Settings) -> None:
    password = settings.password()
    assert password is not None and len(password) >= 24
    assert stat.S_IMODE(settings.password_file.stat().st_mode) == 0o600
    home = settings.home
    for path in [*home.glob("logs/*"), *home.glob("conf/*"), *home.glob("run/*")]:
        assert password not in path.read_text(errors="replace"), path
    with (
        neo4j.GraphDatabase.driver(settings.uri, auth=(settings.neo4j_user, "wrong-password")) as d,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        d.verify_connectivity()


@pytest.mark.neo4j
@pytest.mark.usefixtures("no_tools")
def test_provisioned_jars_need_no_maven(settings: Settings) -> None:
    lib = server.provision(settings)
    jars = list(lib.glob("*.jar"))
    assert len(jars) > 200
    assert (lib / f"neo4j-{settings.neo4j_version}.jar").is_file()


@pytest.mark.neo4j
def test_clean_db_keeps_constraints(driver: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    driver.execute_query(
        "CREATE CONSTRAINT test_probe_id IF NOT EXISTS FOR (n:TestProbe) REQUIRE n.id IS UNIQUE",
        database_=db,
    )
    driver.execute_query("CREATE (:TestProbe {id: 1})-[:LINKS]->(:TestProbe {id: 2})", database_=db)
    try:
        delete_all(driver, db)
        records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=db)
        assert records[0]["n"] == 0
        names, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=db)
        assert "test_probe_id" in {r["name"] for r in names}
    finally:
        driver.execute_query("DROP CONSTRAINT test_probe_id IF EXISTS", database_=db)


@pytest.mark.neo4j
@pytest.mark.slow
def test_start_timeout_stops_neo4j_and_shows_its_log(tmp_path: Path) -> None:
    settings = throwaway_settings(tmp_path / "home").replace(start_timeout=0.5)
    with pytest.raises(ServerError) as info:
        server.start(settings)
    message = str(info.value)
    assert message.startswith(f"Neo4j did not answer on {settings.uri} within 0.5 s")
    assert "CASEGRAPH_START_TIMEOUT" in message
    assert len(message.splitlines()) >= 2  # the log tail follows
    password = settings.password()
    assert password is not None and password not in message
    assert not server.pid_file(settings).exists()
    assert server.status(settings).running is False


@pytest.mark.neo4j
@pytest.mark.slow
def test_lifecycle_start_stop_restart(tmp_path: Path) -> None:
    # NEO4J_PASSWORD set for a local server becomes its password; this one needs quoting, and
    # its leading dashes must not read as an option of neo4j-admin (a generated one can do that).
    tricky = "--sp ace \"quote\" back\\slash #hash 'single'"
    settings = throwaway_settings(tmp_path / "home").replace(neo4j_password=tricky)
    try:
        first = server.start(settings)
        assert first.running and first.edition == "community"
        assert settings.password_file.read_text() == tricky + "\n"
        # With its pid file lost, Neo4j's store lock still refuses a second server on the home.
        server.pid_file(settings).unlink()
        with pytest.raises(ServerError, match=r"another Neo4j process holds .*/data"):
            server.start(throwaway_settings(settings.home))
        server.pid_file(settings).write_text(f"{first.pid}\n")
        assert server.status(settings).pid == first.pid
        assert server.stop(settings) is True
        assert first.pid is not None and not psutil.pid_exists(first.pid)
        assert server.status(settings).running is False
        assert server.stop(settings) is False
        # The restart reuses the stored password: nothing is set again.
        stored = settings.password_file.read_text()
        second = server.start(settings.replace(neo4j_password=None))
        assert second.running and second.pid != first.pid
        assert settings.password_file.read_text() == stored
    finally:
        server.stop(settings)


@pytest.mark.neo4j
def test_multi_line_password_is_refused_before_anything_starts(tmp_path: Path) -> None:
    settings = throwaway_settings(tmp_path / "home").replace(neo4j_password="two\nlines-here")
    with pytest.raises(ServerError, match="NEO4J_PASSWORD must be a single line"):
        server.start(settings)
    assert not settings.password_file.exists()
    assert server.status(settings).running is False


def test_the_watchdog_is_built_once_and_needs_a_jdk(tmp_path: Path) -> None:
    java = server.find_java()
    lib = server.provision(throwaway_settings(tmp_path / "home"))
    plugins, cache = tmp_path / "plugins", tmp_path / "cache"  # an empty cache: javac runs
    plugins.mkdir()
    jar = server.build_watchdog(java, lib, plugins, cache)
    with zipfile.ZipFile(jar) as archive:
        names = archive.namelist()
        service = archive.read(server.WATCHDOG_SERVICE).decode()
    assert "casegraph/watchdog/WatchdogExtension.class" in names
    assert service.strip() == "casegraph.watchdog.WatchdogExtension"
    built = jar.stat().st_mtime_ns
    assert server.build_watchdog(java, lib, plugins, cache).stat().st_mtime_ns == built  # kept
    # Another home gets the compiled jar copied from the cache, not compiled again.
    (compiled,) = cache.glob("casegraph-watchdog-*.jar")
    compiled_at = compiled.stat().st_mtime_ns
    (tmp_path / "other").mkdir()
    copy = server.build_watchdog(java, lib, tmp_path / "other", cache)
    assert copy.read_bytes() == jar.read_bytes()
    assert compiled.stat().st_mtime_ns == compiled_at
    runtime_only = tmp_path / "jre" / "bin"
    runtime_only.mkdir(parents=True)
    (runtime_only / "java").write_text("#!/bin/sh\n", encoding="utf-8")
    (runtime_only / "java").chmod(0o755)
    with pytest.raises(ConfigError, match="needs a Java 17\\+ JDK"):
        server.build_watchdog(runtime_only / "java", lib, plugins, cache)


def test_a_restart_waits_for_its_port_to_be_released(
    local: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tests.conftest.start_again` (the outage tests' restart) waits while another socket
    holds the server's port, then starts: here it gets past the port check to provisioning,
    which stops at the missing Maven (an empty PATH and jar cache, Java from JAVA_HOME)."""
    import shutil
    import threading
    import time

    from tests import conftest

    java = shutil.which("java")
    if java is None:
        pytest.skip("no java on PATH to point JAVA_HOME at")
    monkeypatch.setenv("JAVA_HOME", str(Path(os.path.realpath(java)).parent.parent))
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    local = local.replace(cache_dir=tmp_path / "cache")
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    settings = local.replace(bolt_port=taken.getsockname()[1])
    threading.Timer(1.5, taken.close).start()
    began = time.monotonic()
    with pytest.raises(ConfigError, match="Maven"):
        conftest.start_again(settings)
    assert time.monotonic() - began >= 1.0
    # a port that stays taken fails with the server's own message once the wait is over
    monkeypatch.setattr(conftest, "_RESTART_WAIT", 1.0)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        with pytest.raises(ServerError, match="already in use"):
            conftest.start_again(local.replace(bolt_port=held.getsockname()[1]))
