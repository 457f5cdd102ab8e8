"""Run the Streamlit app (app.py) behind casegraph's own checks.

`casegraph app` runs `python -m graph.app_server APP.PY STREAMLIT-OPTIONS...`, which is
`streamlit run` with one addition to Streamlit's web server (Starlette): requests whose Host
header is not a name the app is served under are answered 400 before Streamlit sees them. A web
page on another site can otherwise reach the app through DNS rebinding (its own host name made to
resolve to 127.0.0.1), read the graph and run the console. The app answers to localhost,
127.0.0.1 and ::1, plus the names in CASEGRAPH_APP_HOSTS (for a proxy in front of it).
"""

from __future__ import annotations

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
        install_host_check(allowed_hosts(load_settings()))
    except ConfigError as exc:
        print(f"casegraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *args]
    return int(cli.main() or 0)


if __name__ == "__main__":
    sys.exit(main())
