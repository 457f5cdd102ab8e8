"""Soak test: `casegraph extract` over every text in ../shared/data, zero articles may fail.

    python -m bench.soak                  # everything (make soak)
    python -m bench.soak --sample 500     # a seeded sample across all sources (make test)

The corpus is every source we have, as one: the news pool (Markdown pages as scraped), the county
prosecutors' releases (web text with page furniture), the DOJ press releases (HTML in a CSV), the
gold texts, and the UNER English sentences (one article each). It runs the real command line, so
what is measured is what a user runs; an article on which extraction raises is reported by the
command as "extraction failed" and counted here. Inputs the reader refuses (a licence file, a CSV
without a text column) are listed apart: they are not articles.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.evaluate import DEFAULT_UNER, SHARED

DATA = SHARED / "data"
_FAILED = re.compile(r"^casegraph: skipped (.*?): (extraction failed .*)$")
_SKIPPED = re.compile(r"^casegraph: skipped (.*?): (.*)$")


@dataclass
class Corpus:
    """Files to pass to `casegraph extract`, by source, and how many articles they hold."""

    files: dict[str, list[Path]] = field(default_factory=dict)
    articles: dict[str, int] = field(default_factory=dict)


def _texts(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes and p.stem != "SOURCE"
    )


def _uner_sentences(path: Path) -> list[str]:
    """The sentences of the UNER file as written (its "# text = ..." lines)."""
    prefix = "# text = "
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line[len(prefix) :] for line in lines if line.startswith(prefix)]


def build(work: Path, sample: int | None, seed: int) -> Corpus:
    """The corpus; with `sample`, that many articles drawn across the sources in proportion."""
    rng = random.Random(seed)
    pool = {
        "news-pool": _texts(DATA / "news-pool", (".md",)),
        "county-releases": _texts(DATA / "county-prosecutor-releases" / "text", (".txt",)),
        "gold": _texts(DATA / "gold" / "texts", (".txt",)),
    }
    with (DATA / "doj-press-100" / "doj_press.csv").open(encoding="utf-8", newline="") as fh:
        doj_rows = list(csv.DictReader(fh))
    uner = _uner_sentences(DEFAULT_UNER)
    total = sum(map(len, pool.values())) + len(doj_rows) + len(uner)

    def take(items: list) -> list:
        if sample is None:
            return items
        n = max(1, round(sample * len(items) / total))
        return sorted(rng.sample(items, min(n, len(items))), key=str)

    corpus = Corpus()
    for name, files in pool.items():
        corpus.files[name] = take(files)
        corpus.articles[name] = len(corpus.files[name])
    doj = work / "doj_press.csv"
    rows = take(doj_rows)
    with doj.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(doj_rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    corpus.files["doj-press"], corpus.articles["doj-press"] = [doj], len(rows)
    sentences = work / "uner-sentences.jsonl"
    chosen = take(uner)
    sentences.write_text(
        "".join(json.dumps({"text": s}, ensure_ascii=False) + "\n" for s in chosen),
        encoding="utf-8",
    )
    corpus.files["uner-sentences"], corpus.articles["uner-sentences"] = [sentences], len(chosen)
    return corpus


@dataclass(frozen=True)
class Result:
    extracted: int
    failed: list[tuple[str, str]]
    unreadable: list[tuple[str, str]]
    seconds: float
    exit_code: int


def run(corpus: Corpus, workers: int, casegraph: str) -> Result:
    """Run `casegraph extract` on the corpus; count outputs, failures and refused inputs."""
    args_file = [str(p) for files in corpus.files.values() for p in files]
    started = time.monotonic()
    proc = subprocess.Popen(
        [casegraph, "extract", "--workers", str(workers), *args_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    extracted = 0
    assert proc.stdout is not None and proc.stderr is not None
    for line in proc.stdout:
        json.loads(line)  # every output line must be one JSON object
        extracted += 1
    stderr = proc.stderr.read()
    code = proc.wait()
    failed, unreadable = [], []
    for line in stderr.splitlines():
        if m := _FAILED.match(line):
            failed.append((m.group(1), m.group(2)))
        elif m := _SKIPPED.match(line):
            unreadable.append((m.group(1), m.group(2)))
        elif line.strip():
            failed.append(("(command)", line))  # a traceback or anything unexpected
    return Result(extracted, failed, unreadable, time.monotonic() - started, code)


def casegraph_command() -> str:
    """The `casegraph` script of the running interpreter's environment."""
    return str(Path(sys.executable).with_name("casegraph"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=None, help="articles to draw (default all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"soak: {DATA} is missing: the soak reads ../shared/data", file=sys.stderr)
        return 1
    casegraph = casegraph_command()
    with tempfile.TemporaryDirectory(prefix="casegraph-soak-") as tmp:
        corpus = build(Path(tmp), args.sample, args.seed)
        result = run(corpus, args.workers, casegraph)
    expected = sum(corpus.articles.values())
    print(f"soak: {result.extracted} of {expected} articles extracted in {result.seconds:.0f} s")
    print("  " + ", ".join(f"{k} {v}" for k, v in corpus.articles.items()))
    for path, message in result.unreadable:
        print(f"  not an article: {path}: {message}")
    for path, message in result.failed:
        print(f"  FAILED: {path}: {message}")
    print(f"soak: {len(result.failed)} articles failed")
    return 1 if result.failed or result.extracted < expected - len(result.unreadable) else 0


if __name__ == "__main__":
    sys.exit(main())
