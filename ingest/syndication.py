"""Near-duplicate articles (one wire story republished with other page furniture, a shortened
copy): MinHash signatures of each article's word shingles, and LSH band keys to find candidates.

graph.store keeps an article's signature and its band keys (as words of one property under a
Lucene full-text index, so a lookup touches only the articles that share a band), links an
article to the stored ones whose estimated overlap reaches COPY_CONTAINMENT with SAME_STORY, and
counts a fact's independent sources (`sources`) beside its articles.

Overlap is containment: the share of the shorter text's shingles found in the other, estimated
from the two signatures' Jaccard similarity and the shingle counts, so a shortened copy of a
story is found as well as a copy with a different header and footer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datasketch import MinHash

NUM_PERM = 64
BANDS, ROWS = 16, 4  # 16 bands of 4 rows: pairs with Jaccard >= ~0.5 are candidates
SHINGLE = 5  # words
SEED = 1  # fixed: signatures must compare across runs and machines
COPY_CONTAINMENT = 0.8
MIN_SHINGLES = 20  # shorter texts (a headline, a tweet) are not compared
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Signature:
    """An article's MinHash values, its number of distinct shingles and its LSH band keys."""

    hashes: tuple[int, ...]
    shingles: int

    def bands(self) -> list[str]:
        """One key per band ("b3_9f2c..."): articles sharing a key are candidates."""
        keys = []
        for b in range(BANDS):
            part = self.hashes[b * ROWS : (b + 1) * ROWS]
            keys.append(f"b{b}_" + "_".join(format(h, "x") for h in part))
        return keys


def signature(text: str) -> Signature | None:
    """The signature of `text`, or None when it is too short to compare."""
    words = _WORD.findall(text.casefold())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    m.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return Signature(tuple(int(h) for h in m.hashvalues), len(shingles))


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the smaller text's shingles that the other holds (0 to 1)."""
    same = sum(1 for x, y in zip(a.hashes, b.hashes, strict=True) if x == y)
    jaccard = same / NUM_PERM
    shared = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    return min(1.0, shared / min(a.shingles, b.shingles))


def is_copy(a: Signature, b: Signature) -> bool:
    return containment(a, b) >= COPY_CONTAINMENT
