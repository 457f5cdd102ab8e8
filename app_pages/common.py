"""What every page shares: settings, the cached driver, cached reads, and error display.

Pages call `view(name, ...)` for reads of graph.views (cached for a short time, cleared after
an ingest) and wrap their body in `guard()`, which turns a CasegraphError into `st.error`
so a user never sees a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import neo4j
import streamlit as st

from graph import views
from graph.errors import CasegraphError, DatabaseUnavailable
from graph.settings import Settings, load_settings

CACHE_SECONDS = 30
_DOWN_HINT = "Start it with `casegraph db start`, or set NEO4J_URI to a running Neo4j."


def settings() -> Settings:
    """The settings from the environment and casegraph.toml, read on every run (cheap)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def _open_driver(cfg: Settings) -> neo4j.Driver:
    from graph.connection import open_driver

    return open_driver(cfg)


def driver() -> neo4j.Driver:
    """One driver per settings value, shared by every session of the app."""
    return _open_driver(settings())


def database() -> str:
    return settings().neo4j_database


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _cached_view(uri: str, db: str, name: str, args: tuple[Any, ...], kwargs: str) -> Any:
    import json

    return getattr(views, name)(driver(), db, *args, **json.loads(kwargs))


def view(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call `graph.views.<name>(driver, database, ...)`, cached per server, database and args."""
    import json

    cfg = settings()
    frozen = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    return _cached_view(
        cfg.uri, cfg.neo4j_database, name, frozen, json.dumps(kwargs, sort_keys=True)
    )


def clear_caches() -> None:
    """Forget cached reads (after an ingest) so every page shows the new data."""
    _cached_view.clear()
    _cached_named.clear()


@contextmanager
def guard() -> Iterator[None]:
    """Show a CasegraphError as one `st.error` line saying what to do, and stop the page."""
    try:
        yield
    except DatabaseUnavailable as exc:
        message = str(exc)
        if "casegraph db start" not in message and "NEO4J_URI" not in message:
            message = f"{message}. {_DOWN_HINT}"
        st.error(message, icon=":material/power_off:")
        _cached_view.clear()
        _open_driver.clear()
        st.stop()
    except CasegraphError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()


def require_data() -> dict[str, dict[str, int]]:
    """The overview counts; when nothing has been ingested yet, say how to start and stop."""
    counts: dict[str, dict[str, int]] = view("overview_counts")
    if not counts["nodes"].get("Article"):
        _cached_view.clear()  # an empty graph is not cached: data shows as soon as it lands
        st.info(
            "Nothing ingested yet. Add articles on the **Ingest** page, or run "
            "`casegraph ingest data/sample` in a terminal, then come back.",
            icon=":material/inbox:",
        )
        st.page_link("app_pages/ingest.py", label="Go to Ingest", icon=":material/upload:")
        st.stop()
    return counts


def entity_label(row: dict[str, Any]) -> str:
    return f"{row['name']}  ·  {row['kind']}"


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _cached_named(uri: str, db: str, name: str, params_json: str) -> dict[str, Any]:
    import json

    from graph.queries import get_query, run_query

    cfg = settings()
    result = run_query(
        driver(),
        db,
        get_query(name),
        json.loads(params_json),
        cfg.row_limit,
        cfg.query_timeout,
        cfg.result_mb * 2**20,
    )
    return result.__dict__


def named_query(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Run the named query `name` with parameters typed by graph.queries; cached briefly.

    Returns the QueryResult as a dict: columns, rows, truncated, nodes, relationships.
    """
    import json

    from graph.queries import get_query, parse_params

    params = parse_params(get_query(name), raw)
    cfg = settings()
    return _cached_named(cfg.uri, cfg.neo4j_database, name, json.dumps(params, sort_keys=True))


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~$:"})


def md(text: object) -> str:
    """`text` from articles or people, escaped so that st.markdown shows it as written (no
    links, emphasis or HTML made from it)."""
    return str(text).translate(_MARKDOWN_SPECIAL)


@st.cache_resource(show_spinner="Loading the language model…")
def _extractor(model: str, workers: int, kinds_model: str, facts_model: str) -> Any:
    from ingest.pipeline import INTERACTIVE_BATCH, Extractor

    return Extractor(
        model=model,
        workers=workers,
        batch_size=INTERACTIVE_BATCH,
        kinds_model=kinds_model,
        facts_model=facts_model,
    )


def extractor() -> Any:
    """The NLP pipeline of the settings, loaded once per app (ingest, entity corrections)."""
    cfg = settings()
    return _extractor(cfg.spacy_model, cfg.workers, cfg.kinds_model, cfg.facts_model)


def correct_fact(fact: dict[str, Any]) -> None:
    """Reject / confirm a fact (graph.curation), or undo its rejection: `fact` has its type,
    key, source and target ids and names, `confirmed` and `rejected` (the active rejection)."""
    from app_pages.access import audit, user
    from graph import curation

    who = user()
    if not who.may("curate"):
        st.caption(f"Corrections need the editor role ({who.name} is a {who.role}).")
        return
    if fact["rejected"]:
        r = fact["rejected"]
        st.warning(f"Rejected by {md(r['who'])} on {r['when']}: {md(r['why'] or 'no note')}")
        if st.button("Undo the rejection", key=f"undo-{r['id']}"):
            curation.undo(driver(), database(), r["id"], who=who.name)
            audit(who, "undo", {"correction": r["id"]})
            clear_caches()
            st.rerun()
        return
    note = st.text_input("Note (why)", key=f"note-{fact['key']}", max_chars=curation.MAX_NOTE)
    left, right = st.columns(2)
    action = None
    if left.button("Reject this fact", key=f"reject-{fact['key']}"):
        action = "reject"
    if not fact["confirmed"] and right.button("Confirm this fact", key=f"confirm-{fact['key']}"):
        action = "confirm"
    if action:
        ref = curation.fact_ref(
            fact["type"], fact["source_id"], fact["source"], fact["target_id"], fact["target"]
        )
        record = curation.curate_ref(driver(), database(), action, ref, note, who=who.name)
        audit(who, action, {"correction": record["id"], "fact": record["fact_key"]})
        clear_caches()
        st.success(f"{record['after']} (correction {record['id']})")
        st.rerun()
