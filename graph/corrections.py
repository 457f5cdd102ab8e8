"""People's corrections of entities, applied to extractions before they are written.

A merge (B into A), a change of kind or a new name is recorded as a Curation node by
graph.curation and read back here as an entity map: old entity id -> the id, kind and name the
entity has now (`entity_map`, followed through chains such as a merge then a rename). A split
(an alias that names another entity) is kept beside it: entity id -> the aliases split off; the
mentions written that way become an entity of their own, with the facts of the sentences that
name only it.
`graph.store.Store.write` applies it to every extraction it writes (`apply_entity_map`), so an
article that names the old entity, ingested today or next year, lands on the corrected one;
graph.curation re-extracts the articles already stored from their texts to apply a new
correction, or an undone one, to them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graph import ontology
from ingest.records import Case, Entity, Extraction, Relation, entity_id

ENTITY_ACTIONS = ("merge", "kind", "rename", "split")
MAX_CHAIN = 32  # corrections of corrections followed at most this deep


def resolve_map(records: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The entity map of active entity corrections, oldest first: old id -> {id, kind, name}."""
    direct: dict[str, dict[str, str]] = {}
    for r in sorted(records, key=lambda r: (r["when"], r["id"])):
        if r["action"] == "merge":
            target = {"id": r["into_id"], "kind": r["into_kind"], "name": r["into"]}
        elif r["action"] == "kind":
            target = {
                "id": entity_id(r["new_kind"], r["entity"]), "kind": r["new_kind"],
                "name": r["entity"],
            }  # fmt: skip
        elif r["action"] == "rename":
            target = {
                "id": entity_id(r["entity_kind"], r["new_name"]), "kind": r["entity_kind"],
                "name": r["new_name"],
            }  # fmt: skip
        else:
            continue
        if target["id"] != r["entity_id"]:
            direct[r["entity_id"]] = target
    resolved: dict[str, dict[str, str]] = {}
    for old in direct:
        target, seen = direct[old], {old}
        for _ in range(MAX_CHAIN):
            if target["id"] not in direct or target["id"] in seen:
                break
            seen.add(target["id"])
            target = direct[target["id"]]
        resolved[old] = target
    return resolved


def split_map(records: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Entity id -> the aliases split off it (active `split` corrections)."""
    out: dict[str, set[str]] = {}
    for r in records:
        if r["action"] == "split":
            out.setdefault(r["entity_id"], set()).add(r["alias"])
    return {k: tuple(sorted(v)) for k, v in out.items()}


def apply_splits(ex: Extraction, splits: dict[str, tuple[str, ...]]) -> Extraction:
    """`ex` with the mentions of split-off aliases made entities of their own; a fact moves with
    them when its sentence names the alias and not the entity's other names."""
    if not splits or not any(e.id in splits for e in ex.entities):
        return ex
    entities: list[Entity] = []
    moved: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}  # old id -> (new id, spans)
    for e in ex.entities:
        aliases = {a.casefold(): a for a in splits.get(e.id, ())}
        parts: dict[str, list[Any]] = {}
        rest: list[Any] = []
        for m in e.mentions:
            key = m.text.strip().casefold()
            (parts.setdefault(key, []) if key in aliases else rest).append(m)
        if not parts:
            entities.append(e)
            continue
        for key, mentions in parts.items():
            new = Entity(
                entity_id(e.kind, aliases[key]), aliases[key], e.kind, (), None, tuple(mentions)
            )
            entities.append(new)
            moved.setdefault(e.id, []).append((new.id, [(m.start, m.end) for m in mentions]))
        if rest:
            kept = tuple(a for a in e.aliases if a.casefold() not in aliases)
            entities.append(replace(e, mentions=tuple(rest), aliases=kept))
    remaining = {e.id for e in entities}

    def owner(old: str, start: int, end: int) -> str:
        for new_id, spans in moved.get(old, []):
            if any(start <= a < end for a, _ in spans):
                others = next(x for x in ex.entities if x.id == old).mentions
                if old not in remaining or not any(
                    start <= m.start < end
                    and m.text.strip().casefold() not in {a.casefold() for a in splits[old]}
                    for m in others
                ):
                    return new_id
        return old if old in remaining else (moved[old][0][0] if old in moved else old)

    relations = [
        replace(r, source=owner(r.source, r.start, r.end), target=owner(r.target, r.start, r.end))
        for r in ex.relations
    ]
    relations = [r for r in relations if r.source != r.target]

    def roles(ids: tuple[str, ...], c: Case) -> tuple[str, ...]:
        return tuple(dict.fromkeys(owner(i, c.start, c.end) for i in ids))

    cases = [
        replace(
            c,
            led_by=roles(c.led_by, c),
            targets=roles(c.targets, c),
            offenses=roles(c.offenses, c),
        )
        for c in ex.cases
    ]
    return replace(ex, entities=tuple(entities), relations=tuple(relations), cases=tuple(cases))


def apply_entity_map(ex: Extraction, emap: dict[str, dict[str, str]]) -> Extraction:
    """`ex` with its entities renamed, re-kinded or merged as `emap` says; facts that the new
    kinds do not allow, or that would join an entity to itself, are left out."""
    if not emap or not any(e.id in emap for e in ex.entities):
        return ex
    new_id: dict[str, str] = {}
    entities: dict[str, Entity] = {}
    for e in ex.entities:
        target = emap.get(e.id)
        moved = e
        if target is not None:
            aliases = set(e.aliases) | ({e.name} if e.name != target["name"] else set())
            moved = replace(
                e, id=target["id"], kind=target["kind"], name=target["name"],
                aliases=tuple(sorted(aliases)),
                iso=e.iso if target["kind"] == ontology.JURISDICTION else None,
            )  # fmt: skip
        new_id[e.id] = moved.id
        old = entities.get(moved.id)
        if old is not None:  # the article names both entities of a merge
            aliases = set(old.aliases) | set(moved.aliases)
            aliases |= {moved.name} if moved.name != old.name else set()
            mentions = sorted(set(old.mentions) | set(moved.mentions), key=lambda m: m.start)
            moved = replace(
                old, aliases=tuple(sorted(aliases)), mentions=tuple(mentions),
                iso=old.iso or moved.iso,
            )  # fmt: skip
        entities[moved.id] = moved
    kinds = {e.id: e.kind for e in entities.values()}
    relations: list[Relation] = []
    for r in ex.relations:
        s, t = new_id.get(r.source, r.source), new_id.get(r.target, r.target)
        if (
            s != t
            and s in kinds
            and t in kinds
            and ontology.fact_allowed(r.type, kinds[s], kinds[t])
        ):
            relations.append(replace(r, source=s, target=t))
    cases = [_remap_case(c, new_id, kinds) for c in ex.cases]
    return replace(
        ex, entities=tuple(entities.values()), relations=tuple(relations), cases=tuple(cases)
    )


def _remap_case(case: Case, new_id: dict[str, str], kinds: dict[str, str]) -> Case:
    def ids(values: tuple[str, ...]) -> tuple[str, ...]:
        out = dict.fromkeys(new_id.get(v, v) for v in values)
        return tuple(v for v in out if v in kinds)

    jurisdiction = (
        new_id.get(case.jurisdiction_id, case.jurisdiction_id) if case.jurisdiction_id else None
    )
    if jurisdiction is not None and kinds.get(jurisdiction) != ontology.JURISDICTION:
        jurisdiction = None
    return replace(
        case, led_by=ids(case.led_by), targets=ids(case.targets), offenses=ids(case.offenses),
        jurisdiction_id=jurisdiction,
    )  # fmt: skip
