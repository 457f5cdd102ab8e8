"""What the text itself says a name is: descriptor nouns around it (general grammar).

A descriptor noun heading the name's compound ("the Hydra darknet market", "the Acme ransomware
gang"), standing before it ("security firm Acme"), or heading an apposition ("Hydra, the
largest darknet market, ...") says what kind of thing the name is; the nouns are data
(`data/kind_nouns.yaml`). A name described as software, malware, a flaw or an operation is not
an actor of the graph and is dropped; so is "Operation X". These are rules where they are sure:
they apply after the learned kinds (`ingest.kinds`) and have the last word. They also feed the
classifier as features (`description`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import cache

from spacy.attrs import IS_LOWER
from spacy.tokens import Doc

from graph import ontology
from ingest.entities import COMPANY_FORMS, THING_WORDS, Found, strip_span
from ingest.knowledge import kind_nouns, technical_terms
from ingest.nlp import lower_forms
from ingest.records import normalize_name

NOT_ENTITY = "not_entity"
_DESCRIBABLE = frozenset(
    {ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM, ontology.AGENCY}
)
_NOUN_TAGS = frozenset({"NN", "NNS"})
_MODIFIER_TAGS = frozenset({"NN", "NNS", "JJ", "JJS", "JJR", "VBN", "VBG", "HYPH"})


def description(doc: Doc, start: int, end: int) -> str | None:
    """The kind (or NOT_ENTITY) the text gives the name at doc[start:end], if it gives one."""
    nouns = kind_nouns()
    return (
        _head_after(doc, end, nouns)
        or _descriptor_before(doc, start, nouns)
        or _corporate_suffix(doc, end)
        or _apposition(doc, _past_abbreviation(doc, end), nouns)
    )


def _corporate_suffix(doc: Doc, end: int) -> str | None:
    """ "Support King, LLC", "Acme, Inc.": a company's legal form after a comma."""
    if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in COMPANY_FORMS:
        return ontology.ORGANIZATION
    return None


def _past_abbreviation(doc: Doc, end: int) -> int:
    """The end of "Name (ABC)": the apposition may follow the bracketed short form."""
    if (
        end + 2 < len(doc)
        and doc[end].text == "("
        and doc[end + 2].text == ")"
        and doc[end + 1].is_upper
    ):
        return end + 3
    return end


def _head_after(doc: Doc, end: int, nouns: dict[str, str]) -> str | None:
    """ "Hydra darknet market", "'Phoenix' hacking group": the last noun of the lower-case
    compound right after a name (or after the quote that closes it)."""
    if end < len(doc) and doc[end].is_quote:
        end += 1
    k, last = end, None
    while k < len(doc) and k - end < 4 and doc[k].is_lower and doc[k].tag_ in _MODIFIER_TAGS:
        if doc[k].tag_ in _NOUN_TAGS:
            last = doc[k]
        k += 1
    if last is None or last.i != k - 1:
        return None
    return nouns.get(last.lower_)


def _descriptor_before(doc: Doc, start: int, nouns: dict[str, str]) -> str | None:
    """ "security firm Acme", "darknet marketplace Hydra", "Operation Acme"."""
    if start > 1 and doc[start - 1].is_quote:
        start -= 1  # "the hacking group 'Phoenix'"
    if start == 0:
        return None
    prev = doc[start - 1]
    if prev.text == "Operation":
        return NOT_ENTITY
    if prev.is_lower and prev.tag_ in _NOUN_TAGS:
        return nouns.get(prev.lower_)
    return None


def _apposition(doc: Doc, end: int, nouns: dict[str, str]) -> str | None:
    """ "Hydra, the largest darknet market, ...": the head of a noun phrase set off by a comma
    and opened by an article."""
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in ("a", "an", "the"):
        return None
    k = end + 2
    while (
        k < len(doc)
        and k - end < 8
        and ((doc[k].is_lower and doc[k].tag_ in _MODIFIER_TAGS) or doc[k].text == "-")
    ):
        k += 1
    head = doc[k - 1]
    if k - 1 <= end + 1 or head.tag_ not in _NOUN_TAGS:
        return None
    if k < len(doc) and doc[k].lower_ in ("of", "for"):
        return None  # "a member of ...", "the head of ...": a role, not a kind
    if head.dep_ in ("nsubj", "nsubjpass"):
        return None  # "After attacking X, the gang fled": the next clause's subject
    return nouns.get(head.lower_)


@cache
def _descriptors() -> frozenset[str]:
    """The nouns that describe a platform or an organisation."""
    described = (ontology.PLATFORM, ontology.ORGANIZATION)
    return frozenset(n for n, kind in kind_nouns().items() if kind in described)


def _lower_case_words(doc: Doc) -> set[str]:
    """The words the text writes in lower case, read from the doc's arrays."""
    flags = doc.to_array(IS_LOWER).tolist()
    return {low for low, flag in zip(lower_forms(doc), flags, strict=True) if flag}


def undecided_names(doc: Doc, found: list[Found]) -> list[Found]:
    """Names the NER marks that no rule typed (an ORG without agency or company words): the
    text's description may still say what they are."""
    taken = {i for f in found for i in range(f.start, f.end)}
    spans = [strip_span(e) for e in doc.ents if e.label_ in ("ORG", "PERSON")]
    descriptors = _descriptors()
    lowers = lower_forms(doc)[:-1]  # no Token object per word
    for i in [i for i, low in enumerate(lowers) if low in descriptors and doc[i].is_lower]:
        # "messaging app Blitzchat": a proper noun run after a descriptor
        end = i + 1
        while end < len(doc) and end - i <= 3 and doc[end].tag_ == "NNP":
            end += 1
        if end > i + 1:
            spans.append(doc[i + 1 : end])
    common: set[str] | None = None
    out: list[Found] = []
    for span in spans:
        if len(span) == 1 and common is None:
            common = _lower_case_words(doc)
        if common is not None and len(span) == 1 and span[0].lower_ in common:
            continue  # "Ransomware gangs ..." where the text writes "ransomware": a common word
        if normalize_name(span.text) in technical_terms():
            continue  # "DDoS booter service", "DeFi platforms": the trade's words
        if (
            len(span)
            and any(t.is_alpha for t in span)
            and taken.isdisjoint(range(span.start, span.end))
        ):
            out.append(Found(ontology.ORGANIZATION, span.start, span.end, span.text, name="?"))
            taken.update(range(span.start, span.end))
    return out


def _unplaced_names(doc: Doc, found: list[Found]) -> list[Found]:
    """Names in quotes that the NER took for places casegraph does not know as jurisdictions
    ("Phoenix" of "the 'Phoenix' hacking group"): only a description can make them an actor."""
    taken = {i for f in found for i in range(f.start, f.end)}
    return [
        Found(ontology.ORGANIZATION, e.start, e.end, e.text, name="?")
        for e in doc.ents
        if e.label_ in ("GPE", "LOC")
        and taken.isdisjoint(range(e.start, e.end))
        and _quoted(doc, e.start, e.end)  # "Chicago multinational": a place used as a modifier
    ]


def _quoted(doc: Doc, start: int, end: int) -> bool:
    return start > 0 and end < len(doc) and doc[start - 1].is_quote and doc[end].is_quote


def described_kinds(doc: Doc, found: list[Found]) -> list[Found]:
    """`found` retyped (or dropped) where the text describes a name, per surface form; names
    that no rule typed are added when the text describes them."""
    votes: dict[str, Counter[str]] = {}
    undecided = undecided_names(doc, found)
    undecided += _unplaced_names(doc, [*found, *undecided])
    for f in [*found, *undecided]:
        if f.key is not None or f.nested or f.generic is not None or f.kind not in _DESCRIBABLE:
            continue
        said = description(doc, f.start, f.end)
        if said is not None:
            votes.setdefault(f.text, Counter())[said] += 1
    if not votes:
        return found
    out = []
    for f in [*found, *undecided]:
        vote = votes.get(f.text)
        if f.name == "?":  # an undecided name: only a description adds it
            said = vote.most_common(1)[0][0] if vote else NOT_ENTITY
            if doc[f.end - 1].lower_ in THING_WORDS:
                continue  # "Scripting Vulnerability", "Europol Regulation": a thing
            if said not in (NOT_ENTITY, ontology.AGENCY):
                out.append(Found(said, f.start, f.end, f.text))
            continue
        if vote is None or f.key is not None or f.nested or f.generic is not None:
            out.append(f)
            continue
        said = vote.most_common(1)[0][0]
        if said == NOT_ENTITY:
            continue
        if f.kind == ontology.PERSON and said != ontology.PERSON and len(f.text.split()) > 1:
            out.append(f)  # a two-word personal name is not retyped by a noun nearby
            continue
        out.append(f if said == f.kind else replace(f, kind=said))
    return out
