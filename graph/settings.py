"""One settings object for casegraph: defaults, an optional TOML file, environment variables.

Precedence: environment > config file > default. The config file is `casegraph.toml` in the
current directory, or the file named by CASEGRAPH_CONFIG. Secrets (the Neo4j password) are
only read from the environment or from the password file of the local server, never from the
config file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ConfigError


def _data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "casegraph"


def _cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "casegraph"


def _setting(
    default: Any,
    env: str,
    help: str,
    secret: bool = False,
    bounds: tuple[float, float] | None = None,
    pattern: str | None = None,
) -> Any:
    """A setting: its default, environment variable, help line, and what values are allowed
    (`bounds` for numbers, inclusive; `pattern` a regular expression for strings)."""
    meta = {"env": env, "help": help, "secret": secret, "bounds": bounds, "pattern": pattern}
    if callable(default):
        return field(default_factory=default, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """Every casegraph setting, with its environment variable and a line of help."""

    neo4j_uri: str | None = _setting(
        None,
        "NEO4J_URI",
        "Use this Neo4j server (bolt://, neo4j://, neo4j+s://) instead of the local one.",
    )
    neo4j_user: str = _setting("neo4j", "NEO4J_USER", "User name for Neo4j.")
    neo4j_password: str | None = _setting(
        None,
        "NEO4J_PASSWORD",
        "Password for NEO4J_URI (the local server's is generated and stored).",
        secret=True,
    )
    neo4j_database: str = _setting("neo4j", "NEO4J_DATABASE", "Database name inside the server.")
    home: Path = _setting(
        _data_home,
        "CASEGRAPH_HOME",
        "Directory of the local Neo4j server (config, data, logs, password).",
    )
    cache_dir: Path = _setting(
        _cache_home, "CASEGRAPH_CACHE", "Where the Neo4j jars from Maven Central are kept."
    )
    neo4j_version: str = _setting(
        "5.26.31", "CASEGRAPH_NEO4J_VERSION", "Neo4j Community release to provision."
    )
    bolt_port: int = _setting(
        7687,
        "CASEGRAPH_BOLT_PORT",
        "Bolt port of the local server (127.0.0.1 only).",
        bounds=(1, 65535),
    )
    http_port: int = _setting(
        7474,
        "CASEGRAPH_HTTP_PORT",
        "HTTP port of the local server (127.0.0.1 only).",
        bounds=(1, 65535),
    )
    heap: str = _setting(
        "1g",
        "CASEGRAPH_HEAP",
        "Maximum JVM heap of the local server.",
        pattern=r"^[1-9][0-9]*[kmgKMG]?$",
    )
    pagecache: str = _setting(
        "512m",
        "CASEGRAPH_PAGECACHE",
        "Page cache size of the local server.",
        pattern=r"^[1-9][0-9]*[kmgKMG]?$",
    )
    start_timeout: float = _setting(
        90.0, "CASEGRAPH_START_TIMEOUT", "Seconds to wait for Bolt after start.", bounds=(1, 3600)
    )
    spacy_model: str = _setting(
        "en_core_web_sm", "CASEGRAPH_SPACY_MODEL", "spaCy model package to load."
    )
    kinds_model: str = _setting(
        "builtin",
        "CASEGRAPH_KINDS_MODEL",
        "Trained entity-kinds model: 'builtin' (shipped with casegraph), a model folder made by "
        "`make train`, or 'none' for the spaCy model and the rules alone.",
    )
    facts_model: str = _setting(
        "builtin",
        "CASEGRAPH_FACTS_MODEL",
        "Trained fact classifier that decides which proposed facts are kept: 'builtin' "
        "(shipped with casegraph), a file made by `make train`, or 'none' to keep every fact "
        "the rules propose.",
    )
    batch_size: int = _setting(
        200,
        "CASEGRAPH_BATCH_SIZE",
        "Articles per write transaction during ingest.",
        bounds=(1, 100_000),
    )
    workers: int = _setting(
        1, "CASEGRAPH_WORKERS", "Processes used for NLP during extract/ingest.", bounds=(1, 64)
    )
    dask_scheduler: str | None = _setting(
        None,
        "CASEGRAPH_DASK_SCHEDULER",
        "Run the NLP of extract/ingest on this Dask cluster (tcp://HOST:8786) instead of local "
        "processes; see docs/SCALE.md.",
    )
    dask_connect_timeout: float = _setting(
        10.0,
        "CASEGRAPH_DASK_CONNECT_TIMEOUT",
        "Seconds to wait for the Dask scheduler before giving up.",
        bounds=(0.5, 600),
    )
    row_limit: int = _setting(
        1000,
        "CASEGRAPH_ROW_LIMIT",
        "Maximum rows returned by ad-hoc and named queries.",
        bounds=(1, 1_000_000),
    )
    result_mb: int = _setting(
        32,
        "CASEGRAPH_RESULT_MB",
        "Maximum size in MB of the rows returned by ad-hoc and named queries (the rows after "
        "it are left out, as with the row limit).",
        bounds=(1, 4096),
    )
    query_timeout: float = _setting(
        30.0,
        "CASEGRAPH_QUERY_TIMEOUT",
        "Seconds before a read query is cancelled.",
        bounds=(0.1, 86_400),
    )
    write_retries: int = _setting(
        5,
        "CASEGRAPH_WRITE_RETRIES",
        "Attempts for a write batch when Neo4j is unavailable.",
        bounds=(0, 100),
    )
    ingest_root: Path | None = _setting(
        None,
        "CASEGRAPH_INGEST_ROOT",
        "Folder under which the app's Ingest page may read files named by path; unset: the app "
        "ingests uploads only.",
    )
    app_hosts: str = _setting(
        "",
        "CASEGRAPH_APP_HOSTS",
        "Host names the app answers to besides localhost, 127.0.0.1 and ::1, comma-separated "
        "(e.g. the name of a proxy in front of it); other Host headers get 400.",
        pattern=r"^[A-Za-z0-9.*:,\- \[\]]*$",
    )
    app_port: int = _setting(
        8501, "CASEGRAPH_APP_PORT", "Port of the Streamlit app.", bounds=(1, 65535)
    )
    app_address: str = _setting(
        "127.0.0.1",
        "CASEGRAPH_APP_ADDRESS",
        "Address the app listens on; anything but a loopback address (e.g. 0.0.0.0) needs "
        "CASEGRAPH_APP_USERS.",
        pattern=r"^[0-9A-Za-z.:\-\[\]]{1,100}$",
    )
    app_users: Path | None = _setting(
        None,
        "CASEGRAPH_APP_USERS",
        "Users file (`casegraph user add`): when set, the app asks for a name and a password and "
        "grants each user's role (reader, editor, admin).",
    )
    app_audit_log: Path | None = _setting(
        None,
        "CASEGRAPH_APP_AUDIT_LOG",
        "File the app appends every write to, with the user's name (JSON lines); default "
        "app-audit.log in the casegraph home.",
    )

    @property
    def uses_external_server(self) -> bool:
        return bool(self.neo4j_uri)

    @property
    def uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    def password(self) -> str | None:
        """The password to use: NEO4J_PASSWORD, else the local server's stored one."""
        if self.neo4j_password is not None or self.uses_external_server:
            return self.neo4j_password
        try:
            return self.password_file.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def public_items(self) -> list[tuple[str, str, Any, str]]:
        """(name, env var, value, help) of every setting, secrets masked."""
        out = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.metadata["secret"] and value is not None:
                value = "********"
            out.append((f.name, f.metadata["env"], value, f.metadata["help"]))
        return out


def _coerce(f: dataclasses.Field[Any], raw: Any, origin: str) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if "int" in kind and "Path" not in kind:
            value: Any = int(raw)
        elif "float" in kind:
            value = float(raw)
        elif "Path" in kind:
            return Path(str(raw)).expanduser()
        else:
            value = None if raw in (None, "") and "None" in kind else str(raw)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{origin}: {f.name} must be a {kind.split()[0]}, got {raw!r}") from None
    return _checked(f, value, origin)


def _checked(f: dataclasses.Field[Any], value: Any, origin: str) -> Any:
    """`value` when the setting allows it, else a ConfigError naming what is allowed."""
    bounds, pattern = f.metadata["bounds"], f.metadata["pattern"]
    if bounds is not None and not (bounds[0] <= value <= bounds[1]):  # NaN fails too
        raise ConfigError(
            f"{origin}: {f.name} must be between {bounds[0]} and {bounds[1]}, got {value!r}"
        )
    if pattern is not None and value is not None and not re.fullmatch(pattern, str(value)):
        raise ConfigError(f"{origin}: {f.name} must be a size such as 512m or 2g, got {value!r}")
    return value


def load_settings(env: dict[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Build the settings from defaults, the optional config file and the environment."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    path = config_file or (Path(env["CASEGRAPH_CONFIG"]) if env.get("CASEGRAPH_CONFIG") else None)
    if path is None and Path("casegraph.toml").is_file():
        path = Path("casegraph.toml")
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        for key, raw in data.items():
            f = fields.get(key)
            if f is None:
                raise ConfigError(
                    f"config file {path}: unknown setting {key!r} (see `casegraph config`)"
                )
            if f.metadata["secret"]:
                raise ConfigError(
                    f"config file {path}: {key} is a secret; set {f.metadata['env']} instead"
                )
            values[key] = _coerce(f, raw, str(path))
    for f in fields.values():
        raw = env.get(f.metadata["env"])
        if raw is not None and raw != "":
            values[f.name] = _coerce(f, raw, f.metadata["env"])
    return Settings(**values)
