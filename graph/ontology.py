"""The casegraph ontology, declared once: node kinds, relationship types and allowed patterns.

Both `ingest/` (which produces typed records) and `graph/` (which writes them) read it; it
imports nothing from the Neo4j driver. Labels and relationship types are only ever formatted
into Cypher text after being checked against these declarations.
"""

from __future__ import annotations

from typing import Final

# Entity kinds; every entity node also carries the label `Entity`.
PERSON: Final = "Person"
AGENCY: Final = "Agency"
PLATFORM: Final = "Platform"
ORGANIZATION: Final = "Organization"
JURISDICTION: Final = "Jurisdiction"
OFFENSE: Final = "Offense"
CASE: Final = "Case"

ENTITY_KINDS: Final[tuple[str, ...]] = (
    PERSON,
    AGENCY,
    PLATFORM,
    ORGANIZATION,
    JURISDICTION,
    OFFENSE,
)
NODE_KINDS: Final[tuple[str, ...]] = (*ENTITY_KINDS, CASE)
ENTITY_LABEL: Final = "Entity"
ARTICLE_LABEL: Final = "Article"
EVIDENCE_LABEL: Final = "Evidence"
CURATION_LABEL: Final = "Curation"  # a correction made by a person (graph.curation)

# Relationship between an article and the entities it mentions.
MENTIONS: Final = "MENTIONS"

_P, _A, _PL, _O, _J, _OF = PERSON, AGENCY, PLATFORM, ORGANIZATION, JURISDICTION, OFFENSE

# The closed list of fact types and the (source kinds, target kinds) each allows.
FACT_PATTERNS: Final[dict[str, tuple[frozenset[str], frozenset[str]]]] = {
    "INVESTIGATES": (frozenset({_A}), frozenset({_P, _PL, _O})),
    "PROSECUTES": (frozenset({_A}), frozenset({_P, _O, _PL})),
    "ARRESTED": (frozenset({_A}), frozenset({_P})),
    "CHARGED_WITH": (frozenset({_P, _O, _PL}), frozenset({_OF})),
    "CONVICTED_OF": (frozenset({_P, _O}), frozenset({_OF})),
    "COOPERATES_WITH": (frozenset({_A, _J}), frozenset({_A, _J})),
    "REQUESTS_DATA_FROM": (frozenset({_A}), frozenset({_PL, _O})),
    "REFUSES_DATA_TO": (frozenset({_PL, _O}), frozenset({_A, _J})),
    "FOUNDED": (frozenset({_P}), frozenset({_PL, _O})),
    "LEADS": (frozenset({_P}), frozenset({_A, _O, _PL})),
    "MEMBER_OF": (frozenset({_P, _A}), frozenset({_O, _A})),
    "BELONGS_TO": (frozenset({_A}), frozenset({_J})),
    "BASED_IN": (frozenset({_P, _O, _PL}), frozenset({_J})),
    "EXTRADITED_TO": (frozenset({_P}), frozenset({_J})),
    "SEIZED": (frozenset({_A}), frozenset({_PL, _O})),
}
FACT_TYPES: Final[tuple[str, ...]] = tuple(FACT_PATTERNS)
SYMMETRIC_FACTS: Final[frozenset[str]] = frozenset({"COOPERATES_WITH"})
COOPERATION_STATUSES: Final[tuple[str, ...]] = ("sought", "agreed", "ongoing", "refused")

# A MEMBER_OF from Agency may only point at an Agency (an Agency is not a member of a company).
_EXCLUDED_PAIRS: Final[frozenset[tuple[str, str, str]]] = frozenset({("MEMBER_OF", _A, _O)})

# How a Case connects to the graph.
CASE_LED_BY: Final = "LED_BY"  # Case -> Agency (or Person, e.g. a named prosecutor)
CASE_TARGETS: Final = "TARGETS"  # Case -> Person | Organization | Platform
CASE_IN_JURISDICTION: Final = "IN_JURISDICTION"  # Case -> Jurisdiction
CASE_ALLEGES: Final = "ALLEGES"  # Case -> Offense
CASE_REPORTED_IN: Final = "REPORTED_IN"  # Case -> Article
CASE_ROLES: Final[dict[str, str]] = {
    "led_by": CASE_LED_BY,
    "targets": CASE_TARGETS,
    "jurisdiction": CASE_IN_JURISDICTION,
    "offenses": CASE_ALLEGES,
}
CASE_RELATIONSHIPS: Final[tuple[str, ...]] = (
    CASE_LED_BY,
    CASE_TARGETS,
    CASE_IN_JURISDICTION,
    CASE_ALLEGES,
)
CASE_KINDS: Final[tuple[str, ...]] = (
    "investigation",
    "prosecution",
    "lawsuit",
    "regulatory",
    "operation",
)
CASE_STATUSES: Final[tuple[str, ...]] = (
    "open",
    "charged",
    "convicted",
    "sentenced",
    "acquitted",
    "closed",
    "unknown",
)

# Every relationship type casegraph writes between entity-like nodes.
GRAPH_RELATIONSHIPS: Final[tuple[str, ...]] = (*FACT_TYPES, *CASE_RELATIONSHIPS)
# Article -> Article: the same story published again (ingest/syndication.py), from the larger
# article id to the smaller; a fact's `sources` counts such copies once.
SAME_STORY: Final = "SAME_STORY"
ALL_RELATIONSHIPS: Final[tuple[str, ...]] = (
    *GRAPH_RELATIONSHIPS, MENTIONS, CASE_REPORTED_IN, SAME_STORY,
)  # fmt: skip


def fact_allowed(fact_type: str, source_kind: str, target_kind: str) -> bool:
    """True when the ontology allows `source_kind -[fact_type]-> target_kind`."""
    pattern = FACT_PATTERNS.get(fact_type)
    if pattern is None:
        return False
    sources, targets = pattern
    if (fact_type, source_kind, target_kind) in _EXCLUDED_PAIRS:
        return False
    return source_kind in sources and target_kind in targets


def check_label(label: str) -> str:
    """Return `label` if it is a declared node label, else raise ValueError.

    Used before a label is formatted into Cypher text.
    """
    if label in NODE_KINDS or label in (
        ENTITY_LABEL,
        ARTICLE_LABEL,
        EVIDENCE_LABEL,
        CURATION_LABEL,
    ):
        return label
    raise ValueError(f"unknown node label {label!r}")


def check_relationship(rel_type: str) -> str:
    """Return `rel_type` if it is a declared relationship type, else raise ValueError."""
    if rel_type in ALL_RELATIONSHIPS:
        return rel_type
    raise ValueError(f"unknown relationship type {rel_type!r}")
