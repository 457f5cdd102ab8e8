"""Who may use the app, and what each may do: a users file of names, password hashes and roles.

The app asks for a name and a password when a users file is configured (CASEGRAPH_APP_USERS),
and refuses to be served beyond this machine without one (graph.app_server, app.py). The file
is JSON, written by `casegraph user add|remove` with owner-only permissions:

    {"casegraph_users": 1, "users": {"ana": {"role": "editor", "hash": "scrypt$..."}}}

Passwords are hashed with scrypt (Python's hashlib, memory-hard, salted per user); the file never
holds a password. Roles, each with what the ones before it may do:
    reader  explore, paths, cases, read, search, query, export
    editor  + corrections (reject, confirm, merge, ...) on the Read, Review and Explore pages
    admin   + ingest (and any page that changes what was ingested)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ConfigError, InputError

ROLES = ("reader", "editor", "admin")
# What each role may do beyond the role before it (checked by the pages through `allowed`).
RIGHTS = {"reader": {"read"}, "editor": {"read", "curate"}, "admin": {"read", "curate", "ingest"}}
FILE_VERSION = 1
NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
# scrypt's cost: 16 MiB and ~50 ms per check on this kind of machine.
_N, _R, _P = 2**14, 8, 1
# Failed sign-ins: after this many for one name within the window, that name waits.
MAX_FAILURES, FAILURE_WINDOW_S = 5, 300.0


@dataclass(frozen=True)
class User:
    """A signed-in person (or the local user when no users file is configured)."""

    name: str
    role: str

    def may(self, right: str) -> bool:
        return allowed(self.role, right)


def allowed(role: str, right: str) -> bool:
    """True when `role` has `right` ("read", "curate", "ingest")."""
    return right in RIGHTS.get(role, set())


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`, as stored in the users file."""
    _check_password(password)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(
        ["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)]
    )  # fmt: skip


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches the hash `stored` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or len(password) > MAX_PASSWORD:
            return False
        wanted = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(wanted), maxmem=64 * 1024 * 1024,
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, wanted)


def load_users(path: Path) -> dict[str, dict[str, str]]:
    """name -> {role, hash} from the users file; ConfigError saying what to do when it is not
    one."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"the users file {path} does not exist: create it with `casegraph user add NAME`"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the users file {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the users file {path} is not JSON ({exc})") from None
    users = payload.get("users") if isinstance(payload, dict) else None
    if payload.get("casegraph_users") != FILE_VERSION or not isinstance(users, dict):
        raise ConfigError(f"{path} is not a casegraph users file (`casegraph user add` makes one)")
    for name, entry in users.items():
        if (
            not isinstance(entry, dict)
            or entry.get("role") not in ROLES
            or not str(entry.get("hash", "")).startswith("scrypt$")
        ):
            raise ConfigError(f"{path}: user {name!r} needs a role ({', '.join(ROLES)}) and a hash")
    return users


def sign_in(path: Path, name: str, password: str, failures: dict[str, list[float]]) -> User:
    """The user `name` if `password` is theirs; InputError otherwise (the same message whether
    the name or the password is wrong). `failures` (name -> times of failed attempts) throttles
    guessing: MAX_FAILURES within FAILURE_WINDOW_S and the name waits."""
    now = time.monotonic()
    key = name.strip().casefold()
    recent = [t for t in failures.get(key, []) if now - t < FAILURE_WINDOW_S]
    if len(recent) >= MAX_FAILURES:
        wait = int(FAILURE_WINDOW_S - (now - recent[0])) + 1
        raise InputError(f"too many failed sign-ins for {name!r}: try again in {wait} s")
    users = load_users(path)
    entry = next((v for k, v in users.items() if k.casefold() == key), None)
    # A missing name costs as much as a wrong password, so that timing does not tell them apart.
    stored = entry["hash"] if entry else _DUMMY_HASH
    if check_password(password, stored) and entry is not None:
        failures.pop(key, None)
        name = next(k for k in users if k.casefold() == key)
        return User(name, entry["role"])
    failures[key] = [*recent, now]
    raise InputError("wrong name or password")


def add_user(path: Path, name: str, role: str, password: str) -> bool:
    """Add `name` (or change their role and password); returns True when the name is new."""
    if not NAME.match(name):
        raise InputError("a user name is 1-64 letters, digits, dots, dashes, underscores or @")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    users = load_users(path) if path.exists() else {}
    new = name not in users
    users[name] = {"role": role, "hash": hash_password(password)}
    _save(path, users)
    return new


def remove_user(path: Path, name: str) -> None:
    users = load_users(path)
    if name not in users:
        raise InputError(f"no user {name!r} in {path}: see `casegraph user list`")
    del users[name]
    _save(path, users)


def _save(path: Path, users: dict[str, Any]) -> None:
    """Write the file whole (a temporary file renamed over it), readable by its owner only."""
    if not path.parent.is_dir():
        raise InputError(f"folder {path.parent} does not exist: create it first")
    payload = {"casegraph_users": FILE_VERSION, "users": dict(sorted(users.items()))}
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(payload, indent=2) + "\n")
    os.replace(tmp, path)


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(f"a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
