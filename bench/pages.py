"""Server-side time of the app's pages on a synthetic graph, through Streamlit's AppTest.

A page's first render: a new AppTest session (as a new browser tab), Streamlit's caches cleared
(nothing read before), the script run to its end; the time covers the page's reads and the
building of every element, not the browser's drawing. An Explore expansion: on an open Explore
page, an entity searched by name (a hub or an ordinary one) and its neighbourhood drawn, which
is what a click on a node does. Pages are switched to from the Overview, whose run is not
counted for them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import latency
from bench.synth import SynthGraph
from graph import ontology
from graph.settings import Settings

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = (
    "overview",
    "explore",
    "paths",
    "analytics",
    "cases",
    "read",
    "review",
    "query",
    "ingest",
    "export",
)
TARGET_S = 1.0  # issue 15: p95 <= 1 s for each page's first render and an Explore expansion
TIMEOUT = 120  # seconds: one AppTest run


@contextmanager
def _app_env(settings: Settings) -> Iterator[None]:
    """The app pointed at `settings`' server (AppTest runs the app in this process)."""
    env = {
        "NEO4J_URI": settings.uri, "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.password() or "", "NEO4J_DATABASE": settings.neo4j_database,
    }  # fmt: skip
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _fresh() -> Any:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _run(at: Any) -> float:
    t0 = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"the app failed: {at.exception[0].value}")
    return seconds


def first_render(page: str) -> float:
    """Seconds of `page`'s first run in a new session with cold caches."""
    at = _fresh()
    if page == PAGES[0]:
        return _run(at)
    at.run()
    import streamlit as st

    st.cache_data.clear()  # the Overview's reads must not serve the page measured
    at.switch_page(f"app_pages/{page}.py")
    return _run(at)


def expansion(name: str) -> float:
    """Seconds of an Explore run that searches `name` and draws its neighbourhood."""
    at = _fresh()
    at.switch_page("app_pages/explore.py")
    at.run()
    at.text_input(key="explore_term").input(name)
    return _run(at)


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "runs": len(times),
        "p50_s": latency.percentile(times, 50),
        "p95_s": latency.percentile(times, 95),
        "max_s": max(times),
    }


def measure(
    settings: Settings, g: SynthGraph, rounds: int = 3, only: tuple[str, ...] = PAGES,
    per_group: int = 4,
) -> dict[str, Any]:  # fmt: skip
    """p50/p95/max seconds per page's first render and of Explore expansions (the hubs of
    four kinds and four ordinary entities), after one untimed warm-up of each. `only` and
    `per_group` make it smaller for the tests."""
    hubs = [g.top(k)[0]["name"] for k in (ontology.PLATFORM, ontology.AGENCY,
                                          ontology.JURISDICTION, ontology.PERSON)]  # fmt: skip
    plain = [a.params["name"] for a in latency.anchors(g) if a.query == "entity_profile"]
    names = hubs[:per_group] + [n for n in plain if n not in hubs][:per_group]
    out: dict[str, Any] = {}
    with _app_env(settings):
        for page in only:
            first_render(page)  # warm-up: query plans, imported modules
            out[page] = _summary([first_render(page) for _ in range(rounds)])
        for name in names:
            expansion(name)
        out["explore expansion"] = _summary(
            [expansion(name) for _ in range(rounds) for name in names]
        )
    return out
