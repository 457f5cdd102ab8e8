"""The progress bar as a user sees it: shown on a terminal (a real pseudo-terminal), never in
--json mode or when stdout is a pipe."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "sample" / "seed-telegram-korea.txt"
CASEGRAPH = [sys.executable, "-m", "graph.cli"]
BAR = b"articles/s"


def run_on_tty(args: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Run casegraph with stdout and stderr on a pseudo-terminal; return (status, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*CASEGRAPH, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
        cwd=ROOT, env=env or dict(os.environ), close_fds=True,
    )  # fmt: skip
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    return proc.wait(timeout=300), output


def run_piped(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CASEGRAPH, *args], cwd=ROOT, env=env or dict(os.environ), capture_output=True,
        timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_extract_shows_the_bar_on_a_terminal_only() -> None:
    code, output = run_on_tty(["extract", str(SEED)])
    assert code == 0
    assert BAR in output and b"extract" in output
    piped = run_piped(["extract", str(SEED)])
    assert piped.returncode == 0
    assert BAR not in piped.stdout + piped.stderr
    assert all(json.loads(line)["entities"] for line in piped.stdout.splitlines())


@pytest.mark.neo4j
@pytest.mark.slow
def test_ingest_bar_on_a_terminal_quiet_with_json(
    neo4j_env: dict[str, str], clean_db: object
) -> None:
    code, output = run_on_tty(["ingest", str(SEED)], neo4j_env)
    assert code == 0
    assert BAR in output and b"ingest" in output
    # --json on the same terminal: no bar, only the summary object.
    code, output = run_on_tty(["ingest", "--json", str(SEED)], neo4j_env)
    assert code == 0
    assert BAR not in output
    assert json.loads(output.decode())["articles"]["skipped"] == 1
    piped = run_piped(["ingest", str(SEED)], neo4j_env)
    assert piped.returncode == 0
    assert BAR not in piped.stdout + piped.stderr


@pytest.mark.neo4j
@pytest.mark.slow
def test_ingest_reports_each_article_as_it_is_extracted(
    settings: Settings, clean_db: neo4j.Driver, tmp_path: Path
) -> None:
    """Five articles fill one write batch: each is reported as the NLP finishes it, all five
    before the batch commits (not five at once when it does)."""
    from graph.ingestion import run_ingest
    from graph.store import Store
    from ingest.pipeline import INTERACTIVE_BATCH, Extractor
    from ingest.sources import CorpusFields

    for i in range(5):  # invented texts
        (tmp_path / f"a{i}.txt").write_text(
            f"Police in Lyon arrested a suspect number {i} in a fraud case on Monday.\n"
        )
    store = Store(clean_db, settings.neo4j_database)
    events: list[tuple[str, int]] = []

    class RecordingStore:
        def known_article_ids(self, ids: Iterable[str]) -> set[str]:
            return store.known_article_ids(ids)

        def known_raw_digests(self, digests: Iterable[str]) -> set[str]:
            return store.known_raw_digests(digests)

        def note_raw_digests(self, digests: dict[str, str]) -> None:
            store.note_raw_digests(digests)

        def write(self, extractions: Sequence[Any]) -> Any:
            events.append(("write", len(extractions)))
            return store.write(extractions)

    summary = run_ingest(
        [str(tmp_path)],
        store=RecordingStore(),
        extractor_factory=lambda: Extractor(batch_size=INTERACTIVE_BATCH),
        fields=CorpusFields(),
        batch_size=100,
        on_extracted=lambda n: events.append(("extracted", n)),
        on_written=lambda n: events.append(("written", n)),
    )
    assert summary.new == 5
    assert events == [("extracted", 1)] * 5 + [("write", 5), ("written", 5)]
