"""The write side of Neo4j: schema, idempotent batched writes, retraction, concurrency, failures.

Extractions are built by hand from the seed article (South Korean police, Telegram, Durov) and
a follow-up written for these tests, so that these tests do not depend on the NLP pipeline.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import neo4j
import pytest

from graph import ontology
from graph.errors import DatabaseUnavailable, QueryError
from graph.settings import Settings
from graph.store import (
    STATUS_PRECEDENCE,
    Store,
    WriteFailed,
    dump,
    fact_key,
    plan_batch,
    schema_statements,
    write_entities_cypher,
    write_links_cypher,
)
from ingest.records import (
    Article,
    Case,
    Entity,
    Extraction,
    Mention,
    Relation,
    article_id,
    case_id,
    entity_id,
)

# --- hand-built extractions ------------------------------------------------------------------

SEED_TEXT = (
    "South Korean Police Investigate Telegram for Deepfake Sex Crimes. "
    "South Korean police have begun their first inquiry into Telegram over deepfake sex crimes. "
    "Woo Jong-soo, head of South Korea's National Office of Investigation, said Telegram does "
    "not share account information with law enforcement agencies, including those in the "
    "United States. Telegram founder Pavel Durov was arrested in France and charged with the "
    "circulation of child abuse images and drug trafficking. Durov was released on bail. "
    "South Korean police are seeking to collaborate with French law enforcement."
)
FOLLOWUP_TEXT = (
    "French prosecutors said Pavel Durov, the founder of Telegram, remains charged with "
    "complicity in distributing child sexual abuse material. French law enforcement agreed to "
    "cooperate with South Korean police on Telegram. Durov denies the charges."
)
UNRELATED_TEXT = (
    "The FBI arrested John Smith in Ohio. Smith was charged with wire fraud by the "
    "Department of Justice."
)


def entity(text: str, kind: str, name: str, *surfaces: str, iso: str | None = None) -> Entity:
    """An entity with a Mention for every occurrence of its surfaces in `text`."""
    mentions = []
    for surface in (name, *surfaces):
        at = text.find(surface)
        while at >= 0:
            mentions.append(Mention(at, at + len(surface), surface))
            at = text.find(surface, at + 1)
    mentions.sort(key=lambda m: (m.start, m.end))
    return Entity(entity_id(kind, name), name, kind, tuple(surfaces), iso, tuple(mentions))


def fact(
    text: str, rel_type: str, source: Entity, target: Entity, needle: str, **kw: str
) -> Relation:
    """A relation whose evidence is the sentence of `text` containing `needle`."""
    at = text.index(needle)
    start = text.rfind(". ", 0, at) + 2 if text.rfind(". ", 0, at) >= 0 else 0
    end = text.find(". ", at) + 1 or len(text)
    return Relation(
        rel_type, source.id, target.id, text[start:end], start, end, kw.pop("rule", "test"), **kw
    )


def seed() -> Extraction:
    t = SEED_TEXT
    telegram = entity(t, "Platform", "Telegram")
    durov = entity(t, "Person", "Pavel Durov", "Durov")
    woo = entity(t, "Person", "Woo Jong-soo")
    noi = entity(t, "Agency", "National Office of Investigation")
    police = entity(t, "Agency", "South Korean police")
    french = entity(t, "Agency", "French law enforcement")
    kr = entity(t, "Jurisdiction", "South Korea", "South Korean", "South Korea's", iso="KR")
    fr = entity(t, "Jurisdiction", "France", "French", iso="FR")
    us = entity(t, "Jurisdiction", "United States", iso="US")
    csam = entity(t, "Offense", "child sexual abuse material", "child abuse images")
    drugs = entity(t, "Offense", "drug trafficking")
    deepfake = entity(t, "Offense", "deepfake sexual abuse material", "deepfake sex crimes")
    relations = (
        fact(t, "INVESTIGATES", police, telegram, "first inquiry"),
        fact(t, "LEADS", woo, noi, "Woo Jong-soo"),
        fact(t, "BELONGS_TO", noi, kr, "Woo Jong-soo"),
        fact(t, "REFUSES_DATA_TO", telegram, us, "not share"),
        fact(t, "FOUNDED", durov, telegram, "founder Pavel"),
        fact(t, "CHARGED_WITH", durov, csam, "child abuse images"),
        fact(t, "CHARGED_WITH", durov, drugs, "drug trafficking"),
        fact(t, "COOPERATES_WITH", police, french, "collaborate", status="sought"),
        # A second rule finding the same fact in the same sentence: one Evidence.
        fact(t, "FOUNDED", durov, telegram, "founder Pavel", rule="appositive"),
    )
    kr_case = Case(
        case_id("KR", telegram.id, "investigation"), "South Korean investigation of Telegram",
        "investigation", "open", "KR", kr.id, (police.id,), (telegram.id,), (deepfake.id,),
        relations[0].sentence, relations[0].start, relations[0].end, "case-investigates",
    )  # fmt: skip
    fr_case = Case(
        case_id("FR", durov.id, "prosecution"), "French case against Pavel Durov",
        "investigation", "open", "FR", fr.id, (), (durov.id,), (csam.id, drugs.id),
        relations[5].sentence, relations[5].start, relations[5].end, "case-charged",
    )  # fmt: skip
    article = Article(article_id(t), t, "gold/seed-telegram-korea.txt", "South Korean Police "
                      "Investigate Telegram", "2024-09-02", "https://example.org/seed")  # fmt: skip
    entities = (telegram, durov, woo, noi, police, french, kr, fr, us, csam, drugs, deepfake)
    return Extraction(article, entities, relations, (kr_case, fr_case))


def followup() -> Extraction:
    t = FOLLOWUP_TEXT
    telegram = entity(t, "Platform", "Telegram")
    durov = entity(t, "Person", "Pavel Durov", "Durov")
    police = entity(t, "Agency", "South Korean police")
    french = entity(t, "Agency", "French law enforcement")
    prosecutors = entity(t, "Agency", "French prosecutors")
    fr = entity(t, "Jurisdiction", "France", "French", iso="FR")
    csam = entity(t, "Offense", "child sexual abuse material")
    relations = (
        fact(t, "FOUNDED", durov, telegram, "the founder"),
        fact(t, "CHARGED_WITH", durov, csam, "remains charged"),
        fact(t, "PROSECUTES", prosecutors, durov, "remains charged"),
        # Stated from the French side: the same symmetric fact as the seed's, reversed.
        fact(t, "COOPERATES_WITH", french, police, "agreed", status="agreed"),
        fact(t, "BELONGS_TO", prosecutors, fr, "French prosecutors"),
    )
    fr_case = Case(
        case_id("FR", durov.id, "prosecution"), "Prosecution of Telegram founder Pavel Durov",
        "prosecution", "charged", "FR", fr.id, (prosecutors.id,), (durov.id,), (csam.id,),
        relations[1].sentence, relations[1].start, relations[1].end, "case-charged",
    )  # fmt: skip
    article = Article(article_id(t), t, "tests/followup.txt", "Durov remains charged", "2024-09-10")
    entities = (telegram, durov, police, french, prosecutors, fr, csam)
    return Extraction(article, entities, relations, (fr_case,))


def unrelated() -> Extraction:
    t = UNRELATED_TEXT
    fbi = entity(t, "Agency", "FBI")
    smith = entity(t, "Person", "John Smith", "Smith")
    ohio = entity(t, "Jurisdiction", "Ohio", iso="US-OH")
    doj = entity(t, "Agency", "Department of Justice")
    fraud = entity(t, "Offense", "wire fraud")
    relations = (
        fact(t, "ARRESTED", fbi, smith, "arrested"),
        fact(t, "CHARGED_WITH", smith, fraud, "wire fraud"),
    )
    article = Article(article_id(t), t, "tests/unrelated.txt", "Smith arrested")
    return Extraction(article, (fbi, smith, ohio, doj, fraud), relations)


def without(ex: Extraction, *rel_types: str) -> Extraction:
    return replace(ex, relations=tuple(r for r in ex.relations if r.type not in rel_types))


def canonical(driver: neo4j.Driver) -> str:
    return json.dumps(dump(driver), sort_keys=True)


def rel_props(driver: neo4j.Driver, rel_type: str) -> list[dict]:
    return [r["properties"] for r in dump(driver)["relationships"] if r["type"] == rel_type]


def node(driver: neo4j.Driver, kind: str, name: str) -> dict:
    nodes = dump(driver)["nodes"]
    found = [n for n in nodes if n["id"] == entity_id(kind, name)]
    assert len(found) == 1, f"{kind} {name} not in the graph"
    return found[0]["properties"]


# --- pure planning, no database --------------------------------------------------------------


def test_fact_key_is_symmetric_only_for_cooperation() -> None:
    assert fact_key("COOPERATES_WITH", "a", "b") == fact_key("COOPERATES_WITH", "b", "a")
    assert fact_key("INVESTIGATES", "a", "b") != fact_key("INVESTIGATES", "b", "a")
    assert fact_key("INVESTIGATES", "a", "b") != fact_key("PROSECUTES", "a", "b")


def test_plan_does_not_depend_on_article_order() -> None:
    assert plan_batch([seed(), followup(), unrelated()]) == plan_batch(
        [unrelated(), followup(), seed()]
    )


def test_plan_joins_one_batch_with_the_documented_rules() -> None:
    plan = plan_batch([seed(), followup()])
    (cooperation,) = plan.facts["COOPERATES_WITH"]
    assert cooperation["source"] < cooperation["target"]  # stored from the smaller id
    (fr_case,) = [c for c in plan.cases if c["jurisdiction"] == "FR"]
    assert fr_case["case_kind"] == "prosecution" and fr_case["status"] == "charged"
    assert fr_case["title"] == "Prosecution of Telegram founder Pavel Durov"  # the longer
    founded = [e for e in plan.evidence if e["props"]["type"] == "FOUNDED"]
    # Two rules on one sentence make one Evidence, from the alphabetically first rule.
    assert sorted(e["props"]["rule"] for e in founded) == ["appositive", "test"]
    (durov,) = [e for e in plan.entities["Person"] if e["name"] == "Pavel Durov"]
    assert durov["surfaces"] == ["Durov", "Pavel Durov"]


def test_plan_refuses_records_that_break_the_ontology() -> None:
    ex = seed()
    telegram, durov = ex.entities[0], ex.entities[1]
    wrong_way = replace(ex.relations[4], source=telegram.id, target=durov.id)  # FOUNDED
    with pytest.raises(ValueError, match="not allowed by the ontology"):
        plan_batch([replace(ex, relations=(wrong_way,))])
    dangling = replace(ex.relations[0], target="no-such-entity")
    with pytest.raises(ValueError, match="same extraction"):
        plan_batch([replace(ex, relations=(dangling,))])
    with pytest.raises(ValueError, match="unknown relationship type"):
        plan_batch([replace(ex, relations=(replace(dangling, type="LIKES"),))])
    with pytest.raises(ValueError, match="cooperation status"):
        plan_batch([replace(ex, relations=(replace(ex.relations[7], status="maybe"),))])
    bad_kind = replace(telegram, kind="Website")
    with pytest.raises(ValueError, match="has kind"):
        plan_batch([replace(ex, entities=(bad_kind,), relations=(), cases=())])


def test_cypher_only_formats_declared_labels_and_types() -> None:
    with pytest.raises(ValueError):
        write_entities_cypher("Person) DETACH DELETE (x")
    with pytest.raises(ValueError):
        write_links_cypher("KNOWS")
    assert len(schema_statements()) == len(set(schema_statements()))
    assert all("IF NOT EXISTS" in s for s in schema_statements())
    assert set(STATUS_PRECEDENCE) == set(ontology.COOPERATION_STATUSES)
