"""The write side of Neo4j: schema, idempotent batched writes, retraction, concurrency, failures.

Extractions are built by hand from the seed article (South Korean police, Telegram, Durov) and
a follow-up written for these tests, so that these tests do not depend on the NLP pipeline.
"""

from __future__ import annotations

import contextlib
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
from tests.conftest import free_ports

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


# --- against the real Neo4j ------------------------------------------------------------------


@pytest.fixture
def store(clean_db: neo4j.Driver, settings: Settings) -> Store:
    return Store(clean_db, settings.neo4j_database)


def graph_of(store: Store, *batches: list[Extraction]) -> str:
    """The canonical dump after writing `batches` one after the other into an empty graph."""
    store.reset()
    for batch in batches:
        store.write(batch)
    return canonical(store._driver)


@pytest.mark.neo4j
def test_write_builds_the_seed_graph(store: Store, clean_db: neo4j.Driver) -> None:
    result = store.write([seed()])
    assert result.articles == (seed().article.id,) and result.nodes_created > 0
    assert node(clean_db, "Jurisdiction", "South Korea")["iso"] == "KR"
    assert node(clean_db, "Person", "Pavel Durov")["aliases"] == ["Durov", "Pavel Durov"]
    (cooperation,) = rel_props(clean_db, "COOPERATES_WITH")
    assert cooperation["status"] == "sought" and cooperation["articles"] == [seed().article.id]
    (founded,) = rel_props(clean_db, "FOUNDED")
    assert founded["evidence_count"] == 1  # two rules, one sentence
    records, _, _ = clean_db.execute_query(
        "MATCH (c:Case)-[:TARGETS]->(:Platform {name: 'Telegram'}), "
        "(c)-[:LED_BY]->(:Agency)-[:COOPERATES_WITH]-(fr:Agency), "
        "(c)-[:IN_JURISDICTION]->(:Jurisdiction {iso: 'KR'}), (c)-[:REPORTED_IN]->(a:Article) "
        "MATCH (e:Evidence {fact_key: $key}) "
        "RETURN fr.name AS partner, a.title AS title, e.sentence AS sentence",
        key=cooperation["key"],
    )
    assert [r["partner"] for r in records] == ["French law enforcement"]
    assert "seeking to collaborate" in records[0]["sentence"]
    stats = store.stats()
    assert stats["articles"] == 1 and stats["entities"] == 12 and stats["nodes"]["Case"] == 2
    assert (
        stats["relationships"]["CHARGED_WITH"] == 2 and stats["evidence"] == 8 + 8
    )  # facts + case roles


@pytest.mark.neo4j
def test_writing_again_changes_nothing(store: Store, clean_db: neo4j.Driver) -> None:
    store.write([seed(), followup()])
    before = canonical(clean_db)
    again = store.write([followup(), seed()])
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert canonical(clean_db) == before


@pytest.mark.neo4j
def test_graph_does_not_depend_on_order_or_batching(store: Store) -> None:
    together = graph_of(store, [seed(), followup(), unrelated()])
    assert graph_of(store, [unrelated()], [followup()], [seed()]) == together
    store.batch_size = 1
    assert graph_of(store, [followup(), unrelated(), seed()]) == together


@pytest.mark.neo4j
def test_a_fact_from_two_articles_is_one_relationship(store: Store, clean_db: neo4j.Driver) -> None:
    store.write([followup(), seed()])
    both = sorted([seed().article.id, followup().article.id])
    (cooperation,) = rel_props(clean_db, "COOPERATES_WITH")
    # "agreed" outranks "sought" whichever article came first.
    assert cooperation["articles"] == both and cooperation["evidence_count"] == 2
    assert cooperation["status"] == "agreed"
    (case,) = [n for n in dump(clean_db)["nodes"] if n["properties"].get("jurisdiction") == "FR"]
    assert case["properties"]["status"] == "charged"
    led_by = rel_props(clean_db, "LED_BY")
    assert sorted(len(r["articles"]) for r in led_by) == [1, 1]


@pytest.mark.neo4j
def test_retract_removes_only_what_the_article_supports(store: Store) -> None:
    without_followup = graph_of(store, [seed(), unrelated()])
    everything = graph_of(store, [seed(), followup(), unrelated()])
    result = store.retract(followup().article.id)
    assert result.entities_deleted == 1  # French prosecutors; the others stay mentioned
    assert result.relationships_deleted == 3  # PROSECUTES, its BELONGS_TO, its LED_BY
    assert canonical(store._driver) == without_followup
    store.write([followup()])
    assert canonical(store._driver) == everything


@pytest.mark.neo4j
def test_rewrite_replaces_an_article_in_one_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = graph_of(store, [seed(), followup(), unrelated()])
    fewer = replace(followup(), relations=followup().relations[:1])
    store.rewrite(fewer)
    changed = canonical(store._driver)
    assert changed != everything
    store.rewrite(followup())
    assert canonical(store._driver) == everything

    def crash(*args: object, **kwargs: object) -> None:  # the write fails after the retraction
        raise neo4j.exceptions.ClientError("simulated failure inside the transaction")

    monkeypatch.setattr("graph.store._write_plan", crash)
    with pytest.raises(neo4j.exceptions.ClientError):
        store.rewrite(fewer)
    assert canonical(store._driver) == everything  # the retraction was rolled back with it


@pytest.mark.neo4j
def test_retract_the_only_article_leaves_an_empty_graph(store: Store) -> None:
    store.write([seed()])
    result = store.retract(seed().article.id)
    assert result.cases_deleted == 2 and result.evidence_deleted == 16
    assert str(result).startswith(f"retracted article {seed().article.id}: removed 16 evidence")
    assert dump(store._driver) == {"nodes": [], "relationships": []}
    with pytest.raises(QueryError, match="no article with id 'nope'"):
        store.retract("nope")


@pytest.mark.neo4j
def test_known_article_ids_and_reset(store: Store) -> None:
    assert store.known_article_ids([seed().article.id]) == set()
    store.write([seed(), unrelated()])
    wanted = [seed().article.id, followup().article.id, seed().article.id]
    assert store.known_article_ids(wanted) == {seed().article.id}
    store.reset()
    assert store.stats()["articles"] == 0 and store.known_article_ids(wanted) == set()


@pytest.mark.neo4j
def test_schema_refuses_duplicates(store: Store, clean_db: neo4j.Driver) -> None:
    store.init_schema()
    store.init_schema()  # idempotent
    records, _, _ = clean_db.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
        "WHERE type = 'RELATIONSHIP_UNIQUENESS' RETURN labelsOrTypes[0] AS t"
    )
    assert {r["t"] for r in records} == set(ontology.GRAPH_RELATIONSHIPS)
    store.write([seed()])
    (founded,) = rel_props(clean_db, "FOUNDED")
    with pytest.raises(neo4j.exceptions.ConstraintError):
        clean_db.execute_query(
            "MATCH (a:Person), (b:Platform) CREATE (a)-[:FOUNDED {key: $key}]->(b)",
            key=founded["key"],
        )
    with pytest.raises(neo4j.exceptions.ConstraintError):
        clean_db.execute_query("CREATE (:Entity {id: $id})", id=entity_id("Person", "Pavel Durov"))


def variants(n: int) -> list[Extraction]:
    """`n` articles repeating the seed story (same entities and facts, different texts)."""
    out = []
    for i in range(n):
        base = seed() if i % 2 else followup()
        text = f"{base.article.text} Update {i}."
        article = replace(
            base.article, id=article_id(text), text=text, path=f"update-{i}.txt",
            url=f"https://news.example/update-{i}",  # another article, not a new version
        )  # fmt: skip
        out.append(replace(base, article=article))
    return out


@pytest.mark.neo4j
def test_concurrent_writers_create_no_duplicates(store: Store, clean_db: neo4j.Driver) -> None:
    articles = [*variants(16), unrelated()]
    sequential = graph_of(store, articles)
    store.reset()
    # Drop the schema too, so that both writers also race to create it.
    for rec in clean_db.execute_query("SHOW CONSTRAINTS YIELD name RETURN name").records:
        clean_db.execute_query(f"DROP CONSTRAINT {rec['name']}")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(batch: list[Extraction]) -> None:
        try:
            mine = Store(clean_db, store.database, batch_size=3)
            barrier.wait()
            mine.write(batch)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(articles,)),
        threading.Thread(target=writer, args=(articles[::-1],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert canonical(clean_db) == sequential


class Outage:
    """A TCP relay to Neo4j that can be cut and restored: a real outage, seen by the driver."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        (self.port,) = free_ports(1)
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        if self._listener is not None:
            # shutdown wakes the accept() blocked in the relay thread; close alone does not.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        for sock in self._open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)


@pytest.fixture
def outage(settings: Settings, clean_db: neo4j.Driver) -> Iterator[tuple[Outage, neo4j.Driver]]:
    host, port = settings.uri.split("://", 1)[1].rsplit(":", 1)
    relay = Outage((host, int(port)))
    relay.restore()
    auth = (settings.neo4j_user, settings.password() or "")
    drv = neo4j.GraphDatabase.driver(
        f"bolt://127.0.0.1:{relay.port}", auth=auth, max_transaction_retry_time=0.5,
        connection_timeout=2.0,
    )  # fmt: skip
    try:
        yield relay, drv
    finally:
        drv.close()
        relay.cut()


@pytest.mark.neo4j
def test_write_gives_up_with_a_clear_error_and_writes_nothing(
    outage: tuple[Outage, neo4j.Driver], settings: Settings, clean_db: neo4j.Driver
) -> None:
    relay, drv = outage
    flaky = Store(drv, settings.neo4j_database, retries=2)
    flaky.backoff = 0.05
    flaky.init_schema()
    relay.cut()
    with pytest.raises(WriteFailed) as failed:
        flaky.write([seed()])
    assert failed.value.written == ()
    message = str(failed.value)
    assert "after 2 attempts" in message and "\n" not in message
    assert settings.password() not in message
    assert isinstance(failed.value, DatabaseUnavailable)
    assert Store(clean_db, settings.neo4j_database).known_article_ids([seed().article.id]) == set()


@pytest.mark.neo4j
def test_write_retries_until_neo4j_is_back(
    outage: tuple[Outage, neo4j.Driver], settings: Settings, clean_db: neo4j.Driver
) -> None:
    relay, drv = outage
    flaky = Store(drv, settings.neo4j_database, retries=8)
    flaky.backoff = 0.2
    flaky.init_schema()
    relay.cut()
    timer = threading.Timer(1.5, relay.restore)
    timer.start()
    try:
        result = flaky.write([seed()])
    finally:
        timer.join()
    assert result.articles == (seed().article.id,)
    fresh = Store(clean_db, settings.neo4j_database)
    assert fresh.stats()["articles"] == 1 and fresh.stats()["evidence"] == 16
