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

Without a kinds model (CASEGRAPH_KINDS_MODEL=none) mentions pass unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from spacy.tokens import Doc, Span

from graph import ontology
from ingest.entities import Found, clean_person, find_mentions, strip_span
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


def typed_mentions(doc: Doc) -> list[Found]:
    """The mentions of a parsed document with their kinds decided: rules, then the model."""
    return learned_kinds(doc, find_mentions(doc))


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
