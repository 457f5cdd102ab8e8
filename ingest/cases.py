"""Cases (investigations, prosecutions, lawsuits, operations) assembled from an article's facts.

A case is keyed by jurisdiction and target (`records.case_id`), so everything one article says
about the same proceeding lands in one case, and another article describing it merges with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from graph import ontology
from ingest import jurisdictions
from ingest.records import Case, Entity, Relation, case_id

_LAWSUIT_WORDS = ("lawsuit", "settlement", "settle", "civil complaint", "false claims act", "sued")
_PROCEEDING = {
    "INVESTIGATES": "investigation",
    "PROSECUTES": "prosecution",
    "ARRESTED": "prosecution",
    "CHARGED_WITH": "prosecution",
    "CONVICTED_OF": "prosecution",
    "SEIZED": "operation",
}
_LEADING = ("INVESTIGATES", "PROSECUTES", "ARRESTED", "SEIZED")


@dataclass
class _Draft:
    target: str
    kinds: set[str] = field(default_factory=set)
    led_by: list[str] = field(default_factory=list)
    offenses: list[str] = field(default_factory=list)
    jurisdictions: list[str] = field(default_factory=list)
    evidence: Relation | None = None
    convicted: bool = False
    prosecuted: bool = False  # prosecuted or arrested, not only accused
    sentenced: bool = False


def _drafts(relations: list[Relation], agency_iso: dict[str, str]) -> dict[str, _Draft]:
    drafts: dict[str, _Draft] = {}
    for r in relations:
        if r.type not in _PROCEEDING:
            continue
        target = r.source if r.type in ("CHARGED_WITH", "CONVICTED_OF") else r.target
        d = drafts.setdefault(target, _Draft(target))
        d.kinds.add(_PROCEEDING[r.type])
        d.evidence = d.evidence or r
        if r.type in _LEADING:
            d.led_by.append(r.source)
            if r.source in agency_iso:
                d.jurisdictions.append(agency_iso[r.source])
        else:
            d.offenses.append(r.target)
        d.prosecuted = d.prosecuted or r.type in ("PROSECUTES", "ARRESTED")
        if r.type == "CONVICTED_OF":
            d.convicted = True
            d.sentenced = d.sentenced or "sentenced" in r.sentence.lower()
    return drafts


def _place_near(doc: Doc, target: Entity, places: list[Entity]) -> str | None:
    """A jurisdiction named "in <place>" in a sentence that mentions the target."""
    for m in target.mentions:
        sent = doc.char_span(m.start, m.end, alignment_mode="expand")
        if sent is None:
            continue
        s = sent.sent
        for p in places:
            for pm in p.mentions:
                if s.start_char <= pm.start < s.end_char:
                    before = doc.text[max(s.start_char, pm.start - 4) : pm.start].lower()
                    if before.strip().endswith("in") and p.iso:
                        return p.iso
    return None


def extract_cases(doc: Doc, entities: list[Entity], relations: list[Relation]) -> list[Case]:
    by_id = {e.id: e for e in entities}
    places = [e for e in entities if e.kind == ontology.JURISDICTION and e.iso]
    iso_entity = {e.iso: e.id for e in places}
    agency_iso = {r.source: by_id[r.target].iso or "" for r in relations if r.type == "BELONGS_TO"}
    main_place = max(places, key=lambda e: len(e.mentions)).iso if places else None
    lawsuit = any(w in doc.text.lower() for w in _LAWSUIT_WORDS)
    merged: dict[str, Case] = {}
    for d in _drafts(relations, agency_iso).values():
        target = by_id.get(d.target)
        if target is None or target.kind not in (
            ontology.PERSON,
            ontology.ORGANIZATION,
            ontology.PLATFORM,
        ):
            continue
        iso = (
            (d.jurisdictions[0] if d.jurisdictions else None)
            or _place_near(doc, target, places)
            or main_place
        )
        case = _case(d, target, iso, iso_entity, lawsuit)
        if case.id in merged:
            continue
        merged[case.id] = case
    return list(merged.values())


def _case(d: _Draft, target: Entity, iso: str | None, iso_entity: dict, lawsuit: bool) -> Case:
    if d.convicted or d.prosecuted or "investigation" not in d.kinds:
        kind = "lawsuit" if lawsuit and target.kind == ontology.ORGANIZATION else "prosecution"
    else:
        kind = "investigation"
    status = "sentenced" if d.sentenced else "convicted" if d.convicted else "charged"
    if kind == "investigation":
        status = "open"
    elif kind == "lawsuit":
        status = "closed"
    where = jurisdictions.display_name(iso) if iso else "unknown jurisdiction"
    title = f"{where} {kind} of {target.name}"
    ev = d.evidence
    return Case(
        id=case_id(iso, target.id, kind, title),
        title=title,
        kind=kind,
        status=status,
        jurisdiction=iso,
        jurisdiction_id=iso_entity.get(iso),
        led_by=tuple(dict.fromkeys(d.led_by)),
        targets=(target.id,),
        offenses=tuple(dict.fromkeys(d.offenses)),
        sentence=ev.sentence if ev else "",
        start=ev.start if ev else 0,
        end=ev.end if ev else 0,
        rule="cases.from_facts",
    )
