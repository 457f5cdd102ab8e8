"""The fact classifier: which candidate facts of an article a reader would agree with.

The rules of `ingest.relations` propose facts; they are precise on the constructions they know
and blind elsewhere. Here every pair of entity mentions in one sentence whose kinds the
ontology allows for a fact type is a candidate of that type, and so is every fact a rule
proposed. A candidate is described by sparse binary features (the rules that proposed it, the
kinds, the words between and around the two mentions, the dependency path joining them, the
trigger words of the sentence) and scored by a logistic regression trained on the annotations'
train split (`python -m ingest.fact_training`, part of `make train`). An article's fact is kept
when its best candidate scores at or above its type's threshold; it records the rules that
proposed it (or `model`), the model's name and the score as its confidence.

The model is plain JSON weights (no pickle; inference needs no learning library).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.attrs import ENT_TYPE, IS_SPACE
from spacy.tokens import Doc, Span, Token

from graph import ontology
from graph.errors import ConfigError
from ingest import coreference
from ingest.nlp import lower_forms, quoted, token_columns
from ingest.records import Entity, Relation, normalize_name

if TYPE_CHECKING:
    from ingest.relations import Item, Sentence

BUILTIN_FACTS_MODEL = Path(str(resources.files("ingest") / "models" / "facts.json"))
MODEL_RULE = "model"  # the `rule` of a fact no rule proposed
_MAX_GAP = 40  # tokens between two mentions beyond which a pair is not a candidate
# The triggers whose rules propose each fact type: where one of them is in a sentence, the
# rules read it for that type, and a pair they did not propose is one they passed over.
READ_BY: dict[str, frozenset[str]] = {
    rel: frozenset(triggers)
    for rel, triggers in {
        "CHARGED_WITH": ("charged", "convicted"),
        "CONVICTED_OF": ("convicted",),
        "INVESTIGATES": ("investigates",),
        "ARRESTED": ("arrested",),
        "PROSECUTES": ("prosecutes", "charged"),
        "SEIZED": ("seized",),
        "COOPERATES_WITH": ("cooperates",),
        "REFUSES_DATA_TO": ("refuses_data",),
        "REQUESTS_DATA_FROM": ("requests_data",),
        "EXTRADITED_TO": ("extradited",),
    }.items()
}
_WORDS_BETWEEN = 12  # the words between two mentions are features up to this gap
_PATH_LONGEST = 7  # dependency paths longer than this are one feature "long"
_NUMBER = re.compile(r"^\d[\d,.]*$")


@dataclass(frozen=True)
class Candidate:
    """One fact a sentence may state: its type, ends, sentence and the rules proposing it."""

    type: str
    source: Entity
    target: Entity
    sentence: Span
    features: tuple[str, ...]
    rules: tuple[str, ...] = ()
    proposal: Relation | None = None
    apart: bool = False  # a rule's fact whose two ends the sentence does not both hold
    passed: bool = False  # no rule proposed it, though its rules read the sentence's trigger

    @property
    def key(self) -> tuple[str, str, str]:
        return fact_key(self.type, self.source.id, self.target.id)


def fact_key(rel: str, source: str, target: str) -> tuple[str, str, str]:
    if rel in ontology.SYMMETRIC_FACTS:
        source, target = sorted((source, target))
    return (rel, source, target)


@dataclass(frozen=True)
class FactClassifier:
    """Binary logistic regression over sparse features, with one threshold per fact type."""

    bias: float
    weights: dict[str, float]
    thresholds: dict[str, float]
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "casegraph-facts"))

    @classmethod
    def load(cls, path: Path) -> FactClassifier:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                bias=float(data["bias"]),
                weights={str(k): float(v) for k, v in data["weights"].items()},
                thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
                meta=dict(data.get("meta") or {}),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"fact model {path} cannot be read ({type(exc).__name__}): run `make train`, "
                "or set CASEGRAPH_FACTS_MODEL=none"
            ) from None

    def to_json(self) -> dict[str, Any]:
        return {
            "bias": self.bias,
            "thresholds": dict(sorted(self.thresholds.items())),
            "weights": dict(sorted(self.weights.items())),
            "meta": self.meta,
        }

    def score(self, features: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def threshold(self, rel: str, proposed: bool, passed: bool = False) -> float:
        """The score a fact needs: "keep" for a rule's proposal, "add" for a fact no rule
        proposed, each refined per type ("add:BASED_IN") where `make train` found it better;
        "pass" for a fact that its type's rules passed over (they read the sentence's trigger
        and did not propose it: "X said police are investigating"), the "add" score unless
        `make train` found a higher one better."""
        add = self.thresholds.get(f"add:{rel}", self.thresholds.get("add", 0.5))
        if proposed:
            return self.thresholds.get(f"keep:{rel}", self.thresholds.get("keep", 0.5))
        if passed:
            return self.thresholds.get(f"pass:{rel}", add)
        return add


def load_fact_classifier(setting: str) -> FactClassifier | None:
    """The classifier a setting names: "builtin", "none", or the path of a model file."""
    if setting.strip().lower() == "none":
        return None
    builtin = setting.strip().lower() == "builtin"
    path = BUILTIN_FACTS_MODEL if builtin else Path(setting)
    if not path.is_file():
        hint = "run `make train`" if builtin else "give a file made by `make train`"
        raise ConfigError(f"fact model {path} not found: {hint}, or set CASEGRAPH_FACTS_MODEL=none")
    return FactClassifier.load(path)


# --- candidates and their features ------------------------------------------------------------


@lru_cache(maxsize=65536)
def _word_form(text: str) -> str:
    return "<num>" if _NUMBER.match(text) else text.lower()


_FLAGS_KEY = "casegraph_token_flags"  # doc.user_data key


def _token_flags(doc: Doc) -> tuple[list[int], list[int]]:
    """Per token: whether it is white space, and whether the NER put it in an entity."""
    flags = doc.user_data.get(_FLAGS_KEY)
    if not isinstance(flags, tuple) or len(flags[0]) != len(doc):
        space, ent = token_columns(doc, [IS_SPACE, ENT_TYPE])
        flags = doc.user_data[_FLAGS_KEY] = (space, ent)
    return flags


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _head(doc: Doc, start: int, end: int) -> Token:
    """The syntactic head of a mention: its token whose head lies outside it."""
    for t in doc[start:end]:
        if not start <= t.head.i < end or t.head.i == t.i:
            return t
    return doc[end - 1]


def _path(a: Token, b: Token) -> tuple[str, Token | None]:
    """The dependency path from `a` up to the lowest common ancestor and down to `b`."""
    up = [a, *a.ancestors]
    index = {t.i: n for n, t in enumerate(up)}
    down: list[Token] = []
    for t in [b, *b.ancestors]:
        if t.i in index:
            n = index[t.i]
            if n + len(down) > _PATH_LONGEST:
                return "long", t
            labels = [f"{x.dep_}^" for x in up[:n]] + [f"{x.dep_}v" for x in reversed(down)]
            return "/".join(labels), t
        down.append(t)
    return "none", None


def _pair_features(doc: Doc, s: Span, a: Item, b: Item, triggers: dict[str, list]) -> list[str]:
    """What the sentence says around two mentions, source `a` and target `b`."""
    fa, fb = a.found, b.found
    first, second = (fa, fb) if fa.start <= fb.start else (fb, fa)
    gap = max(0, second.start - first.end)
    out = [
        f"order={'st' if first is fa else 'ts'}",
        f"gap={_bucket(gap, (0, 1, 2, 4, 7, 12, 20))}",
    ]
    lowers = lower_forms(doc)
    space, named = _token_flags(doc)
    between = range(first.end, second.start)
    if gap <= _WORDS_BETWEEN:
        words = [_word_form(lowers[i]) for i in between if not space[i]]
        out += [f"btw={w}" for w in words]
        if gap <= 3:
            out.append("btw_all=" + "_".join(words))
    others = sum(1 for i in between if named[i]) // 2
    out.append(f"ents_btw={_bucket(others, (0, 1, 2))}")
    out += [
        f"pre={_word_form(lowers[i])}" for i in range(max(s.start, first.start - 2), first.start)
    ]
    out += [f"post={_word_form(lowers[i])}" for i in range(second.end, min(s.end, second.end + 2))]
    ha, hb = _head(doc, fa.start, fa.end), _head(doc, fb.start, fb.end)
    path, top = _path(ha, hb)
    out.append(f"path={path}")
    if top is not None:
        out.append(f"lca={_word_form(lowers[top.i])}")
        out.append(f"lca_pos={top.pos_}")
        if any(c.dep_ == "neg" for c in top.children):
            out.append("negated")
    out += [
        f"sdep={ha.dep_}",
        f"tdep={hb.dep_}",
        f"shead={_word_form(lowers[ha.head.i])}",
        f"thead={_word_form(lowers[hb.head.i])}",
    ]
    for name, spans in triggers.items():
        out.append(f"trig={name}")
        if any(first.end <= st and en <= second.start for st, en in spans):
            out.append(f"trig_btw={name}")
    return out


def _entity_features(src: Entity, tgt: Entity) -> list[str]:
    out = [f"kinds={src.kind}>{tgt.kind}"]
    names = {normalize_name(x) for x in (tgt.name, *tgt.aliases)} - {""}
    source_name = f" {normalize_name(src.name)} "
    if any(f" {n} " in source_name for n in names):
        out.append("name_contains")
    out.append(f"smentions={_bucket(len(src.mentions), (1, 2, 4))}")
    out.append(f"tmentions={_bucket(len(tgt.mentions), (1, 2, 4))}")
    return out


def _typed(rel: str, feats: Iterable[str]) -> tuple[str, ...]:
    return (rel, *(f"{rel}|{f}" for f in feats))


@cache
def _allowed_types(source_kind: str, target_kind: str) -> tuple[str, ...]:
    """The fact types the ontology allows from one kind to another, in FACT_TYPES order."""
    return tuple(
        rel for rel in ontology.FACT_TYPES if ontology.fact_allowed(rel, source_kind, target_kind)
    )


def _closest(items_a: list[Item], items_b: list[Item]) -> tuple[Item, Item] | None:
    best: tuple[int, Item, Item] | None = None
    for x in items_a:
        for y in items_b:
            d = abs(x.found.start - y.found.start)
            if best is None or d < best[0]:
                best = (d, x, y)
    return (best[1], best[2]) if best else None


# Rules of posts the story tells rather than a title gives ("A and B were members of X", "A
# ran X"): they make no official, whom "he" and the accused never stand for.
TOLD_POSTS = frozenset({"member_of.predicate", "leads.runs"})


def candidates(doc: Doc, sentences: list[Sentence], proposals: list[Relation]) -> list[Candidate]:
    """Every fact the article's sentences may state, each with its features."""
    by_sentence: dict[int, list[Relation]] = {}
    starts = [s.span.start_char for s in sentences]

    for r in proposals:
        by_sentence.setdefault(bisect.bisect_right(starts, r.start) - 1, []).append(r)
    officials = frozenset(
        r.source
        for r in proposals
        if r.type in ("LEADS", "MEMBER_OF") and r.source != r.target and r.rule not in TOLD_POSTS
    )
    out: list[Candidate] = []
    for n, s in enumerate(sentences):
        resolved = coreference.resolved_items(doc, sentences, n, officials)
        out += _sentence_candidates(doc, s, by_sentence.get(n, []), resolved)
    return out


def _coref_features(r: coreference.Resolved, end: str) -> list[str]:
    return ["coref", f"coref_{end}", f"coref_form={r.form}", f"coref_back={r.back}"]


def _sentence_candidates(
    doc: Doc, s: Sentence, proposed: list[Relation], resolved: Sequence[coreference.Resolved] = ()
) -> list[Candidate]:
    items: dict[str, list[Item]] = {}
    for it in s.items:
        items.setdefault(it.entity.id, []).append(it)
    coref = {x.item.entity.id: x for x in resolved}
    for x in resolved:
        items.setdefault(x.item.entity.id, []).append(x.item)
    entities = {ids[0].entity.id: ids[0].entity for ids in items.values()}
    named = {it.entity.id for it in s.items}
    rules: dict[tuple[str, str, str], list[Relation]] = {}
    for r in proposed:
        rules.setdefault(fact_key(r.type, r.source, r.target), []).append(r)
    pair_types: dict[tuple[str, str], set[str]] = {}
    for r in proposed:
        pair_types.setdefault(tuple(sorted((r.source, r.target))), set()).add(r.type)  # type: ignore[arg-type]
    out: list[Candidate] = []
    seen: set[tuple[str, str, str]] = set()
    sentence_words = [f"sent_trig={name}" for name in s.triggers]
    for sid, src in entities.items():
        for tid, tgt in entities.items():
            allowed = _allowed_types(src.kind, tgt.kind)
            if sid == tid or not allowed:
                continue
            pair = _closest(items[sid], items[tid])
            assert pair is not None
            a, b = pair
            if abs(a.found.start - b.found.start) > _MAX_GAP:
                continue
            shared: list[str] | None = None
            for rel in allowed:
                key = fact_key(rel, sid, tid)
                if key in seen:
                    continue
                seen.add(key)
                if shared is None:
                    shared = _pair_features(doc, s.span, a, b, s.triggers)
                    shared += _entity_features(src, tgt)
                    if sid in coref:
                        shared += _coref_features(coref[sid], "s")
                    if tid in coref:
                        shared += _coref_features(coref[tid], "t")
                by_rules = rules.pop(key, [])
                names = tuple(sorted({r.rule for r in by_rules}))
                other = pair_types.get(tuple(sorted((sid, tid))), set()) - {rel}  # type: ignore[arg-type]
                feats = [*shared, *(f"rule={x}" for x in names)]
                feats += [f"other_rule={x}" for x in sorted(other)]
                feats.append("proposed" if names else "unproposed")
                out.append(
                    Candidate(
                        rel,
                        src,
                        tgt,
                        s.span,
                        _typed(rel, feats),
                        names,
                        by_rules[0] if by_rules else None,
                        passed=not names and not s.triggers.keys().isdisjoint(READ_BY.get(rel, ())),
                    )
                )
    # Facts a rule found across mentions the sentence does not hold both of (a name's own
    # words, an earlier sentence's subject): described by the rule and the kinds alone.
    for rels in rules.values():
        r = rels[0]
        src_e = entities.get(r.source) or _stub(r.source)
        tgt_e = entities.get(r.target) or _stub(r.target)
        names = tuple(sorted({x.rule for x in rels}))
        feats = [f"rule={x}" for x in names] + ["apart", *sentence_words]
        feats.append(f"present={int(r.source in named)}{int(r.target in named)}")
        out.append(
            Candidate(r.type, src_e, tgt_e, s.span, _typed(r.type, feats), names, r, apart=True)
        )
    return out


def _stub(entity_id: str) -> Entity:
    return Entity(id=entity_id, name="", kind="")


# --- decisions ------------------------------------------------------------------------------


_ACCUSATIONS = frozenset({"CHARGED_WITH"})


def _accused_group_unnamed(c: Candidate, by_id: dict[str, Entity]) -> bool:
    """A company or group charged or convicted in a sentence that does not name it: "they"
    or "the defendants" there are people, and a company named elsewhere is often the victim,
    a vendor or the outlet quoted."""
    source = by_id.get(c.source.id, c.source)
    if c.type not in _ACCUSATIONS or source.kind == ontology.PERSON:
        return False
    start, end = c.sentence.start_char, c.sentence.end_char
    return not any(start <= m.start < end for m in source.mentions)


def decide(
    candidates_: list[Candidate],
    by_id: dict[str, Entity],
    classifier: FactClassifier,
    model: str,
    status_of: Callable[[Span], str],
    scores: list[float] | None = None,
) -> list[Relation]:
    """The article's facts: per fact, its best candidate if that scores above the threshold
    (`scores`: the classifier's scores of the candidates, when already computed)."""
    best: dict[tuple[str, str, str], tuple[float, Candidate]] = {}
    for n, c in enumerate(candidates_):
        p = scores[n] if scores is not None else classifier.score(c.features)
        if p < classifier.threshold(c.type, bool(c.rules), c.passed):
            continue
        if _accused_group_unnamed(c, by_id):
            continue
        # The best passing candidate states the fact; a rule's proposal over a bare pair.
        rank = (c.proposal is not None, p)
        if c.key not in best or rank > (best[c.key][1].proposal is not None, best[c.key][0]):
            best[c.key] = (p, c)
    out: list[Relation] = []
    for p, c in best.values():
        rel = c.type
        confidence = round(p, 3)
        if c.proposal is not None:
            out.append(replace(c.proposal, confidence=confidence, model=model))
            continue
        src, tgt = by_id[c.source.id], by_id[c.target.id]
        sentence, start, end = quoted(c.sentence)
        out.append(
            Relation(
                type=rel,
                source=src.id,
                target=tgt.id,
                sentence=sentence,
                start=start,
                end=end,
                rule=MODEL_RULE,
                status=status_of(c.sentence) if rel in ontology.SYMMETRIC_FACTS else None,
                model=model,
                confidence=confidence,
            )
        )
    return out
