"""The trained kinds model meets the rules: who decides an entity's kind.

The rules (`ingest.entities`) are sure where they know: a name from the data files (a known
agency or platform, with its canonical key), a jurisdiction with its ISO code, a demonym
authority ("Dutch police"), a name nested in another. Everywhere else the trained model
(`make train`, spans in `doc.spans[KINDS_KEY]`) decides:

- a rule mention the model also marks takes the model's kind, decided once per surface form
  by the model's majority over all the form's occurrences (one sense per article);
- a rule mention of a kind in `CONFIRM` that the model does not mark anywhere is dropped (the
  stock NER's PERSON and ORG spans over-fire on news pages);
- a span the model marks where the rules found nothing is added.

Then the text's own description of a name, when it gives one, has the last word (general
grammar, nouns in `data/kind_nouns.yaml`): a descriptor noun heading the name's compound ("the
Hydra darknet market", "the Acme ransomware gang"), standing before it ("security firm Acme"),
or heading an apposition ("Hydra, the largest darknet market, ..."). A name described as
software, malware, a flaw or an operation is not an actor and is dropped; so is "Operation X".

Without a kinds model (CASEGRAPH_KINDS_MODEL=none) only the descriptions apply.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from spacy.tokens import Doc, Span

from graph import ontology
from ingest.entities import Found, clean_person, find_mentions, strip_span
from ingest.knowledge import kind_nouns
from ingest.nlp import KINDS_KEY

# Kinds whose rule mentions need the model's support to stay (measured on the dev splits).
CONFIRM = frozenset({ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM})
# Kinds the model may add where the rules found nothing.
ADD = frozenset(
    {ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM, ontology.AGENCY, ontology.OFFENSE}
)


def _sure(f: Found) -> bool:
    return f.key is not None or f.nested or f.generic is not None or f.kind == ontology.JURISDICTION


def _overlap(a_start: int, a_end: int, b: Span) -> int:
    return max(0, min(a_end, b.end) - max(a_start, b.start))


NOT_ENTITY = "not_entity"
_DESCRIBABLE = frozenset(
    {ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM, ontology.AGENCY}
)
_NOUN_TAGS = frozenset({"NN", "NNS"})
_MODIFIER_TAGS = frozenset({"NN", "NNS", "JJ", "JJS", "JJR", "VBN", "VBG", "HYPH"})


def typed_mentions(doc: Doc) -> list[Found]:
    """The mentions of a parsed document with their kinds decided: rules, the model, then the
    text's own descriptions."""
    return described_kinds(doc, learned_kinds(doc, find_mentions(doc)))


def _head_after(doc: Doc, end: int, nouns: dict[str, str]) -> str | None:
    """ "Hydra darknet market": the last noun of the lower-case compound right after a name."""
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
    return nouns.get(head.lower_)


def _undecided_names(doc: Doc, found: list[Found]) -> list[Found]:
    """Names the NER marks that no rule typed (an ORG without agency or company words): the
    text's description may still say what they are."""
    taken = {i for f in found for i in range(f.start, f.end)}
    spans = [strip_span(e) for e in doc.ents if e.label_ in ("ORG", "PERSON")]
    nouns = kind_nouns()
    for tok in doc[:-1]:  # "messaging app Blitzchat": a proper noun run after a descriptor
        if tok.is_lower and nouns.get(tok.lower_) in (ontology.PLATFORM, ontology.ORGANIZATION):
            end = tok.i + 1
            while end < len(doc) and end - tok.i <= 3 and doc[end].tag_ == "NNP":
                end += 1
            if end > tok.i + 1:
                spans.append(doc[tok.i + 1 : end])
    out: list[Found] = []
    for span in spans:
        if (
            len(span)
            and any(t.is_alpha for t in span)
            and taken.isdisjoint(range(span.start, span.end))
        ):
            out.append(Found(ontology.ORGANIZATION, span.start, span.end, span.text, name="?"))
            taken.update(range(span.start, span.end))
    return out


def described_kinds(doc: Doc, found: list[Found]) -> list[Found]:
    """`found` retyped (or dropped) where the text describes a name, per surface form; names
    that no rule typed are added when the text describes them."""
    nouns = kind_nouns()
    votes: dict[str, Counter[str]] = {}
    undecided = _undecided_names(doc, found)
    for f in [*found, *undecided]:
        if f.key is not None or f.nested or f.generic is not None or f.kind not in _DESCRIBABLE:
            continue
        said = (
            _head_after(doc, f.end, nouns)
            or _descriptor_before(doc, f.start, nouns)
            or _apposition(doc, f.end, nouns)
        )
        if said is not None:
            votes.setdefault(f.text, Counter())[said] += 1
    if not votes:
        return found
    out = []
    for f in [*found, *undecided]:
        vote = votes.get(f.text)
        if f.name == "?":  # an undecided name: only a description adds it
            said = vote.most_common(1)[0][0] if vote else NOT_ENTITY
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


def learned_kinds(doc: Doc, found: list[Found]) -> list[Found]:
    """`found` with kinds decided as the module docstring says."""
    if KINDS_KEY not in doc.spans:
        return found
    model = [s for s in doc.spans[KINDS_KEY] if s.label_ in ontology.ENTITY_KINDS]
    votes: dict[str, Counter[str]] = {}
    for f in found:
        if _sure(f):
            continue
        for m in model:
            n = _overlap(f.start, f.end, m)
            if n:
                votes.setdefault(f.text, Counter())[m.label_] += n
    out = []
    for f in found:
        if _sure(f):
            out.append(f)
            continue
        vote = votes.get(f.text)
        if vote:
            label = vote.most_common(1)[0][0]
            if label not in (f.kind, ontology.JURISDICTION):
                f = replace(f, kind=label)
            out.append(f)
        elif f.kind not in CONFIRM:
            out.append(f)
    taken = {i for f in out for i in range(f.start, f.end)}
    for m in model:
        if m.label_ not in ADD or not taken.isdisjoint(range(m.start, m.end)):
            continue
        span: Span | None = strip_span(m)
        if span is not None and m.label_ == ontology.PERSON:
            span = clean_person(span)
        if span is None or not len(span) or not any(t.is_alpha for t in span):
            continue
        out.append(Found(m.label_, span.start, span.end, span.text))
        taken.update(range(span.start, span.end))
    return sorted(set(out), key=lambda f: (f.start, -f.end, f.nested))
