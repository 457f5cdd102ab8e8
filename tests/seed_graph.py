"""A small graph written through `graph.store.Store`, for the query, console and export tests.

The facts are those of the gold annotation of the seed article
(../shared/data/gold/seed.jsonl, `seed-telegram-korea`), plus a second made-up article that
repeats one fact (two pieces of evidence) and adds a US case, so ranking and timelines have
something to order.
"""

from __future__ import annotations

from typing import Any

from graph.store import Store
from ingest.records import Article, Case, Entity, Extraction, Mention, Relation, case_id, entity_id

SEED_ARTICLE = "a-seed-telegram-korea"
SECOND_ARTICLE = "a-second-durov"

ARTICLES = [
    {
        "id": SEED_ARTICLE,
        "title": "South Korean Police Investigate Telegram for Deepfake Sex Crimes",
        "date": "2024-09-30",
        "url": "https://example.org/seed",
        "path": "seed-telegram-korea.txt",
    },
    {
        "id": SECOND_ARTICLE,
        "title": "Durov charged in Paris",
        "date": "2024-08-28",
        "url": "https://example.org/durov",
        "path": "second.txt",
    },
]

# (name, kind, aliases, iso)
ENTITIES = [
    ("South Korea", "Jurisdiction", ["South Korean", "South Korea’s"], "KR"),
    ("France", "Jurisdiction", ["French"], "FR"),
    ("United States", "Jurisdiction", ["the United States"], "US"),
    ("New York", "Jurisdiction", [], "US-NY"),
    ("South Korean police", "Agency", ["South Korean authorities"], None),
    ("National Office of Investigation", "Agency", [], None),
    ("French law enforcement", "Agency", ["French authorities"], None),
    ("FBI", "Agency", ["Federal Bureau of Investigation"], None),
    ("Woo Jong-soo", "Person", [], None),
    ("Pavel Durov", "Person", ["Durov"], None),
    ("Telegram", "Platform", [], None),
    ("Yonhap News Agency", "Organization", [], None),
    ("deepfake sex crimes", "Offense", ["deepfake pornography"], None),
    ("circulation of child abuse images", "Offense", ["child abuse images"], None),
    ("drug-related offenses", "Offense", [], None),
]

S1 = "On Monday, South Korean authorities initiated an investigation into Telegram."
S2 = "Woo Jong-soo, head of South Korea’s National Office of Investigation, spoke."
S3 = "South Korean authorities are seeking to collaborate closely with French law enforcement."
S4 = "Recent developments in France, where Telegram founder Pavel Durov has faced challenges."
S5 = "Durov was arrested and released on bail, facing accusations of drug-related offenses."
S6 = "Telegram does not share account information with law enforcement, including the US."
S7 = "French investigators arrested Pavel Durov at Le Bourget airport."
# (type, source, target, status, [(article, sentence)])
FACTS = [
    ("INVESTIGATES", "South Korean police", "Telegram", None, [(SEED_ARTICLE, S1)]),
    ("BELONGS_TO", "South Korean police", "South Korea", None, [(SEED_ARTICLE, S1)]),
    ("BELONGS_TO", "National Office of Investigation", "South Korea", None, [(SEED_ARTICLE, S2)]),
    ("BELONGS_TO", "French law enforcement", "France", None, [(SEED_ARTICLE, S3)]),
    ("BELONGS_TO", "FBI", "United States", None, [(SECOND_ARTICLE, S6)]),
    ("LEADS", "Woo Jong-soo", "National Office of Investigation", None, [(SEED_ARTICLE, S2)]),
    ("FOUNDED", "Pavel Durov", "Telegram", None, [(SEED_ARTICLE, S4)]),
    (
        "ARRESTED",
        "French law enforcement",
        "Pavel Durov",
        None,
        [(SEED_ARTICLE, S5), (SECOND_ARTICLE, S7)],
    ),
    (
        "CHARGED_WITH",
        "Pavel Durov",
        "circulation of child abuse images",
        None,
        [(SEED_ARTICLE, S5)],
    ),
    ("CHARGED_WITH", "Pavel Durov", "drug-related offenses", None, [(SEED_ARTICLE, S5)]),
    (
        "COOPERATES_WITH",
        "South Korean police",
        "French law enforcement",
        "sought",
        [(SEED_ARTICLE, S3)],
    ),
    ("REFUSES_DATA_TO", "Telegram", "South Korean police", None, [(SEED_ARTICLE, S6)]),
    ("REFUSES_DATA_TO", "Telegram", "United States", None, [(SEED_ARTICLE, S6)]),
]

# (title, case_kind, status, iso, led_by, targets, offenses, [articles])
CASES = [
    (
        "South Korean police investigation into Telegram over deepfake sex crimes",
        "investigation",
        "open",
        "KR",
        ["South Korean police", "National Office of Investigation"],
        ["Telegram"],
        ["deepfake sex crimes"],
        [SEED_ARTICLE],
    ),
    (
        "French case against Pavel Durov",
        "prosecution",
        "charged",
        "FR",
        ["French law enforcement"],
        ["Pavel Durov"],
        ["circulation of child abuse images", "drug-related offenses"],
        [SEED_ARTICLE, SECOND_ARTICLE],
    ),
    (
        "New York inquiry into Telegram drug sales",
        "investigation",
        "open",
        "US-NY",
        ["FBI"],
        ["Telegram"],
        ["drug-related offenses"],
        [SECOND_ARTICLE],
    ),
]


def _ids() -> dict[str, str]:
    return {name: entity_id(kind, name) for name, kind, _aliases, _iso in ENTITIES}


def _entity(name: str, ids: dict[str, str]) -> Entity:
    _name, kind, aliases, iso = next(e for e in ENTITIES if e[0] == name)
    return Entity(ids[name], name, kind, tuple(aliases), iso, (Mention(0, len(name), name),))


def _case(row: tuple[Any, ...], ids: dict[str, str]) -> Case:
    title, kind, status, iso, led_by, targets, offenses, _articles = row
    jurisdiction = next(n for n, _k, _a, code in ENTITIES if code == iso)
    return Case(
        id=case_id(iso, ids[targets[0]], kind),
        title=title,
        kind=kind,
        status=status,
        jurisdiction=iso,
        jurisdiction_id=ids[jurisdiction],
        led_by=tuple(ids[n] for n in led_by),
        targets=tuple(ids[n] for n in targets),
        offenses=tuple(ids[n] for n in offenses),
        sentence=f"A sentence reporting the case {title}.",
        start=0,
        end=40,
        rule="seed-case",
    )


# The fact classifier's scores, as an extraction records them (lower for BELONGS_TO).
_CONFIDENCE = {"BELONGS_TO": 0.4}


def extractions() -> list[Extraction]:
    """One Extraction per article, holding the facts and cases it supports."""
    ids = _ids()
    out = []
    for meta in ARTICLES:
        aid = meta["id"]
        relations, names = [], set()
        for rel_type, source, target, status, evidence in FACTS:
            for article, sentence in evidence:
                if article == aid:
                    start = 100 * len(relations)
                    relations.append(
                        Relation(rel_type, ids[source], ids[target], sentence, start,
                                 start + len(sentence), "seed", status, "seed-model",
                                 _CONFIDENCE.get(rel_type, 0.9))
                    )  # fmt: skip
                    names |= {source, target}
        cases = [row for row in CASES if aid in row[7]]
        for row in cases:
            names |= {*row[4], *row[5], *row[6]}
            names.add(next(n for n, _k, _a, code in ENTITIES if code == row[3]))
        article = Article(
            aid, f"text of {aid}", meta["path"], meta["title"], meta["date"], meta["url"]
        )
        out.append(
            Extraction(
                article,
                tuple(_entity(n, ids) for n in sorted(names)),
                tuple(relations),
                tuple(_case(row, ids) for row in cases),
            )
        )
    return out


def seed(driver: Any, database: str) -> None:
    """Write the seed graph into `database` (expected empty: use the `clean_db` fixture)."""
    Store(driver, database).write(extractions())


def node_id(name: str, kind: str) -> str:
    return entity_id(kind, name)
