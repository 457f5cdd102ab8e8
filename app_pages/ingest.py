"""Ingest: upload articles (or name a folder on the server) and write them into the graph."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from app_pages.access import audit, user
from app_pages.common import clear_caches, driver, extractor, guard, settings
from graph.errors import InputError
from graph.settings import Settings
from ingest.sources import MAX_ARTICLE_BYTES, MAX_UPLOAD_MB

SUFFIXES = ["txt", "md", "html", "htm", "jsonl", "csv", "pdf", "docx", "odt", "eml"]

st.title("Ingest")
st.caption(
    "Articles are read, cleaned of page furniture, analysed with spaCy and written to Neo4j. "
    "An article already in the graph (same text) is skipped before any analysis."
)


class _ProgressStore:
    """The real Store, reporting skipped articles to a progress bar; `advance` is given to
    `run_ingest` as `on_extracted` for the others (called in the script's thread)."""

    def __init__(self, store: Any, total: int, bar: Any) -> None:
        self.store, self.total, self.bar, self.done = store, max(total, 1), bar, 0

    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        known: set[str] = self.store.known_article_ids(ids)
        self.advance(len(known))
        return known

    def known_raw_digests(self, digests: Iterable[str]) -> set[str]:
        known: set[str] = self.store.known_raw_digests(digests)
        self.advance(len(known))
        return known

    def note_raw_digests(self, digests: dict[str, str]) -> None:
        self.store.note_raw_digests(digests)

    def write(self, extractions: Sequence[Any]) -> Any:
        return self.store.write(extractions)

    def advance(self, n: int) -> None:
        self.done += n
        self.bar.progress(min(self.done / self.total, 1.0), f"{self.done} of {self.total} articles")


def _count_articles(paths: list[str]) -> int:
    from ingest.records import Article
    from ingest.sources import read_sources

    return sum(isinstance(x, Article) for x in read_sources(paths))


def _ingest(paths: list[str], cfg: Settings) -> Any:
    from graph.ingestion import run_ingest
    from graph.store import Store
    from ingest.sources import CorpusFields

    bar = st.progress(0.0, "reading…")
    store = Store(
        driver(), database=cfg.neo4j_database, batch_size=cfg.batch_size, retries=cfg.write_retries
    )
    reporting = _ProgressStore(store, _count_articles(paths), bar)
    summary = run_ingest(
        paths,
        store=reporting,
        extractor_factory=extractor,
        fields=CorpusFields(),
        batch_size=min(cfg.batch_size, 20),  # small batches: what was read is in the graph soon
        on_extracted=reporting.advance,
    )
    bar.progress(1.0, "done")
    clear_caches()
    return summary


def _save_uploads(files: list[Any]) -> str:
    folder = Path(tempfile.mkdtemp(prefix="casegraph-upload-"))
    for f in files:
        (folder / Path(f.name).name).write_bytes(f.getvalue())
    return str(folder)


def _server_path(text: str, root: Path | None) -> str:
    """A path typed in the app, when it lies under the ingest root (links resolved)."""
    if root is None:
        raise InputError(
            "reading files on the server is off: upload the files, or set "
            "CASEGRAPH_INGEST_ROOT to a folder the app may read"
        )
    base = os.path.realpath(root)
    path = os.path.realpath(os.path.join(base, text))  # relative paths are under the root
    if path != base and not path.startswith(base.rstrip(os.sep) + os.sep):
        raise InputError(f"only files under the ingest root {root} can be ingested from the app")
    return path


def _report(summary: Any) -> None:
    data = summary.as_dict()
    a = data["articles"]
    cols = st.columns(6)
    cols[0].metric("New articles", a["new"])
    cols[1].metric("Updated", a["updated"])
    cols[2].metric("Unchanged", a["skipped"])
    cols[3].metric("Failed", a["failed"])
    cols[4].metric("Facts", data["relations"])
    cols[5].metric("Cases", data["cases"])
    if data["unsupported"]:
        line = summary.unsupported_line().removeprefix("; ")
        st.caption(line[:1].upper() + line[1:])
    if data["problems"]:
        st.warning(f"{len(data['problems'])} problem(s) reading the input:")
        st.dataframe(data["problems"], hide_index=True)
    if a["new"]:
        st.success(summary.line())
        st.page_link(
            "app_pages/overview.py", label="See the graph on the Overview", icon=":material/home:"
        )
    elif not a["failed"]:
        st.info("Nothing new: every article is already in the graph.")


with guard():
    if not user().may("ingest"):
        st.error(f"Ingesting needs the admin role ({user().name} is a {user().role}).")
        st.stop()
    driver()  # fail early, with what to do, when Neo4j is not reachable
    uploads = st.file_uploader(
        "Upload articles (.txt .md .html .jsonl .csv .pdf .docx .odt .eml)",
        type=SUFFIXES,
        accept_multiple_files=True,
        help=f"One article file (or one row of a .jsonl/.csv corpus) up to "
        f"{MAX_ARTICLE_BYTES // 2**20} MB; corpus files up to {MAX_UPLOAD_MB} MB (as "
        "`casegraph ingest` accepts: a bigger article is named and skipped).",
    )
    cfg = settings()
    folder = ""
    if cfg.ingest_root is not None:
        folder = st.text_input(
            f"…or a file or folder under {cfg.ingest_root}",
            placeholder="data/sample",
            key="ingest_path",
        )
    else:
        st.caption("Reading files on the server is off (set CASEGRAPH_INGEST_ROOT to allow it).")
    if st.button("Ingest", type="primary", key="ingest_run"):
        paths = [_server_path(folder.strip(), cfg.ingest_root)] if folder.strip() else []
        upload = _save_uploads(uploads) if uploads else None
        if upload is None and not paths:
            raise InputError("upload files or give a folder path first")
        try:
            summary = _ingest([*([upload] if upload else []), *paths], cfg)
        finally:
            if upload is not None:  # the uploaded copies are not kept on the server
                shutil.rmtree(upload, ignore_errors=True)
        st.session_state["ingest_summary"] = summary
        audit(user(), "ingest", {"uploads": len(uploads or []), "paths": paths,
                                 "summary": summary.line()})  # fmt: skip
    if "ingest_summary" in st.session_state:
        _report(st.session_state["ingest_summary"])
