"""Pick more news-pool articles for the train split only (run once per round; round 1 wrote
`train-extension.tsv`, round 2 `train-extension-2.tsv`, ... round 7 `train-extension-7.tsv`).

The first selection (`selection.tsv`, 171 articles) was split by story once (`splits.json`);
that split is not changed. This adds articles to **train** only, and keeps the dev and test
splits honest: a candidate is refused when it could belong to the story of any dev or test
article, by the criteria of `split_stories.py` made stricter (TF-IDF cosine >= 0.2 instead of
0.3, over the union of the old selection and the candidates, or a rare capitalised title word
shared with a dev/test title). The picks follow `select_articles.py` (same outlets, size
limits and share of law-enforcement news), with their own seed (one per round), among pool
files not yet selected by the first selection or an earlier round. From round 5 on, the pool's
unpicked articles with three or more law words were nearly used up (round 4 found 11), so an
article with one law word counts as law-enforcement news (`LAW_MIN_FROM_ROUND_5`), and a round
draws `TOTAL_FROM_ROUND_5` articles (six annotators' batches of about ten).

    python data/annotations/select_train_extension.py ../shared/data/news-pool .cache/annotate/texts \
        [ROUND] > data/annotations/train-extension[-ROUND].tsv
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ingest.annotations import read_article

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from select_articles import LAW_SHARE, QUOTA, outlet, pool_by_outlet  # noqa: E402
from split_stories import MAX_DF, STOP, words  # noqa: E402

SEED = 20261205
TOTAL = 96  # articles to add
STRICT_COSINE = 0.2
LAW_MIN_FROM_ROUND_5 = 1
TOTAL_FROM_ROUND_5 = 64


def _vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    df = Counter(w for t in texts.values() for w in set(words(t)))
    out = {}
    for n, t in texts.items():
        tf = Counter(words(t))
        v = {w: c * math.log(len(texts) / df[w]) for w, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out[n] = {w: x / norm for w, x in v.items()}
    return out


def _title_names(text: str, df: Counter[str]) -> set[str]:
    title = text.split("\n", 1)[0]
    caps = {w.lower() for w in re.findall(r"\b[A-Z][\w$-]{2,}", title)}
    return {w for w in caps if w not in STOP and df.get(w, 0) <= MAX_DF}


def round_file(round_: int) -> str:
    return "train-extension.tsv" if round_ == 1 else f"train-extension-{round_}.tsv"


def main(pool: Path, old_texts: Path, round_: int = 1) -> None:
    splits = json.loads((HERE / "splits.json").read_text(encoding="utf-8"))
    held_out = [n for n, v in splits.items() if v["split"] in ("dev", "test")]
    earlier = {
        row.split("\t")[0]
        for r in range(1, round_)
        for row in (HERE / round_file(r)).read_text(encoding="utf-8").splitlines()[1:]
    }
    rng = random.Random(SEED + round_ - 1)
    skip = frozenset(splits) | earlier
    if round_ < 5:
        by_outlet = pool_by_outlet(pool, skip)
    else:
        by_outlet = pool_by_outlet(pool, skip, law_min=LAW_MIN_FROM_ROUND_5)
    scale = (TOTAL if round_ < 5 else TOTAL_FROM_ROUND_5) / sum(QUOTA.values())
    wanted: list[tuple[Path, str]] = []
    for name, quota in QUOTA.items():
        law, other = by_outlet.get(name, ([], []))
        n = max(1, round(quota * scale))
        n_law = min(len(law), round(n * LAW_SHARE))
        # draw twice as many as needed: some are refused for touching a held-out story
        wanted += [(p, "law") for p in rng.sample(law, min(len(law), 2 * n_law))]
        wanted += [(p, "other") for p in rng.sample(other, min(len(other), 2 * (n - n_law)))]
    texts = {n: (old_texts / (Path(n).stem + ".txt")).read_text("utf-8") for n in splits}
    texts |= {p.name: read_article(p).text for p, _ in wanted}
    vecs = _vectors(texts)
    df = Counter(w for t in texts.values() for w in set(words(t)))
    held_titles = {n: _title_names(texts[n], df) for n in held_out}
    counts: Counter[str] = Counter()
    refused = 0
    print("file\toutlet\tgroup")
    for path, group in wanted:
        name = outlet(path.read_text(encoding="utf-8", errors="replace")) or ""
        n = max(1, round(QUOTA[name] * scale))
        n_law = round(n * LAW_SHARE)
        if counts[(name, group)] >= (n_law if group == "law" else n - n_law):
            continue
        v, titles = vecs[path.name], _title_names(texts[path.name], df)
        close = any(
            sum(x * vecs[h].get(w, 0.0) for w, x in v.items()) >= STRICT_COSINE
            or titles & held_titles[h]
            for h in held_out
        )
        if close:
            refused += 1
            continue
        counts[(name, group)] += 1
        print(f"{path.name}\t{name}\t{group}")
    print(
        json.dumps({"picked": sum(counts.values()), "refused_near_held_out": refused}),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
