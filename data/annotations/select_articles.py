"""Pick the news-pool articles to annotate (run once; the list it wrote is `selection.tsv`).

Spread over the eight outlets in proportion to their size (with a floor for the small ones),
about four in five about law enforcement (arrests, charges, takedowns, extraditions, platforms
under investigation, cross-border operations) and one in five ordinary security-industry news,
so that precision is tested on text with no case in it. Seeded, so the pick is reproducible.

    python data/annotations/select_articles.py ../shared/data/news-pool > data/annotations/selection.tsv
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

SEED = 20261204
QUOTA = {  # outlet -> articles (proportional to the pool, floors for the small outlets)
    "Bleeping Computer": 46,
    "ZDNet": 46,
    "ThreatPost": 26,
    "The Record": 30,
    "Latest Hacking News": 10,
    "Computerworld": 6,
    "Trend Micro": 6,
    "The DFIR Report": 4,
}
LAW_SHARE = 0.8
MAX_CHARS = 10000  # longer pages cost too much annotation time for what they add
LAW_WORDS = re.compile(
    r"\b(arrest(?:ed|s)?|charged|indicted|indictment|extradit\w+|sentenced|pleaded guilty|"
    r"convicted|prosecutors?|europol|interpol|eurojust|police|seized|seizure|takedown|"
    r"dismantled|law enforcement|sanction(?:ed|s)|dark ?web|darknet|telegram|detained|raid(?:ed|s)?)\b",
    re.IGNORECASE,
)


def outlet(text: str) -> str | None:
    m = re.search(r"^\+ Source:\s*(.+?)\s*$", text, re.MULTILINE)
    return m.group(1) if m else None


def law_score(text: str) -> int:
    return len(LAW_WORDS.findall(text))


def pool_by_outlet(
    pool: Path, skip: frozenset[str] = frozenset(), law_min: int = 3
) -> dict[str, tuple[list[Path], list[Path]]]:
    """Outlet -> (law-enforcement articles, other articles) of the pool, in name order: the
    articles of the quota's outlets within the size limits, except the file names in `skip`.
    An article counts as law-enforcement news with at least `law_min` law words."""
    by_outlet: dict[str, tuple[list[Path], list[Path]]] = {}
    for path in sorted(pool.glob("*.md")):
        if path.name == "SOURCE.md" or path.name in skip:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        name = outlet(text)
        if name not in QUOTA or len(text) > MAX_CHARS or len(text) < 1200:
            continue
        law, other = by_outlet.setdefault(name, ([], []))
        (law if law_score(text) >= law_min else other).append(path)
    return by_outlet


def main(pool: Path) -> None:
    rng = random.Random(SEED)
    by_outlet = pool_by_outlet(pool)
    print("file\toutlet\tgroup")
    for name, quota in QUOTA.items():
        law, other = by_outlet.get(name, ([], []))
        n_law = min(len(law), round(quota * LAW_SHARE))
        picked = [(p, "law") for p in rng.sample(law, n_law)]
        picked += [(p, "other") for p in rng.sample(other, min(len(other), quota - n_law))]
        for path, group in sorted(picked):
            print(f"{path.name}\t{name}\t{group}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
