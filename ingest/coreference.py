"""A light coreference step for facts: who "he", "the suspect" or "the agency" is.

News states many facts in a sentence that does not name its actor ("He was arrested in
May", "The bureau said the suspect ran the forum"). When a subject or object of a sentence is
a personal pronoun or a definite description of a person or an agency, and the sentence names
no entity of that kind before it, the word stands for the latest compatible named mention in
the few sentences before. The fact classifier gets that entity as a candidate end at the
word's position, with features saying it was resolved and how, and learns how far to trust it;
the evidence stays the sentence that states the fact.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from graph import ontology
from ingest.entities import Found
from ingest.nlp import lower_forms
from ingest.records import Entity

if TYPE_CHECKING:
    from ingest.relations import Item, Sentence

WINDOW = 3  # preceding sentences searched for the antecedent
_ROLES = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "poss"})
_PRONOUNS = {
    "he": (ontology.PERSON,),
    "him": (ontology.PERSON,),
    "his": (ontology.PERSON,),
    "she": (ontology.PERSON,),
    "her": (ontology.PERSON,),
}
# "They were charged": the people of the latest sentence that named two or more.
_PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
# Nouns that, made definite ("the suspect", "the 25-year-old"), describe one person or one
# agency without naming them.
_PERSON_NOUNS = frozenset(
    {"suspect", "man", "woman", "hacker", "defendant", "teenager", "teen", "boy", "girl",
     "national", "citizen", "resident", "fugitive", "accused", "old", "founder", "developer",
     "administrator", "operator", "businessman", "businesswoman", "individual", "student",
     "admin", "technician", "employee", "contractor", "engineer", "executive", "programmer",
     "trader", "insider", "ringleader", "mastermind", "worker"}
)  # fmt: skip
_AGENCY_NOUNS = frozenset(
    {"agency", "bureau", "department", "ministry", "office", "police", "regulator", "force",
     "unit", "watchdog", "authority", "commission", "prosecutor"}
)  # fmt: skip
_DETERMINERS = frozenset({"the", "this", "that"})
_PLURAL_DETERMINERS = frozenset({"the", "these", "those", "all", "both"})
# A lede introduces the accused before naming them ("A Ruritanian man was charged ...",
# "police detained two Ruritanian nationals"): an indefinite description stands for the
# first person named in the next sentences, if not named before it.
_INDEFINITE = frozenset({"a", "an"})
_PLURAL_PERSON_NOUNS = frozenset(
    {"men", "women", "nationals", "citizens", "residents", "suspects", "hackers", "teenagers",
     "individuals", "fraudsters", "scammers", "defendants", "members", "employees",
     "operators", "administrators", "admins", "affiliates", "conspirators", "co-conspirators"}
)  # fmt: skip
_LEDE_NOUNS = _PERSON_NOUNS | {"fraudster", "scammer"}


@dataclass(frozen=True)
class Resolved:
    """A word of a sentence that stands for a named entity of an earlier sentence."""

    item: Item
    form: str  # "pron" or "desc"
    back: int  # how many sentences before the antecedent was named


def _wanted(tok: Token) -> tuple[tuple[str, ...], str] | None:
    """The kinds a word may stand for and its form, when it is a pronoun or a description."""
    if tok.dep_ not in _ROLES:
        return None
    low = tok.lower_
    if (low in _PRONOUNS and tok.pos_ == "PRON") or (low in ("his", "her") and tok.dep_ == "poss"):
        return _PRONOUNS[low], "pron"
    if low in _PLURAL_PRONOUNS and (tok.pos_ == "PRON" or tok.dep_ == "poss"):
        return (ontology.PERSON,), "plural"
    if tok.pos_ not in ("NOUN", "ADJ", "PROPN") or tok.dep_ == "poss":
        return None
    dets = {c.lower_ for c in tok.children if c.dep_ == "det"}
    if low in _PERSON_NOUNS and dets & _DETERMINERS:
        return (ontology.PERSON,), "desc"
    if low in _LEDE_NOUNS and dets & _INDEFINITE:
        return (ontology.PERSON,), "lede"
    if low in _PLURAL_PERSON_NOUNS and dets & _PLURAL_DETERMINERS:
        return (ontology.PERSON,), "plural"  # "the four suspects", "all four defendants"
    if low in _PLURAL_PERSON_NOUNS and any(c.dep_ == "nummod" for c in tok.children):
        return (ontology.PERSON,), "lede_plural"
    if low in _AGENCY_NOUNS and (dets & _DETERMINERS or (low == "police" and not dets)):
        if any(c.dep_ in ("compound", "amod") for c in tok.children):
            return None  # "the Ruritanian police", "the cyber unit": a mention or a new one
        return (ontology.AGENCY,), "desc"
    return None


_REFERRING = frozenset(
    (
        *_PRONOUNS, "his", "her", *_PLURAL_PRONOUNS, *_PERSON_NOUNS, *_LEDE_NOUNS,
        *_PLURAL_PERSON_NOUNS, *_AGENCY_NOUNS,
    )
)  # fmt: skip
_REFERRING_KEY = "casegraph_referring"  # doc.user_data key


def _words_that_may_refer(doc: Doc) -> list[int]:
    """The indices of the tokens whose lower-case form `_wanted` may accept, found once per
    document (reading every token of every sentence through a Token object costs more)."""
    found = doc.user_data.get(_REFERRING_KEY)
    if not isinstance(found, list):
        found = doc.user_data[_REFERRING_KEY] = [
            i for i, low in enumerate(lower_forms(doc)) if low in _REFERRING
        ]
    return found


def resolved_items(
    doc: Doc, sentences: Sequence[Sentence], n: int, officials: frozenset[str] = frozenset()
) -> list[Resolved]:
    """The words of sentence `n` that stand for an entity named in the sentences before it;
    `officials` (people a title places in an agency) are not what "he" or "the suspect"
    stands for: in news about crime those words follow the accused, the officials speak."""
    s = sentences[n]
    covered = {i for it in s.items for i in range(it.found.start, it.found.end)}
    present = {it.entity.id for it in s.items}
    out: list[Resolved] = []
    taken: set[str] = set()
    words = _words_that_may_refer(doc)
    for i in words[bisect.bisect_left(words, s.span.start) : bisect.bisect_left(words, s.span.end)]:
        if i in covered:
            continue
        tok = doc[i]
        wanted = _wanted(tok)
        if wanted is None:
            continue
        kinds, form = wanted
        if any(it.kind in kinds and it.found.start < tok.i for it in s.items):
            continue  # a name of that kind earlier in the sentence is the likelier antecedent
        if form.startswith("lede"):
            found = _postcedent(sentences, n, tok.i, officials, form == "lede_plural")
        else:
            found = _antecedent(sentences, n, kinds, officials, form == "plural")
        if found is None:
            continue
        back, antecedents = found
        for entity_item in antecedents:
            entity = entity_item.entity
            if entity.id in present or entity.id in taken:
                continue
            taken.add(entity.id)
            mention = Found(entity.kind, tok.i, tok.i + 1, tok.text)
            out.append(Resolved(type(entity_item)(mention, entity), form, back))
    return out


def _antecedent(
    sentences: Sequence[Sentence],
    n: int,
    kinds: tuple[str, ...],
    officials: frozenset[str],
    plural: bool,
) -> tuple[int, list[Item]] | None:
    """The latest compatible mention in the sentences before `n` (how far back, and it), or
    for a plural pronoun every person of the latest sentence that named two or more."""
    for back in range(1, WINDOW + 1):
        if n - back < 0:
            return None
        items = [
            it
            for it in sentences[n - back].items
            if it.kind in kinds and not (it.kind == ontology.PERSON and it.entity.id in officials)
        ]
        if plural:
            people = list({it.entity.id: it for it in items}.values())
            if len(people) >= 2:
                return back, people
        elif items:
            return back, items[-1:]
    return None


def _postcedent(
    sentences: Sequence[Sentence], n: int, at: int, officials: frozenset[str], plural: bool
) -> tuple[int, list[Item]] | None:
    """The people an indefinite description at token `at` introduces: the first person named
    after it (in its sentence or the next ones; for a plural, every person of the first
    sentence naming two or more), unless that person was named before it. `back` is negative:
    how many sentences after."""
    for ahead in range(0, WINDOW + 1):
        if n + ahead >= len(sentences):
            return None
        people = [
            it
            for it in sentences[n + ahead].items
            if it.kind == ontology.PERSON
            and it.entity.id not in officials
            and (ahead > 0 or it.found.start > at)
        ]
        people = list({it.entity.id: it for it in people}.values())
        if not people or (plural and len(people) < 2):
            continue
        chosen = people if plural else people[:1]
        if any(_named_before(it.entity, sentences[n].span.doc[at].idx) for it in chosen):
            return None
        return -ahead, chosen
    return None


def _named_before(entity: Entity, char: int) -> bool:
    return any(m.start < char for m in entity.mentions)
