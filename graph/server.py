"""The local Neo4j server casegraph provisions and runs for itself.

Jars come from Maven Central through `neo4j-pom.xml` into `settings.cache_dir/neo4j-<version>/lib`
(once per machine, shared by every home). Layout of `settings.home`:

    conf/neo4j.conf     written by casegraph on every start: 127.0.0.1 only, bounded memory
    data/ logs/ plugins/ import/ run/     Neo4j's directories
    run/neo4j.pid       pid of the server casegraph started
    plugins/casegraph-watchdog.jar  from watchdog/WatchdogExtension.java, compiled once per
                                    machine into cache_dir/neo4j-<version>/watchdog
    logs/console.log    the JVM's stdout and stderr; Neo4j's own log is logs/neo4j.log
    password            the password of user `neo4j`, mode 0600 (settings.password_file)

The server is `org.neo4j.server.CommunityEntryPoint` run directly by `java` (no `bin/neo4j`
launcher exists in the Maven artifacts), so the JVM options the launcher would add are ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from graph.errors import ConfigError, ServerError
from graph.settings import Settings

# The driver (about half a second to import) only where Bolt is spoken: `db stop` and `db
# status` of a stopped server never need it.
if TYPE_CHECKING:
    from neo4j import Driver

POM = Path(__file__).with_name("neo4j-pom.xml")
WATCHDOG_SOURCE = Path(__file__).with_name("watchdog") / "WatchdogExtension.java"
WATCHDOG_SERVICE = "META-INF/services/org.neo4j.kernel.extension.ExtensionFactory"
# A statement marked terminated (its timeout passed) that still runs this long is stopped by the
# watchdog; Neo4j marks overdue transactions every second (db.transaction.monitor.check.interval).
WATCHDOG_GRACE_MS = 1000
BOLT_QUIET_PERIOD = 0  # seconds (an integer for this setting)
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
MIN_JAVA = 17
LOG_TAIL_LINES = 15
PROVISIONED_MARKER = "provisioned.txt"
DIRECTORIES = ("data", "logs", "plugins", "import", "run")
_MB = 1024 * 1024
_SIZE = re.compile(r"^(\d+)([kmg])$", re.IGNORECASE)
_UNIT = {"k": 1024, "m": _MB, "g": 1024 * _MB}

# What bin/neo4j would add; without the --add-opens Netty and the page cache fail on Java 17+.
JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",  # the watchdog's Thread.stop0
    "--enable-native-access=ALL-UNNAMED",
    "-Dfile.encoding=UTF-8",
)
# Stack frames say nothing to a user; the log tail we show skips them.
_STACK_FRAME = re.compile(r"^\s+(at |\.\.\. \d+ more)")
JAVA_HINT = "install openjdk-17-jre-headless (apt) or set NEO4J_URI to an existing Neo4j 5 server"
MAVEN_HINT = "install maven (apt) or set NEO4J_URI to an existing Neo4j 5 server"

# Servers started by this process. Kept so they can be reaped: an unreaped child is a zombie,
# and a zombie still "exists" for kill(pid, 0), which would make stop() wait for nothing.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServerStatus:
    """What `casegraph db status` reports; the CLI maps `running` to exit status 0, else 3."""

    running: bool
    uri: str
    pid: int | None
    version: str | None
    edition: str | None
    home: Path
    detail: str


# --------------------------------------------------------------------------- tools


def parse_java_version(text: str) -> int:
    """The major version in `java -version` output ("1.8.0_392" is 8, "17.0.15" is 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if match is None:
        raise ValueError(f"no version in {text.strip()[:80]!r}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java() -> Path:
    """`$JAVA_HOME/bin/java`, else `java` on PATH; ConfigError unless it is Java 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        java = Path(java_home) / "bin" / "java"
        if not os.access(java, os.X_OK):
            raise ConfigError(
                f"JAVA_HOME={java_home} has no bin/java: point JAVA_HOME at a Java {MIN_JAVA}+ "
                "installation or unset it"
            )
    else:
        found = shutil.which("java")
        if found is None:
            raise ConfigError(f"Java {MIN_JAVA}+ is required to run the local Neo4j: {JAVA_HINT}")
        java = Path(found)
    try:
        done = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
        major = parse_java_version(done.stderr + done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        raise ConfigError(f"cannot run {java} -version ({exc}): {JAVA_HINT}") from None
    if major < MIN_JAVA:
        raise ConfigError(
            f"Java {MIN_JAVA}+ is required to run the local Neo4j, {java} is Java {major}: "
            f"{JAVA_HINT}, or set JAVA_HOME to a Java {MIN_JAVA}+ installation"
        )
    return java


def find_maven() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigError(
            "Maven (mvn) is required once, to download the Neo4j jars from Maven Central: "
            + MAVEN_HINT
        )
    return mvn


# --------------------------------------------------------------------------- provisioning


def distribution_dir(settings: Settings) -> Path:
    return settings.cache_dir.expanduser().resolve() / f"neo4j-{settings.neo4j_version}"


def _is_provisioned(lib: Path, marker: Path) -> bool:
    """True when the marker lists the jars and every one of them is still in `lib`."""
    try:
        jars = marker.read_text(encoding="utf-8").split()
    except OSError:
        return False
    return bool(jars) and all((lib / jar).is_file() for jar in jars)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between casegraph processes (two `db start`, two test sessions)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def provision(settings: Settings) -> Path:
    """The directory of the Neo4j jars, downloaded with Maven the first time only.

    A marker file listing the jars is written after Maven succeeded; without it (or with a jar
    missing) the download is redone from scratch, so an interrupted run heals itself.
    """
    _check_version(settings.neo4j_version)
    dist = distribution_dir(settings)
    lib, marker = dist / "lib", dist / PROVISIONED_MARKER
    if _is_provisioned(lib, marker):
        return lib
    mvn = find_maven()
    dist.mkdir(parents=True, exist_ok=True)
    with _locked(dist / ".lock"):
        if _is_provisioned(lib, marker):  # another process finished while we waited
            return lib
        partial = dist / "lib.partial"
        for stale in (partial, lib):
            shutil.rmtree(stale, ignore_errors=True)
        marker.unlink(missing_ok=True)
        _run_maven(mvn, settings.neo4j_version, partial)
        jars = sorted(p.name for p in partial.glob("*.jar"))
        if f"neo4j-{settings.neo4j_version}.jar" not in jars:
            raise ServerError(
                f"Maven ran but {partial} has no neo4j-{settings.neo4j_version}.jar: "
                f"delete {dist} and run `casegraph db start` again"
            )
        partial.rename(lib)
        marker.write_text("\n".join(jars) + "\n", encoding="utf-8")
    return lib


def build_watchdog(java: Path, lib: Path, plugins: Path, cache: Path | None = None) -> Path:
    """The watchdog extension (WatchdogExtension.java) as a jar in `plugins`, where the server's
    class path finds it; rebuilt when its source or the Neo4j jars change. It is compiled once
    into `cache` (default: beside `lib`, shared by every home) and copied into each home: javac
    takes about 6 CPU seconds, which every new home (a test session's) paid before."""
    javac = java.resolve().with_name("javac")
    if not os.access(javac, os.X_OK):
        raise ConfigError(
            f"{java} has no javac beside it: the local Neo4j needs a Java {MIN_JAVA}+ JDK, not "
            f"only a runtime ({JAVA_HINT})"
        )
    source = WATCHDOG_SOURCE.read_bytes()
    stamp = hashlib.sha256(source + str(lib.resolve()).encode()).hexdigest()
    jar = plugins / "casegraph-watchdog.jar"
    stamp_file = plugins / "casegraph-watchdog.sha256"
    with contextlib.suppress(OSError):
        if jar.is_file() and stamp_file.read_text(encoding="utf-8").strip() == stamp:
            return jar
    compiled = (cache or lib.parent / "watchdog") / f"casegraph-watchdog-{stamp[:16]}.jar"
    if not compiled.is_file():
        _compile_watchdog(javac, lib, compiled)
    partial = plugins / "casegraph-watchdog.jar.partial"
    shutil.copyfile(compiled, partial)
    partial.replace(jar)
    stamp_file.write_text(stamp + "\n", encoding="utf-8")
    return jar


def _compile_watchdog(javac: Path, lib: Path, out: Path) -> None:
    """javac WatchdogExtension.java into the jar `out`, written whole or not at all (two
    processes may build it at once: each renames its own complete file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casegraph-watchdog-") as tmp:
        classes = Path(tmp) / "classes"
        done = subprocess.run(
            [str(javac), "-nowarn", "-cp", f"{lib}/*", "-d", str(classes), str(WATCHDOG_SOURCE)],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            first = (done.stderr or done.stdout or "no output").strip().splitlines()[0]
            raise ServerError(f"could not compile the Neo4j watchdog with {javac}: {first[:300]}")
        partial = out.with_name(f"{out.name}.{os.getpid()}.partial")
        with zipfile.ZipFile(partial, "w") as archive:
            for path in sorted(classes.rglob("*.class")):
                archive.write(path, path.relative_to(classes).as_posix())
            archive.writestr(WATCHDOG_SERVICE, "casegraph.watchdog.WatchdogExtension\n")
        partial.replace(out)


def _check_version(version: str) -> None:
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ConfigError(
            f"CASEGRAPH_NEO4J_VERSION must be a release like 5.26.31, got {version!r}"
        )


def _run_maven(mvn: str, version: str, output: Path) -> None:
    command = [
        mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
        f"-Dneo4j.version={version}", f"-DoutputDirectory={output}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [_plain(line) for line in (done.stdout + done.stderr).splitlines()]
        errors = [line for line in lines if line.startswith("[ERROR]")] or lines or ["no output"]
        raise ServerError(
            f"Maven could not fetch Neo4j {version} from Maven Central (exit "
            f"{done.returncode}): {errors[0][:300]}; check the network and the version, or the "
            "proxy in ~/.m2/settings.xml"
        )


def _plain(line: str) -> str:
    """A Maven output line without its ANSI colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", line).strip()


# --------------------------------------------------------------------------- configuration


def parse_size(value: str, env: str) -> int:
    """Bytes of a JVM/Neo4j size such as 512m or 1g."""
    match = _SIZE.match(value.strip())
    if match is None:
        raise ConfigError(f"{env} must be a size like 512m or 1g, got {value!r}")
    return int(match.group(1)) * _UNIT[match.group(2).lower()]


def check_settings(settings: Settings) -> None:
    """ConfigError for settings the server cannot run with."""
    _check_version(settings.neo4j_version)
    parse_size(settings.heap, "CASEGRAPH_HEAP")
    parse_size(settings.pagecache, "CASEGRAPH_PAGECACHE")
    for port, env in ((settings.bolt_port, "CASEGRAPH_BOLT_PORT"),
                      (settings.http_port, "CASEGRAPH_HTTP_PORT")):  # fmt: skip
        if not 0 < port < 65536:
            raise ConfigError(f"{env} must be a port between 1 and 65535, got {port}")
    if settings.bolt_port == settings.http_port:
        raise ConfigError(
            f"CASEGRAPH_BOLT_PORT and CASEGRAPH_HTTP_PORT are both {settings.bolt_port}: "
            "give them different ports"
        )


def home_dir(settings: Settings) -> Path:
    return settings.home.expanduser().resolve()


def pid_file(settings: Settings) -> Path:
    return home_dir(settings) / "run" / "neo4j.pid"


def render_conf(settings: Settings) -> str:
    """The neo4j.conf casegraph writes: loopback only, our ports, bounded memory."""
    home = home_dir(settings)
    heap = parse_size(settings.heap, "CASEGRAPH_HEAP")
    parse_size(settings.pagecache, "CASEGRAPH_PAGECACHE")
    # One runaway query must not take the whole heap: a quarter of it, at least 64 MB.
    transaction_max = max(64, heap // 4 // _MB)
    bolt, http = settings.bolt_port, settings.http_port
    lines = [
        "# Written by casegraph (graph/server.py) at every start; edits are overwritten.",
        "# The heap is set on the java command line (-Xmx, CASEGRAPH_HEAP).",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{bolt}",
        f"server.bolt.advertised_address=127.0.0.1:{bolt}",
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{http}",
        f"server.http.advertised_address=127.0.0.1:{http}",
        "server.https.enabled=false",
        *(f"server.directories.{name}={home / name}" for name in DIRECTORIES),
        f"server.memory.pagecache.size={settings.pagecache}",
        f"dbms.memory.transaction.total.max={transaction_max}m",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "db.transaction.monitor.check.interval=1s",
        # Bolt's Netty event loops otherwise wait out a 5 s quiet period each at shutdown,
        # after the databases are already stopped: 10 of the 11 s of every `db stop`.
        f"internal.dbms.bolt.netty_server_shutdown_quiet_period={BOLT_QUIET_PERIOD}",
    ]
    return "\n".join(lines) + "\n"


def conf_ports(settings: Settings) -> tuple[int, int] | None:
    """(bolt, http) ports of the neo4j.conf last written in this home, if any."""
    try:
        text = (home_dir(settings) / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    except OSError:
        return None
    found = dict(re.findall(r"^server\.(bolt|http)\.listen_address=.*:(\d+)$", text, re.M))
    if "bolt" not in found or "http" not in found:
        return None
    return int(found["bolt"]), int(found["http"])


PRIVATE_DIR = 0o700  # the server's data, logs and config: the user's only


def _prepare_home(settings: Settings) -> None:
    home = home_dir(settings)
    if not home.exists():
        home.mkdir(mode=PRIVATE_DIR, parents=True)
    for name in (*DIRECTORIES, "conf"):
        directory = home / name
        directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        # Also for a home made by an older casegraph, and whatever the umask was.
        os.chmod(directory, PRIVATE_DIR)
    conf = home / "conf" / "neo4j.conf"
    tmp = conf.with_suffix(".tmp")
    tmp.write_text(render_conf(settings), encoding="utf-8")
    tmp.replace(conf)


# --------------------------------------------------------------------------- password


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: created 0600, never readable by others, even briefly."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a umask could only remove bits; make the mode exact anyway
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    tmp.replace(path)


def _ensure_password(settings: Settings, java: Path, lib: Path) -> None:
    """Before the first start: choose the password, give it to Neo4j, then store it (0600)."""
    password_file = settings.password_file
    if password_file.exists():
        return
    home = home_dir(settings)
    if (home / "data" / "databases" / "system").exists():
        raise ServerError(
            f"the password file {password_file} is missing but {home / 'data'} was already "
            f"initialised with it: restore the file, or delete {home} to start from scratch"
        )
    # NEO4J_PASSWORD, when set, is what every command will send; otherwise generate one.
    password = settings.neo4j_password or secrets.token_urlsafe(24)
    _set_initial_password(settings, java, lib, password)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    write_private(password_file, password + "\n")


def _set_initial_password(settings: Settings, java: Path, lib: Path, password: str) -> None:
    home = home_dir(settings)
    if "\n" in password or "\r" in password:
        raise ServerError("NEO4J_PASSWORD must be a single line: remove the line break and retry")
    # An @argument file (picocli) keeps the password out of the process list; "--" ends the
    # options, so a password starting with "-" (token_urlsafe makes one in 64) is not one.
    quoted = '"' + password.replace("\\", "\\\\").replace('"', '\\"') + '"'
    args = home / "run" / "set-initial-password.args"
    write_private(args, f"dbms set-initial-password -- {quoted}\n")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    try:
        done = subprocess.run(
            [str(java), "-cp", f"{lib}/*", ADMIN_TOOL, f"@{args}"],
            capture_output=True, text=True, env=env, timeout=300, check=False,
        )  # fmt: skip
    finally:
        args.unlink(missing_ok=True)
    if done.returncode != 0:
        output = (done.stderr + done.stdout).replace(password, "********").strip().splitlines()
        reason = output[-1] if output else f"exit {done.returncode}"
        raise ServerError(f"setting the initial Neo4j password failed: {reason}")


# --------------------------------------------------------------------------- processes


def _is_our_server(pid: int, home: Path) -> bool:
    """True when `pid` is a live Neo4j server running on `home`."""
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        del _CHILDREN[pid]
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        command = process.cmdline()
    except psutil.Error:
        return False
    return ENTRY_POINT in command and f"--home-dir={home}" in command


def server_pid(settings: Settings) -> int | None:
    """The pid of the server running on this home; a stale pid file is removed."""
    path = pid_file(settings)
    try:
        pid = int(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return None
    if _is_our_server(pid, home_dir(settings)):
        return pid
    path.unlink(missing_ok=True)
    return None


def free_ports(count: int, accept: Callable[[int], bool] = lambda port: True) -> list[int]:
    """Free ports on 127.0.0.1, all different, that `accept` takes, chosen below the kernel's
    ephemeral range: a port taken by binding port 0 could be given to any process's outgoing
    connection between the pick and the server's bind (a test's app once failed so in CI);
    these never are. Each is checked by binding it (held until all are found)."""
    low, high = _PICK_RANGE
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            port = random.randrange(low, high)
            if port in ports or not accept(port):
                continue
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            held.append(sock)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # someone listens there
            ports.append(port)
        return ports
    finally:
        for sock in held:
            sock.close()


def _pick_range() -> tuple[int, int]:
    """[low, high) below the ephemeral ports (Linux: /proc/sys/net/ipv4/ip_local_port_range)."""
    try:
        first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        first = 32768
    return 10000, max(first, 12000)


_PICK_RANGE = _pick_range()


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR as Neo4j uses it: a port in TIME_WAIT after our own stop is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _check_ports_free(settings: Settings) -> None:
    for port, what, env, key in (
        (settings.bolt_port, "Bolt", "CASEGRAPH_BOLT_PORT", "bolt_port"),
        (settings.http_port, "HTTP", "CASEGRAPH_HTTP_PORT", "http_port"),
    ):
        if _port_in_use(port):
            raise ServerError(
                f"port {port} on 127.0.0.1 (Neo4j {what}) is already in use: set {env} (or "
                f"{key} in casegraph.toml) to a free port, or stop the program using it"
            )


def server_command(settings: Settings, java: Path, lib: Path) -> list[str]:
    home = home_dir(settings)
    heap = parse_size(settings.heap, "CASEGRAPH_HEAP")
    initial = min(heap, 512 * _MB) // _MB
    return [
        str(java), f"-Xms{initial}m", f"-Xmx{heap // _MB}m", *JVM_OPTIONS,
        f"-Dcasegraph.watchdog.grace_ms={WATCHDOG_GRACE_MS}",
        "-cp", f"{home}/plugins/*:{home}/conf:{lib}/*",
        ENTRY_POINT, f"--home-dir={home}", f"--config-dir={home}/conf",
    ]  # fmt: skip


def _launch(settings: Settings, java: Path, lib: Path) -> subprocess.Popen[bytes]:
    """Start the JVM in its own session (a Ctrl-C in our terminal must not reach it)."""
    home = home_dir(settings)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    with open(home / "logs" / "console.log", "ab") as console:
        process = subprocess.Popen(
            server_command(settings, java, lib),
            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
            cwd=home, env=env, start_new_session=True,
        )  # fmt: skip
    _CHILDREN[process.pid] = process
    pid_file(settings).write_text(f"{process.pid}\n", encoding="utf-8")
    return process


def log_tail(settings: Settings, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of neo4j.log, or of the JVM console when Neo4j logged nothing yet."""
    logs = home_dir(settings) / "logs"
    for name in ("neo4j.log", "console.log"):
        try:
            with open(logs / name, encoding="utf-8", errors="replace") as handle:
                useful = (ln.rstrip() for ln in handle if ln.strip() and not _STACK_FRAME.match(ln))
                tail = list(deque(useful, maxlen=lines))
        except OSError:
            continue
        if tail:
            secret = settings.password()
            text = "\n".join(f"  {line}" for line in tail)
            return text.replace(secret, "********") if secret else text
    return "  (Neo4j wrote no log)"


def _kill(settings: Settings, process: subprocess.Popen[bytes]) -> None:
    """Stop a server that failed to become ready, so nothing half-started is left behind."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _CHILDREN.pop(process.pid, None)
    pid_file(settings).unlink(missing_ok=True)


# --------------------------------------------------------------------------- Bolt


def _driver(uri: str, user: str, password: str | None, timeout: float) -> Driver:
    from neo4j import GraphDatabase

    auth = (user, password) if password is not None else None
    return GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout)


def _components(uri: str, user: str, password: str | None, timeout: float) -> tuple[str, str]:
    """(version, edition) from `CALL dbms.components()`; raises the driver's errors."""
    with _driver(uri, user, password, timeout) as driver:
        driver.verify_connectivity()  # fails at once; execute_query would retry for 30 s
        # The system database always exists and allows only CALL ... YIELD: filter here.
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition", database_="system"
        )
    for record in records:
        if record["name"] == "Neo4j Kernel":
            return str(record["versions"][0]), str(record["edition"])
    return "unknown", "unknown"


def _reason(exc: Exception, settings: Settings) -> str:
    """One line about a failed Bolt call, without the password."""
    from neo4j.exceptions import AuthError

    if isinstance(exc, AuthError):
        return "it refused the credentials (check NEO4J_USER and NEO4J_PASSWORD)"
    text = " ".join(str(exc).split()) or type(exc).__name__
    secret = settings.password()
    return (text.replace(secret, "********") if secret else text)[:300]


def _exit_diagnosis(settings: Settings, code: int) -> str:
    """What to do about a server that exited during start, from what its log says."""
    tail = log_tail(settings, lines=200)
    if "store_lock" in tail or "locked by another process" in tail:
        return (
            f"Neo4j exited (status {code}): another Neo4j process holds {home_dir(settings)}/data "
            "(started outside casegraph, or its pid file was lost): stop that process first"
        )
    return f"Neo4j exited with status {code} during start: see its log"


def _wait_until_ready(settings: Settings, process: subprocess.Popen[bytes]) -> ServerStatus:
    """Poll Bolt with the stored password until it answers, the JVM exits, or time runs out."""
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    deadline = time.monotonic() + settings.start_timeout
    log = home_dir(settings) / "logs" / "neo4j.log"
    while True:
        code = process.poll()
        if code is not None:
            _kill(settings, process)
            raise ServerError(
                f"{_exit_diagnosis(settings, code)}; last lines of {log}:\n{log_tail(settings)}"
            )
        try:
            with _driver(settings.uri, settings.neo4j_user, settings.password(), 2) as driver:
                driver.verify_connectivity()
            return status(settings)
        except AuthError:
            _kill(settings, process)
            raise ServerError(
                f"Neo4j started but refused the password of {settings.neo4j_user!r} (from "
                f"NEO4J_PASSWORD or {settings.password_file}): unset NEO4J_PASSWORD, or delete "
                f"{home_dir(settings)} to start from scratch"
            ) from None
        except (DriverError, Neo4jError, OSError):
            pass  # not listening yet
        if time.monotonic() >= deadline:
            _kill(settings, process)
            raise ServerError(
                f"Neo4j did not answer on {settings.uri} within {settings.start_timeout:g} s "
                f"and was stopped (raise CASEGRAPH_START_TIMEOUT on a slow machine); last "
                f"lines of {log}:\n{log_tail(settings)}"
            )
        time.sleep(0.5)


# --------------------------------------------------------------------------- lifecycle


def _external_status(settings: Settings, detail: str | None = None) -> ServerStatus:
    from neo4j.exceptions import DriverError, Neo4jError

    home = home_dir(settings)
    try:
        version, edition = _components(
            settings.uri, settings.neo4j_user, settings.password(), timeout=10
        )
    except (DriverError, Neo4jError, OSError, ValueError) as exc:
        reason = f"{settings.uri} does not answer: {_reason(exc, settings)}"
        text = f"{detail} ({reason})" if detail else reason
        return ServerStatus(False, settings.uri, None, None, None, home, text)
    text = detail or f"external server {settings.uri} (NEO4J_URI): Neo4j {version} {edition}"
    return ServerStatus(True, settings.uri, None, version, edition, home, text)


def start(settings: Settings) -> ServerStatus:
    """Start the local Neo4j (provisioning it the first time) and wait until Bolt answers.

    Idempotent: when a server already runs on this home with the same ports, its status is
    returned. ServerError when one runs there with other ports, when a port is taken, or when
    Neo4j does not come up (with the end of its log); ConfigError when Java 17+ or Maven is
    missing.

    When NEO4J_URI is set nothing is started and nothing raised: the returned status describes
    that server (`running` says whether it answers, `pid` is None) and its `detail` begins with
    "NEO4J_URI is set; using <uri>, not starting a local server", for the CLI to print.
    """
    if settings.uses_external_server:
        detail = f"NEO4J_URI is set; using {settings.uri}, not starting a local server"
        return _external_status(settings, detail)
    check_settings(settings)
    home = home_dir(settings)
    (home / "run").mkdir(parents=True, exist_ok=True)
    with _locked(home / "run" / "casegraph.lock"):
        pid = server_pid(settings)
        if pid is not None:
            return _already_running(settings, pid)
        java = find_java()
        _check_ports_free(settings)
        lib = provision(settings)
        _prepare_home(settings)
        _ensure_password(settings, java, lib)
        build_watchdog(java, lib, home_dir(settings) / "plugins")
        process = _launch(settings, java, lib)
        return _wait_until_ready(settings, process)


def _already_running(settings: Settings, pid: int) -> ServerStatus:
    ports = conf_ports(settings)
    if ports == (settings.bolt_port, settings.http_port):
        return status(settings)
    running = f"Bolt port {ports[0]}" if ports else "other settings"
    raise ServerError(
        f"a Neo4j server (pid {pid}) already runs on {home_dir(settings)} with {running}: run "
        "`casegraph db stop` first, or set CASEGRAPH_HOME to another directory"
    )


def stop(settings: Settings, timeout: float = 60) -> bool:
    """Stop the local server with SIGTERM and wait for it to exit; False when none was running.

    With NEO4J_URI set this is a no-op returning False: casegraph never stops a server it did
    not start. ServerError when the server is still alive after `timeout` seconds.
    """
    if settings.uses_external_server or not pid_file(settings).exists():
        return False
    pid = server_pid(settings)
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    home = home_dir(settings)
    deadline = time.monotonic() + timeout
    while _is_our_server(pid, home):
        if time.monotonic() >= deadline:
            raise ServerError(
                f"Neo4j (pid {pid}) did not stop within {timeout:g} s; see "
                f"{home / 'logs' / 'neo4j.log'}, or force it with `kill -9 {pid}` (it recovers "
                "at the next start)"
            )
        time.sleep(0.2)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        # Reap our own child now: it may have exited between poll() and the zombie check
        # above, and an unreaped zombie still holds its pid.
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=10)
    pid_file(settings).unlink(missing_ok=True)
    return True


def status(settings: Settings) -> ServerStatus:
    """Running or stopped; version and edition from `CALL dbms.components()` when running.

    With NEO4J_URI set it describes that server instead (running = it answers over Bolt).
    """
    if settings.uses_external_server:
        return _external_status(settings)
    home = home_dir(settings)
    pid = server_pid(settings)
    if pid is None:
        return ServerStatus(
            False, settings.uri, None, None, None, home, f"not running; home {home}"
        )
    from neo4j.exceptions import DriverError, Neo4jError

    ports = conf_ports(settings)
    uri = f"bolt://127.0.0.1:{ports[0]}" if ports else settings.uri
    try:
        version, edition = _components(uri, settings.neo4j_user, settings.password(), timeout=5)
    except (DriverError, Neo4jError, OSError) as exc:
        detail = f"pid {pid} is running but {uri} does not answer: {_reason(exc, settings)}"
        return ServerStatus(True, uri, pid, None, None, home, detail)
    detail = f"Neo4j {version} {edition} running at {uri} (pid {pid}, home {home})"
    return ServerStatus(True, uri, pid, version, edition, home, detail)
