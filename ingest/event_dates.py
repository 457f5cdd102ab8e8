"""When a fact happened, as its sentence says: the DATE entity of the fact's clause.

A fact's trigger is the verb that governs both of its entities' mentions in the sentence (the
lowest common ancestor of the mentions in the dependency tree, raised to the nearest verb).
A DATE entity belongs to the fact when its own nearest governing verb is that trigger:
"Police arrested him on August 24" dates the arrest, but in "The ministry said on Monday that
police had arrested him" Monday dates the saying, not the arrest. The phrase is then resolved
to a calendar date (`ingest.dates.resolve_date`), relative phrases ("on Monday", "last
month") against the article's publication date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from ingest.dates import resolve_date
from ingest.nlp import doc_text
from ingest.records import Case, Entity, Relation

_VERBS = frozenset({"VERB", "AUX"})
_DASH = re.compile(r"\s*(?:--|[—–])")


def _verb_of(token: Token) -> Token:
    """The nearest verb at or above `token` (the sentence root when there is none)."""
    while token.pos_ not in _VERBS and token.head.i != token.i:
        token = token.head
    return token


def _common_ancestor(a: Token, b: Token) -> Token:
    above_a = {a.i, *(t.i for t in a.ancestors)}
    if b.i in above_a:
        return b
    for t in b.ancestors:
        if t.i in above_a:
            return t
    return a.sent.root


def _mention_roots(doc: Doc, entity: Entity | None, start: int, end: int) -> list[Token]:
    if entity is None:
        return []
    roots = []
    for m in entity.mentions:
        if start <= m.start and m.end <= end:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                roots.append(span.root)
    return roots


def trigger(
    doc: Doc, sent: Span, parties: Sequence[Entity | None], alone: bool = False
) -> Token | None:
    """The verb of the clause that relates `parties` in `sent`, or None when no verb does
    (they are related inside a noun phrase: "South Korean police", "Telegram's founder").
    With `alone`, one party found in the sentence is enough (its clause's verb); without, a
    fact whose other party the sentence does not name (a pronoun, a name inside another
    name) gets no date: which clause states it is not known."""
    roots = [r for e in parties for r in _mention_roots(doc, e, sent.start_char, sent.end_char)[:1]]
    if not roots or (len(roots) == 1 and not alone):
        return None
    if len(roots) == 1:
        return _reported(_verb_of(roots[0]))
    top = roots[0]
    for other in roots[1:]:
        top = _common_ancestor(top, other)
    # A party inside a reported clause ("police said they had arrested him"): the fact is
    # the reported clause's, not the saying's.
    for root in roots:
        path = [root, *root.ancestors]
        below = path[: path.index(top)] if top in path else []
        reported = [t for t in below if t.dep_ == "ccomp" and t.pos_ in _VERBS]
        if reported:
            return reported[-1]
    return top if top.pos_ in _VERBS else None


def _reported(verb: Token) -> Token:
    """The clause a verb of saying reports ("X said on Tuesday that it had charged ..."):
    with only one party found, the fact is the reported clause's."""
    return next((c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in _VERBS), verb)


def clause_date(doc: Doc, sent: Span, verb: Token | None, published: str | None) -> str | None:
    """The date of the DATE entity governed by `verb` in `sent` (the nearest to it when there
    are several), or None. A dateline's date ("SEOUL, March 3, 2025 --") is the article's,
    not an event's."""
    found: list[tuple[int, str]] = []
    for ent in sent.ents if verb is not None else ():
        if (
            ent.label_ != "DATE"
            or _verb_of(ent.root) != verb
            or _DASH.match(doc_text(doc), ent.end_char)
        ):
            continue
        if (when := resolve_date(ent.text, published)) is not None:
            found.append((abs(ent.root.i - verb.i), when))
    return min(found)[1] if found else None


def _sentence(doc: Doc, start: int, end: int) -> Span | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span[0].sent if span is not None and len(span) else None


def dated_relations(
    doc: Doc, relations: Iterable[Relation], entities: Iterable[Entity], published: str | None
) -> list[Relation]:
    """`relations` with `event_date` set where their clause gives a date."""
    by_id = {e.id: e for e in entities}
    out = []
    for rel in relations:
        sent = _sentence(doc, rel.start, rel.end)
        when = None
        if sent is not None:
            verb = trigger(doc, sent, (by_id.get(rel.source), by_id.get(rel.target)))
            when = clause_date(doc, sent, verb, published)
        out.append(replace(rel, event_date=when) if when else rel)
    return out


def dated_cases(
    doc: Doc, cases: Iterable[Case], entities: Iterable[Entity], published: str | None
) -> list[Case]:
    """`cases` with `event_date` set where the sentence that reports them gives a date for it."""
    by_id = {e.id: e for e in entities}
    out = []
    for case in cases:
        sent = _sentence(doc, case.start, case.end) if case.end > case.start else None
        when = None
        if sent is not None:
            parties = [by_id.get(i) for i in (*case.led_by, *case.targets)]
            when = clause_date(doc, sent, trigger(doc, sent, parties, alone=True), published)
        out.append(replace(case, event_date=when) if when else case)
    return out
