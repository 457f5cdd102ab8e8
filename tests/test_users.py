"""Sign-in for the app (graph/users.py, graph/app_server.py): the users file, password checks,
throttled guessing, roles, and the refusal to serve beyond loopback without sign-in."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graph import users
from graph.app_server import check_exposure, is_loopback
from graph.errors import ConfigError, InputError
from graph.settings import load_settings


def test_a_password_is_stored_hashed_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    assert users.add_user(path, "ana", "editor", "correct horse")
    text = path.read_text()
    assert "correct horse" not in text and "scrypt$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert users.sign_in(path, "ana", "correct horse", {}) == users.User("ana", "editor")
    assert users.sign_in(path, "ANA", "correct horse", {}).name == "ana"
    with pytest.raises(InputError, match="wrong name or password"):
        users.sign_in(path, "ana", "Correct horse", {})
    with pytest.raises(InputError, match="wrong name or password"):
        users.sign_in(path, "bob", "correct horse", {})
    assert not users.add_user(path, "ana", "admin", "another one")  # updated, not added
    assert users.sign_in(path, "ana", "another one", {}).role == "admin"


def test_guessing_is_throttled_per_name(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users.add_user(path, "ana", "reader", "correct horse")
    failures: dict[str, list[float]] = {}
    for _ in range(users.MAX_FAILURES):
        with pytest.raises(InputError, match="wrong"):
            users.sign_in(path, "ana", "guess", failures)
    with pytest.raises(InputError, match="too many failed sign-ins"):
        users.sign_in(path, "ana", "correct horse", failures)  # even the right one waits
    with pytest.raises(InputError, match="wrong name or password"):
        users.sign_in(path, "other", "guess", failures)  # another name is not held back


def test_bad_names_roles_passwords_and_files_are_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    with pytest.raises(InputError, match="unknown role"):
        users.add_user(path, "ana", "owner", "correct horse")
    with pytest.raises(InputError, match="user name"):
        users.add_user(path, "ana smith", "reader", "correct horse")
    with pytest.raises(InputError, match="8 to"):
        users.add_user(path, "ana", "reader", "short")
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="not JSON"):
        users.load_users(path)
    path.write_text(json.dumps({"casegraph_users": 1, "users": {"x": {"role": "god"}}}))
    with pytest.raises(ConfigError, match="needs a role"):
        users.load_users(path)
    with pytest.raises(ConfigError, match="does not exist"):
        users.load_users(tmp_path / "none.json")
    assert not users.check_password("x", "scrypt$1$2$3$bad$bad")


def test_roles_grant_what_the_ones_before_them_do() -> None:
    reader, editor, admin = (users.User("u", r) for r in users.ROLES)
    assert reader.may("read") and not reader.may("curate") and not reader.may("ingest")
    assert editor.may("curate") and not editor.may("ingest")
    assert admin.may("ingest") and admin.may("curate")


def test_the_app_is_not_served_beyond_loopback_without_sign_in(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback(None)
    bare = load_settings(env={})
    check_exposure(bare, "127.0.0.1")
    with pytest.raises(ConfigError, match="needs sign-in"):
        check_exposure(bare, "0.0.0.0")
    path = tmp_path / "users.json"
    users.add_user(path, "ana", "admin", "correct horse")
    check_exposure(load_settings(env={"CASEGRAPH_APP_USERS": str(path)}), "0.0.0.0")


def test_the_user_and_app_commands(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEGRAPH_APP")}
    env["CASEGRAPH_HOME"] = str(tmp_path / "home")

    def cli(*args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "graph.cli", *args], input=stdin, env={**env, **extra},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    added = cli("user", "add", "ana", "--role", "editor", "--password-stdin", "--file", str(path),
                stdin="correct horse\n")  # fmt: skip
    assert added.returncode == 0 and "added ana (editor)" in added.stdout
    listed = cli("user", "list", "--format", "json", CASEGRAPH_APP_USERS=str(path))
    assert json.loads(listed.stdout) == [{"name": "ana", "role": "editor"}]
    refused = cli("app", "--address", "0.0.0.0")
    assert refused.returncode != 0 and "needs sign-in" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    nofile = cli("user", "list")
    assert nofile.returncode != 0 and "CASEGRAPH_APP_USERS" in nofile.stderr
    assert "Traceback" not in refused.stderr + nofile.stderr
