"""Sign-in, roles and the audit log of the app (graph.users holds the users file's logic).

Without a users file (CASEGRAPH_APP_USERS) the app is one person's tool on this machine: it is
served on loopback only, and that person (the login name) may do everything. With one, every
session signs in, and the pages offer what the user's role allows.
"""

from __future__ import annotations

import getpass
import json
import threading
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from app_pages.common import settings
from graph.app_server import is_loopback
from graph.errors import CasegraphError
from graph.users import User, sign_in

USER_KEY = "casegraph_user"
_LOG_LOCK = threading.Lock()


@st.cache_resource
def _failures() -> dict[str, list[float]]:
    """Failed sign-ins by name, shared by every session of this app process."""
    return {}


def current_user(pages: Any = None) -> User:
    """The user of this session; shows the sign-in form and stops the page until there is one.
    `pages` (app.py's st.navigation pages) keeps the address asked for while signing in."""
    cfg = settings()
    if cfg.app_users is None:
        address = st.get_option("server.address")
        if address is not None and not is_loopback(address):
            st.error(
                f"casegraph is served on {address} without sign-in: set CASEGRAPH_APP_USERS to "
                "a users file (`casegraph user add NAME --role editor`)"
            )
            st.stop()
        return User(_login_name(), "admin")
    user = st.session_state.get(USER_KEY)
    if isinstance(user, User):
        return user
    if pages is not None:
        st.navigation(pages, position="hidden")  # the page asked for, shown after sign-in
    st.title("casegraph")
    with st.form("sign_in"):
        name = st.text_input("Name", key="sign_in_name", max_chars=64)
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            user = sign_in(cfg.app_users, name, password, _failures())
        except CasegraphError as exc:
            st.error(str(exc))
        else:
            st.session_state[USER_KEY] = user
            audit(user, "sign in", {})
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def sign_out_button(user: User) -> None:
    if settings().app_users is None:
        return
    with st.sidebar:
        st.caption(f"Signed in as **{user.name}** ({user.role})")
        if st.button("Sign out", key="sign_out"):
            audit(user, "sign out", {})
            st.session_state.pop(USER_KEY, None)
            st.rerun()


def user() -> User:
    """The signed-in user (pages call it; app.py has already made sure there is one)."""
    found = st.session_state.get(USER_KEY)
    return found if isinstance(found, User) else current_user()


def may(right: str) -> bool:
    """True when this session's user has `right` ("read", "curate", "ingest")."""
    return user().may(right)


def audit(who: User, action: str, detail: dict[str, Any]) -> None:
    """Append one JSON line for a write through the app: when, who (name, role), what."""
    cfg = settings()
    path = cfg.app_audit_log or cfg.home / "app-audit.log"
    line = json.dumps(
        {"when": datetime.now(UTC).isoformat(timespec="seconds"), "who": who.name,
         "role": who.role, "action": action, **detail},
        ensure_ascii=False, default=str,
    )  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _LOG_LOCK, path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError as exc:
        st.warning(f"could not write the audit log {path}: {exc.strerror}")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
