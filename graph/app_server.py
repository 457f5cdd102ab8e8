"""Run the Streamlit app (app.py) behind casegraph's own checks.

`casegraph app` runs `python -m graph.app_server APP.PY STREAMLIT-OPTIONS...`, which is
`streamlit run` with one addition to Streamlit's web server (Starlette): requests whose Host
header is not a name the app is served under are answered 400 before Streamlit sees them. A web
page on another site can otherwise reach the app through DNS rebinding (its own host name made to
resolve to 127.0.0.1), read the graph and run the console. The app answers to localhost,
127.0.0.1 and ::1, plus the names in CASEGRAPH_APP_HOSTS (for a proxy in front of it).
It also refuses to listen beyond loopback unless sign-in is configured (CASEGRAPH_APP_USERS).
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Sequence
from typing import Any

from graph.errors import ConfigError
from graph.settings import Settings, load_settings

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(settings: Settings) -> list[str]:
    """The Host header names the app answers to."""
    extra = [h.strip().lower() for h in settings.app_hosts.split(",") if h.strip()]
    return [*LOCAL_HOSTS, *extra]


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine reaches (None, Streamlit's default of every
    interface, is not)."""
    if not address:
        return False
    bare = address.strip("[]").lower()
    if bare == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, address: str | None) -> None:
    """Refuse to serve the app beyond this machine without sign-in (graph/users.py)."""
    if is_loopback(address):
        return
    if settings.app_users is None:
        raise ConfigError(
            f"serving the app on {address or 'every interface'} needs sign-in: create users "
            "with `casegraph user add NAME --role editor` and set CASEGRAPH_APP_USERS to that file"
        )
    from graph.users import load_users

    if not load_users(settings.app_users):
        raise ConfigError(
            f"the users file {settings.app_users} has no user: add one with `casegraph user add`"
        )


def _address(args: Sequence[str]) -> str | None:
    """The --server.address among Streamlit options (either `--opt value` or `--opt=value`)."""
    for i, arg in enumerate(args):
        if arg == "--server.address" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--server.address="):
            return arg.split("=", 1)[1]
    return None


def install_host_check(hosts: Sequence[str]) -> None:
    """Put Starlette's TrustedHostMiddleware first in Streamlit's middleware stack."""
    try:
        from starlette.middleware import Middleware
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        from streamlit.web.server.starlette import starlette_app
    except ImportError as exc:  # an older Streamlit served by Tornado
        raise ConfigError(
            f"this Streamlit cannot check Host headers ({exc}): run `make install` for the "
            "Streamlit casegraph needs"
        ) from None
    streamlit_middleware = starlette_app.create_streamlit_middleware

    def with_host_check() -> list[Any]:
        trusted = Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts), www_redirect=False)
        return [trusted, *streamlit_middleware()]

    starlette_app.create_streamlit_middleware = with_host_check


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m graph.app_server APP.PY [STREAMLIT OPTIONS...]", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        check_exposure(settings, _address(args))
        install_host_check(allowed_hosts(settings))
    except ConfigError as exc:
        print(f"casegraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *args]
    return int(cli.main() or 0)


if __name__ == "__main__":
    sys.exit(main())
