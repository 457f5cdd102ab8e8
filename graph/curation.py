"""Corrections by people, recorded in Neo4j and applied on top of what extraction produces.

Every correction is a `(:Curation)` node: what (`action`, the fact's `fact_key`, `type`, the
source and target ids and names), `before` and `after`, `who`, `when`, `why`, and `undone_at`
once undone. A correction is active until it is undone; undoing keeps the record.

Facts (this module's scope so far):
- reject: the fact's relationship is deleted and stays deleted. graph.store recomputes every
  fact from its Evidence after each write or retraction and deletes a fact with an active
  rejection, so a rejected fact stays out of queries, paths, analytics and exports through
  re-ingest, retraction and re-extraction; its Evidence (the sentences) remains, and the
  document view lists it as rejected. Undo recreates it from its Evidence.
- confirm: the fact's relationship carries `confirmed = true` (recomputed the same way), and
  exports carry it.
- add: a fact no article gave, with a note and a source (a URL or a citation): an Evidence
  without an article (`rule` "manual", the note as its sentence) backs it, so it is a fact like
  the others, and no retraction removes it. Undo deletes that Evidence.

- jurisdiction: an entity's jurisdiction set by hand (the BELONGS_TO of an agency, the
  BASED_IN of a person, organisation or platform): the fact to the place given is added as
  above, and graph.store deletes every other fact of that type from the entity while the
  correction is active, also when a new article states it. A later jurisdiction correction of
  the same entity replaces the earlier one. Undo recreates the others from their Evidence.

The fact key is a hash of (type, source id, target id), so a correction finds its fact again
whenever any article states it.

Entities (graph.corrections):
- merge B into A, change an entity's kind, rename it: recorded the same way and applied by
  graph.store to every extraction it writes (an article naming B lands on A); the articles
  already stored that name the entity are extracted again from their stored texts and
  rewritten (`reprocess`), and so are they when the correction is undone.
"""

from __future__ import annotations

import getpass
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j

from graph import ontology
from graph.corrections import ENTITY_ACTIONS
from graph.errors import InputError, QueryError
from graph.store import Store, fact_key, refresh_links_cypher
from graph.views import read
from ingest.records import entity_id, normalize_name

ACTIONS = ("reject", "confirm", "add", "jurisdiction")  # on facts; ENTITY_ACTIONS on entities
# The fact that places an entity of a kind in a jurisdiction (graph/ontology.py).
PLACING_FACT = {"Agency": "BELONGS_TO", "Person": "BASED_IN", "Organization": "BASED_IN",
                "Platform": "BASED_IN"}  # fmt: skip
EXPORT_VERSION = 1
MAX_NOTE = 2000


@dataclass(frozen=True)
class FactRef:
    """A fact named by people: its type and its two entities."""

    type: str
    source_id: str
    source: str
    target_id: str
    target: str
    key: str


def find_entity(driver: neo4j.Driver, database: str, name: str) -> dict[str, Any]:
    """The one entity named `name` (its name, an alias, or an ISO code); InputError listing the
    candidates when several match, or saying so when none does."""
    if not name.strip():
        raise InputError("an entity name is empty")
    rows = read(
        driver,
        database,
        "MATCH (e:Entity) WHERE NOT e:Case AND (e.norm = $norm OR e.iso = toUpper($name) "
        "OR $lower IN [s IN coalesce(e.aliases, []) | toLower(s)]) "
        "RETURN e.id AS id, e.name AS name, e.kind AS kind, e.aliases AS aliases "
        "ORDER BY name, kind LIMIT 11",
        norm=normalize_name(name),
        name=name.strip(),
        lower=name.strip().lower(),
    )
    if not rows:
        raise InputError(f"no entity is named {name!r}: check the name (casegraph search, the app)")
    exact = [r for r in rows if normalize_name(r["name"]) == normalize_name(name)]
    if len(rows) > 1 and len(exact) != 1:
        shown = "; ".join(f"{r['name']} ({r['kind']})" for r in rows[:10])
        raise InputError(f"{name!r} names several entities: {shown}; use the full name")
    return exact[0] if len(rows) > 1 else rows[0]


def find_fact(
    driver: neo4j.Driver, database: str, rel_type: str, source: str, target: str
) -> FactRef:
    """The fact of `rel_type` between the entities named `source` and `target`: its key, whether
    or not the graph holds it now (a rejected fact does not)."""
    rel_type = rel_type.strip().upper()
    if rel_type not in ontology.FACT_PATTERNS:
        raise InputError(
            f"unknown fact type {rel_type!r}: use one of {', '.join(sorted(ontology.FACT_PATTERNS))}"
        )
    s = find_entity(driver, database, source)
    t = find_entity(driver, database, target)
    if rel_type in ontology.SYMMETRIC_FACTS and s["id"] > t["id"]:
        s, t = t, s  # stored from the smaller id to the larger (graph.store)
    key = fact_key(rel_type, s["id"], t["id"])
    return FactRef(rel_type, s["id"], s["name"], t["id"], t["name"], key)


def _fact_exists(driver: neo4j.Driver, database: str, ref: FactRef) -> bool:
    rel = ontology.check_relationship(ref.type)
    rows = read(
        driver,
        database,
        f"MATCH ()-[r:{rel} {{key: $key}}]-() RETURN count(r) AS n",
        key=ref.key,
    )
    return bool(rows and rows[0]["n"])


def _active(driver: neo4j.Driver, database: str, key: str, action: str) -> list[dict[str, Any]]:
    return read(
        driver,
        database,
        "MATCH (c:Curation {fact_key: $key, action: $action}) WHERE c.undone_at IS NULL "
        "RETURN c.id AS id",
        key=key,
        action=action,
    )


def curate_fact(
    driver: neo4j.Driver,
    database: str,
    action: str,
    rel_type: str,
    source: str,
    target: str,
    note: str = "",
    who: str | None = None,
) -> dict[str, Any]:
    """Record `action` (reject or confirm) on a fact and apply it; returns the record."""
    return curate_ref(
        driver, database, action, find_fact(driver, database, rel_type, source, target), note, who
    )


def fact_ref(rel_type: str, source_id: str, source: str, target_id: str, target: str) -> FactRef:
    """The FactRef of a fact whose entity ids are known (the app's document view)."""
    if rel_type not in ontology.FACT_PATTERNS:
        raise InputError(f"unknown fact type {rel_type!r}")
    if rel_type in ontology.SYMMETRIC_FACTS and source_id > target_id:
        source_id, source, target_id, target = target_id, target, source_id, source
    return FactRef(
        rel_type, source_id, source, target_id, target, fact_key(rel_type, source_id, target_id)
    )


def curate_ref(
    driver: neo4j.Driver,
    database: str,
    action: str,
    ref: FactRef,
    note: str = "",
    who: str | None = None,
) -> dict[str, Any]:
    """Record `action` (reject or confirm) on the fact `ref` and apply it."""
    if action not in ("reject", "confirm"):  # a fact is added by add_fact, with its source
        raise InputError(f"unknown correction {action!r}: use reject or confirm")
    if len(note) > MAX_NOTE:
        raise InputError(f"a note is at most {MAX_NOTE} characters")
    if not _fact_exists(driver, database, ref):
        if action == "reject" and _active(driver, database, ref.key, "reject"):
            raise InputError(f"{ref.source} {ref.type} {ref.target} is already rejected")
        raise InputError(f"there is no {ref.type} fact from {ref.source} to {ref.target}")
    if _active(driver, database, ref.key, action):
        raise InputError(f"{ref.source} {ref.type} {ref.target} is already {action}ed")
    opposite = "confirm" if action == "reject" else "reject"
    record = {
        "id": uuid.uuid4().hex[:12],
        "action": action,
        "fact_key": ref.key,
        "type": ref.type,
        "source_id": ref.source_id,
        "source": ref.source,
        "target_id": ref.target_id,
        "target": ref.target,
        "before": "present" if action == "reject" else "unchecked",
        "after": "rejected" if action == "reject" else "confirmed",
        "who": who or _user(),
        "when": _now(),
        "why": note,
        "undone_at": None,
    }
    _write(driver, database, [record], undo_keys=[(ref.key, opposite)])
    return record


def add_fact(
    driver: neo4j.Driver,
    database: str,
    rel_type: str,
    source: str,
    target: str,
    note: str,
    cite: str,
    who: str | None = None,
) -> dict[str, Any]:
    """Add a fact by hand between two existing entities, with what it says (`note`) and where it
    comes from (`cite`: a URL or a citation); returns the record."""
    if not note.strip() or not cite.strip():
        raise InputError("a fact added by hand needs --note (what it says) and --cite (its source)")
    if len(note) > MAX_NOTE or len(cite) > MAX_NOTE:
        raise InputError(f"a note or a source is at most {MAX_NOTE} characters")
    ref = find_fact(driver, database, rel_type, source, target)
    rows = read(
        driver, database, "MATCH (e:Entity) WHERE e.id IN $ids RETURN e.id AS id, e.kind AS kind",
        ids=[ref.source_id, ref.target_id],
    )  # fmt: skip
    kinds = {r["id"]: r["kind"] for r in rows}
    if not ontology.fact_allowed(ref.type, kinds[ref.source_id], kinds[ref.target_id]):
        raise InputError(
            f"{ref.type} does not go from a {kinds[ref.source_id]} to a {kinds[ref.target_id]} "
            "(graph/ontology.py)"
        )
    if _fact_exists(driver, database, ref):
        raise InputError(f"{ref.source} {ref.type} {ref.target} is already a fact: confirm it")
    record = {
        "id": uuid.uuid4().hex[:12], "action": "add", "fact_key": ref.key, "type": ref.type,
        "source_id": ref.source_id, "source": ref.source, "target_id": ref.target_id,
        "target": ref.target, "before": "absent", "after": "added", "who": who or _user(),
        "when": _now(), "why": note.strip(), "cite": cite.strip(), "undone_at": None,
    }  # fmt: skip
    _write(driver, database, [record], undo_keys=[(ref.key, "reject")])
    return record


def set_jurisdiction(
    driver: neo4j.Driver,
    database: str,
    name: str,
    place: str,
    note: str = "",
    who: str | None = None,
) -> dict[str, Any]:
    """Record that the entity `name` belongs to (an agency) or is based in (a person, an
    organisation, a platform) the jurisdiction `place`, and apply it; returns the record."""
    if len(note) > MAX_NOTE:
        raise InputError(f"a note is at most {MAX_NOTE} characters")
    entity = find_entity(driver, database, name)
    rel_type = PLACING_FACT.get(entity["kind"])
    if rel_type is None:
        raise InputError(
            f"{entity['name']} is a {entity['kind']}: only an agency, a person, an organisation "
            "or a platform has a jurisdiction"
        )
    where = find_entity(driver, database, place)
    if where["kind"] != "Jurisdiction":
        raise InputError(f"{where['name']} is a {where['kind']}, not a jurisdiction")
    ref = fact_ref(rel_type, entity["id"], entity["name"], where["id"], where["name"])
    current = _placed_in(driver, database, ref)
    if current == [where["name"]] and not _active_jurisdiction(driver, database, ref):
        raise InputError(f"{entity['name']} is in {where['name']} already: confirm the fact")
    record = {
        "id": uuid.uuid4().hex[:12], "action": "jurisdiction", "fact_key": ref.key,
        "type": ref.type, "source_id": ref.source_id, "source": ref.source,
        "target_id": ref.target_id, "target": ref.target,
        "before": ", ".join(current) or "none", "after": where["name"], "who": who or _user(),
        "when": _now(), "why": note.strip() or f"set by hand to {where['name']}",
        "cite": "set by hand", "undone_at": None,
    }  # fmt: skip
    replaced = _active_jurisdiction(driver, database, ref)
    if replaced:

        def end(tx: Any) -> None:
            tx.run(
                "MATCH (c:Curation) WHERE c.id IN $ids "
                "SET c.undone_at = $when, c.undone_by = 'replaced' "
                "WITH c MATCH (e:Evidence {curation_id: c.id}) DELETE e",
                ids=replaced, when=_now(),
            ).consume()  # fmt: skip

        with driver.session(database=database) as session:
            session.execute_write(end)
    _write(driver, database, [record], undo_keys=[])
    return record


def _placed_in(driver: neo4j.Driver, database: str, ref: FactRef) -> list[str]:
    rel = ontology.check_relationship(ref.type)
    rows = read(
        driver,
        database,
        f"MATCH (:Entity {{id: $id}})-[:{rel}]->(j:Jurisdiction) RETURN j.name AS name ORDER BY name",
        id=ref.source_id,
    )
    return [r["name"] for r in rows]


def _active_jurisdiction(driver: neo4j.Driver, database: str, ref: FactRef) -> list[str]:
    rows = read(
        driver,
        database,
        "MATCH (c:Curation {source_id: $id, action: 'jurisdiction'}) "
        "WHERE c.undone_at IS NULL AND c.type = $type RETURN c.id AS id",
        id=ref.source_id,
        type=ref.type,
    )
    return [r["id"] for r in rows]


def curate_entity(
    driver: neo4j.Driver,
    database: str,
    action: str,
    name: str,
    value: str,
    extractor: Any,
    note: str = "",
    who: str | None = None,
) -> dict[str, Any]:
    """Merge the entity named `value` into the one named `name` (action "merge"), or give the
    entity `name` the kind `value` ("kind") or the name `value` ("rename"); record it, then
    re-extract the stored articles that name the entities so the graph shows it. `extractor`
    is an ingest.pipeline.Extractor (the NLP pipeline)."""
    if action not in ENTITY_ACTIONS:
        raise InputError(f"unknown correction {action!r}: use one of {', '.join(ENTITY_ACTIONS)}")
    if len(note) > MAX_NOTE:
        raise InputError(f"a note is at most {MAX_NOTE} characters")
    entity = find_entity(driver, database, name)
    record: dict[str, Any] = {
        "id": uuid.uuid4().hex[:12], "action": action, "entity_id": entity["id"],
        "entity": entity["name"], "entity_kind": entity["kind"], "who": who or _user(),
        "when": _now(), "why": note, "undone_at": None,
    }  # fmt: skip
    touched = [entity["id"]]
    if action == "merge":
        other = find_entity(driver, database, value)
        if other["id"] == entity["id"]:
            raise InputError(f"{name!r} and {value!r} are one entity already")
        # `name` is kept; `value` is merged into it (its record names the merged one).
        record.update(
            entity_id=other["id"], entity=other["name"], entity_kind=other["kind"],
            into_id=entity["id"], into=entity["name"], into_kind=entity["kind"],
            before=f"{other['name']} ({other['kind']}) and {entity['name']} ({entity['kind']})",
            after=f"{entity['name']} ({entity['kind']})",
        )  # fmt: skip
        touched = [other["id"]]
    elif action == "kind":
        kind = value.strip().capitalize()
        if kind not in ontology.ENTITY_KINDS:
            raise InputError(
                f"unknown kind {value!r}: use one of {', '.join(ontology.ENTITY_KINDS)}"
            )
        if kind == entity["kind"]:
            raise InputError(f"{entity['name']} is a {kind} already")
        record.update(new_kind=kind, before=entity["kind"], after=kind)
    elif action == "split":
        alias = " ".join(value.split())
        known = {a.casefold(): a for a in entity.get("aliases") or []}
        if alias.casefold() not in known or alias.casefold() == entity["name"].casefold():
            raise InputError(
                f"{alias!r} is not an alias of {entity['name']}: its aliases are "
                f"{', '.join(sorted(known.values())) or 'none'}"
            )
        alias = known[alias.casefold()]
        record.update(
            alias=alias, new_id=entity_id(entity["kind"], alias),
            before=f"{entity['name']} (also {alias})", after=f"{entity['name']}; {alias}",
        )  # fmt: skip
    else:
        new_name = " ".join(value.split())
        if not new_name or len(new_name) > 200:
            raise InputError("a new name is 1 to 200 characters")
        record.update(new_name=new_name, before=entity["name"], after=new_name)
    record["what"] = _what(record)
    articles = _articles_naming(driver, database, touched)
    _store_records(driver, database, [record])
    rekey_fact_curations(driver, database)
    reprocess(driver, database, articles, extractor)
    return record


def rekey_fact_curations(driver: neo4j.Driver, database: str) -> int:
    """Point every fact correction at its fact as the active entity corrections name it now
    (a rejected fact of a merged entity stays rejected on the kept one; undoing the merge points
    it back): the ids it was made on are kept as `orig_source_id` / `orig_target_id`."""
    emap = Store(driver, database).entity_map()
    rows = read(
        driver,
        database,
        "MATCH (c:Curation) WHERE c.action IN $actions RETURN c.id AS id, c.type AS type, "
        "coalesce(c.orig_source_id, c.source_id) AS s, coalesce(c.orig_target_id, c.target_id) AS t, "
        "c.fact_key AS key",
        actions=list(ACTIONS),
    )
    changes = []
    for r in rows:
        s, t = emap.get(r["s"], {}).get("id", r["s"]), emap.get(r["t"], {}).get("id", r["t"])
        if r["type"] in ontology.SYMMETRIC_FACTS and s > t:
            s, t = t, s
        key = fact_key(r["type"], s, t)
        if key != r["key"]:
            changes.append({"id": r["id"], "s": s, "t": t, "key": key, "os": r["s"], "ot": r["t"]})
    if changes:
        with driver.session(database=database) as session:
            session.execute_write(
                lambda tx: tx.run(
                    "UNWIND $rows AS row MATCH (c:Curation {id: row.id}) "
                    "SET c.orig_source_id = row.os, c.orig_target_id = row.ot, "
                    "c.source_id = row.s, c.target_id = row.t, c.fact_key = row.key",
                    rows=changes,
                ).consume()
            )
        # Evidence added by hand follows its correction.
        with driver.session(database=database) as session:
            session.execute_write(
                lambda tx: tx.run(
                    "UNWIND $rows AS row MATCH (e:Evidence {curation_id: row.id}) "
                    "SET e.fact_key = row.key",
                    rows=changes,
                ).consume()
            )
    return len(changes)


def _what(r: dict[str, Any]) -> str:
    if r["action"] == "merge":
        return f"merge {r['entity']} into {r['into']}"
    if r["action"] == "kind":
        return f"{r['entity']} is a {r['new_kind']}"
    if r["action"] == "rename":
        return f"rename {r['entity']} to {r['new_name']}"
    if r["action"] == "split":
        return f"split {r['alias']} off {r['entity']}"
    return f"{r['source']} {r['type']} {r['target']}"


def _articles_naming(driver: neo4j.Driver, database: str, ids: list[str]) -> list[str]:
    rows = read(
        driver,
        database,
        "MATCH (a:Article)-[:MENTIONS]->(e:Entity) WHERE e.id IN $ids RETURN DISTINCT a.id AS id",
        ids=ids,
    )
    return sorted(r["id"] for r in rows)


def reprocess(driver: neo4j.Driver, database: str, article_ids: list[str], extractor: Any) -> int:
    """Extract the stored articles `article_ids` again from their texts and rewrite them (the
    store applies the entity corrections); returns how many were rewritten. An article stored
    before texts were kept cannot be: InputError names how many, after the others are done."""
    from ingest.records import Article

    rows = read(
        driver,
        database,
        "MATCH (a:Article) WHERE a.id IN $ids RETURN a.id AS id, a.text AS text, a.path AS path, "
        "a.title AS title, a.date AS date, a.url AS url, coalesce(a.pages, []) AS pages, "
        "a.author AS author, a.date_source AS date_source ORDER BY id",
        ids=article_ids,
    )
    articles = [
        Article(
            r["id"],
            r["text"],
            r["path"] or r["id"],
            r["title"],
            r["date"],
            r["url"],
            pages=tuple(r["pages"]),
            author=r["author"],
            date_source=r["date_source"],
        )
        for r in rows
        if r["text"]
    ]
    store = Store(driver, database)
    done = 0
    for extraction in extractor.extract(articles):
        store.rewrite(extraction)  # one transaction: a crash leaves the old version whole
        done += 1
    missing = len(rows) - len(articles)
    if missing:
        raise InputError(
            f"{missing} article(s) were stored before casegraph kept texts and keep the old "
            "entity: retract them and ingest them again"
        )
    return done


def _store_records(driver: neo4j.Driver, database: str, records: list[dict[str, Any]]) -> None:
    Store(driver, database).init_schema()
    with driver.session(database=database) as session:
        session.execute_write(
            lambda tx: tx.run(
                "UNWIND $rows AS row MERGE (c:Curation {id: row.id}) SET c += row", rows=records
            ).consume()
        )


def undo(
    driver: neo4j.Driver,
    database: str,
    curation_id: str,
    who: str | None = None,
    extractor: Any = None,
) -> dict[str, Any]:
    """Undo an active correction (the record stays, marked undone) and re-apply the facts."""
    rows = read(
        driver,
        database,
        "MATCH (c:Curation {id: $id}) RETURN properties(c) AS c",
        id=curation_id.strip(),
    )
    if not rows:
        raise InputError(f"no correction {curation_id!r}: see `casegraph curate list`")
    record = rows[0]["c"]
    if record.get("undone_at"):
        raise InputError(f"correction {curation_id} was already undone on {record['undone_at']}")

    when = _now()

    def work(tx: Any) -> None:
        tx.run(
            "MATCH (c:Curation {id: $id}) SET c.undone_at = $when, c.undone_by = $who",
            id=record["id"], when=when, who=who or _user(),
        ).consume()  # fmt: skip
        tx.run("MATCH (e:Evidence {curation_id: $id}) DELETE e", id=record["id"]).consume()

    if record["action"] in ENTITY_ACTIONS:
        if extractor is None:
            raise InputError("undoing an entity correction re-extracts articles: give an extractor")
        now = find_corrected(driver, database, record)
        articles = _articles_naming(driver, database, now)
        with driver.session(database=database) as session:
            session.execute_write(work)
        rekey_fact_curations(driver, database)
        reprocess(driver, database, articles, extractor)
    else:
        with driver.session(database=database) as session:
            session.execute_write(work)
        _apply(driver, database, [record])
    record["undone_at"] = when
    return record


def find_corrected(driver: neo4j.Driver, database: str, record: dict[str, Any]) -> list[str]:
    """The ids the entity of an entity correction has now (through later corrections too)."""
    from graph.corrections import resolve_map

    target = resolve_map([record]).get(record["entity_id"])
    ids = [record["entity_id"]] + ([target["id"]] if target else [])
    ids += [record["new_id"]] if record.get("new_id") else []
    emap = Store(driver, database).entity_map()
    return sorted({*ids, *(emap[i]["id"] for i in ids if i in emap)})


def list_curations(driver: neo4j.Driver, database: str) -> list[dict[str, Any]]:
    """Every correction, newest first."""
    rows = read(
        driver,
        database,
        "MATCH (c:Curation) RETURN properties(c) AS c ORDER BY c.when DESC, c.id",
    )
    return [r["c"] for r in rows]


def rejected_facts(
    driver: neo4j.Driver, database: str, keys: list[str]
) -> dict[str, dict[str, Any]]:
    """fact key -> its active rejection, for the keys given."""
    rows = read(
        driver,
        database,
        "MATCH (c:Curation {action: 'reject'}) WHERE c.fact_key IN $keys AND c.undone_at IS NULL "
        "RETURN properties(c) AS c",
        keys=keys,
    )
    return {r["c"]["fact_key"]: r["c"] for r in rows}


def export_curations(driver: neo4j.Driver, database: str, path: Path) -> int:
    """Write every correction to `path` (JSON) to share them; returns how many."""
    if not path.parent.is_dir():
        raise InputError(f"folder {path.parent} does not exist: create it first")
    records = list_curations(driver, database)
    payload = {"casegraph_curations": EXPORT_VERSION, "curations": records}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(records)


_ENTITY_FIELDS = {
    "merge": ("entity_id", "entity", "entity_kind", "into_id", "into", "into_kind"),
    "kind": ("entity_id", "entity", "entity_kind", "new_kind"),
    "rename": ("entity_id", "entity", "entity_kind", "new_name"),
    "split": ("entity_id", "entity", "entity_kind", "alias", "new_id"),
}


def import_curations(driver: neo4j.Driver, database: str, path: Path, extractor: Any = None) -> int:
    """Add the corrections of a file made by `export_curations` that this graph does not have
    (by id) and apply them; returns how many were new. Entity corrections re-extract the
    articles that name their entities (`extractor`: ingest.pipeline.Extractor)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError(f"{path} is not a curation file made by `curate export` ({exc})") from None
    if not isinstance(payload, dict) or payload.get("casegraph_curations") != EXPORT_VERSION:
        raise InputError(f"{path} is not a curation file made by `casegraph curate export`")
    records = payload.get("curations")
    if not isinstance(records, list):
        raise InputError(f"{path} has no list of curations")
    clean = [_checked_record(r, i, path) for i, r in enumerate(records, start=1)]
    known = {r["id"] for r in list_curations(driver, database)}
    new = [r for r in clean if r["id"] not in known]
    facts = [r for r in new if r["action"] in ACTIONS]
    entities = [r for r in new if r["action"] in ENTITY_ACTIONS]
    if entities and extractor is None:
        raise InputError("entity corrections re-extract articles: give an extractor")
    _write(driver, database, facts, undo_keys=[])
    if entities:
        ids = [r[k] for r in entities for k in ("entity_id", "into_id", "new_id") if r.get(k)]
        articles = _articles_naming(driver, database, ids)
        _store_records(driver, database, entities)
        rekey_fact_curations(driver, database)
        reprocess(driver, database, articles, extractor)
    return len(new)


def _checked_record(r: Any, i: int, path: Path) -> dict[str, Any]:
    """One record of a curation file, checked: InputError naming it when it is not one."""
    if not isinstance(r, dict) or not isinstance(r.get("id"), str):
        raise InputError(f"{path}: curation {i} has no id")
    action = r.get("action")
    if action in ENTITY_ACTIONS:
        fields = _ENTITY_FIELDS[action]
    elif action in ACTIONS:
        fields = ("fact_key", "type", "source_id", "target_id")
    else:
        raise InputError(f"{path}: curation {i} has an unknown action {action!r}")
    if not all(isinstance(r.get(f), str) and r[f] for f in fields):
        raise InputError(f"{path}: curation {i} lacks one of {', '.join(fields)}")
    if action in ACTIONS:
        if r["type"] not in ontology.FACT_PATTERNS:
            raise InputError(f"{path}: curation {i} has an unknown fact type")
        if r["fact_key"] != fact_key(r["type"], r["source_id"], r["target_id"]) or (
            r["type"] in ontology.SYMMETRIC_FACTS and r["source_id"] > r["target_id"]
        ):
            raise InputError(f"{path}: curation {i}'s fact key does not match its fact")
    else:
        kinds = [
            r["entity_kind"],
            r.get("into_kind") or r["entity_kind"],
            r.get("new_kind") or r["entity_kind"],
        ]
        if not all(k in ontology.ENTITY_KINDS for k in kinds):
            raise InputError(f"{path}: curation {i} has an unknown kind")
    return {k: v for k, v in r.items() if isinstance(v, str | int | float | bool) or v is None}


def _write(
    driver: neo4j.Driver,
    database: str,
    records: list[dict[str, Any]],
    undo_keys: list[tuple[str, str]],
) -> None:
    """Store `records` (and undo the active corrections of `undo_keys`: a confirmation ends a
    rejection and back), then re-apply every fact they touch."""
    Store(driver, database).init_schema()
    with driver.session(database=database) as session:

        def work(tx: Any) -> None:
            for key, action in undo_keys:
                tx.run(
                    "MATCH (c:Curation {fact_key: $key, action: $action}) "
                    "WHERE c.undone_at IS NULL SET c.undone_at = $when, c.undone_by = 'replaced'",
                    key=key, action=action, when=_now(),
                ).consume()  # fmt: skip
            tx.run(
                "UNWIND $rows AS row MERGE (c:Curation {id: row.id}) SET c += row",
                rows=records,
            ).consume()
            added = [
                r
                for r in records
                if r["action"] in ("add", "jurisdiction") and not r.get("undone_at")
            ]
            tx.run(
                "UNWIND $rows AS row MERGE (e:Evidence {id: 'manual-' + row.id}) "
                "SET e.fact_key = row.fact_key, e.type = row.type, e.article_id = null, "
                "e.sentence = row.why, e.start = 0, e.end = 0, e.rule = 'manual', "
                "e.curation_id = row.id, e.cite = row.cite, e.who = row.who",
                rows=added,
            ).consume()

        session.execute_write(work)
    _apply(driver, database, records)


def _apply(driver: neo4j.Driver, database: str, records: list[dict[str, Any]]) -> None:
    """Recreate (MERGE) each touched fact where both entities exist, then recompute it from its
    Evidence: graph.store deletes it when it has no evidence or an active rejection."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_type.setdefault(r["type"], []).extend(_touched(driver, database, r))
    from graph.store import STATUS_PRECEDENCE  # the ranks the refresh orders statuses by

    with driver.session(database=database) as session:
        for rel_type, rows in sorted(by_type.items()):
            rel = ontology.check_relationship(rel_type)

            def work(tx: Any, rel: str = rel, rows: list[dict[str, Any]] = rows) -> None:
                tx.run(
                    f"UNWIND $rows AS row MATCH (s:Entity {{id: row.source_id}}) "
                    f"MATCH (t:Entity {{id: row.target_id}}) "
                    f"WHERE EXISTS {{ MATCH (:Evidence {{fact_key: row.fact_key}}) }} "
                    f"MERGE (s)-[:{rel} {{key: row.fact_key}}]->(t)",
                    rows=[{k: r[k] for k in ("source_id", "target_id", "fact_key")} for r in rows],
                ).consume()
                tx.run(
                    refresh_links_cypher(rel),
                    keys=sorted({r["fact_key"] for r in rows}),
                    status_rank=STATUS_PRECEDENCE,
                ).consume()

            try:
                session.execute_write(work)
            except neo4j.exceptions.Neo4jError as exc:
                raise QueryError(f"could not apply the correction: {exc.message}") from None


def _touched(driver: neo4j.Driver, database: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The facts a correction decides: its own; for a jurisdiction, every fact of its type from
    its entity to any jurisdiction (the ones it hides, and brings back when undone)."""
    if record["action"] != "jurisdiction":
        return [record]
    rows = read(driver, database, "MATCH (j:Jurisdiction) RETURN j.id AS id ORDER BY id")
    return [record] + [
        {"source_id": record["source_id"], "target_id": r["id"],
         "fact_key": fact_key(record["type"], record["source_id"], r["id"])}
        for r in rows
        if r["id"] != record["target_id"]
    ]  # fmt: skip


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
