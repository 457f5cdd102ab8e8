"""Who an arrest takes as a group's: "arrested members of the X gang", "X affiliates were
arrested". Read by the relation rules (`ingest.relations`: the arresting agency investigates
the group) and by the case assembly (`ingest.cases`: an operation against the group)."""

from __future__ import annotations

from spacy.tokens import Token

from graph.ontology import PLATFORM
from ingest.nlp import lower_forms
from ingest.records import Entity

# The rule of `ingest.relations` that makes an agency that arrests a group's members
# investigate the group (the case assembly makes its case an operation)
GROUP_ARREST_RULE = "investigates.members_arrested"

# The people an arrest takes as a group's ("members of the X gang", "X affiliates"), and the
# nouns of a group that carry its name ("the X ransomware gang", "the X operation").
_MEMBER_NOUNS = frozenset(
    {
        "member", "members", "affiliate", "affiliates", "operator", "operators", "suspect",
        "suspects", "hacker", "hackers", "administrator", "administrators", "admin", "admins",
        "leader", "leaders", "ringleader", "ringleaders", "founder", "founders", "developer",
        "developers", "associate", "associates", "individuals", "people", "persons", "men",
        "women", "actors", "criminals", "fraudsters", "scammers", "officers", "operatives",
        "part",  # "believed to be part of X"
    }
)  # fmt: skip
_GROUP_NOUNS = frozenset(
    {
        "gang", "group", "operation", "ring", "crew", "cartel", "network", "syndicate", "market",
        "marketplace", "forum", "botnet", "service", "organization", "organisation", "clan",
        "team", "gangs", "groups", "operations", "rings", "crews", "networks", "markets",
        "marketplaces", "forums", "botnets", "services", "organizations", "organisations",
    }
)  # fmt: skip
# Member nouns that say what people did, not whose they are.
_ATTACKERS = frozenset({"hacker", "hackers", "actors", "criminals", "fraudsters", "scammers"})
_MODIFIERS = frozenset({"compound", "amod", "nmod", "poss"})
_GROUP_LINKS = frozenset({"linked", "tied", "associated", "affiliated", "connected"})
# A group noun followed by its name: "the hacking group known as X", "a gang called X".
_NAMING = frozenset({"known", "called", "dubbed", "named", "tracked"})


def _called(group: Token) -> set[int]:
    """The name a group noun is given after it: its apposition ("the gang, X"), or the object
    of "known as" / "called" / "dubbed" ("the hacking group known as X")."""
    out: set[int] = set()
    for c in group.children:
        if c.dep_ == "appos":
            out |= _modifiers(c)
        elif c.dep_ == "acl" and c.lower_ in _NAMING:
            for w in c.children:
                if w.dep_ == "oprd" or (w.dep_ == "dobj" and c.lower_ != "known"):
                    out |= _modifiers(w)
                elif w.dep_ == "prep" and w.lower_ == "as":
                    out |= {i for p in w.children if p.dep_ == "pobj" for i in _modifiers(p)}
    return out


def _modifiers(word: Token) -> set[int]:
    """`word` and the words that modify it, down the compounds ("the X ransomware gang")."""
    out, stack = set(), [word]
    while stack:
        w = stack.pop()
        out.add(w.i)
        # a modifier's conjuncts too ("the Clop and Egregor ransomware operations")
        stack += [
            c for c in w.children if c.dep_ in _MODIFIERS or (w is not word and c.dep_ == "conj")
        ]
    return out


def employs_accused(word: Token) -> bool:
    """`word` modifies people an act takes ("GRU hackers", "Ministry of State Security
    officers", "officers of the X police"): their employer, not who acts."""
    w = word
    for _ in range(6):
        if w.dep_ not in ("compound", "amod", "nmod", "poss", "pobj", "prep") or w.head.i == w.i:
            return False
        w = w.head
        if w.lower_ in _MEMBER_NOUNS:
            return True
    return False


def arrested_groups(
    trigger: Token, groups: list[tuple[int, int, Entity]], targeted: set[str]
) -> list[Entity]:
    """The organisations (gangs, markets, services) whose members an arrest takes, named in
    its object: "arrested members of the X gang", "X affiliates were arrested", "the arrest of
    two suspects linked to X". Not a name elsewhere in the sentence (a victim, an employer, a
    source), and none already the target of a case."""
    heads = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
    if trigger.pos_ == "NOUN":
        heads += [
            p
            for c in trigger.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children
            if p.dep_ == "pobj"
        ]
    heads += [c for h in heads for c in h.children if c.dep_ == "conj"]
    named: set[int] = set()
    victims: set[int] = set()  # a service named before "hackers": theirs only if a group
    # "individuals believed to be members of X", "operators believed to be connected to X": the
    # parse hangs the link away from the arrest's object; any such link outside the arresting
    # agency's subject names the group
    agents = {w.i for c in trigger.children if c.dep_ == "nsubj" for w in c.subtree}
    sent, lowers, doc = trigger.sent, lower_forms(trigger.doc), trigger.doc
    seen = {h.i for h in heads}
    heads += [
        doc[i]
        for i in range(sent.start, sent.end)
        if i not in agents
        and i not in seen
        and (lowers[i] in _GROUP_LINKS or (lowers[i] in _MEMBER_NOUNS and doc[i].dep_ == "attr"))
    ]
    for head in heads:
        if head.lower_ not in _MEMBER_NOUNS and head.lower_ not in _GROUP_LINKS:
            continue
        if head.lower_ in _MEMBER_NOUNS:
            # "X affiliates"; but "Twitter hackers" hacked a service, they do not run it
            (victims if head.lower_ in _ATTACKERS else named).update(_modifiers(head) - {head.i})
        links = [c for c in head.children if c.dep_ == "acl" and c.lower_ in _GROUP_LINKS]
        preps = [
            c
            for w in (head, *links)
            for c in w.children
            if c.dep_ == "prep" and c.lower_ in ("of", "from", "behind", "to", "with")
        ]
        for obj in (o for prep in preps for o in prep.children if o.dep_ == "pobj"):
            named |= (_modifiers(obj) | _called(obj)) if obj.lower_ in _GROUP_NOUNS else {obj.i}
    out: dict[str, Entity] = {}
    for start, end, e in groups:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or e.id in targeted:
            continue
        if any(t.i in named for t in span) or (
            e.kind != PLATFORM and any(t.i in victims for t in span)
        ):
            out.setdefault(e.id, e)
    return list(out.values())
