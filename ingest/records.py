"""Typed records that cross from `ingest/` to `graph/`: articles, entities, facts, cases.

Ids are deterministic (hashes of normalized content), so writing the same record twice is a
no-op in the store.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

_SPACE = re.compile(r"\s+")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalize_text(text: str) -> str:
    """The form of an article's text that its id is computed from."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


_POSSESSIVE = re.compile(r"'s\b")
_JOINERS = re.compile(r"[-_/]")
_PUNCT = re.compile(r"[^\w\s]")
_LEADING_THE = re.compile(r"^the\s+")


@functools.lru_cache(maxsize=1 << 16)  # the rules normalize the same few names over and over
def normalize_name(name: str) -> str:
    """Normalized form of an entity name: case-folded, possessive and leading "the" removed."""
    s = unicodedata.normalize("NFKC", name).translate(_APOS).casefold()
    s = _POSSESSIVE.sub("", s)
    s = _JOINERS.sub(" ", s)
    s = _PUNCT.sub("", s)
    s = _LEADING_THE.sub("", s.strip())
    return _SPACE.sub(" ", s).strip()


def _digest(*parts: str, size: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:size]


def article_id(text: str) -> str:
    """Article id: a hash of the normalized text (the same content always has the same id)."""
    return _digest(normalize_text(text), size=20)


def entity_id(kind: str, name: str) -> str:
    """Entity id: a hash of kind + normalized canonical name."""
    return _digest(kind, normalize_name(name))


def case_id(jurisdiction: str | None, target_id: str | None, kind: str, title: str = "") -> str:
    """Case id: one per proceeding, keyed by jurisdiction and main target.

    Without a target the title keeps unrelated untargeted cases apart.
    """
    key = target_id or normalize_name(title)
    return _digest("Case", jurisdiction or "", key, "" if target_id else kind)


@dataclass(frozen=True)
class Article:
    """One source document. `path` is the file it came from (`file#row` for corpus rows)."""

    id: str
    text: str
    path: str
    title: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) when known
    url: str | None = None
    # Where each page starts in `text` (character offsets, the first 0) for a paged document
    # (PDF); empty for texts without pages.
    pages: tuple[int, ...] = ()
    author: str | None = None
    # Where `date` was read: "html metadata", "front matter", "date header", "dateline",
    # "file name", "pdf metadata" or "<field> column" of a corpus (ingest.sources).
    date_source: str | None = None
    publisher: str | None = None
    # The digest of the file's bytes (`ingest.sources.raw_digest`) for a plain-text file read
    # whole: a later ingest skips the same bytes without reading them again.
    raw_digest: str | None = None

    def page_of(self, offset: int) -> int | None:
        """The page number (from 1) of the character at `offset`, or None without pages."""
        return max(bisect.bisect_right(self.pages, offset), 1) if self.pages else None


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    """An entity as one article mentions it. `id` is entity_id(kind, name)."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    iso: str | None = None
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Relation:
    """A typed fact between two entities, with the sentence that states it.

    `start`/`end` are the sentence's character offsets in the article text.
    """

    type: str
    source: str  # entity id
    target: str  # entity id
    sentence: str
    start: int
    end: int
    rule: str
    status: str | None = None  # COOPERATES_WITH only
    model: str = ""
    confidence: float | None = None  # the fact classifier's score, when one decided
    event_date: str | None = None  # when it happened, as its clause says (ingest.event_dates)


@dataclass(frozen=True)
class Case:
    """A proceeding the article describes; role lists hold entity ids."""

    id: str
    title: str
    kind: str  # ontology.CASE_KINDS
    status: str  # ontology.CASE_STATUSES
    jurisdiction: str | None = None  # ISO 3166 code
    jurisdiction_id: str | None = None  # entity id of that Jurisdiction
    led_by: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    offenses: tuple[str, ...] = ()
    sentence: str = ""
    start: int = 0
    end: int = 0
    rule: str = ""
    event_date: str | None = None  # when, as the sentence that reports it says


@dataclass(frozen=True)
class ExtractionFailure:
    """An article that could not be extracted or stored: a casegraph bug, reported like a bad
    input (the same `path` and `message` as `ingest.sources.SourceProblem`)."""

    path: str
    message: str


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    cases: tuple[Case, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The object `casegraph extract` prints (see DESIGN.md and score_extraction.py)."""
        a = self.article
        return {
            "id": a.id,
            "title": a.title,
            "date": a.date,
            "url": a.url,
            "path": a.path,
            "date_source": a.date_source,
            "publisher": a.publisher,
            "author": a.author,
            "entities": [asdict(e) for e in self.entities],
            "relations": [asdict(r) for r in self.relations],
            "cases": [asdict(c) for c in self.cases],
        }
