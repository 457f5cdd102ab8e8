"""The fixed benchmark subset of the county prosecutor releases (never copied into the project).

The corpus lives in ../shared/data/county-prosecutor-releases (or CASEGRAPH_BENCH_CORPUS). The
subset is deterministic: the files of each office sorted by name, then taken round-robin over
the offices in alphabetical order, so the first N files mix every office instead of being the
first N releases of the biggest one (orange_ca has 6,423 of 8,635).
"""

from __future__ import annotations

import os
from itertools import zip_longest
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/data/county-prosecutor-releases"


def corpus_dir() -> Path:
    """Where the corpus is expected (CASEGRAPH_BENCH_CORPUS overrides the default)."""
    return Path(os.environ.get("CASEGRAPH_BENCH_CORPUS") or DEFAULT_CORPUS)


def available(root: Path | None = None) -> bool:
    return ((root or corpus_dir()) / "text").is_dir()


def subset(n: int, root: Path | None = None) -> list[Path]:
    """The first `n` files of the round-robin order (fewer if the corpus is smaller)."""
    text = (root or corpus_dir()) / "text"
    offices = sorted(p for p in text.iterdir() if p.is_dir())
    lists = [sorted(office.glob("*.txt")) for office in offices]
    order = [p for group in zip_longest(*lists) for p in group if p is not None]
    return order[:n]


def describe(paths: list[Path]) -> dict[str, int]:
    """How many files of the subset come from each office."""
    counts: dict[str, int] = {}
    for p in paths:
        counts[p.parent.name] = counts.get(p.parent.name, 0) + 1
    return dict(sorted(counts.items()))
