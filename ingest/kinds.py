"""Entity kinds: the rules where they are sure, a trained classifier elsewhere.

The rules (`ingest.entities`) are sure where they know: a name from the data files (a known
agency, platform or organisation, with its canonical key), a jurisdiction with its ISO code,
an authority named by its place ("Dutch police"), a name nested in another. Every other
candidate name is given its kind by a trained classifier (`make train`, `ingest.training`):

- candidates are the rules' other mentions (the stock NER's PERSON and ORG spans typed by their
  words, offence phrases) and the names nobody typed (an NER span without agency or company
  words, a run of proper nouns);
- each is described by features of its words, shape and context (the words next to it, the
  content words of its sentence around it, its syntactic role and the head of an apposition,
  the descriptor nouns of `ingest.descriptions`, what the rules and the stock NER made of it,
  whether a gazetteer name is inside it), and by a real-valued vector: the stock NER's own token vectors of its first and
  last word and of the words around it (`ingest.token_vectors`), what the NER made of the name
  in its context;
- a multinomial logistic regression over those features gives the probabilities of Person,
  Agency, Platform, Organization, Offense and none; those of all occurrences of one surface form
  are averaged, so a name has one kind in an article (one sense per discourse); a candidate is
  dropped when none is likelier than a threshold (one per kind the rules gave it, one for names
  that no rule typed), else it takes its likeliest kind.

The text's own descriptions then have the last word (`ingest.descriptions`). The classifier is
a JSON file of weights (`ingest/models/kinds.json`, read without any learning library; the
dense weights are a small matrix read with numpy); with
CASEGRAPH_KINDS_MODEL=none the rules' kinds stand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy
from spacy import symbols
from spacy.attrs import IS_ALPHA, IS_TITLE, LIKE_NUM, ORTH, POS, SENT_START, TAG
from spacy.tokens import Doc, Span, Token

from graph import ontology
from graph.errors import ConfigError
from ingest.descriptions import described_kinds, description, undecided_names
from ingest.entities import (
    AGENCY_WORDS,
    ORGANIZATION_WORDS,
    THING_WORDS,
    Found,
    clean_person,
    find_mentions,
    job_free,
    opens_with_company,
    strip_span,
)
from ingest.knowledge import technical_terms
from ingest.nlp import NOT_A_PLACE, RULER_KEY, doc_text, lower_forms, strings_of, token_columns
from ingest.records import normalize_name
from ingest.token_vectors import ner_vectors

NONE = "none"
CLASSIFIED = frozenset(
    {ontology.PERSON, ontology.AGENCY, ontology.PLATFORM, ontology.ORGANIZATION, ontology.OFFENSE}
)
BUILTIN_KINDS_MODEL = Path(__file__).parent / "models" / "kinds.json"
_NNP_RUN = 4  # longest run of proper nouns taken as one candidate name
_SURNAMES = 20000  # the commonest census surnames (the rest of the list is mostly rare words)


def sure(f: Found) -> bool:
    """A mention the rules are sure of: its kind is not the classifier's to decide."""
    return (
        f.key is not None
        or f.certain
        or f.nested
        or f.generic is not None
        or f.kind not in CLASSIFIED
        or f.kind == ontology.AGENCY  # agency names are built by their structure
    )


@dataclass(frozen=True)
class DenseWeights:
    """The weights of a candidate's real-valued features (`context_vectors`): per label, a
    weight for each value's distance from its training mean (the standardisation folded in)."""

    mean: numpy.ndarray  # (width,)
    weights: numpy.ndarray  # (width, labels)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DenseWeights:
        mean = numpy.asarray(data["mean"], dtype="float32")
        weights = numpy.asarray(data["weights"], dtype="float32")
        if weights.ndim != 2 or weights.shape[0] != mean.shape[0]:
            raise ValueError("dense weights and means differ in width")
        return cls(mean, weights)

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": [round(float(x), 5) for x in self.mean],
            "weights": [[round(float(x), 5) for x in row] for row in self.weights],
        }

    def scores_of(self, vectors: numpy.ndarray) -> numpy.ndarray:
        """Each kind's dense score for each row of `vectors` (candidates, width): an array
        (candidates, kinds)."""
        return (vectors - self.mean) @ self.weights


@dataclass(frozen=True)
class KindClassifier:
    """Multinomial logistic regression over sparse binary features (and, when the model has
    them, the real-valued context vector of `context_vectors`), read from JSON."""

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    meta: dict[str, Any]
    dense: DenseWeights | None = None

    @classmethod
    def load(cls, path: Path) -> KindClassifier:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            dense = DenseWeights.from_json(data["dense"]) if data.get("dense") else None
            if dense is not None and dense.weights.shape[1] != len(data["labels"]):
                raise ValueError("dense weights do not match the labels")
            return cls(
                labels=tuple(data["labels"]),
                bias=tuple(data["bias"]),
                weights={k: tuple(v) for k, v in data["weights"].items()},
                meta=dict(data.get("meta") or {}),
                dense=dense,
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"entity-kinds model {path} cannot be read ({type(exc).__name__}): run "
                "`make train`, or set CASEGRAPH_KINDS_MODEL=none"
            ) from None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "labels": list(self.labels),
            "bias": list(self.bias),
            "weights": {k: list(v) for k, v in sorted(self.weights.items())},
        }
        if self.dense is not None:
            out["dense"] = self.dense.to_json()
        out["meta"] = self.meta
        return out

    def threshold(self, kind: str) -> float:
        """The probability of none at which a candidate is dropped: per kind for the rules'
        mentions, "add" for names no rule typed (chosen on the dev sets by `make train`)."""
        t = self.meta.get("thresholds") or {}
        return float(t.get(kind, t.get("keep", 0.5)))

    def __post_init__(self) -> None:
        # the sparse weights as one matrix (a row per feature, a last row of zeros), so that
        # a document's candidates are scored by a few array operations
        rows = {f: n for n, f in enumerate(self.weights)}
        matrix = numpy.zeros((len(rows) + 1, len(self.labels)))
        for f, n in rows.items():
            matrix[n] = self.weights[f]
        object.__setattr__(self, "_rows", rows)
        object.__setattr__(self, "_matrix", matrix)

    def probabilities(
        self, features: list[str], vector: numpy.ndarray | None = None
    ) -> list[float]:
        """P(label) of a candidate; without its vector (a pipeline that does not keep the
        NER's token vectors, or another model's of another width) the dense features count as
        their training mean."""
        return self.probabilities_of([(features, vector)])[0]

    def probabilities_of(
        self, candidates: list[tuple[list[str], numpy.ndarray | None]]
    ) -> list[list[float]]:
        """`probabilities` of many candidates at once (one document's)."""
        if not candidates:
            return []
        rows: dict[str, int] = self._rows  # type: ignore[attr-defined]
        matrix: numpy.ndarray = self._matrix  # type: ignore[attr-defined]
        zero = len(matrix) - 1
        index: list[int] = []
        offsets: list[int] = []
        for features, _ in candidates:
            offsets.append(len(index))
            index.append(zero)  # a segment is never empty
            index += [rows[f] for f in features if f in rows]
        scores = numpy.add.reduceat(matrix[index], offsets, axis=0) + numpy.asarray(self.bias)
        if self.dense is not None:
            width = len(self.dense.mean)
            dense = [n for n, (_, v) in enumerate(candidates) if v is not None and len(v) == width]
            if dense:
                vectors = numpy.stack([candidates[n][1] for n in dense])  # type: ignore[misc]
                scores[dense] += self.dense.scores_of(vectors)
        scores -= scores.max(axis=1, keepdims=True)
        exps = numpy.exp(scores)
        out: list[list[float]] = (exps / exps.sum(axis=1, keepdims=True)).tolist()
        return out


def load_classifier(setting: str) -> KindClassifier | None:
    """The classifier a setting names: "builtin", "none", or the path of a model file."""
    if setting.strip().lower() == "none":
        return None
    path = BUILTIN_KINDS_MODEL if setting.strip().lower() == "builtin" else Path(setting)
    if not path.is_file():
        hint = "run `make train`" if setting == "builtin" else "give a file made by `make train`"
        raise ConfigError(
            f"entity-kinds model {path} not found: {hint}, or set CASEGRAPH_KINDS_MODEL=none"
        )
    return KindClassifier.load(path)


def typed_mentions(
    doc: Doc,
    classifier: KindClassifier | None = None,
    found: list[Found] | None = None,
    scored: Scored | None = None,
) -> list[Found]:
    """The mentions of a parsed document with their kinds decided: the rules, the classifier,
    then the text's own descriptions. `found` (`find_mentions(doc)`) and `scored`
    (`scored_candidates` of them), when already computed, are not computed again."""
    if found is None:
        found = find_mentions(doc)
    if classifier is not None:
        found = learned_kinds(doc, found, classifier, scored)
    return described_kinds(doc, found)


# --- candidates and their features ----------------------------------------------------------


def candidates(doc: Doc, found: list[Found]) -> list[Found]:
    """The mentions whose kind the classifier decides, and untyped names (kind "none")."""
    out = [_without_portfolio(doc, f) for f in found if not sure(f)]
    extra = [replace_kind(f, NONE) for f in undecided_names(doc, found)]
    taken = {i for f in [*found, *extra] for i in range(f.start, f.end)}
    if RULER_KEY in doc.spans:  # "New York City", "Latin America": known to be no entity
        taken.update(
            i
            for s in doc.spans[RULER_KEY]
            if s.label_ == NOT_A_PLACE
            for i in range(s.start, s.end)
        )
    nnp = doc.vocab.strings["NNP"]
    array = doc.to_array([TAG, IS_ALPHA]).reshape(-1, 2)
    tags, alpha = array[:, 0].tolist(), array[:, 1].tolist()
    i = 0
    while i < len(doc):  # runs of proper nouns that no one took
        if tags[i] == nnp and alpha[i] and i not in taken:
            j = i
            while j < len(doc) and j - i < _NNP_RUN and tags[j] == nnp and j not in taken:
                j += 1
            extra.append(Found(NONE, i, j, doc[i:j].text))
            i = j
        else:
            i += 1
    return out + extra


def replace_kind(f: Found, kind: str) -> Found:
    return replace(f, kind=kind)


@cache
def census_names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and the commonest surnames of the US Census 1990 (the `names` package's
    public-domain lists), lower case: evidence for a person's name, never a rule on its own."""
    root = resources.files("names")

    def read(name: str, limit: int | None = None) -> frozenset[str]:
        lines = root.joinpath(name).read_text(encoding="ascii").splitlines()[:limit]
        return frozenset(line.split()[0].lower() for line in lines if line.strip())

    given = read("dist.male.first") | read("dist.female.first")
    return given, read("dist.all.last", _SURNAMES)


@lru_cache(maxsize=65536)
def _shape(text: str) -> str:
    s = re.sub(r"[A-Z]+", "X", text)
    s = re.sub(r"[a-z]+", "x", s)
    return re.sub(r"[0-9]+", "d", s)[:6]


@dataclass(frozen=True)
class _Words:
    """A document's word forms, read once: a Token object per read costs more than the read,
    and the candidates of one article look at the same words again and again."""

    text: list[str]
    lower: list[str]
    pos: list[int]  # spaCy's POS ids (`spacy.symbols`)
    sent_start: list[int]  # per token: the first token of its sentence
    sent_end: list[int]  # per token: the end (exclusive) of its sentence
    title_word: list[int]  # per token: alphabetic and in title case ("Tran")
    like_num: list[int]
    first_line_end: int  # the first token with a line break (len(doc) when none)
    lower_seen: frozenset[str]  # the words the text also writes in lower case ("password")

    @classmethod
    def of(cls, doc: Doc) -> _Words:
        attrs = [ORTH, POS, SENT_START, IS_ALPHA, IS_TITLE, LIKE_NUM]
        orth, pos, sent_start, alpha, title, like_num = token_columns(doc, attrs)
        text = strings_of(doc, orth)
        title_word = [a and t for a, t in zip(alpha, title, strict=True)]
        line = next((i for i, t in enumerate(text) if "\n" in t), len(text))
        starts: list[int] = []
        for i, flag in enumerate(sent_start):
            starts.append(i if i == 0 or flag == 1 else starts[-1])
        ends = [0] * len(starts)
        end = len(starts)
        for i in range(len(starts) - 1, -1, -1):
            ends[i] = end
            if starts[i] == i:
                end = i
        lower = lower_forms(doc)
        seen = frozenset(w for w, t, a in zip(lower, text, alpha, strict=True) if a and t == w)
        return cls(text, lower, pos, starts, ends, title_word, like_num, line, seen)


def features(
    doc: Doc,
    f: Found,
    stock: dict[tuple[int, int], str],
    known: list[Span],
    read: _Words | None = None,
) -> list[str]:
    """Sparse binary features of a candidate mention in its document."""
    read = read or _Words.of(doc)
    span = doc[f.start : f.end]
    words = read.lower[f.start : f.end]
    texts = read.text[f.start : f.end]
    out = [f"rule={f.kind}", f"len={min(len(span), 4)}", f"first={words[0]}", f"last={words[-1]}"]
    out += [f"w={w}" for w in words]
    out += [f"shape={_shape(t)}" for t in texts]
    out.append(f"suffix={words[-1][-3:]}")
    if any(re.search(r"[a-z][A-Z]", t) for t in texts):
        out.append("intercapped")
    if span.text.isupper():
        out.append("upper")
    if any(c.isdigit() for c in span.text):
        out.append("digit")
    if 2 <= len(span) <= 4 and all(read.title_word[f.start : f.end]):
        out.append("name_like")  # "Anh Phuong Tran": the shape of a personal name
    given, surnames = census_names()
    if words[0] in given:
        out.append("given_name" if len(words) > 1 else "given_name_alone")
    if words[-1] in surnames and len(words) > 1:
        out.append("surname")
    # A capitalised word the same text also writes in lower case is a common word, not a
    # name ("Secure Vault" where the article also speaks of "the vault"); surnames rarely are.
    if texts[0] != words[0] and words[0] in read.lower_seen:
        out.append("first_lower_elsewhere")
    if texts[-1] != words[-1] and words[-1] in read.lower_seen:
        out.append("last_lower_elsewhere")
    if f.end + 2 < len(doc) and read.text[f.end] == "," and read.like_num[f.end + 1]:
        out.append("aged")  # "X, 35,"
    if f.start > 0 and read.text[f.start - 1] in (";", ":", "and", ","):
        out.append(f"listed_after={read.lower[f.start - 1]}")
    out.append(f"stock={stock.get((f.start, f.end), '-')}")
    for k in known:
        if k.start < f.end and f.start < k.end:
            out.append(f"known_inside={k.label_}")
    before = read.lower[max(0, f.start - 2) : f.start]
    after = read.lower[f.end : f.end + 2]
    if before:
        out.append(f"prev={before[-1]}")
    if len(before) == 2:
        out.append(f"prev2={before[0]}_{before[1]}")
    if after:
        out.append(f"next={after[0]}")
    if len(after) == 2:
        out.append(f"next2={after[0]}_{after[1]}")
    said = description(doc, f.start, f.end)
    if said:
        out.append(f"described={said}")
    root = span.root
    out.append(f"dep={root.dep_}")
    if root.head.i != root.i:
        out.append(f"head={root.head.lower_}")
    sent = (read.sent_start[f.start], read.sent_end[f.start])
    if f.start == sent[0]:
        out.append("sent_start")
    if f.start < 40 and f.start < read.first_line_end:
        out.append("title_line")
    return out + _context_words(read, span, sent) + _role(span)


_CONTEXT_WINDOW = 6  # words either side of a candidate, inside its sentence
_CONTEXT_POS = frozenset({symbols.NOUN, symbols.VERB, symbols.ADJ})


def _context_words(read: _Words, span: Span, sent: tuple[int, int]) -> list[str]:
    """The content words around a name in its sentence ("said", "researcher", "app", "users"):
    what the text does with it, learned from the annotations rather than listed."""
    left = range(max(sent[0], span.start - _CONTEXT_WINDOW), span.start)
    right = range(span.end, min(sent[1], span.end + _CONTEXT_WINDOW))
    return sorted({f"ctx={read.lower[i]}" for i in (*left, *right) if read.pos[i] in _CONTEXT_POS})


def _role(span: Span) -> list[str]:
    """The name's syntactic role: its dependency with the word it depends on ("nsubj>say",
    "pobj_on>post"), the role of the first item for an item of a list, and the head noun of an
    apposition on either side ("Acme, a security firm"; "the firm, Acme")."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i and root.head.i < span.start:
        root = root.head  # "A, B and C said": B and C say with A
    head = root.head
    out = []
    if root.dep_ == "pobj" and head.dep_ == "prep":
        out.append(f"role=pobj_{head.lower_}>{head.head.lower_}")
        out.append(f"prep={head.lower_}")
    elif head.i != root.i:
        out.append(f"role={root.dep_}>{head.lower_}")
    if root.dep_ == "appos":
        out.append(f"appos_of={head.lower_}")
    for child in span.root.children:
        if child.dep_ == "appos" and child.i >= span.end:
            out.append(f"appos={child.lower_}")
    return out


def _context(doc: Doc) -> tuple[dict[tuple[int, int], str], list[Span]]:
    stock = {(e.start, e.end): e.label_ for e in doc.ents}
    for e in doc.ents:  # stripped spans ("the FBI" -> "FBI") keep their label
        s = strip_span(e)
        stock.setdefault((s.start, s.end), e.label_)
    return stock, list(doc.spans[RULER_KEY]) if RULER_KEY in doc.spans else []


_VECTOR_WINDOW = 3  # words either side of a name whose NER vectors are averaged


def context_vectors(vectors: numpy.ndarray, read: _Words, found: list[Found]) -> numpy.ndarray:
    """The real-valued features of candidates, one row each: the NER's token vectors
    (`ingest.token_vectors`) of its first and last word and the means of those of up to three
    words before and after it in its sentence (zeros at a sentence edge)."""
    width = vectors.shape[1]
    padded = numpy.concatenate([vectors, numpy.zeros((1, width), vectors.dtype)])
    pad = len(vectors)  # the index of the zero row
    left: list[list[int]] = [[] for _ in range(_VECTOR_WINDOW)]
    right: list[list[int]] = [[] for _ in range(_VECTOR_WINDOW)]
    counts: list[tuple[int, int]] = []
    for f in found:
        low, high = max(read.sent_start[f.start], f.start - _VECTOR_WINDOW), read.sent_end[f.start]
        for k in range(_VECTOR_WINDOW):  # the window's words in order, missing ones zero
            i, j = f.start - _VECTOR_WINDOW + k, f.end + k
            left[k].append(i if i >= low else pad)
            right[k].append(j if j < high else pad)
        counts.append((f.start - low, max(0, min(high, f.end + _VECTOR_WINDOW) - f.end)))

    def means(window: list[list[int]], count: numpy.ndarray) -> numpy.ndarray:
        total = padded[window[0]]
        for index in window[1:]:  # summed in the order of the words, as numpy's mean does
            total = total + padded[index]
        return total / numpy.maximum(count, 1).astype(vectors.dtype)[:, None]

    n = numpy.asarray(counts).reshape(-1, 2)
    return numpy.concatenate(
        [
            padded[[f.start for f in found]],
            padded[[f.end - 1 for f in found]],
            means(left, n[:, 0]),
            means(right, n[:, 1]),
        ],
        axis=1,
    )


Candidate = tuple[Found, list[str], numpy.ndarray | None]


def candidate_features(doc: Doc, found: list[Found]) -> list[Candidate]:
    """Every candidate with its sparse features and its context vector (None when the
    pipeline did not keep the NER's token vectors)."""
    stock, known = _context(doc)
    vectors = ner_vectors(doc)
    text = doc_text(doc)
    title = text.split("\n", 1)[0]
    counts: dict[str, int] = {}
    out: list[Candidate] = []
    read = _Words.of(doc)
    chosen = candidates(doc, found)
    rows = None if vectors is None or not chosen else context_vectors(vectors, read, chosen)
    for n, c in enumerate(chosen):
        feats = features(doc, c, stock, known, read)
        # how often the article names it: a name written again and again is a name
        if c.text not in counts:
            counts[c.text] = text.count(c.text)
        feats.append(f"freq={min(counts[c.text], 5)}")
        if len(title) < len(text) and c.text in title:
            feats.append("in_title")
        out.append((c, feats, None if rows is None else rows[n]))
    return out


Scored = list[tuple[Found, list[float]]]


def scored_candidates(doc: Doc, found: list[Found], classifier: KindClassifier) -> Scored:
    """Every candidate with the classifier's probabilities of its labels."""
    featured = candidate_features(doc, found)
    probabilities = classifier.probabilities_of([(feats, vector) for _, feats, vector in featured])
    return [(c, p) for (c, _, _), p in zip(featured, probabilities, strict=True)]


def learned_kinds(
    doc: Doc, found: list[Found], classifier: KindClassifier, scored: Scored | None = None
) -> list[Found]:
    """`found` with every candidate's kind decided by the classifier (or dropped as none);
    all occurrences of a surface form share the kind of their averaged probabilities.
    `scored`: `scored_candidates` of the same arguments, when already computed."""
    if scored is None:
        scored = scored_candidates(doc, found, classifier)
    by_form: dict[str, list[float]] = {}
    for c, probs in scored:
        total = by_form.setdefault(c.text, [0.0] * len(probs))
        for i, p in enumerate(probs):
            total[i] += p
    none = classifier.labels.index(NONE)
    kept = [f for f in found if sure(f)]
    dropped = []
    terms = technical_terms()
    # a name learned to be a person's that the discourse refuses: its next kind, if likelier
    # than none ("Ericsson said", where the model weighed a person and a company)
    other_kind: dict[str, str] = {}
    if ontology.PERSON in classifier.labels and len(classifier.labels) > 2:
        person = classifier.labels.index(ontology.PERSON)
        rest = [i for i in range(len(classifier.labels)) if i not in (none, person)]
        for text, totals in by_form.items():
            second = max(rest, key=totals.__getitem__)
            if totals[second] >= totals[none] and classifier.labels[second] != ontology.OFFENSE:
                other_kind[text] = classifier.labels[second]
    for c, _ in scored:
        totals = by_form[c.text]
        share = totals[none] / sum(totals)
        if share >= classifier.threshold("add" if c.kind == NONE else c.kind):
            dropped.append(c)
            continue
        best = max((i for i in range(len(totals)) if i != none), key=totals.__getitem__)
        if classifier.labels[best] != ontology.OFFENSE and (
            normalize_name(c.text) in terms
            or doc[c.end - 1].lower_ in THING_WORDS
            or not job_free([doc[c.end - 1].lower_])  # "Principal Security Researcher"
        ):
            # "DDoS", "API", "Blockchain": the trade's words; "Senate Estimates", "NIST
            # Cybersecurity Framework": a document or an event; no actor
            dropped.append(c)
            continue
        if classifier.labels[best] == ontology.PERSON and (
            _plural_thing(doc, c)
            or not _name_like(doc[c.start])
            or doc[c.end - 1].lower_ in _NO_NAME_ENDS
            or not job_free([t.lower_ for t in doc[c.start : c.end]])
            or opens_with_company(doc, c.start, c.end)
        ):
            dropped.append(c)
            continue
        if classifier.labels[best] == ontology.PERSON and c.kind != ontology.PERSON:
            # another kind's span learned to be a person's name holds the name alone
            name = clean_person(doc[c.start : c.end])
            if name is None:
                dropped.append(c)
                continue
            name = _after_portfolio(name)
            c = replace(c, start=name.start, end=name.end, text=name.text)
        # decided: no longer an undecided name ("?") that only a description may keep
        kept.append(
            replace(c, kind=classifier.labels[best], name=None if c.name == "?" else c.name)
        )
    kept += _alike_neighbours(doc, kept, [c for c in dropped if c.kind != NONE])
    return sorted(_discourse(doc, set(kept), other_kind), key=lambda f: (f.start, -f.end, f.nested))


def _plural_thing(doc: Doc, c: Found) -> bool:
    """A title-case name that ends in a plural noun and does not start with a given name
    ("Secret Chats", "Green Passes"): a product's feature or a thing, not a person ("Jacob
    Baines" starts with a given name)."""
    if c.end - c.start < 2 or doc[c.end - 1].tag_ not in ("NNS", "NNPS"):
        return False
    given, _ = census_names()
    return doc[c.start].lower_ not in given


def _headline_words(doc: Doc) -> int:
    """The end of the first line when it is written in title case ("Hackers Spread Malware
    Via Fake Apps"), else 0: there every word has a capital, so a capital says nothing."""
    end = next((t.i for t in doc if "\n" in t.text), len(doc))
    if end == len(doc):
        return 0  # one line: no headline above a body
    words = [t for t in doc[:end] if t.is_alpha and len(t) > 3]
    if len(words) >= 4 and sum(t.is_title or t.is_upper for t in words) >= 0.8 * len(words):
        return end
    return 0


def _discourse(doc: Doc, kept: set[Found], other_kind: dict[str, str] | None = None) -> list[Found]:
    """How news introduces names: a person is first named in full, so in an article (more than
    one line) a one-word "person" that shares no word with a full name of it is not one (it
    takes `other_kind`'s kind for its text when there is one, else is dropped); a name found
    only in a title-case headline is not kept unless the body names it too."""
    people = [f for f in kept if f.kind == ontology.PERSON and f.end - f.start > 1]
    words = {t.lower_ for f in people for t in doc[f.start : f.end]}
    headline = _headline_words(doc)
    body = doc[headline:].text if headline else ""

    article = any("\n" in t.text for t in doc)  # one line is a sentence, not a discourse

    def unexplained_person(f: Found) -> bool:
        lone = article and f.kind == ontology.PERSON and f.end - f.start == 1
        return lone and doc[f.start].lower_ not in words

    def headline_only(f: Found) -> bool:
        return f.end <= headline and f.text not in body

    given, surnames = census_names()
    lower_words = {t.text for t in doc if t.is_alpha and t.is_lower and len(t) > 3}

    def common_word(f: Found) -> bool:
        # "Access Tokens", "Decryption Keys": a word the article writes in lower case
        # elsewhere, and no census name, is a title-case phrase, not a person's name
        return f.kind == ontology.PERSON and any(
            t.lower_ in lower_words and t.lower_ not in given and t.lower_ not in surnames
            for t in doc[f.start : f.end]
            if t.is_title and not t.is_stop  # "Christian Have": a word, also a name
        )

    out = []
    for f in kept:
        if not sure(f) and common_word(f):
            continue
        if sure(f) or not (unexplained_person(f) or headline_only(f)):
            out.append(f)
        elif (
            not headline_only(f)
            and doc[f.start].lower_ not in given
            and doc[f.start].lower_ not in surnames  # a surname whose full name went unread
            and not _after_a_name(doc_text(doc), f.text)
        ):
            kind = (other_kind or {}).get(f.text)  # the refused one-word person's next kind
            if kind is not None:
                out.append(replace_kind(f, kind))
    return out


def _after_a_name(text: str, word: str) -> bool:
    """ "Jane Roe" or "Mr. Roe" somewhere in the text: `word` ends a personal name there."""
    return re.search(rf"\b[A-Z][a-z]+\.? {re.escape(word)}\b", text) is not None


_LIST_LINKS = frozenset({",", ";", "and", "or", "("})


# Words no personal name ends in: heads of organisations, bodies, places and products
# ("Principal Group", "Southern Command", "Evin Prison", "Media Player", "Apple Watch").
_NO_NAME_ENDS = (
    ORGANIZATION_WORDS
    | AGENCY_WORDS
    | frozenset(
        {"command", "prison", "hospital", "clinic", "health", "center", "centre", "university",
         "college", "school", "player", "watch", "assistant", "app", "apps", "phone", "browser",
         "server", "cloud", "platform", "store", "studio", "studios", "network", "networks",
         # malware named for what it does ("Raccoon Stealer", "Macaw Locker")
         "stealer", "locker", "loader", "dropper", "wiper", "miner", "ransomware", "botnet",
         "trojan", "backdoor", "destroyer",
         # places named for their land ("Grass Valley")
         "valley", "island", "islands", "county", "springs", "heights", "hills", "harbor",
         "harbour"}
    )
)  # fmt: skip


_NO_NAME_STARTS = frozenset({"my", "our", "your", "their", "its", "the", "this", "these"})


def _name_like(tok: Token) -> bool:
    """The first word of a person's name: capitalised, no determiner ("My Cloud Home"). (An
    -ing word is one: "Xiaoming", "Jianping" are given names.)"""
    return tok.lower_ not in _NO_NAME_STARTS and (tok.is_title or tok.is_upper)


_OFFICES = frozenset({"secretary", "minister", "commissioner", "director", "chancellor"})


def _after_portfolio(name: Span) -> Span:
    """ "Secretary of Commerce Gina Raimondo": the office's portfolio words before the given
    name are not the person's."""
    doc, start = name.doc, name.start
    if start < 2 or doc[start - 1].lower_ != "of" or doc[start - 2].lower_ not in _OFFICES:
        return name
    given, _ = census_names()
    first = next((t.i for t in name if t.lower_ in given), None)
    return doc[first : name.end] if first is not None and name.end - first >= 2 else name


def _without_portfolio(doc: Doc, f: Found) -> Found:
    """A span the NER runs from an office's portfolio into a name ("Secretary of [Commerce Gina
    Raimondo]") is a candidate from the given name on."""
    name = _after_portfolio(doc[f.start : f.end])
    if (name.start, name.end) == (f.start, f.end):
        return f
    return replace(f, start=name.start, end=name.end, text=name.text)


def _whole_name(doc: Doc, c: Found) -> bool:
    """The mention is a person's name as it stands, without words to strip or refuse."""
    name = clean_person(doc[c.start : c.end])
    return name is not None and (name.start, name.end) == (c.start, c.end)


def _alike_neighbours(doc: Doc, kept: list[Found], dropped: list[Found]) -> list[Found]:
    """Dropped mentions that stand in a list with a kept person ("A; B; and C") are people
    too, and an abbreviation in brackets right after a kept name ("... Section (OCRS)") is that
    name's: lists are of one kind, and an abbreviation is its name's short form."""
    ends = {f.end: f for f in kept}
    starts = {f.start: f for f in kept}
    out: list[Found] = []
    for c in sorted(dropped, key=lambda f: f.start):
        before = doc[max(0, c.start - 2) : c.start]
        links = [t for t in before if t.lower_ in _LIST_LINKS]
        prev = next((ends[k] for k in (c.start - 1, c.start - 2) if k in ends), None)
        nxt = next((starts[k] for k in (c.end + 1, c.end + 2) if k in starts), None)
        if prev is not None and c.start > 0 and doc[c.start - 1].text == "(" and c.text.isupper():
            out.append(replace_kind(c, prev.kind))
        elif (
            links
            and _name_like(doc[c.start])
            and job_free([t.lower_ for t in doc[c.start : c.end]])  # "X, CTO & Founder"
            and not opens_with_company(doc, c.start, c.end)  # "X, Microsoft Corporate VP"
            and _whole_name(doc, c)  # "the Acme Head of Product, Jane Roe": no name
            and any(n is not None and n.kind == ontology.PERSON for n in (prev, nxt))
            and (nxt is None or doc[c.end : nxt.start].text.strip(" ,;") not in (".", "!", "?"))
        ):
            person = replace_kind(c, ontology.PERSON)
            out.append(person)
            ends[person.end] = person
    return out
