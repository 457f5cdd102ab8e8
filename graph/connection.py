"""Opening the Neo4j driver from the settings, and turning driver errors into one clear line.

Every casegraph command reaches Neo4j through `open_driver` (or the `session` helper), so an
unreachable server, refused credentials, a wrong database name or a malformed URI all surface as
`DatabaseUnavailable` with a message that says what to do. The password is never part of a
message.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from graph.errors import DatabaseUnavailable
from graph.settings import Settings

# The drivers' own retry of managed transactions; the store adds its own bounded retries on
# top, so this stays short to keep a stopped server from stalling a command for minutes.
TRANSACTION_RETRY_SECONDS = 5.0
CONNECTION_TIMEOUT_SECONDS = 10.0
# How long to wait for a connection, handshake included: without it a server that accepts TCP
# connections but never answers (frozen, overloaded) holds a command for the driver's 60 s.
ACQUISITION_TIMEOUT_SECONDS = 15.0
# Server notifications casegraph's own queries do not act on (unknown labels before the first
# ingest, planner hints).
QUIET_NOTIFICATIONS = (
    neo4j.NotificationDisabledClassification.UNRECOGNIZED,
    neo4j.NotificationDisabledClassification.PERFORMANCE,
    neo4j.NotificationDisabledClassification.HINT,
)

# The driver logs its own retries ("Transaction failed and will be retried in ...") and server
# notifications as warnings; with no handler configured Python prints them to stderr, several
# lines per retry while Neo4j is down. casegraph reports the outcome in one line itself.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# http(s) selects the driver's preview HTTP transport, which needs extra packages; casegraph
# speaks Bolt only.
_BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def safe_uri(uri: str) -> str:
    """`uri` without any user:password part, for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    if "@" not in parts.netloc:
        return uri
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s'\"]*@", re.IGNORECASE)


def _scrub(text: str, settings: Settings) -> str:
    """`text` without credentials: the driver quotes a NEO4J_URI with user:password@ verbatim."""
    text = _USERINFO.sub(r"\1", text)
    secret = settings.password()
    return text.replace(secret, "********") if secret else text


def _listening(uri: str) -> bool:
    """True when a TCP connection to the URI's host and port opens (the port is taken)."""
    import socket

    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port or 7687
    except ValueError:
        return False
    if not host:
        return False
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def unreachable_message(settings: Settings) -> str:
    """The one line shown when no server answers at the configured address."""
    hint = (
        "check NEO4J_URI and that the server is running"
        if settings.uses_external_server
        else "run `casegraph db start` or set NEO4J_URI"
    )
    return f"Neo4j is not reachable at {safe_uri(settings.uri)}: {hint}"


def _auth_message(settings: Settings) -> str:
    where = safe_uri(settings.uri)
    if not settings.uses_external_server and settings.password() is None:
        return (
            f"no password for the local Neo4j at {where}: run `casegraph db start` "
            "(it creates one) or set NEO4J_PASSWORD"
        )
    return (
        f"Neo4j refused the credentials for user {settings.neo4j_user!r} at {where}: "
        "check NEO4J_USER/NEO4J_PASSWORD"
    )


def _check_uri(settings: Settings) -> None:
    scheme = settings.uri.split("://", 1)[0].lower() if "://" in settings.uri else ""
    if scheme not in _BOLT_SCHEMES:
        raise DatabaseUnavailable(
            f"NEO4J_URI {safe_uri(settings.uri)!r} is not a Neo4j Bolt address: "
            "use bolt://host:7687, neo4j://host or neo4j+s://host"
        )


def translate(
    exc: Exception, settings: Settings, waited: float | None = None
) -> DatabaseUnavailable | None:
    """The `DatabaseUnavailable` for a driver error about reaching Neo4j, else None
    (`waited`: the seconds the connection attempt took, for the message)."""
    if isinstance(exc, neo4j_errors.AuthError):
        return DatabaseUnavailable(_auth_message(settings))
    if isinstance(exc, neo4j_errors.ClientError) and "AuthenticationRateLimit" in (exc.code or ""):
        # Neo4j locks a user for a few seconds after repeated wrong passwords.
        return DatabaseUnavailable(
            f"Neo4j at {safe_uri(settings.uri)} refused user {settings.neo4j_user!r} for now "
            "after repeated wrong passwords: check NEO4J_USER/NEO4J_PASSWORD and retry in a "
            "few seconds"
        )
    if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        if _listening(settings.uri):
            took = f" in {waited:.0f} s" if waited is not None else ""
            return DatabaseUnavailable(
                f"Neo4j at {safe_uri(settings.uri)} did not answer{took}: something listens "
                "there but does not speak Bolt (a frozen or overloaded server); check it with "
                "`casegraph db status` or restart it"
            )
        return DatabaseUnavailable(unreachable_message(settings))
    if isinstance(exc, neo4j_errors.ClientError) and exc.code and "DatabaseNotFound" in exc.code:
        return DatabaseUnavailable(
            f"Neo4j at {safe_uri(settings.uri)} has no database {settings.neo4j_database!r}: "
            "check NEO4J_DATABASE"
        )
    if isinstance(exc, neo4j_errors.ConfigurationError | ValueError):
        return DatabaseUnavailable(
            f"cannot connect to Neo4j at {safe_uri(settings.uri)} ({_scrub(str(exc), settings)}): "
            "check NEO4J_URI"
        )
    return None


def open_driver(settings: Settings) -> neo4j.Driver:
    """A connected driver for the configured server and database.

    Verifies connectivity, the credentials and that the database exists before returning.
    """
    _check_uri(settings)
    driver: neo4j.Driver | None = None
    started = time.monotonic()
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.neo4j_user, settings.password() or ""),
            connection_timeout=CONNECTION_TIMEOUT_SECONDS,
            connection_acquisition_timeout=ACQUISITION_TIMEOUT_SECONDS,
            max_transaction_retry_time=TRANSACTION_RETRY_SECONDS,
            # The driver logs server notifications to stderr; on a fresh database every query
            # naming a label not created yet would print "label does not exist" lines.
            notifications_disabled_classifications=QUIET_NOTIFICATIONS,
        )
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=settings.neo4j_database)
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, ValueError) as exc:
        if driver is not None:
            driver.close()
        mapped = translate(exc, settings, time.monotonic() - started)
        if mapped is None:
            raise
        raise mapped from None
    return driver


@contextmanager
def session(
    target: Settings | neo4j.Driver, *, read: bool = True, database: str | None = None
) -> Iterator[neo4j.Session]:
    """A session in read or write access mode.

    Given `Settings`, it opens (and afterwards closes) its own driver and uses the configured
    database; given a driver, it uses `database` (default "neo4j"). Errors about reaching
    Neo4j raised inside the block become `DatabaseUnavailable` when settings are known.
    """
    settings = target if isinstance(target, Settings) else None
    driver = open_driver(target) if isinstance(target, Settings) else target
    db = database or (settings.neo4j_database if settings else "neo4j")
    mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
    try:
        with driver.session(database=db, default_access_mode=mode) as s:
            yield s
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        mapped = translate(exc, settings) if settings else None
        if mapped is None:
            raise
        raise mapped from None
    finally:
        if settings is not None:
            driver.close()
