"""The progress bar as a user sees it: shown on a terminal (a real pseudo-terminal), never in
--json mode or when stdout is a pipe."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

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
