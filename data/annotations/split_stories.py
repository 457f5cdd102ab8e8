"""Group the selected articles into stories and split the stories into train / dev / test, once.

A story is a set of articles about one event: two articles are in one story when their texts
are similar (TF-IDF cosine over content words >= THRESHOLD) or when their titles share a rare
name (a word capitalised in the title that occurs in at most MAX_DF of the selected texts and in
neither text's page furniture); stories are the connected components. Whole stories are then
assigned, in a seeded random order, to the split furthest below its share of articles, so no
story straddles two parts. The result, `splits.json`, is committed; this script is kept to show
how it was made and is not run again (re-running would not change it: it is deterministic).

    python data/annotations/split_stories.py .cache/annotate/texts data/annotations/selection.tsv
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

SEED = 20261204
SHARES = {"train": 0.6, "dev": 0.2, "test": 0.2}
THRESHOLD = 0.3
MAX_DF = 3
STOP = frozenset(
    {
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from",
        "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "this",
        "that", "these", "those", "said", "says", "not", "but", "also", "which", "who", "their",
        "they", "he", "she", "his", "her", "we", "our", "you", "your", "will", "would", "can",
        "could", "more", "than", "after", "before", "about", "into", "over", "under", "new", "one",
        "two",
    }
)  # fmt: skip


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z][a-z0-9'-]+", text.lower()) if w not in STOP]


def main(texts_dir: Path, selection: Path) -> None:
    names = [row.split("\t")[0] for row in selection.read_text().splitlines()[1:]]
    texts = {n: (texts_dir / (Path(n).stem + ".txt")).read_text(encoding="utf-8") for n in names}
    df = Counter(w for n in names for w in set(words(texts[n])))
    vecs = {}
    for n in names:
        tf = Counter(words(texts[n]))
        v = {w: c * math.log(len(names) / df[w]) for w, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs[n] = {w: x / norm for w, x in v.items()}
    parent = {n: n for n in names}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    title_names = {}
    for n in names:
        title = texts[n].split("\n", 1)[0]
        caps = {w.lower() for w in re.findall(r"\b[A-Z][\w$-]{2,}", title)}
        title_names[n] = {w for w in caps if w not in STOP and df.get(w, 0) <= MAX_DF}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            cos = sum(x * vecs[b].get(w, 0.0) for w, x in vecs[a].items())
            if cos >= THRESHOLD or title_names[a] & title_names[b]:
                parent[find(a)] = find(b)
    stories: dict[str, list[str]] = {}
    for n in names:
        stories.setdefault(find(n), []).append(n)
    groups = sorted(sorted(g) for g in stories.values())
    random.Random(SEED).shuffle(groups)
    counts = dict.fromkeys(SHARES, 0)
    out = {}
    for k, group in enumerate(groups, 1):
        total = sum(counts.values()) or 1
        split = min(SHARES, key=lambda s: (counts[s] / total - SHARES[s], s))
        counts[split] += len(group)
        for n in group:
            out[n] = {"split": split, "story": f"s{k:03d}"}
    multi = [g for g in groups if len(g) > 1]
    print(
        json.dumps(
            {
                "articles": len(names),
                "stories": len(groups),
                "multi_article_stories": len(multi),
                "counts": counts,
            }
        ),
        file=sys.stderr,
    )
    for g in multi:
        print("  story: " + " | ".join(x[:50] for x in g), file=sys.stderr)
    print(json.dumps(dict(sorted(out.items())), indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
