"""The bad-input suite of issue 7 through `casegraph ingest`, as a user runs it.

Fixtures come from tests/make_bad_inputs.py (generated into tmp_path, never committed). Each
bad input must give exactly one stderr line naming it and the problem, no traceback; the good
inputs are ingested; the exit status is the one README.md documents.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import neo4j
import pytest

from tests.make_bad_inputs import make_bad_inputs
from tests.test_reliability import count_articles, run_cli

pytestmark = pytest.mark.neo4j

# The problem each bad input must be reported with (a word of the message); huge.txt is
# readable text but bigger than one article may be, so it is refused before it is read.
EXPECTED_PROBLEMS = {
    "empty.txt": "empty",
    "binary.txt": "binary",
    "huge.txt": "too large",
    "corpus.jsonl#3": "JSON",
    "no-text-column.csv": "--text-field",
    "unreadable.txt": "permission",
    "loop/inner/back": "loop",
    "missing.txt": "no such file",
}
GOOD = {
    "good.txt",
    "invalid-utf8.txt",  # read with replacement characters, not refused
    "deep.html",
    "corpus.jsonl#1",
    "corpus.jsonl#2",
    "corpus.jsonl#4",
    "loop/inner/story.txt",
}


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-inputs")
    make_bad_inputs(folder)
    return folder


def _expected(folder: Path) -> tuple[dict[str, str], set[str], int]:
    """Problems, stored article paths and duplicates skipped in one run."""
    problems, good = dict(EXPECTED_PROBLEMS), set(GOOD)
    if os.access(folder / "unreadable.txt", os.R_OK):  # root reads a mode-000 file
        del problems["unreadable.txt"]
        # Its text is deep.html's paragraph: the same content, so the same article, skipped.
        return problems, good, 1
    return problems, good, 0


def _stored_paths(driver: neo4j.Driver, folder: Path) -> set[str]:
    records, _, _ = driver.execute_query("MATCH (a:Article) RETURN a.path AS path")
    return {Path(r["path"].split("#")[0]).relative_to(folder).as_posix()
            + ("#" + r["path"].split("#")[1] if "#" in r["path"] else "")
            for r in records}  # fmt: skip


def test_each_bad_input_is_one_line_and_the_good_ones_are_ingested(
    bad_inputs: Path, clean_db: neo4j.Driver, neo4j_env: dict[str, str]
) -> None:
    problems, good, duplicates = _expected(bad_inputs)
    proc = run_cli("ingest", str(bad_inputs), str(bad_inputs / "missing.txt"), "--json",
                   env=neo4j_env)  # fmt: skip
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == len(problems), "\n".join(lines)
    for name, word in problems.items():
        (line,) = [ln for ln in lines if f"{bad_inputs / name}:" in ln]
        assert word in line, line
    summary = json.loads(proc.stdout)
    assert summary["articles"] == {
        "new": len(good),
        "updated": 0,
        "skipped": duplicates,
        "failed": len(problems),
    }
    assert {Path(p["path"]).as_posix() for p in summary["problems"]} == {
        (bad_inputs / name).as_posix() for name in problems
    }
    assert _stored_paths(clean_db, bad_inputs) == good


def test_exit_0_when_everything_succeeded_and_1_when_nothing_could_be_ingested(
    bad_inputs: Path, clean_db: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(bad_inputs / "good.txt", good / "good.txt")
    shutil.copy(bad_inputs / "deep.html", good / "deep.html")
    ok = run_cli("ingest", str(good), env=neo4j_env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr.strip() == ""
    assert "2 new, 0 updated, 0 unchanged, 0 failed" in ok.stdout
    # Unchanged content is success too.
    assert run_cli("ingest", str(good), env=neo4j_env).returncode == 0

    bad = [bad_inputs / n for n in ("empty.txt", "binary.txt", "no-text-column.csv")]
    none = run_cli("ingest", *map(str, bad), "--json", env=neo4j_env)
    assert none.returncode == 1, none.stderr
    assert len(none.stderr.strip().splitlines()) == 3
    assert json.loads(none.stdout)["articles"] == {
        "new": 0,
        "updated": 0,
        "skipped": 0,
        "failed": 3,
    }
    assert count_articles(clean_db) == 2


def test_a_fatal_error_is_one_line_and_exit_1(
    bad_inputs: Path, clean_db: neo4j.Driver, neo4j_env: dict[str, str]
) -> None:
    env = dict(neo4j_env, CASEGRAPH_BOLT_PORT="1")  # nothing listens there: database down
    down = run_cli("ingest", str(bad_inputs / "good.txt"), env=env)
    assert down.returncode == 1
    assert "Traceback" not in down.stderr
    (line,) = down.stderr.strip().splitlines()
    assert "not reachable" in line
    assert count_articles(clean_db) == 0
