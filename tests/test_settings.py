"""Settings: defaults < casegraph.toml < environment; bad values and secrets are ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ConfigError
from graph.settings import Settings, load_settings


@pytest.fixture(autouse=True)
def _in_empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test where no casegraph.toml exists unless the test writes one."""
    monkeypatch.chdir(tmp_path)


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings(env={})
    assert settings.neo4j_uri is None and not settings.uses_external_server
    assert settings.bolt_port == 7687 and settings.http_port == 7474
    assert settings.neo4j_version == "5.26.31"
    assert settings.uri == "bolt://127.0.0.1:7687"
    assert settings.password_file == settings.home / "password"


def test_config_file_in_the_current_directory_is_read(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", 'bolt_port = 17000\nheap = "768m"\n')
    settings = load_settings(env={})
    assert settings.bolt_port == 17000
    assert settings.heap == "768m"


def test_environment_wins_over_the_config_file(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", "bolt_port = 17000\nbatch_size = 50\n")
    settings = load_settings(env={"CASEGRAPH_BOLT_PORT": "18000"})
    assert settings.bolt_port == 18000
    assert settings.batch_size == 50  # not in the environment: the file's value


def test_empty_environment_variable_does_not_override(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", "bolt_port = 17000\n")
    assert load_settings(env={"CASEGRAPH_BOLT_PORT": ""}).bolt_port == 17000


def test_casegraph_config_names_the_file(tmp_path: Path) -> None:
    other = write_config(tmp_path / "elsewhere.toml", "http_port = 17474\n")
    write_config(tmp_path / "casegraph.toml", "http_port = 1\n")
    assert load_settings(env={"CASEGRAPH_CONFIG": str(other)}).http_port == 17474


def test_paths_expand_the_home_directory() -> None:
    settings = load_settings(env={"CASEGRAPH_HOME": "~/cg-home"})
    assert settings.home == Path.home() / "cg-home"
    assert settings.password_file == Path.home() / "cg-home" / "password"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        (
            {"CASEGRAPH_BOLT_PORT": "seven"},
            "CASEGRAPH_BOLT_PORT: bolt_port must be a int, got 'seven'",
        ),
        ({"CASEGRAPH_BATCH_SIZE": "1.5"}, "CASEGRAPH_BATCH_SIZE"),
        ({"CASEGRAPH_START_TIMEOUT": "soon"}, "CASEGRAPH_START_TIMEOUT"),
    ],
)
def test_bad_number_in_the_environment_is_a_config_error(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env=env)
    assert needle in str(info.value)


def test_bad_number_in_the_config_file_names_the_file(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", 'workers = "many"\n')
    with pytest.raises(ConfigError, match=r"casegraph\.toml: workers must be a int, got 'many'"):
        load_settings(env={})


def test_secret_in_the_config_file_is_refused(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", 'neo4j_password = "hunter2hunter2"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(env={})
    assert "neo4j_password is a secret; set NEO4J_PASSWORD instead" in str(info.value)
    assert "hunter2hunter2" not in str(info.value)


def test_unknown_setting_in_the_config_file_is_refused(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", "bolt = 1\n")
    with pytest.raises(ConfigError, match="unknown setting 'bolt'"):
        load_settings(env={})


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", "bolt_port = \n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(env={})


def test_missing_config_file_named_by_casegraph_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(env={"CASEGRAPH_CONFIG": str(tmp_path / "nope.toml")})


def test_neo4j_uri_makes_the_server_external() -> None:
    settings = load_settings(env={"NEO4J_URI": "neo4j+s://abc.databases.neo4j.io"})
    assert settings.uses_external_server
    assert settings.uri == "neo4j+s://abc.databases.neo4j.io"


def test_password_prefers_the_environment_then_the_stored_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "password").write_text("stored-password\n")
    local = load_settings(env={"CASEGRAPH_HOME": str(home)})
    assert local.password() == "stored-password"
    with_env = load_settings(env={"CASEGRAPH_HOME": str(home), "NEO4J_PASSWORD": "from-env"})
    assert with_env.password() == "from-env"
    # The local server's password is never sent to someone else's server.
    external = load_settings(env={"CASEGRAPH_HOME": str(home), "NEO4J_URI": "bolt://db:7687"})
    assert external.password() is None


def test_password_is_none_without_a_stored_file(tmp_path: Path) -> None:
    assert Settings(home=tmp_path / "never-started").password() is None


def test_public_items_mask_the_secret() -> None:
    settings = load_settings(env={"NEO4J_PASSWORD": "hunter2hunter2"})
    items = {name: (env, value) for name, env, value, _help in settings.public_items()}
    assert items["neo4j_password"] == ("NEO4J_PASSWORD", "********")
    assert items["bolt_port"] == ("CASEGRAPH_BOLT_PORT", 7687)
    assert "hunter2hunter2" not in repr(settings.public_items())


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"CASEGRAPH_QUERY_TIMEOUT": "-1"}, "query_timeout must be between 0.1 and 86400, got -1.0"),
        ({"CASEGRAPH_BATCH_SIZE": "0"}, "batch_size must be between 1 and 100000, got 0"),
        ({"CASEGRAPH_ROW_LIMIT": "-1"}, "row_limit must be between 1 and 1000000, got -1"),
        ({"CASEGRAPH_WORKERS": "9" * 30}, "workers must be between 1 and 64"),
        ({"CASEGRAPH_BOLT_PORT": "70000"}, "bolt_port must be between 1 and 65535"),
        ({"CASEGRAPH_QUERY_TIMEOUT": "nan"}, "query_timeout must be between"),
        ({"CASEGRAPH_QUERY_TIMEOUT": "1e999"}, "query_timeout must be between"),
        ({"CASEGRAPH_HEAP": "lots"}, "heap must be a size such as 512m or 2g, got 'lots'"),
    ],
)  # fmt: skip
def test_settings_out_of_range_are_refused_at_load(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env=env)
    assert needle in str(info.value) and env.popitem()[0] in str(info.value)


def test_a_setting_out_of_range_in_the_config_file_names_the_file(tmp_path: Path) -> None:
    write_config(tmp_path / "casegraph.toml", "row_limit = 0\n")
    with pytest.raises(ConfigError, match=r"casegraph\.toml: row_limit must be between 1 and"):
        load_settings(env={})


def test_a_setting_out_of_range_is_one_line_from_the_command_line() -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, CASEGRAPH_BATCH_SIZE="0")
    proc = subprocess.run(
        [sys.executable, "-m", "graph.cli", "config"], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "CASEGRAPH_BATCH_SIZE: batch_size must be between 1 and 100000, got 0" in line


def test_the_app_host_names_are_local_ones_plus_the_configured() -> None:
    from graph.app_server import allowed_hosts

    assert allowed_hosts(load_settings(env={})) == ["localhost", "127.0.0.1", "::1"]
    configured = load_settings(env={"CASEGRAPH_APP_HOSTS": "Graph.example.org, *.corp.example"})
    assert allowed_hosts(configured)[3:] == ["graph.example.org", "*.corp.example"]
    with pytest.raises(ConfigError, match="CASEGRAPH_APP_HOSTS"):
        load_settings(env={"CASEGRAPH_APP_HOSTS": "evil.example/<script>"})
