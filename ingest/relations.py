"""Typed facts between the entities of one article, each with the sentence that states it.

Trigger words are found as a spaCy `Matcher` would find them (`TriggerFinder`); each rule family then relates the entity
mentions of the trigger's sentence by their kinds and their position around the trigger
(subject before, object after), checked against `ontology.fact_allowed`. Only sentences with
two entity mentions, or a trigger and one mention, are looked at.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from spacy.attrs import LOWER
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from graph import ontology
from ingest import facts, jurisdictions
from ingest.arrests import GROUP_ARREST_RULE, arrested_groups
from ingest.entities import Found, in_judicial_district
from ingest.facts import FactClassifier
from ingest.jurisdictions import demonym_forms
from ingest.knowledge import kind_nouns, known_by_name
from ingest.nlp import lower_forms, quoted
from ingest.records import Entity, Relation
from ingest.resolve import AKA_WORDS, aka_link

P, A, PL, ORG, J, OF = (
    ontology.PERSON,
    ontology.AGENCY,
    ontology.PLATFORM,
    ontology.ORGANIZATION,
    ontology.JURISDICTION,
    ontology.OFFENSE,
)
ACTORS = (P, ORG, PL)

_L = "LOWER"
# Trigger patterns per rule family (token patterns on lower-cased forms).
TRIGGERS: dict[str, list[list[dict]]] = {
    "convicted": [
        [{_L: {"IN": ["pleaded", "pled", "plead", "pleads", "pleading"]}}, {_L: "guilty"}],
        [{_L: {"IN": ["convicted", "conviction", "convictions", "sentenced", "sentencing"]}}],
        [{_L: "found"}, {_L: "guilty"}],
        [{_L: "guilty"}, {_L: {"IN": ["plea", "pleas"]}}],
        [{_L: {"IN": ["admitted", "admitting", "admits"]}}],
    ],
    "charged": [
        [
            {
                _L: {
                    "IN": [
                        "charged",
                        "charges",
                        "charge",
                        "indicted",
                        "indictment",
                        "accused",
                        "accusations",
                        "accusation",
                        "allegations",
                        "alleged",
                        "faces",
                        "facing",
                        "faced",
                        "wanted",
                        "suspected",
                        "complaint",
                        "arrested",
                        "implicated",
                        "detained",
                        "tried",
                        "trial",
                    ]
                }
            }
        ]
    ],
    "investigates": [
        [
            {
                _L: {
                    "IN": [
                        "investigation",
                        "investigations",
                        "investigated",
                        "investigating",
                        "investigate",
                        "investigates",
                        "inquiry",
                        "probe",
                        "probing",
                        "traced",
                        "located",
                    ]
                }
            }
        ],
        [{_L: {"IN": ["tracked", "tracking", "track"]}}, {_L: "down"}],  # "tracked down by"
        [{_L: {"IN": ["look", "looks", "looked", "looking"]}}, {_L: "into"}],  # "looking into"
        # "searched / raided his home": a search of someone's premises is of them
        [
            {_L: {"IN": ["searched", "raided", "search", "searches", "raid", "raids"]}},
            {"OP": "?"},
            {_L: {"IN": ["his", "her", "their"]}},
            {_L: {"IN": ["home", "homes", "house", "houses", "apartment", "premises", "office"]}},
        ],
    ],
    "arrested": [
        [{_L: {"IN": ["arrested", "arrest", "arrests", "apprehended", "captured", "detained"]}}],
        # "took X into custody": the person between the verb and "into custody".
        [
            {_L: {"IN": ["took", "take", "takes", "taking", "taken"]}},
            *[{"OP": "?"}] * 4,
            {_L: "into"},
            {_L: "custody"},
        ],
    ],
    "prosecutes": [
        [
            {
                _L: {
                    "IN": [
                        "prosecuted",
                        "prosecuting",
                        "prosecutes",
                        "prosecution",
                        "prosecutions",
                        "sued",
                    ]
                }
            }
        ],
        [{_L: {"IN": ["filed", "brought"]}}, {"OP": "?"}, {_L: {"IN": ["complaint", "charges"]}}],
        [{_L: {"IN": ["indictment", "indictments"]}}, {_L: "of"}],  # "the indictment of X"
    ],
    "cooperates": [
        [
            {
                _L: {
                    "REGEX": r"^(joint(ly)?|partner(s|ship|ships|ed|ing)?|collaborat\w*|"
                    r"cooperat\w*|co-operat\w*|coordinat\w*|assist(ed|ance|ing)?|support(ed)?)$"
                }
            }
        ],
        [
            {_L: {"IN": ["working", "worked", "work", "works", "together"]}},
            {_L: {"IN": ["closely", "together"]}, "OP": "?"},
            {_L: "with"},
        ],
        # "with aid from A", "with the help of B"
        [
            {_L: "with"},
            {_L: "the", "OP": "?"},
            {_L: {"IN": ["aid", "help"]}},
            {_L: {"IN": ["of", "from"]}},
        ],
        [{_L: {"IN": ["combined", "concerted", "collective"]}}, {_L: "efforts"}],
        [{_L: "in"}, {_L: "conjunction"}, {_L: "with"}],
        [{_L: {"IN": ["provided", "shared"]}}, {_L: "information"}],
    ],
    "refuses_data": [
        [{_L: {"REGEX": r"^(resist\w*|refus\w*|declin\w*|reluctan\w*)$"}}],
        [{_L: {"IN": ["not", "n't", "never"]}}, {"OP": "?"}, {_L: {"REGEX": r"^(share|provide)"}}],
    ],
    "requests_data": [
        [
            {_L: {"REGEX": r"^(request\w*|sought|seek\w*|obtain\w*|subpoena\w*|demand\w*)$"}},
            {"OP": "*"},
            {_L: {"IN": ["data", "information", "records", "details"]}},
        ],
    ],
    "extradited": [
        [
            {
                _L: {
                    "REGEX": r"^(extradit\w*|deport\w*|repatriat\w*|return(ed)?|removed|surrender\w*)$"
                }
            }
        ]
    ],
    "seized": [
        [{_L: {"REGEX": r"^(seiz\w*|dismantl\w*)$"}}],
        # "took down", "shut down" the service; not "took steps", "took over an account"
        [
            {_L: {"IN": ["took", "taken", "shut"]}},
            {_L: {"IN": ["down", "offline"]}},
        ],
        [{_L: {"IN": ["takedown", "takedowns", "take-down"]}}, {_L: "of"}],  # "the takedown of X"
    ],
}
LEADER_TITLES = frozenset(
    [
        "head",
        "director",
        "chief",
        "commissioner",
        "administrator",
        "chairman",
        "chairwoman",
        "chair",
        "president",
        "ceo",
        "secretary",
        "sheriff",
        "superintendent",
        "general",
    ]
)
MEMBER_TITLES = frozenset(
    [
        "agent",
        "agents",
        "attorney",
        "attorneys",
        "prosecutor",
        "officer",
        "officers",
        "investigator",
        "inspector",
        "analyst",
        "spokesman",
        "spokeswoman",
        "deputy",
        "assistant",
        "member",
        "official",
        "representative",
    ]
)
UNIT_WORDS = frozenset(
    [
        "office",
        "division",
        "section",
        "branch",
        "unit",
        "bureau",
        "squad",
        "center",
        "centre",
        "directorate",
        "department",
        "task",
        "force",
        "field",
        "operations",
    ]
)
_SOUGHT = ("seek", "sought", "hope", "plan", "aim", "want", "request", "call", "urge", "wish")
_REFUSED = ("refus", "declin", "reject", "resist")
_AGREED = ("agree", "sign", "memorandum", "treaty")
_GENERIC_LE = ("law enforcement", "police", "authorities")


def _lower_test(value: object) -> Callable[[str], bool]:
    """The test of one LOWER predicate of a pattern token: a string, IN or REGEX."""
    if isinstance(value, str):
        return value.__eq__
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(value["IN"]).__contains__
    if isinstance(value, dict) and set(value) == {"REGEX"}:
        rx = re.compile(value["REGEX"])
        return lambda form: rx.search(form) is not None
    raise ValueError(f"unsupported trigger predicate: {value!r}")


_REPEATS = {None: (1, 1), "?": (0, 1), "*": (0, None)}
_FORMS_KEPT = 200_000  # distinct lower-case forms whose answers are kept


@dataclass
class _Step:
    """One token of a trigger pattern: a test on the lower-case form (None: any token), and
    how often it may repeat in a row (spaCy's OP)."""

    test: Callable[[str], bool] | None
    least: int
    most: int | None
    words: frozenset[str] | None = None  # the forms that pass, when the test is a word list
    known: dict[int, bool] = field(default_factory=dict)  # lower-case form (hash) -> passes

    @classmethod
    def of(cls, token: dict[str, Any]) -> _Step:
        if set(token) - {_L, "OP"} or token.get("OP") not in _REPEATS:
            raise ValueError(f"unsupported trigger pattern token: {token!r}")
        least, most = _REPEATS[token.get("OP")]
        value = token.get(_L)
        words = None
        if isinstance(value, str):
            words = frozenset([value])
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = frozenset(value["IN"])
        return cls(_lower_test(value) if _L in token else None, least, most, words)

    def passes(self, lower: int, vocab: Vocab) -> bool:
        if self.test is None:
            return True
        ok = self.known.get(lower)
        if ok is None:
            if len(self.known) > _FORMS_KEPT:
                self.known.clear()  # bounded: the forms grow with the vocabulary
            ok = self.known[lower] = self.test(vocab.strings[lower])
        return ok


def _ends(steps: list[_Step], lowers: list[int], at: int, vocab: Vocab) -> set[int]:
    """Every token index where `steps` can end when they begin at token `at`."""
    if not steps:
        return {at}
    step, rest = steps[0], steps[1:]
    out: set[int] = set()
    i, count = at, 0
    while True:
        if count >= step.least:
            out |= _ends(rest, lowers, i, vocab)
        if i == len(lowers) or (step.most is not None and count == step.most):
            return out
        if not step.passes(lowers[i], vocab):
            return out
        i, count = i + 1, count + 1


class TriggerFinder:
    """The matches of a spaCy `Matcher` holding TRIGGERS (every distinct trigger, start, end),
    found faster.

    The Matcher evaluates every predicate of every pattern on every token of every document
    (a third of the rules' time). Here each pattern token's test is answered once per
    distinct lower-case form, read from the document's LOWER array, and a pattern is only
    followed from tokens its first test accepts.
    """

    def __init__(self) -> None:
        self.patterns = [
            (name, [_Step.of(token) for token in pattern])
            for name, patterns in TRIGGERS.items()
            for pattern in patterns
        ]
        if any(steps[0].test is None or steps[0].least != 1 for _, steps in self.patterns):
            raise ValueError("a trigger pattern must begin with one tested token")
        self.order = {name: i for i, name in enumerate(TRIGGERS)}
        self._starting: dict[int, list[tuple[str, list[_Step]]]] = {}  # form -> patterns
        # the patterns whose first word is one of a list, by that word; the others (a regular
        # expression first) are tested on each new form
        self._by_word: dict[str, list[tuple[str, list[_Step]]]] = {}
        self._tested: list[tuple[str, list[_Step]]] = []
        for pattern in self.patterns:
            words = pattern[1][0].words
            if words is None:
                self._tested.append(pattern)
            for word in words or ():
                self._by_word.setdefault(word, []).append(pattern)

    def _starting_with(self, lower: int, vocab: Vocab) -> list[tuple[str, list[_Step]]]:
        found = self._starting.get(lower)
        if found is None:
            if len(self._starting) > _FORMS_KEPT:
                self._starting.clear()
            form = vocab.strings[lower]
            found = self._by_word.get(form, []) + [
                (n, steps) for n, steps in self._tested if steps[0].passes(lower, vocab)
            ]
            self._starting[lower] = found
        return found

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(trigger name, start, end) of every match, in document order (the Matcher returns
        them in the order its internal states complete)."""
        vocab = doc.vocab
        lowers = doc.to_array(LOWER).tolist()
        starting = {low: self._starting_with(low, vocab) for low in set(lowers)}
        found = {
            (name, i, end)
            for i, lower in enumerate(lowers)
            if starting[lower]
            for name, steps in starting[lower]
            for end in _ends(steps, lowers, i, vocab)
            if end > i
        }
        return sorted(found, key=lambda x: (x[1], x[2], self.order[x[0]]))


_FINDER = TriggerFinder()


@dataclass
class Item:
    """An entity mention inside a sentence."""

    found: Found
    entity: Entity

    @property
    def kind(self) -> str:
        return self.entity.kind


@dataclass
class Sentence:
    span: Span
    items: list[Item]
    triggers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def of(self, *kinds: str, before: int | None = None, after: int | None = None) -> list[Item]:
        return [
            it
            for it in self.items
            if it.kind in kinds
            and (before is None or it.found.end <= before)
            and (after is None or it.found.start >= after)
        ]


@dataclass
class Facts:
    """Collects relations, dropping disallowed patterns, self-loops and duplicates."""

    model: str
    out: dict[tuple[str, str, str], Relation] = field(default_factory=dict)

    def add(
        self,
        rel: str,
        src: Entity,
        tgt: Entity,
        sent: Span,
        rule: str,
        status: str | None = None,
    ) -> None:
        if src.id == tgt.id or not ontology.fact_allowed(rel, src.kind, tgt.kind):
            return
        a, b = (src.id, tgt.id)
        if rel in ontology.SYMMETRIC_FACTS:
            a, b = sorted((a, b))
        key = (rel, a, b)
        known = self.out.get(key)
        if known is not None and not (known.status == "ongoing" and status in _STATED_STATUSES):
            return  # the first sentence stands, unless a later one states what the first did not
        sentence, start, end = quoted(sent)
        self.out[key] = Relation(
            type=rel,
            source=src.id,
            target=tgt.id,
            sentence=sentence,
            start=start,
            end=end,
            rule=rule,
            status=status,
            model=self.model,
        )

    def has(self, rel: str, src: str, tgt: str) -> bool:
        return (rel, src, tgt) in self.out


# Cooperation statuses a sentence states outright ("seeking to collaborate", "refused"):
# better evidence than a sentence that only names the partners ("Collaboration between ...").
_STATED_STATUSES = frozenset({"sought", "refused", "agreed"})


@dataclass
class Context:
    """What the rules of one article share."""

    doc: Doc
    sentences: list[Sentence]
    by_id: dict[str, Entity]
    facts: Facts
    officials: set[str] = field(default_factory=set)
    # people a title places in a company or group, not in an agency: an executive is quoted
    # like an official, yet may be the one arrested or charged where the parse says so
    staff: set[str] = field(default_factory=set)
    main_target: Entity | None = None
    main_agency: Entity | None = None
    last_target: Entity | None = None  # the person the latest sentences were about
    last_group: list[Entity] = field(default_factory=list)  # the people of the latest list


def _sentences(doc: Doc, found: list[Found], entity_of: dict[int, str], by_id) -> list[Sentence]:
    sents = list(doc.sents)
    starts = [s.start for s in sents]
    out = [Sentence(s, []) for s in sents]
    import bisect

    def index(tok: int) -> int:
        return bisect.bisect_right(starts, tok) - 1

    for i, f in enumerate(found):
        if f.nested or i not in entity_of:
            continue
        out[index(f.start)].items.append(Item(f, by_id[entity_of[i]]))
    # a word of a name is no act ("Federal Bureau of Investigation", "IRS-Criminal
    # Investigation" do not investigate)
    named = {i for f in found if f.kind in _NAMED_KINDS for i in range(f.start, f.end)}
    for name, start, end in find_triggers(doc):
        if start in named or (name == "convicted" and _admits_harm(doc[start])):
            continue
        sentence = out[index(start)]
        if _in_capitalised_name(doc, start, sentence.span):
            continue  # "the Data Breach Investigations Report", a name not recognised
        if name == "charged" and _no_court(doc, start):
            continue
        sentence.triggers.setdefault(name, []).append((start, end))
    return out


# Trials that are not in a court ("a clinical trial", "a free trial").
_OTHER_TRIALS = frozenset(
    {"clinical", "medical", "health", "drug", "vaccine", "free", "pilot", "beta", "field",
     "software", "product", "user", "customer", "market"}
)  # fmt: skip


# Charges that are sums billed ("dispute the charge", "unauthorized charges on the card").
_BILLED = frozenset(
    {"dispute", "disputed", "disputing", "unauthorized", "unauthorised", "card", "recurring",
     "monthly", "hidden", "extra", "additional", "service", "roaming", "refund", "reverse"}
)  # fmt: skip


def _no_court(doc: Doc, i: int) -> bool:
    """ "tried to" (attempted), "a clinical trial" and "dispute the charge" name no
    proceeding."""
    word = doc[i].lower_
    if word in ("charge", "charges"):
        near = {doc[j].lower_ for j in range(max(i - 2, 0), i)} | {doc[i].head.lower_}
        return not near.isdisjoint(_BILLED)
    if word == "tried":
        return i + 1 < len(doc) and doc[i + 1].lower_ == "to"
    if word == "trial":
        return any(c.lower_ in _OTHER_TRIALS for c in doc[i].children if c.i < i)
    return False


def _in_capitalised_name(doc: Doc, i: int, sent: Span) -> bool:
    """A capitalised word between capitalised words, in a sentence with lower-case words (a
    headline may capitalise every word but the shortest)."""
    if not (sent.start < i < sent.end - 1 and doc[i].is_title):
        return False
    if not (doc[i - 1].is_title and doc[i + 1].is_title and doc[i + 1].is_alpha):
        return False
    return in_running_text(sent)


def in_running_text(sent: Span) -> bool:
    """The sentence has lower-case words, so a capitalised word in it is a name's (a headline
    may capitalise every word but the shortest)."""
    return sum(t.is_lower and len(t) > 3 for t in sent) >= 2


# What a victim admits to: "admitted to suffering an attack", "admitted that it was hit".
_HARM_WORDS = frozenset(
    {"suffer", "suffers", "suffered", "suffering", "hit", "breached", "compromised", "affected",
     "targeted", "attacked", "infected", "impacted", "experienced", "experiencing", "fell",
     "victim", "victims"}
)  # fmt: skip


def _admits_harm(verb: Token) -> bool:
    """An admission of having been harmed is no admission of guilt."""
    if not verb.lower_.startswith("admit"):
        return False
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "to":
            told = [c for c in child.children if c.dep_ in ("pcomp", "pobj")]
        elif child.dep_ in ("ccomp", "xcomp"):
            told = [child]
        else:
            continue
        for t in told:
            if t.lower_ in _HARM_WORDS or any(
                c.dep_ == "attr" and c.lower_ in _HARM_WORDS for c in t.children
            ):
                return True
    return False


_NAMED_KINDS = frozenset({A, ORG, PL, P})


def _between(doc: Doc, a: Found, b: Found) -> list[str]:
    return [t.lower_ for t in doc[a.end : b.start]]


def _structural(ctx: Context) -> None:
    """Facts stated by apposition and naming: LEADS, MEMBER_OF, FOUNDED, BASED_IN."""
    for s in ctx.sentences:
        items = s.items
        for i, a in enumerate(items):
            for j, b in enumerate(items[i + 1 : i + 8], i + 1):
                gap = _between(ctx.doc, a.found, b.found)
                if len(gap) > 8:
                    break
                # a title belongs to the nearest name before it: "<agency> arrested <company>
                # CEO X" does not make X the agency's head
                nearest = not any(
                    it.kind in (A, ORG, PL) and not _rank_words(ctx.doc, it)
                    for it in items[i + 1 : j]
                )
                _pair_rules(ctx, s, a, b, gap, nearest)
        _based_in(ctx, s)
        _located_in(ctx, s)
        _person_of_place(ctx, s)
        _described_by_place(ctx, s)
        _demonym_before(ctx, s)
        _people_of_unit(ctx, s)
        _membership_list(ctx, s)
        _members_by_predicate(ctx, s)
        _runs(ctx, s)
        _office_holders(ctx, s)
        _affiliations(ctx, s)


_FOUNDER_WORDS = frozenset({"founder", "co-founder", "cofounder", "chief", "attorney", "judge"})


# Ranks and honorifics written between a title and a name ("chief Army Gen. X", "head Dr. Y").
_RANKS = frozenset(
    {"gen.", "gen", "lt.", "col.", "maj.", "capt.", "adm.", "sgt.", "cmdr.", "army", "navy",
     "air", "force", "marine", "dr.", "dr", "mr.", "ms.", "mrs.", "prof."}
)  # fmt: skip


def _rank_words(doc: Doc, it: Item) -> bool:
    """A name that is only a rank or a service ("chief Army Gen. X": the Army)."""
    return all(t.lower_ in _RANKS for t in doc[it.found.start : it.found.end])


def _without_ranks(gap: list[str]) -> list[str]:
    end = len(gap)
    while end > 1 and gap[end - 1] in _RANKS:
        end -= 1
    return gap[:end]


def _without_article(words: list[str]) -> list[str]:
    """The words without a last "the", "a" or "an" (", director at the" -> ", director at")."""
    return words[:-1] if len(words) > 1 and words[-1] in ("the", "a", "an") else words


# Words that may precede a leader's title without making it the title of a part of the
# organisation ("executive director", "acting head", "former chief").
_HEAD_TITLE_MODIFIERS = frozenset(
    {"'s", "’s", "the", "executive", "acting", "interim", "former", "managing", "general", "co",
     "-", "and", "&", "current", "longtime", "new", "then", "top", "rotating"}
)  # fmt: skip


def _unit_head(title: list[str]) -> bool:
    """A leader's title that heads a part of the organisation named before it: a word of
    another kind before the leader's word ("safety head", "software chief", "technical
    director")."""
    if not title or title[-1] not in LEADER_TITLES:
        return False
    return any(w not in LEADER_TITLES and w not in _HEAD_TITLE_MODIFIERS for w in title[:-1])


def _title_rel(words: list[str]) -> str | None:
    ws = set(words)
    if {"chief", "officer"} <= ws and "executive" not in ws:
        ws.discard("chief")  # "chief fintech officer" is an officer, not the head
    if "founder" in ws or "co-founder" in ws or "founded" in ws:
        return "FOUNDED"
    if ws & {"deputy", "assistant", "principal"} and "attorney" not in ws:
        return "MEMBER_OF"
    if ws & LEADER_TITLES or ("attorney" in ws and "general" in ws):
        return "LEADS"
    if ws & MEMBER_TITLES:
        return "MEMBER_OF"
    return None


def _pair_rules(
    ctx: Context, s: Sentence, a: Item, b: Item, gap: list[str], nearest: bool = True
) -> None:
    f, sent = ctx.facts, s.span
    # "Y's X" and "Y (ABBR) X" / "Y X" for a unit X of agency Y.
    if a.kind == A and b.kind == A:
        unit = any(w.lower() in UNIT_WORDS for w in b.entity.name.split())
        if gap in (["'s"], ["’s"], ["'"]) or (unit and (not gap or _is_abbr(gap))):
            f.add("MEMBER_OF", b.entity, a.entity, sent, "member_of.possessive_or_adjacent")
        elif unit_words(a.entity) and gap in (
            ["of"],
            ["of", "the"],
            ["at", "the"],
            ["within", "the"],
        ):
            f.add("MEMBER_OF", a.entity, b.entity, sent, "member_of.unit_of")
    # "Telegram founder Pavel Durov", "INTERPOL Washington Director Shawn Bray"
    titled = _without_ranks(gap)  # "Cyber Command chief Army Gen. Paul Nakasone"
    title_last = bool(titled) and titled[-1] in LEADER_TITLES | MEMBER_TITLES | _FOUNDER_WORDS
    if a.kind in (A, ORG, PL) and b.kind == P and 0 < len(gap) <= 5 and "," not in gap and nearest:
        # The title ends right before the name: "HSI special agents arrested X" names no title.
        rel = _title_rel(titled) if title_last else None
        if rel == "LEADS" and _unit_head(titled):
            rel = "MEMBER_OF"  # "Acme software head X" heads a part of Acme
        if rel:
            f.add(rel, b.entity, a.entity, sent, f"{rel.lower()}.title_before_name")
    # "Harris County District Attorney Kim Ogg": the office's holder leads it.
    if a.kind == A and b.kind == P and not gap and a.found.text.lower().endswith(_HOLDER_ENDS):
        f.add("LEADS", b.entity, a.entity, sent, "leads.office_title")
    # "Maria Lind, head of ...", "Tom Ferris, Director of the Bureau ..."
    # ("X, head of research at Acme" is an affiliation: `_affiliations` reads it.)
    if (
        a.kind == P
        and b.kind in (A, ORG, PL)
        and gap[:1] == [","]
        and _without_article(gap)[-1] not in ("at", "with", "from")
    ):
        target = _chain_end(s, b)
        rel = _title_rel(gap[1:])
        if rel and (rel != "MEMBER_OF" or "of" in gap):
            f.add(rel, a.entity, target.entity, sent, f"{rel.lower()}.apposition")
    # "Trial Attorney X of the Criminal Division"; "Chief Judge X of the court" heads it
    if a.kind == P and b.kind == A and gap in (["of"], ["of", "the"], ["with"], ["with", "the"]):
        target = _chain_end(s, b)
        if gap[0] == "of" and _heads_office(ctx.doc, s, a, target.entity.name):
            f.add("LEADS", a.entity, target.entity, sent, "leads.title_of_office")
        elif not ctx.facts.has("LEADS", a.entity.id, target.entity.id):
            f.add("MEMBER_OF", a.entity, target.entity, sent, "member_of.person_of")
    if a.kind == P and b.kind in (ORG, PL) and gap and gap[0] == "founded":
        f.add("FOUNDED", a.entity, b.entity, sent, "founded.verb")


# Titles written before a name whose holder heads the office named after it ("Special Agent in
# Charge X of the FBI's Boston Field Office", "U.S. Attorney X of the District of Alaska",
# "Chief Judge X of the court"); a deputy's or an assistant's title does not.
_OFFICE_HEAD_TITLES = (
    "special agent in charge", "u.s. attorney", "us attorney", "united states attorney",
    "chief judge", "presiding judge", "director", "chief", "commissioner", "head", "president",
    "chairman", "chairwoman", "chair", "superintendent", "sheriff", "administrator",
)  # fmt: skip
_SECOND_IN_LINE = ("deputy", "assistant", "associate", "vice", "acting assistant")
# The US Justice Department's divisions are each headed by an Assistant Attorney General.
_DIVISION_HEAD = "assistant attorney general"


def _heads_office(doc: Doc, s: Sentence, person: Item, office: str) -> bool:
    """Whether the title written right before `person` makes them the head of `office`."""
    before = doc[max(s.span.start, person.found.start - 5) : person.found.start].text.lower()
    before = " " + before.replace("’", "'").replace("-", " ")
    if before.endswith(" " + _DIVISION_HEAD):
        rest = before[: -len(_DIVISION_HEAD)].rstrip()
        return office.endswith("Division") and not rest.endswith(("deputy", "principal"))
    for title in _OFFICE_HEAD_TITLES:
        if before.endswith(" " + title):
            rest = before[: -len(title)].rstrip()
            return not rest.endswith(_SECOND_IN_LINE)
    return False


# How news attributes a quote to someone's employer: "X, vice president of strategy at Acme",
# "X from Acme", "Acme researcher X", "Acme's X", "Acme's head of research X".
_AFFILIATION_PREPS = frozenset({"at", "with", "from", "of"})
_TITLE_POS = frozenset({"NOUN", "PROPN", "ADJ"})
_TITLE_LINKS = frozenset({"of", "for", "and", "&", "-"})
_TITLE_LONGEST = 8
# Titles that make their holder the head of the organisation named after them.
_HEAD_TITLES = frozenset(
    {"ceo", "chief executive", "chief executive officer", "president", "chairman", "chairwoman",
     "chair", "head", "director", "executive director", "managing director", "director general",
     "leader", "boss"}
)  # fmt: skip


def _is_title(tokens: Span) -> bool:
    """A job title as news writes it: nouns and adjectives with "of", "for", "and" between."""
    words = [t for t in tokens if not (t.lower_ in ("the", "a", "an") and t.i == tokens.start)]
    return (
        0 < len(words) <= _TITLE_LONGEST
        and words[-1].pos_ in _TITLE_POS
        and all(t.pos_ in _TITLE_POS or t.lower_ in _TITLE_LINKS for t in words)
        and not any(t.tag_.startswith("VB") for t in words)
    )


def _affiliation_rel(title: str) -> str:
    words = title.lower().replace("-", " ").split()
    if "founder" in words:
        return "FOUNDED"
    core = " ".join(w for w in words if w not in ("the", "a", "an"))
    parts = [p.strip() for p in core.replace("&", " and ").split(" and ")]
    # "president and CEO", "founder & CEO": one of the titles heads the organisation
    return "LEADS" if core in _HEAD_TITLES or set(parts) & _HEAD_TITLES else "MEMBER_OF"


def _role_title(words: list[str]) -> bool:
    """ "researcher", "senior director of security strategy": a role, or a role of a field."""
    head = words[words.index("of", 1) - 1] if "of" in words[1:] else words[-1]
    return head in _NEWS_ROLES


def _without_descriptor(gap: Span) -> Span:
    """The words before a name without the lower-case noun phrase that describes it after a
    preposition: ", VP of Strategy at cybersecurity firm" -> ", VP of Strategy at"."""
    end = gap.end
    while end > gap.start and gap.doc[end - 1].is_lower and gap.doc[end - 1].pos_ in _TITLE_POS:
        end -= 1
    if end == gap.end or kind_nouns().get(gap.doc[gap.end - 1].lower_) not in (A, ORG, PL):
        return gap
    if end > gap.start and gap.doc[end - 1].lower_ in ("the", "a", "an"):
        end -= 1
    if end > gap.start and gap.doc[end - 1].lower_ in _AFFILIATION_PREPS:
        return gap.doc[gap.start : end]
    return gap


def _affiliations(ctx: Context, s: Sentence) -> None:
    """A person's employer as news names it when it quotes them (the text's own words, one
    sentence): "X, <title> at Acme", "X from Acme", "Acme <title> X", "Acme's <title> X"."""
    doc, f, sent = ctx.doc, ctx.facts, s.span
    people = s.of(P)
    employers = s.of(A, ORG)
    for p in people:
        for o in employers:
            rel = None
            if p.found.end <= o.found.start:
                gap = doc[p.found.end : o.found.start]
                gap = _without_descriptor(gap)  # "X, VP at cybersecurity firm Acme"
                words = [t.lower_ for t in gap]
                if words[-1:] == ["the"] and len(words) >= 4:
                    gap, words = gap[:-1], words[:-1]  # "X, a member of the Acme gang"
                if words == ["from"]:
                    rel = "MEMBER_OF"  # "Sergei Glazunov from Project Zero"
                elif (
                    len(words) >= 3
                    and words[0] == ","
                    and words[-1] in _AFFILIATION_PREPS
                    and _is_title(_described(gap[1:-1]))
                ):
                    rel = _affiliation_rel(_described(gap[1:-1]).text)
                elif words in ([","], [",", "a"], [",", "an"]):
                    rel = _role_after(doc, o, s.span.end)  # "X, a Acme researcher"
            elif o.found.end <= p.found.start:
                gap = doc[o.found.end : p.found.start]
                words = [t.lower_ for t in gap]
                if len(words) > 3 and words[0] == "(" and words[2] == ")":
                    gap, words = gap[3:], words[3:]  # "Acme (AC)'s X": the abbreviation
                if any(o.found.end <= q.found.start < p.found.start for q in people):
                    continue  # "Acme analyst A and researcher B": B's title is B's own
                if words in (["'s"], ["’s"], ["'"], ["’"]):
                    rel = "MEMBER_OF"  # "<company>'s <unit name>'s <person>", "Malwarebytes’ X"
                elif words[:1] in (["'s"], ["’s"]) and _is_title(gap[1:]):
                    rel = _affiliation_rel(gap[1:].text)
                elif words and _role_title(words) and _is_title(gap):
                    rel = _affiliation_rel(gap.text)  # "F-Secure researcher Jarno Niemela"
            if rel is None:
                continue
            target = o if rel != "MEMBER_OF" else _chain_end(s, o)
            members = [p]
            if o.found.end <= p.found.start:  # "Acme's Ann Lee and Bo Park": the whole list
                members += _listed_after(doc, people, p)
            else:  # "Ann Lee and Bo Park, members of Acme"
                members += _listed_before(doc, people, p)
            for member in members:
                if not f.has("LEADS", member.entity.id, target.entity.id):
                    f.add(rel, member.entity, target.entity, sent, f"{rel.lower()}.affiliation")


_NAME_LIST_GAPS = ([","], ["and"], [",", "and"])
# Words that describe a title without being part of it ("two alleged members of").
_TITLE_QUALIFIERS = frozenset(
    {"a", "an", "the", "alleged", "suspected", "former", "longtime", "senior", "both", "all"}
)


def _described(title: Span) -> Span:
    """The title without the words that count or qualify it: "two alleged members" -> "members"."""
    start = title.start
    while start < title.end - 1 and (
        title.doc[start].lower_ in _TITLE_QUALIFIERS or title.doc[start].like_num
    ):
        start += 1
    return title.doc[start : title.end]


def _role_after(doc: Doc, employer: Item, end: int) -> str | None:
    """ "X, a Acme researcher", "X, Acme's director of sales": the relation the title written
    right after the employer gives its holder (None when no title follows)."""
    i = employer.found.end
    if doc[i : i + 1].text in ("'s", "’s"):
        j = i + 1
        while (
            j < end
            and j - i <= _TITLE_LONGEST
            and (doc[j].pos_ in _TITLE_POS or doc[j].lower_ in _TITLE_LINKS)
        ):
            j += 1
        title = doc[i + 1 : j]
        if len(title) and title[-1].lower_ in _TITLE_LINKS:
            title = title[:-1]
        return _affiliation_rel(title.text) if _is_title(title) else None
    if i < end and doc[i].lower_ in _NEWS_ROLES and doc[i].pos_ == "NOUN":
        return _affiliation_rel(doc[i].text)
    return None


def _listed_before(doc: Doc, people: list[Item], last: Item) -> list[Item]:
    """The people listed right before `last` ("A, B and C")."""
    out, first = [], last
    for q in reversed(people):
        if q.found.end > first.found.start:
            continue
        if [t.lower_ for t in doc[q.found.end : first.found.start]] not in _NAME_LIST_GAPS:
            break
        out.append(q)
        first = q
    return out


def _listed_after(doc: Doc, people: list[Item], first: Item) -> list[Item]:
    """The people listed right after `first` ("A, B and C")."""
    out, last = [], first
    for q in people:
        if q.found.start < last.found.end:
            continue
        if [t.lower_ for t in doc[last.found.end : q.found.start]] not in _NAME_LIST_GAPS:
            break  # (a ";" list gives each person their own affiliation)
        out.append(q)
        last = q
    return out


# Role nouns news puts between an employer and a person ("Acme researcher X").
_NEWS_ROLES = frozenset(
    {"researcher", "researchers", "analyst", "analysts", "engineer", "scientist", "expert",
     "advocate", "evangelist", "consultant", "strategist", "architect", "spokesperson",
     "spokesman", "spokeswoman", "counsel", "lead", "manager", "editor", "reporter",
     "journalist", "professor", "fellow", "partner", "officer", "official", "director",
     "executive", "investigator", "specialist", "founder", "ceo", "cto", "ciso",
     "president", "head", "chief", "vp", "cfo", "coo", "cio", "cso", "cmo", "cpo", "cro",
     "svp", "evp", "chairman", "chairwoman", "co-founder", "cofounder"}
)  # fmt: skip


_HOLDER_ENDS = ("attorney", "sheriff", "defender")
_BARE_OFFICES = ("district attorney", "state's attorney", "state attorney", "county attorney")


def _office_holders(ctx: Context, s: Sentence) -> None:
    """ "District Attorney Kim Ogg said": the holder of the title leads the article's office of
    that title ("Dallas County District Attorney's Office"), when it names exactly one."""
    for it in s.of(P):
        before = ctx.doc[max(s.span.start, it.found.start - 3) : it.found.start].text.lower()
        before = before.replace("’", "'")
        title = next((t for t in _BARE_OFFICES if before.endswith(t)), None)
        if title is None or before.endswith(("assistant " + title, "deputy " + title)):
            continue
        offices = {
            e.id: e
            for e in ctx.by_id.values()
            if e.kind == A and title in e.name.lower().replace("’", "'")
        }
        if len(offices) == 1:
            office = next(iter(offices.values()))
            ctx.facts.add("LEADS", it.entity, office, s.span, "leads.office_title")


# Titles of the US Justice Department's officials written before their names: US Attorneys,
# the Attorney General and the assistant, associate and deputy attorneys general.
_JUSTICE_TITLES = (
    ("u.s. attorney", "MEMBER_OF"),
    ("us attorney", "MEMBER_OF"),
    ("united states attorney", "MEMBER_OF"),
    ("assistant attorney general", "MEMBER_OF"),
    ("associate attorney general", "MEMBER_OF"),
    ("deputy attorney general", "MEMBER_OF"),
    ("u.s. attorney general", "LEADS"),
    ("us attorney general", "LEADS"),
)
_JUSTICE_DEPARTMENT = "U.S. Department of Justice"


def _justice_officials(ctx: Context) -> None:
    """ "Acting US Attorney Leonard Boyle said", "Deputy Attorney General Lisa Monaco": the
    official belongs to (or, as US Attorney General, leads) the Justice Department, when the
    article names the department and places the official in no office of it (a press release's
    "U.S. Attorney X of the Southern District" leads that office)."""
    department = next(
        (e for e in ctx.by_id.values() if e.kind == A and e.name == _JUSTICE_DEPARTMENT), None
    )
    if department is None:
        return
    placed = {r.source for r in ctx.facts.out.values() if r.type in ("LEADS", "MEMBER_OF")}
    for s in ctx.sentences:
        for it in s.of(P):
            if it.entity.id in placed:
                continue
            before = ctx.doc[max(s.span.start, it.found.start - 4) : it.found.start].text.lower()
            rel = next((r for title, r in _JUSTICE_TITLES if before.endswith(title)), None)
            if rel is not None:
                ctx.facts.add(rel, it.entity, department, s.span, f"{rel.lower()}.justice_title")
                placed.add(it.entity.id)


_LIST_GAPS = ([","], ["and"], [",", "and"], [";"], [";", "and"])


def _people_of_unit(ctx: Context, s: Sentence) -> None:
    """ "Trial Attorneys A and B of the Human Rights Section", "A and B of Acme Corp": every
    listed person is a member."""
    items = s.items
    for i, b in enumerate(items):
        if b.kind not in (A, ORG) or i == 0 or items[i - 1].kind != P:
            continue
        gap = _between(ctx.doc, items[i - 1].found, b.found)
        if gap not in (["of"], ["of", "the"]):
            continue
        target = _chain_end(s, b)
        j = i - 1
        while j >= 0 and items[j].kind == P:
            person = items[j].entity
            if not ctx.facts.has("LEADS", person.id, target.entity.id):
                ctx.facts.add("MEMBER_OF", person, target.entity, s.span, "member_of.people_of")
            if j == 0 or _between(ctx.doc, items[j - 1].found, items[j].found) not in _LIST_GAPS:
                break
            j -= 1


# A group and its members: "the unit's members include", "the task force includes", "a coalition
# comprising".
_MEMBERSHIP = frozenset(
    {"members", "membership", "roster", "member", "force", "taskforce", "coalition", "alliance",
     "consortium", "partnership"}
)  # fmt: skip
_INCLUDE = frozenset(
    {"include", "includes", "included", "including", "are", "comprise", "comprises", "comprising"}
)


def _membership_list(ctx: Context, s: Sentence) -> None:
    """ "The unit's members include A, B and C": each agency is a member."""
    doc = ctx.doc
    lowers = lower_forms(doc)
    for i in range(max(s.span.start, 2), s.span.end):
        if lowers[i] not in _INCLUDE:
            continue
        if not set(lowers[max(i - 3, s.span.start) : i]) & _MEMBERSHIP:
            continue
        t = doc[i]
        groups = [it for it in s.of(A, ORG, before=t.i)]
        if not groups:
            return
        group = groups[-1]
        for member in s.of(A, after=t.i + 1):
            ctx.facts.add("MEMBER_OF", member.entity, group.entity, s.span, "member_of.list")
        return


_MEMBER_NOUNS = frozenset({"member", "members"})
_WORK_VERBS = frozenset({"work", "works", "worked", "working"})
# Verbs of running a service, a company or a group ("X operated the Y botnet", "who runs Y",
# "charged with operating Y"): the one who does it leads what they run.
_RUN_VERBS = frozenset(
    {"operate", "operates", "operated", "operating", "run", "runs", "ran", "running", "head",
     "heads", "headed", "heading", "lead", "leads", "led", "leading", "manage", "manages",
     "managed", "managing", "administered", "administers", "administering"}
)  # fmt: skip
_NAMING = frozenset({"named", "called", "dubbed", "known"})


def _head_words(g: Token) -> list[Token]:
    """A phrase's head and the words before it that may name it ("the Krogan gang")."""
    return [g, *(w for w in g.children if w.i < g.i)]


def _run_object(s: Sentence, verb: Token) -> Item | None:
    """The service, company or group a run verb's object names: the object itself, the name
    before its head noun ("the Helix mixer"), or after a naming word ("a botnet named X")."""
    for g in (c for c in verb.children if c.dep_ == "dobj"):
        words: list[Token] = []  # the name a naming word gives first: "a Tor service called X"
        for acl in (c for c in g.children if c.dep_ in ("acl", "appos")):
            if acl.lower_ in _NAMING:
                words += [w for c in acl.children for w in c.subtree]
            elif acl.dep_ == "appos":
                words.append(acl)
        words += _head_words(g)
        for w in words:
            it = _item_at(s, w.i)
            if it is not None and it.kind in (ORG, PL):
                return it
    return None


def _runner(s: Sentence, verb: Token) -> list[Item]:
    """Who runs: the verb's subject; for "who runs X" the person the clause describes; for
    "charged with / admitted to running X" the subject of the verb it completes."""
    word = verb
    for _ in range(3):
        subjects = [c for c in word.children if c.dep_ in ("nsubj", "nsubjpass")]
        subjects = [c for c in subjects if c.lower_ not in ("who", "that")] or (
            [word.head] if word.dep_ == "relcl" else []
        )
        people = [it for c in subjects for t in _conjuncts(c) if (it := _item_at(s, t.i))]
        if people:
            return [it for it in people if it.kind == P]
        if word.dep_ in ("conj", "pcomp", "xcomp", "advcl") or (
            word.dep_ == "pobj" and word.tag_ == "VBG"
        ):
            word = word.head.head if word.head.dep_ == "prep" else word.head
        else:
            break
    return []


def _runs(ctx: Context, s: Sentence) -> None:
    """ "Pavel Petrov created and operated a botnet named X", "Y, who runs the X website",
    "charged with operating X": the person leads the service, company or group."""
    lowers = lower_forms(ctx.doc)
    for i in range(s.span.start, s.span.end):
        if lowers[i] not in _RUN_VERBS or ctx.doc[i].pos_ != "VERB":
            continue
        verb = ctx.doc[i]
        target = _run_object(s, verb)
        if target is None:
            continue
        for person in _runner(s, verb):
            ctx.facts.add("LEADS", person.entity, target.entity, s.span, "leads.runs")


def _members_by_predicate(ctx: Context, s: Sentence) -> None:
    """ "A, B and C were members of X", "A worked for X", "while working for X, A ...": the
    people the predicate is said of are members of the group, agency or company."""
    doc = ctx.doc
    lowers = lower_forms(doc)
    for i in range(s.span.start, s.span.end):
        low = lowers[i]
        if low not in _MEMBER_NOUNS and low not in _WORK_VERBS:
            continue
        tok = doc[i]
        prep = "of" if low in _MEMBER_NOUNS else "for"
        objects = [g for c in tok.children if c.lower_ == prep for g in c.children]
        words = [w for g in objects for w in _head_words(g)]
        group = next(
            (it for w in words if (it := _item_at(s, w.i)) and it.kind in (A, ORG, PL)), None
        )
        if group is None:
            continue
        if low in _MEMBER_NOUNS:
            if tok.dep_ != "attr":  # "X were members of": the copula's subject
                continue
            verb = tok.head
        else:
            verb = tok
            if tok.tag_ == "VBG" and tok.dep_ == "advcl":
                verb = tok.head  # "while working for X, A ...": the main clause's subject
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        for t in (t for c in subjects for t in _conjuncts(c)):
            it = _item_at(s, t.i)
            if it is not None and it.kind == P:
                ctx.facts.add("MEMBER_OF", it.entity, group.entity, s.span, "member_of.predicate")


def unit_words(e: Entity) -> bool:
    return e.name.split()[0].lower() in UNIT_WORDS or e.name.split()[-1].lower() in UNIT_WORDS


def _is_abbr(gap: list[str]) -> bool:
    return len(gap) == 3 and gap[0] == "(" and gap[2] == ")"


def _chain_end(s: Sentence, b: Item) -> Item:
    """In "the Treasury's Office of Investigations" the office is meant, not the Treasury."""
    idx = s.items.index(b)
    cur = b
    for nxt in s.items[idx + 1 :]:
        gap = [t.lower_ for t in s.span.doc[cur.found.end : nxt.found.start]]
        if gap in (["'s"], ["’s"], ["'"]) and nxt.kind in (A, ORG):
            cur = nxt
            continue
        break
    return cur


_RESIDENCE = frozenset(
    [
        "national",
        "nationals",
        "citizen",
        "citizens",
        "resident",
        "residents",
        "native",
        "based",
        "headquartered",
        "born",
    ]
)
_WINDOW_STOP = frozenset(
    ["from", "to", "who", "which", "that", "was", "were", "is", "are", "has", "had", "and"]
)


def _located_in(ctx: Context, s: Sentence) -> None:
    """ "Harbor Bank, in Halifax, Nova Scotia": an organisation placed by ", in City, Place"."""
    doc = ctx.doc
    places = {it.found.start: it for it in s.of(J)}
    for it in s.of(ORG, PL):
        j = it.found.end + (1 if doc[it.found.end : it.found.end + 1].text == "," else 0)
        if j >= s.span.end or doc[j].lower_ != "in":
            continue
        k = j + 1
        while k < s.span.end and k - j < 12:
            tok = doc[k]
            if k in places:
                place = places[k]
                ctx.facts.add("BASED_IN", it.entity, place.entity, s.span, "based_in.located")
                k = place.found.end
                continue
            if not (tok.text == "," or (tok.is_title and tok.is_alpha)):
                break
            k += 1


def _person_of_place(ctx: Context, s: Sentence) -> None:
    """ "X, 19, of <town>, in <country>", "X, aka '<handle>', 22, of <city>, <state>":
    where a person is from, as charging documents and the news that quote them write
    it (the name, an alias and an age between commas, then "of" and the place)."""
    doc = ctx.doc
    places = {it.found.start: it for it in s.of(J)}
    for it in s.of(P):
        if aka_link(doc, it.found.start) is not None:
            continue  # the alias of the name before it, not another person
        k, quoted_alias = it.found.end, False
        while k < s.span.end and k - it.found.end < 12:  # ", aka “Chaewon,” 19,"
            tok = doc[k]
            if tok.is_quote:
                quoted_alias = not quoted_alias
                k += 1
            elif tok.text in (",", ".") or tok.like_num or tok.lower_ in AKA_WORDS:
                k += 1
            elif quoted_alias or doc[k - 1].lower_ in AKA_WORDS:
                k += 1  # the alias itself ("The Bull" between quotes)
            else:
                break
        after_comma = doc[k - 1].text == "," or (doc[k - 1].is_quote and doc[k - 2].text == ",")
        if k >= s.span.end or doc[k].lower_ != "of" or not after_comma:
            continue  # ", of <place>" (or ",” of <place>" after a quoted alias)
        k += 1
        while k < s.span.end and k - it.found.end < 24:
            if k in places:
                ctx.facts.add("BASED_IN", it.entity, places[k].entity, s.span, "based_in.of_place")
                k = places[k].found.end
                continue
            tok = doc[k]
            if not (
                tok.text == "," or tok.lower_ in ("in", "the") or (tok.is_title and tok.is_alpha)
            ):
                break
            k += 1


# Nouns that describe a person in an apposition ("X, a Florida man", "a Texas 17-year-old").
_DESCRIBED_PEOPLE = frozenset(
    {"man", "woman", "teen", "teenager", "boy", "girl", "resident", "native", "national",
     "citizen", "old", "youth", "student", "hacker", "businessman", "businesswoman"}
)  # fmt: skip


def _described_by_place(ctx: Context, s: Sentence) -> None:
    """ "Graham Ivan Clark, a Florida 17-year-old", "X, a former Texas resident": the place
    that opens the description set off after a person's name is where they are from."""
    doc = ctx.doc
    places = {it.found.start: it for it in s.of(J)}
    for it in s.of(P):
        k = it.found.end
        if k + 2 >= s.span.end or doc[k].text != "," or doc[k + 1].lower_ not in ("a", "an"):
            continue
        k += 2
        while k < s.span.end and doc[k].lower_ in ("former", "young", "local"):
            k += 1
        place = places.get(k)
        if place is None:
            continue
        j = place.found.end
        described = False
        while j < s.span.end and j - place.found.end < 6 and doc[j].text not in (",", "."):
            described = described or doc[j].lower_ in _DESCRIBED_PEOPLE
            j += 1
        if described:
            ctx.facts.add("BASED_IN", it.entity, place.entity, s.span, "based_in.described")


def _demonym_before(ctx: Context, s: Sentence) -> None:
    """ "American software giant Globex", "a former Chilean army officer, X":
    a demonym opening the noun phrase that names or describes the actor."""
    doc = ctx.doc
    demonyms = demonym_forms()
    for dem in s.of(J):
        if dem.found.text not in demonyms:
            continue
        k = _description_end(doc, dem.found.end, s.span.end)
        opens = {t.lower_ for t in doc[max(dem.found.start - 2, s.span.start) : dem.found.start]}
        if k < s.span.end and doc[k].text == "," and k > dem.found.end and opens & {"a", "an"}:
            k += 1  # "a former Chilean army officer, Ruiz"
        actors = s.of(P, ORG, PL)
        actor = next((it for it in actors if it.found.start == k), None)
        if actor is None or k == dem.found.end:
            continue
        based = [actor]
        if doc[k - 1].tag_ == "NNS":  # "Israeli companies A and B": each of the list
            based += _listed_after(doc, actors, actor)
        for it in based:
            ctx.facts.add("BASED_IN", it.entity, dem.entity, s.span, "based_in.demonym")


_CLAUSE_ENDS = frozenset({")", ",", ";", ":"})
# Words that join the words of a description ("memory and storage maker", "office-supply").
_DESCRIPTION_JOINS = frozenset({"and", "&", "-"})
_DESCRIPTION_LONGEST = 6


def _description_end(doc: Doc, start: int, end: int) -> int:
    """Where the lower-case description that starts at `start` ends ("software giant", "memory
    and storage maker", "office-supply retailer"): at most six words, nouns and adjectives, joined
    by "and", "&" or a hyphen, the last a noun; `start` when there is none."""
    k, last_noun = start, start
    while k < end and k - start < _DESCRIPTION_LONGEST:
        t = doc[k]
        if t.is_lower and t.pos_ in ("NOUN", "ADJ"):
            k += 1
            if t.pos_ == "NOUN":
                last_noun = k
        elif t.text in _DESCRIPTION_JOINS and k > start and k + 1 < end and doc[k + 1].is_lower:
            k += 1
        else:
            break
    return last_noun if last_noun == k else start


def _based_in(ctx: Context, s: Sentence) -> None:
    """ "X, a Russian national", "a resident of Atascosa County, Texas", "a Dubai-based exchange"."""
    doc = ctx.doc
    for it in s.items:
        if it.kind not in ACTORS:
            continue
        end = min(it.found.end + 20, s.span.end)
        window_end = end
        # "Acme (a firm based in Norway)": the parenthesis describes the name; what follows it
        # does not
        aside = doc[it.found.end : it.found.end + 1].text == "("
        for t in doc[it.found.end : end]:
            if (
                # a verb ends the window, a participle describing a noun does not ("an
                # encrypted email service based in")
                (t.pos_ in ("VERB", "AUX") and t.dep_ != "amod" and t.lower_ not in _RESIDENCE)
                or (t.lower_ in _WINDOW_STOP and t.lower_ != "and")
                or (aside and t.text == ")")
            ):
                window_end = t.i
                break
        before = doc[max(it.found.start - 3, s.span.start) : it.found.start]
        # "Acme (a firm based in Norway), Beta (...)": a place before the name's own clause
        # is another name's.
        cut = [t.i + 1 for t in before if t.text in _CLAUSE_ENDS]
        before = doc[cut[-1] if cut else before.start : it.found.start]
        # Lower-case only: "National" in "National Office of Investigation" is not residence.
        words = {t.text for t in doc[it.found.end : window_end]} | {t.text for t in before}
        if not words & _RESIDENCE:
            continue
        for other in s.items:
            inside = it.found.end <= other.found.start < window_end
            just_before = before.start <= other.found.start < it.found.start
            if other.kind == J and (inside or just_before):
                ctx.facts.add("BASED_IN", it.entity, other.entity, s.span, "based_in.apposition")


def _agency_places(ctx: Context, found: list[Found], entity_of: dict[int, str]):
    """agency id -> (jurisdiction iso, token of the mention that shows it)."""
    doc = ctx.doc
    known = known_by_name()
    out: dict[str, tuple[str, int]] = {}
    for i, f in enumerate(found):
        ent = ctx.by_id.get(entity_of.get(i, ""))
        if ent is None or ent.kind != A or ent.id in out:
            continue
        if f.generic and f.key:
            out[ent.id] = (f.key, f.start)
            continue
        entry = known.get((A, ent.name))
        if entry and entry.iso:
            out[ent.id] = (entry.iso, f.start)
            continue
        if _federal_district(doc, f):
            out[ent.id] = ("US", f.start)  # a US federal court district, whatever state it is in
            continue
        for g in found:
            if g.kind != J or not g.key:
                continue
            nested = g.nested and f.start <= g.start and g.end <= f.end
            # Only a gap of one or two tokens can read "'s" (each token has a character).
            possessive = 0 < f.start - g.end <= 2 and doc[g.end : f.start].text in ("'s", "’s")
            # "the Hanover Police Department in Germany": the country the body is in
            placed = (
                0 < g.start - f.end <= 2
                and doc[f.end : g.start].text.lower() in ("in", "in the")
                and "-" not in g.key
            )
            if nested or possessive or placed or _state_of_named_place(doc, f, g):
                out[ent.id] = (g.key, f.start)
                break
    return out


def _federal_district(doc: Doc, agency: Found) -> bool:
    """ "Southern District of New York", a district's federal prosecutors' office."""
    for i in range(agency.start + 2, agency.end):
        if in_judicial_district(doc, i):
            place = jurisdictions.lookup(doc[i : agency.end].text)
            return place is not None and place.iso.startswith("US-")
    return False


def _state_of_named_place(doc: Doc, agency: Found, place: Found) -> bool:
    """ "Dallas County District Attorney's Office" and "Dallas County, Texas" (or "Dallas,
    Texas") elsewhere: a US county or city office belongs to the state its place is said to be
    in."""
    if not (place.key or "").startswith("US-") or not jurisdictions.us_local_office(agency.text):
        return False
    if place.start < 3 or doc[place.start - 1].text != ",":
        return False
    before = doc[place.start - 3 : place.start - 1]
    opener = doc[agency.start].text
    return opener in (before[0].text, before[1].text) and before[-1].is_title


def _belongs_to(ctx: Context, found: list[Found], entity_of: dict[int, str]) -> None:
    places = {e.iso: e for e in ctx.by_id.values() if e.kind == J and e.iso}
    known = _agency_places(ctx, found, entity_of)
    # Units take their parent's jurisdiction ("Office of International Affairs" at DOJ).
    for rel in list(ctx.facts.out.values()):
        if rel.type == "MEMBER_OF" and rel.source not in known and rel.target in known:
            known[rel.source] = known[rel.target]
    sent_of = {s.span.start: s.span for s in ctx.sentences}
    for agency_id, (iso, tok) in known.items():
        place = places.get(iso) or places.get(iso.split("-")[0])
        if place is None:
            continue
        sent = ctx.doc[tok].sent
        ctx.facts.add(
            "BELONGS_TO",
            ctx.by_id[agency_id],
            place,
            sent_of.get(sent.start, sent),
            "belongs_to.name",
        )


def _targets(ctx: Context, s: Sentence, after: int | None = None) -> list[Item]:
    """People and organisations a proceeding is about (not the officials who speak of it)."""
    return [
        it
        for it in s.of(*ACTORS, after=after)
        if it.entity.id not in ctx.officials | ctx.staff
        and not _is_media(it.entity)
        and not _told_or_victim(ctx.doc, it)
    ]


def _is_media(e: Entity) -> bool:
    """A news outlet (a known one, or a company or service with "news" in its name): it
    reports a case, it is not what the case is about. Not a person ("Gavin Newsom")."""
    if e.kind == P:
        return False
    if "news" in e.name.lower():
        return True
    known = known_by_name().get((e.kind, e.name))
    return known is not None and known.category == "media"


_TELLING = frozenset({"told", "tell", "tells", "telling"})


def _staff_acted_on(ctx: Context, s: Sentence, word: int) -> list[Item]:
    """A company's people whom the trigger word itself governs ("police arrested Acme CEO X",
    "Acme CEO X was detained"): accused, not quoted as experts."""
    return [
        it
        for it in s.items
        if it.entity.id in ctx.staff and ctx.doc[it.found.start : it.found.end].root.head.i == word
    ]


def _told_or_victim(doc: Doc, it: Item) -> bool:
    """ "told The Providence Journal": the outlet a source speaks to; "a man who hacked MLB
    accounts": a victim inside the relative clause that describes the target."""
    tok = doc[it.found.start : it.found.end].root
    if tok.dep_ in ("dobj", "dative") and tok.head.lower_ in _TELLING:
        return True
    head = tok
    for _ in range(8):
        if head.dep_ == "relcl" and head.head.pos_ in ("NOUN", "PROPN"):
            return True
        if head.head.i == head.i:
            break
        head = head.head
    return False


def _first_trigger(s: Sentence, name: str) -> tuple[int, int] | None:
    spans = s.triggers.get(name)
    return min(spans) if spans else None


_PRONOUNS = frozenset(
    {"he", "she", "they", "him", "her", "them", "defendant", "defendants", "suspect", "fugitive"}
)
_SUBJ = frozenset({"nsubj", "nsubjpass"})
_OBJ = frozenset({"dobj", "nsubjpass"})


def _item_at(s: Sentence, tok: int) -> Item | None:
    for it in s.items:
        if it.found.start <= tok < it.found.end:
            return it
    return None


def _conjuncts(tok: Token) -> list[Token]:
    """The token and its conjuncts/appositions ("A, B and C"; "Tran and 13 others")."""
    out: list[Token] = []
    todo = [tok]
    while todo and len(out) < 40:
        t = todo.pop()
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ in ("conj", "appos"))
    return out


def _parsed_actors(ctx: Context, s: Sentence, verb: Token, deps: frozenset[str]) -> list[Item]:
    """Actors in the `deps` slots of `verb` (and of its auxiliary chain), with conjuncts; a
    pronoun or "the defendant" stands for the last person the article talked about."""
    heads = [verb, verb.head] if verb.dep_ in ("xcomp", "conj", "acomp") else [verb]
    out: list[Item] = []
    for head in heads:
        for child in head.children:
            if child.dep_ not in deps:
                continue
            for tok in _conjuncts(child):
                it = _item_at(s, tok.i)
                if it is None:
                    it = next((_item_at(s, t.i) for t in tok.subtree if _item_at(s, t.i)), None)
                    if it is not None and it.kind != P and tok.pos_ == "NOUN":
                        it = None  # "Bank of America insider", "Ubiquiti employee": the employer
                if it is not None and it.kind in ACTORS and it.entity.id not in ctx.officials:
                    out.append(it)
                elif ctx.last_group and _group_word(tok):
                    # "the four defendants were charged": the people of the latest list, each
                    # standing at the word that describes them
                    out += [Item(Found(P, tok.i, tok.i + 1, tok.text), e) for e in ctx.last_group]
                elif tok.lower_ in _PRONOUNS and ctx.last_target is not None:
                    out.append(Item(s.items[0].found, ctx.last_target))
        if out:
            break
    return out


def _listed_after_colon(ctx: Context, s: Sentence, after: int) -> list[Item]:
    """ "... admitted their roles in the scheme: A; B; C"."""
    colon = next((t.i for t in ctx.doc[after : s.span.end] if t.text == ":"), None)
    if colon is None:
        return []
    return [it for it in _targets(ctx, s, after=colon) if it.kind == P]


def _offense_verb(ctx: Context, s: Sentence, trig: tuple[int, int]) -> Token:
    """The first trigger that is a verb carries the syntax ("An indictment ... charged A")."""
    spans = sorted(s.triggers.get("convicted", []) + s.triggers.get("charged", []))
    verbs = [ctx.doc[a] for a, _ in spans if ctx.doc[a].pos_ in ("VERB", "AUX")]
    return verbs[0] if verbs else ctx.doc[trig[0]]


# What joins an offence to the verb that charges it: "charged with", "convicted of", "pleaded
# guilty to", "indicted for / on", "faces charges of", "one count of".
_CHARGE_LINKS = frozenset(
    {"with", "of", "to", "for", "on", "guilty", "charges", "charge", "counts", "count",
     "accusations", "allegations"}
)  # fmt: skip


def _governed(verb: Token, word: Token) -> bool:
    """Whether `word` is what the verb charges ("charged with one count of X", "convicted of
    offences linked to X"), not a word of another phrase ("admitted to robbing shops during
    X")."""
    tok = word
    for _ in range(12):
        if tok.head.i == verb.i:
            return tok.lower_ in _CHARGE_LINKS
        if tok.head.i == tok.i or (
            tok.pos_ in ("VERB", "AUX") and tok.dep_ != "acl" and tok is not word
        ):
            return False  # the offence itself may be a gerund ("admitted to hacking")
        tok = tok.head
    return False


def _offense_subjects(ctx: Context, s: Sentence, trig: tuple[int, int], verb: Token) -> list[Item]:
    subjects = _parsed_actors(ctx, s, verb, _SUBJ)
    # Active verbs name the accused as object ("a jury convicted him", "charged A, B and C").
    if verb.lower_ in _OBJECT_VERBS and verb.pos_ == "VERB":
        objects = [it for it in _parsed_actors(ctx, s, verb, frozenset({"dobj"}))]
        subjects = objects or subjects
    subjects += _listed_after_colon(ctx, s, trig[1])
    if subjects:
        return list({it.entity.id: it for it in subjects}.values())
    described = _described_subject(verb)
    if described is not None:
        # "the UK national was charged": the person the article is about, if it is one; a
        # name elsewhere in the sentence ("the Twitter hack") is not the accused
        last = ctx.last_target
        return [Item(s.items[0].found, last)] if last is not None and last.kind == P else []
    # A service is accused only when the sentence makes it the subject ("Telegram faces ..."),
    # an employer never ("Former Acme employee charged with ...": the employee is).
    before = [
        it
        for it in _targets(ctx, s)
        if it.found.end <= trig[1] + 1 and it.kind != PL and not _modifies_a_noun(ctx.doc, it)
    ]
    return before[-1:]


def _modifies_a_noun(doc: Doc, it: Item) -> bool:
    root = doc[it.found.start : it.found.end].root
    head = _phrase_head(root)
    return root.dep_ in ("compound", "poss", "nmod") and head.pos_ == "NOUN" and head.i != root.i


# Nouns that describe an accused person without naming them ("the UK national").
_PERSON_NOUNS = frozenset(
    {"national", "man", "woman", "teen", "teenager", "resident", "citizen", "suspect", "hacker",
     "defendant", "boy", "girl", "individual", "person", "youth", "student", "native", "developer",
     "operator", "administrator", "founder", "executive", "employee", "actor", "old"}
)  # fmt: skip


# Plural nouns of accused people, and the determiners that make them the ones named before
# ("the four suspects", "both men", "all three defendants"), not new ones ("two men").
_PEOPLE_NOUNS = frozenset(
    {"defendants", "suspects", "men", "women", "hackers", "individuals", "nationals",
     "teenagers", "teens", "brothers", "accused"}
)  # fmt: skip
_GROUP_DETERMINERS = frozenset({"the", "these", "those", "both", "all"})


def _group_word(tok: Token) -> bool:
    """A description of the people named before ("the defendants", "both men")."""
    return (
        tok.lower_ in _PEOPLE_NOUNS
        and tok.pos_ == "NOUN"
        and any(
            c.dep_ in ("det", "predet") and c.lower_ in _GROUP_DETERMINERS for c in tok.children
        )
    )


def _described_subject(verb: Token) -> Token | None:
    """The verb's subject when it is a description of a person rather than a name."""
    for child in verb.children:
        # "old" is the adjective of "the 22-year-old", which the parser makes the subject
        if child.dep_ in _SUBJ and child.lower_ in _PERSON_NOUNS and child.pos_ in ("NOUN", "ADJ"):
            return child
    return None


_OBJECT_VERBS = frozenset(
    {"charged", "charging", "indicted", "charges", "convicted", "convicting", "convict", "convicts"}
)
_ACCUSERS = frozenset(
    {"prosecutors", "attorneys", "authorities", "government", "police", "agents", "officials"}
)


def _accuser_subject(ctx: Context, s: Sentence) -> bool:
    """ "Prosecutors ... have brought charges for X": the sentence's subject accuses, so its
    offences are not the main defendant's."""
    for tok in s.span:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT":
            it = _item_at(s, tok.i)
            return tok.lower_ in _ACCUSERS or (it is not None and it.kind == A)
    return False


# Charge words that say someone suspects or alleges, not that anyone was charged: they make
# a fact only with the accused named in the sentence.
_HEARSAY_TRIGGERS = frozenset(
    {"alleged", "allegations", "allegation", "accused", "accusation", "accusations",
     "suspected", "wanted", "implicated", "admitted", "admitting", "admits"}
)  # fmt: skip


def _hearsay_only(doc: Doc, s: Sentence) -> bool:
    words = [
        doc[a].lower_ for name in ("charged", "convicted") for a, _ in s.triggers.get(name, [])
    ]
    return all(w in _HEARSAY_TRIGGERS for w in words)


def _offense_facts(ctx: Context, s: Sentence) -> None:
    conv = _first_trigger(s, "convicted")
    offenses = s.of(OF)
    charged = _first_charge(ctx.doc, s, offenses)
    if not offenses or not (conv or charged):
        return
    trig = min(t for t in (conv, charged) if t)
    if _hypothetical(ctx.doc[trig[0]]):
        return  # "X may be charged with"
    if trig == charged and not conv and not _faces_a_charge(ctx.doc[trig[0]]):
        return  # "she faced torture and abuse": what was done to her, not what she is charged with
    verb = _offense_verb(ctx, s, trig)
    subjects = _offense_subjects(ctx, s, trig, verb)
    main = ctx.main_target
    described = any(
        _modifies_a_noun(ctx.doc, it) for it in s.items if it.found.end <= trig[1] + 1
    )  # "Former Acme employee charged", "Members of the X gang were": someone unnamed is
    if (
        not subjects
        and not described
        and main is not None
        and main.kind != PL
        and main.id not in ctx.officials
        and not _hearsay_only(ctx.doc, s)
        and not _accuser_subject(ctx, s)
    ):
        # the article's main target stands for an unnamed accused, unless it is a service:
        # a platform is charged only when a sentence says so; nor when the sentence only
        # suspects or alleges ("an alleged scam", "suspected of"), or names an official
        subjects = [Item(offenses[0].found, main)]
        # what the accused stands for is charged after the word ("faces charges of X") or
        # names the charge ("X charges"), not before it in another clause ("X ... critics
        # who alleged")
        offenses = [
            off for off in offenses if off.found.start > trig[0] or off.found.end == trig[0]
        ]
    reported = _reported_to_agency(ctx, s)
    if reported is not None:  # "X filed a complaint with <agency> for fraud": X is the victim
        subjects = [subj for subj in subjects if subj.found.start > reported]
    named = {it.found.start for it in s.items}
    admitted = ctx.doc[trig[0]].lower_.startswith("admit")
    for subj in subjects:
        described = subj.found.start not in named and subj.found.text.lower() in _PEOPLE_NOUNS
        for off in offenses:
            if _one_phrase(ctx.doc, subj.found, off.found) or _fights(ctx.doc, off.found):
                continue  # "the X ransomware gang": the offence describes the group
            root = ctx.doc[off.found.start : off.found.end].root
            if (described or admitted) and not _governed(verb, root):
                # people a description stands for, and what one admits: only what the verb
                # says ("admitted to fraud", not "admitted the attacks led to violations")
                continue
            rel = "CONVICTED_OF" if conv and off.found.start > conv[0] else "CHARGED_WITH"
            if rel == "CONVICTED_OF" and subj.kind == PL:
                rel = "CHARGED_WITH"
            ctx.facts.add(rel, subj.entity, off.entity, s.span, f"{rel.lower()}.trigger")


_MODALS = frozenset({"may", "might", "could", "would", "should"})


def _hypothetical(word: Token) -> bool:
    """A charge or conviction that may come, not one that came: the word's verb has a modal
    ("may be charged", "could be convicted")."""
    return any(c.dep_ == "aux" and c.lower_ in _MODALS for c in word.children)


def _first_charge(doc: Doc, s: Sentence, offenses: list[Item]) -> tuple[int, int] | None:
    """The first charge word that accuses: not an adjective of something other than an offence
    ("the alleged lack of security", "an alleged hacker")."""
    inside = {i for off in offenses for i in range(off.found.start, off.found.end)}
    for trig in sorted(s.triggers.get("charged", [])):
        word = doc[trig[0]]
        if word.dep_ == "amod" and word.head.i not in inside:
            continue
        return trig
    return None


_FACE_WORDS = frozenset({"face", "faces", "facing", "faced"})
# What one faces when one is accused: charges, a trial, a sentence.
_FACED_PROCEEDINGS = frozenset(
    {"charge", "charges", "count", "counts", "accusation", "accusations", "allegation",
     "allegations", "indictment", "trial", "prosecution", "extradition", "year", "years",
     "months", "sentence", "prison", "jail", "penalty", "penalties", "fine", "fines", "lawsuit",
     "suit", "probe", "investigation", "sanctions", "time", "life", "decades", "punishment"}
)  # fmt: skip


def _faces_a_charge(trigger: Token) -> bool:
    """ "X faces wire fraud charges", "faces up to 20 years": a charge; "she faced torture":
    not one. Other charge triggers ("charged", "accused") always are."""
    if trigger.lower_ not in _FACE_WORDS:
        return True
    words = {t.lower_ for c in trigger.children if c.dep_ in ("dobj", "prep") for t in c.subtree}
    return bool(words & _FACED_PROCEEDINGS)


# Nouns for who fights, studies or judges a crime: "a war crimes investigator", "the cybercrime
# unit", "fraud prosecutors" name no offence that anyone is charged with.
_CRIME_FIGHTERS = frozenset(
    {"investigator", "investigators", "prosecutor", "prosecutors", "unit", "units", "division",
     "section", "taskforce", "squad", "team", "expert", "experts", "researcher", "researchers",
     "specialist", "specialists", "analyst", "analysts", "court", "tribunal", "centre", "center",
     "office", "department", "lawyer", "lawyers", "attorney", "attorneys", "police", "officer",
     "officers", "agency", "bureau", "directorate", "command", "detectives", "squads"}
)  # fmt: skip


def _fights(doc: Doc, off: Found) -> bool:
    """The offence names the work of an official or a unit ("a war crimes investigator", "an
    expert on cybercrime")."""
    root = doc[off.start : off.end].root
    if root.dep_ == "pobj" and root.head.lower_ in ("on", "in", "of"):
        return root.head.head.lower_ in _CRIME_FIGHTERS  # "an expert on cybercrime"
    return (
        root.dep_ in ("compound", "amod", "nmod") and _phrase_head(root).lower_ in _CRIME_FIGHTERS
    )


def _phrase_head(token: Token) -> Token:
    """The noun a modifier belongs to, up its compounds and adjectives."""
    while token.dep_ in ("compound", "amod", "nmod") and token.head.i != token.i:
        token = token.head
    return token


def _one_phrase(doc: Doc, a: Found, b: Found) -> bool:
    """Whether two mentions are modifiers of one noun ("the X ransomware gang")."""
    if a.start == b.start:
        return False  # one mention standing for an unnamed accused, not two words
    root_a, root_b = doc[a.start : a.end].root, doc[b.start : b.end].root
    return _phrase_head(root_a) == _phrase_head(root_b) and (
        root_a.dep_ in ("compound", "amod", "nmod") or root_b.dep_ in ("compound", "amod", "nmod")
    )


def _agency_on_target(ctx: Context, s: Sentence, trigger: str, rel: str) -> None:
    trig = _first_trigger(s, trigger)
    if trig is None:
        return
    agencies = _agents(ctx, s, trigger, trig)
    doc = ctx.doc
    done = any(
        doc[a].pos_ == "VERB" or (b < len(doc) and doc[b].lower_ == "of")  # "the arrest of X"
        for a, b in s.triggers[trigger]
    )
    if rel == "ARRESTED" and not done:
        return  # "warrants of arrest", "to evade arrest": no arrest happened
    if rel == "ARRESTED" and irrealis(ctx.doc, trig, s.span):
        return  # "sought his arrest", "wanted to arrest him"
    targets = _targets(ctx, s) + _staff_acted_on(ctx, s, trig[0])
    if rel == "ARRESTED":
        targets = [t for t in targets if t.kind == P]
        _members_arrested(ctx, s, trig, agencies)
    targets = [t for t in targets if not _speaker_of(doc, t, trig[0])]
    if rel == "INVESTIGATES":  # near the trigger in the parse, and not the agency's owner
        targets = [
            t
            for t in targets
            if _dep_distance(doc, t, trig[0]) <= _INVESTIGATED_REACH
            and not any(_owns(doc, t, ag) for ag in agencies)
        ]
    if rel == "INVESTIGATES":
        reported = _reported_to_agency(ctx, s)
        if reported is not None:  # "X reported the breach to <agency>": X is the victim
            targets = [t for t in targets if t.found.start > reported]
    if not targets and agencies and ctx.last_target is not None and _has_pronoun(ctx, s):
        targets = [Item(agencies[0].found, ctx.last_target)]  # "he was detained by"
    main = ctx.main_target
    if (
        not targets
        and main is not None
        and _accused(ctx, main)
        and agencies
        and "case" in _words(s)
    ):
        targets = [Item(agencies[0].found, main)]
    if not targets and agencies and rel == "INVESTIGATES" and _objectless(ctx.doc[trig[0]]):
        accused = _most_accused(ctx)
        targets = [Item(agencies[0].found, accused)] if accused else []
    for ag in agencies:
        for tg in targets:
            ctx.facts.add(rel, ag.entity, tg.entity, s.span, f"{rel.lower()}.trigger")


# How far an investigation's target may be from its trigger word in the parse (arcs): "police
# are investigating X" (2), "an investigation into the hacking of X" (4); a person named in
# another clause of a long sentence is further.
_INVESTIGATED_REACH = 5


def _dep_distance(doc: Doc, it: Item, word: int) -> int:
    """Arcs between an item's head word and a word in the dependency tree."""
    up: dict[int, int] = {}
    tok, n = doc[it.found.start : it.found.end].root, 0
    while tok.i not in up:
        up[tok.i] = n
        tok, n = tok.head, n + 1  # the root is its own head
    tok, n = doc[word], 0
    while tok.i not in up and n < len(doc):
        tok, n = tok.head, n + 1
    return n + up.get(tok.i, len(doc))


def _owns(doc: Doc, it: Item, agency: Item) -> bool:
    """ "the Highway Patrol's forensic unit will investigate": the owner is no target."""
    tok = doc[it.found.start : it.found.end].root
    return tok.dep_ == "poss" and agency.found.start <= tok.head.i < agency.found.end


_SPEECH_VERBS = frozenset(
    {"said", "says", "say", "added", "adds", "noted", "notes", "told", "explained", "stated",
     "wrote", "writes", "claimed", "claims", "warned", "confirmed", "confirms"}
)  # fmt: skip


def _speaker_of(doc: Doc, it: Item, trigger: int) -> bool:
    """ "X said ... police are investigating it": who speaks of an act is not its target, unless
    a person speaks of themself ("X said police arrested him")."""
    tok = doc[it.found.start : it.found.end].root
    verb = tok.head
    if not (
        tok.dep_ == "nsubj"
        and verb.lower_ in _SPEECH_VERBS
        and verb.i != trigger
        and verb in doc[trigger].ancestors
    ):
        return False
    clause = doc[verb.i + 1 : verb.sent.end]
    return it.kind != P or not any(t.lower_ in ("he", "him", "she", "her") for t in clause)


# Verbs of telling an authority about an incident: "reported the breach to", "filed a
# complaint with", "notified": who tells is the victim, not the one investigated.
_REPORTING_VERBS = frozenset(
    {"reported", "reporting", "reports", "notified", "notifying", "alerted", "informed",
     "contacted", "filed", "lodged"}
)  # fmt: skip


def _reported_to_agency(ctx: Context, s: Sentence) -> int | None:
    """The token of the first reporting verb whose object or "to"/"with" phrase is an agency."""
    agencies = {i for it in s.of(A) for i in range(it.found.start, it.found.end)}
    for tok in s.span:
        if tok.lower_ not in _REPORTING_VERBS or tok.pos_ != "VERB":
            continue
        objects = [c for c in tok.children if c.dep_ == "dobj"]  # "the incident to <agency>"
        for child in [*tok.children, *(c for o in objects for c in o.children)]:
            told = [child] if child.dep_ in ("dobj", "dative") else []
            if child.dep_ == "prep" and child.lower_ in ("to", "with"):
                told = [c for c in child.children if c.dep_ == "pobj"]
            for t in told:
                if any(c.i in agencies for c in [t, *t.conjuncts]):
                    return tok.i
    return None


def _members_arrested(
    ctx: Context, s: Sentence, trig: tuple[int, int], agencies: list[Item]
) -> None:
    """ "<agency> arrested five members of the X group": the agency investigates the group."""
    doc = ctx.doc
    groups = [
        (doc[it.found.start].idx, doc[it.found.end - 1].idx + len(doc[it.found.end - 1]), it.entity)
        for it in s.of(ORG, PL)
    ]
    if not groups or not agencies:
        return
    for group in arrested_groups(doc[trig[0]], groups, set()):
        for ag in agencies:
            ctx.facts.add("INVESTIGATES", ag.entity, group, s.span, GROUP_ARREST_RULE)


def _accused(ctx: Context, target: Entity) -> bool:
    """The article's main target stands for "the case" unless it is a platform that no fact
    makes the target of a proceeding (the service a story is about, often the victim)."""
    return target.kind != PL or any(
        r.target == target.id or r.source == target.id
        for r in ctx.facts.out.values()
        if r.type in ("PROSECUTES", "ARRESTED", "CHARGED_WITH", "CONVICTED_OF", "SEIZED")
    )


_ATTRIBUTION_SPAN = 8  # tokens after "according to" in which the source agency is named


def _attribution(ctx: Context, s: Sentence) -> None:
    """ "According to <agency>, X faces charges / was charged / is accused": the agency that
    reports the charges prosecutes the accused."""
    if "charged" not in s.triggers or irrealis(ctx.doc, s.triggers["charged"][0], s.span):
        return
    words = _sentence_words(ctx.doc, s)
    at = next((i for i in range(len(words) - 1) if words[i : i + 2] == ["according", "to"]), None)
    if at is None:
        return
    start = s.span.start + at + 2
    sources = [it for it in s.of(A, after=start) if it.found.start < start + _ATTRIBUTION_SPAN]
    targets = [it for it in _targets(ctx, s) if it.kind in (P, ORG, PL)]
    for ag in sources[:1]:
        for tg in targets[:1]:
            ctx.facts.add("PROSECUTES", ag.entity, tg.entity, s.span, "prosecutes.attribution")


# Agencies that bring charges, by a word of their name: justice departments, prosecutors,
# attorneys' offices (and, below, US federal districts, each one's attorney's office).
_PROSECUTING_WORDS = frozenset(
    {"justice", "prosecutor", "prosecutors", "prosecutor's", "prosecutors'", "prosecution",
     "attorney", "attorneys", "attorney's", "procuratorate", "procurator", "doj"}
)  # fmt: skip
# A prosecutor speaking: "the DoJ said", "prosecutors announced", "the office claims".
_SAYING_VERBS = frozenset(
    {"said", "says", "say", "announced", "announces", "announce", "stated", "states", "claims",
     "claimed", "alleged", "alleges", "added", "noted", "explained", "revealed", "confirmed"}
)  # fmt: skip
# The words of a proceeding a prosecutor reports (not a suspicion or an arrest alone).
_PROCEEDING_WORDS = frozenset(
    {"charged", "charges", "indicted", "indictment", "pleaded", "pled", "pleads", "convicted",
     "sentenced", "guilty"}
)  # fmt: skip


def _prosecuting(doc: Doc, it: Item) -> bool:
    words = it.entity.name.lower().split()
    return bool(_PROSECUTING_WORDS.intersection(words)) or _federal_district(doc, it.found)


def _reported_proceeding(ctx: Context, s: Sentence) -> None:
    """ "X pleaded guilty to ..., the Justice Department said", "prosecutors said X was
    charged": a prosecuting agency that reports a proceeding brings it against the accused
    the sentence names."""
    doc = ctx.doc
    words = [
        doc[a]
        for name in ("charged", "convicted")
        for a, _ in s.triggers.get(name, [])
        if doc[a].lower_ in _PROCEEDING_WORDS
        and not irrealis(doc, (a, a + 1), s.span)
        and not any(c.dep_ == "neg" for c in doc[a].head.children)
    ]
    if not words:
        return
    speakers = [
        it
        for it in s.of(A)
        if _prosecuting(doc, it)
        and (root := doc[it.found.start : it.found.end].root).dep_ == "nsubj"
        and root.head.lower_ in _SAYING_VERBS
    ]
    accused = [it for it in _targets(ctx, s) if it.kind in (P, ORG)]
    for ag in speakers[:1]:
        for tg in accused:
            ctx.facts.add("PROSECUTES", ag.entity, tg.entity, s.span, "prosecutes.reported")


_CHARGING_VERBS = frozenset({"charged", "charges", "charge", "charging", "indicted", "indicts"})
_CHARGE_NOUNS = frozenset({"charges", "indictment", "indictments", "complaint", "lawsuit"})


def _charging_agency(ctx: Context, s: Sentence) -> None:
    """ "<agency> (has) charged / indicted X", "X was indicted by <agency>", "<agency> arrested
    and charged X", "<agency> announced charges against X": the agency that brings the charges
    prosecutes the accused; read from the parse only (the verb's own subject and object, or
    "the defendants" and "he" for the people named before), never from an agency elsewhere in
    the sentence."""
    doc = ctx.doc
    for tok in s.span:
        if tok.lower_ in _CHARGE_NOUNS and tok.dep_ == "dobj" and tok.head.pos_ == "VERB":
            verb = tok.head
            against = [g for c in tok.children if c.lower_ == "against" for g in c.children]
            accused = [it for g in against for t in _conjuncts(g) if (it := _item_at(s, t.i))]
        elif tok.lower_ in _CHARGING_VERBS and tok.pos_ == "VERB":
            verb, accused = tok, _parsed_actors(ctx, s, tok, frozenset({"dobj", "nsubjpass"}))
        else:
            continue
        if any(c.dep_ == "neg" for c in verb.children) or irrealis(
            doc, (verb.i, verb.i + 1), s.span
        ):
            continue
        # the subject or agent itself, with its conjuncts: not `_parsed_agencies`, which also
        # reads agencies inside the subject's phrase ("an indictment unsealed in the District
        # of X charged ...": the indictment charges, not the district)
        agents = [c for c in verb.children if c.dep_ == "nsubj"]
        if not agents and verb.dep_ == "conj":  # "<agency> arrested and charged X"
            agents = [c for c in verb.head.children if c.dep_ == "nsubj"]
        agents += [g for c in verb.children if c.dep_ == "agent" for g in c.children]
        sources = [
            it for a in agents for t in _conjuncts(a) if (it := _item_at(s, t.i)) and it.kind == A
        ]
        for ag in sources:
            for tg in accused:
                if tg.kind in (P, ORG) and tg.entity.id not in ctx.officials:
                    ctx.facts.add(
                        "PROSECUTES", ag.entity, tg.entity, s.span, "prosecutes.charging_verb"
                    )


def _sole_prosecutor(ctx: Context) -> None:
    """An article whose only prosecuting agency (a justice department, a prosecutor's or a US
    attorney's office) is named in one sentence and whose accused are charged or convicted in
    others ("X was indicted on ... counts." ... "The Justice Department said ..."): the agency
    prosecutes each person the rules charge or convict. Its evidence is the agency's sentence
    that reports a proceeding, else its first; the fact model weighs the proposal."""
    prosecutors: dict[str, tuple[Entity, Sentence]] = {}
    reporting: dict[str, Sentence] = {}
    for s in ctx.sentences:
        for it in s.of(A):
            if not _prosecuting(ctx.doc, it):
                continue
            prosecutors.setdefault(it.entity.id, (it.entity, s))
            if not s.triggers.keys().isdisjoint(("charged", "convicted", "prosecutes")):
                reporting.setdefault(it.entity.id, s)
    if len(prosecutors) != 1:
        return
    ((agency_id, (agency, first)),) = prosecutors.items()
    evidence = reporting.get(agency_id, first)
    accused = {
        r.source for r in ctx.facts.out.values() if r.type in ("CHARGED_WITH", "CONVICTED_OF")
    }
    for person_id in sorted(accused - ctx.officials - ctx.staff):
        person = ctx.by_id.get(person_id)
        if person is not None and person.kind == P:
            ctx.facts.add("PROSECUTES", agency, person, evidence.span, "prosecutes.sole_prosecutor")


def _has_pronoun(ctx: Context, s: Sentence) -> bool:
    """A "he" or "her" that can be the one acted on: not the speaker ("He added that police
    are investigating it")."""
    words = _sentence_words(ctx.doc, s)
    for n, w in enumerate(words):
        if w in ("he", "she", "him", "her"):
            tok = ctx.doc[s.span.start + n]
            if not (tok.dep_ == "nsubj" and tok.head.lower_ in _SPEECH_VERBS):
                return True
    return False


def _most_accused(ctx: Context) -> Entity | None:
    """The person or group the sentences so far accuse most (arrested, charged, prosecuted,
    convicted): who an investigation whose object goes unsaid is about."""
    counts: Counter[str] = Counter()
    for r in ctx.facts.out.values():
        if r.type in ("PROSECUTES", "ARRESTED"):
            counts[r.target] += 1
        elif r.type in ("CHARGED_WITH", "CONVICTED_OF"):
            counts[r.source] += 1
    ranked = [ctx.by_id[i] for i, _ in counts.most_common() if i in ctx.by_id]
    return next((e for e in ranked if e.kind in (P, ORG) and not _is_media(e)), None)


def _objectless(word: Token) -> bool:
    """An investigation whose object goes unsaid ("the FBI and the NCIS are continuing to
    investigate", "police launched an investigation."): it is of the article's case."""
    if word.pos_ == "VERB":
        return not any(c.dep_ in ("dobj", "prep", "ccomp", "xcomp") for c in word.children)
    return word.pos_ == "NOUN" and not any(c.dep_ in ("prep", "acl") for c in word.children)


def _agents(ctx: Context, s: Sentence, trigger: str, trig: tuple[int, int]) -> list[Item]:
    """Who arrests/investigates: the verb's subject or its "by" agent (with conjuncts) when the
    trigger is a verb; otherwise agencies before the trigger or after a "by"."""
    verbs = [ctx.doc[a] for a, _ in s.triggers.get(trigger, []) if ctx.doc[a].pos_ == "VERB"]
    for verb in verbs:
        found = [it for it in _parsed_agencies(s, verb)]
        if found:
            return found
    if verbs and _done_by_others(s, verbs[0]):
        return []  # not the agencies named elsewhere in the sentence
    return [
        ag
        for ag in s.of(A)
        if ag.found.end <= trig[0] or "by" in [t.lower_ for t in ctx.doc[trig[1] : ag.found.start]]
    ]


# Subjects that may be the agency acting without being named ("police arrested him", "the
# department seized the site"): after them the sentence's agencies are still the actors.
_ACTING_NOUNS = frozenset(
    {"enforcement", "police", "authorities", "agencies", "officers", "forces", "prosecutors",
     "investigators", "agents", "officials", "detectives", "government", "court", "judge",
     "department", "agency", "bureau", "office", "ministry", "unit", "team", "service", "squad"}
)  # fmt: skip


def _done_by_others(s: Sentence, verb: Token) -> bool:
    """ "the group took down the hospital's systems", "Microsoft seized the domains": the verb's
    subject is a named non-agency or a noun that names no authority."""
    for c in verb.children:
        if c.dep_ == "nsubj":
            it = _item_at(s, c.i)
            if it is not None:
                return it.kind != A
            return c.pos_ in ("NOUN", "PROPN") and c.lower_ not in _ACTING_NOUNS
    return False


def _parsed_agencies(s: Sentence, verb: Token) -> list[Item]:
    slots = [c for c in verb.children if c.dep_ == "nsubj"]
    slots += [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    out: dict[str, Item] = {}
    for slot in slots:
        for tok in _conjuncts(slot):
            for t in tok.subtree:  # "detectives from the Ruritanian police"
                it = _item_at(s, t.i)
                if it is not None and it.kind == A:
                    out.setdefault(it.entity.id, it)
    return list(out.values())


def _words(s: Sentence) -> set[str]:
    return set(_sentence_words(s.span.doc, s))


def _sentence_words(doc: Doc, s: Sentence) -> list[str]:
    """The lower-case forms of a sentence's tokens (read from the document's arrays)."""
    return lower_forms(doc)[s.span.start : s.span.end]


# After these words the agencies that follow are partners of one hub (the sentence's subject
# or the article's lead agency): "with the assistance of", "coordinated with", "efforts of".
_STAR_LINKS = frozenset({"with", "from", "of", "by", "between"})
# These make every listed agency a partner of every other: "a joint investigation between".
_CLIQUE_WORDS = frozenset({"joint", "jointly", "together", "between", "among"})


def cooperation_status(span: Span) -> str:
    """The status of a cooperation its sentence states: sought, refused, agreed or ongoing."""
    text = span.text.lower()
    if any(w in text for w in _SOUGHT):
        return "sought"
    if any(w in text for w in _REFUSED):
        return "refused"
    if any(w in text for w in _AGREED):
        return "agreed"
    return "ongoing"


def _coop_pairs(ctx: Context, s: Sentence, trig: tuple[int, int] | None) -> list[tuple]:
    """Partner pairs: a clique for "joint ... between A, B and C" or "investigated by A, B and
    C"; a star around the subject for "A, with the assistance of B and C"."""
    doc = ctx.doc
    agencies = list({it.entity.id: it for it in s.of(A)}.values())
    by = _investigated_by(ctx, s)
    if trig is None:
        return list(combinations(by, 2)) if len(by) >= 2 else []
    words = {t.lower_ for t in doc[max(trig[0] - 2, s.span.start) : trig[1] + 2]}
    after = [a for a in agencies if a.found.start >= trig[1]]
    before = [a for a in agencies if a.found.end <= trig[0]]
    if words & _CLIQUE_WORDS and not before:
        return list(combinations(_listed_with_first(doc, after), 2))
    if words & _CLIQUE_WORDS and before and not after:
        return list(combinations(before, 2))
    if not after or not (words & _STAR_LINKS or doc[trig[1] - 1].lower_ in ("with",)):
        return []
    if _someone_else_cooperates(s, doc[trig[0]]):
        return []  # "the suspects are accused of working with Russia's FSB": not an agency
    after = _linked_partners(doc, trig, after, s)
    if not after:
        return []
    hub = _cooperating_subject(s, doc[trig[0]])
    if hub is None:
        hub = by[0] if by else (before[0] if before else None)
    if hub is None and ctx.main_agency is not None:
        hub = Item(after[0].found, ctx.main_agency)
    pairs = list(combinations(by, 2)) if len(by) >= 2 else []
    return pairs + [(hub, a) for a in after if hub is not None]


_LIST_GLUE = frozenset({"and", "or", "the", "&", "as", "well"})


def _listed_with_first(doc: Doc, agencies: list[Item]) -> list[Item]:
    """The agencies listed together with the first one ("the FBI, DHS and CIA alerted ... of
    attacks linked to the SVR": not the SVR)."""
    if len(agencies) < 3:
        return agencies
    ordered = sorted(agencies, key=lambda a: a.found.start)
    first = doc[ordered[0].found.start : ordered[0].found.end].root
    listed = {t.i for c in _conjuncts(first) for t in c.subtree}  # as parsed
    together = ordered[:1]
    for a in ordered[1:]:
        gap = doc[together[-1].found.end : a.found.start]  # or as written: "A, B, and C"
        glued = all(t.is_punct or t.lower_ in _LIST_GLUE for t in gap)
        if not glued and doc[a.found.start : a.found.end].root.i not in listed:
            break
        together.append(a)
    return together if len(together) >= 2 else agencies


def _someone_else_cooperates(s: Sentence, word: Token) -> bool:
    """The cooperating verb's subject (its own or that of the verb it completes: "are accused
    of working with") names people or others, and no agency or country; or a person's or
    someone's noun it is ("Rosenworcel's support of")."""
    owners = [c for c in word.children if c.dep_ == "poss"]
    if owners and word.pos_ == "NOUN":
        it = _item_at(s, owners[0].i)
        if (it is not None and it.kind == P) or owners[0].lower_ in ("his", "her", "my"):
            return True
    verb = word
    for _ in range(4):
        agents = [t for c in verb.children if c.dep_ == "agent" for t in c.subtree]
        if any((it := _item_at(s, t.i)) is not None and it.kind in (A, J) for t in agents):
            return False  # "carried out by A, with aid from B": the agent cooperates
        subjects = [c for c in verb.children if c.dep_ in _SUBJ]
        if subjects:
            subject = subjects[0]
            if subject.pos_ == "PRON":
                return subject.lower_ in ("he", "she", "i")  # a person; "it", "they": maybe
            parties = [_item_at(s, t.i) for t in subject.subtree]
            return not any(it is not None and it.kind in (A, J) for it in parties)
        if (
            verb.dep_ not in ("xcomp", "pcomp", "conj", "advcl", "pobj", "prep")
            or verb.head.i == verb.i
        ):
            return False
        verb = verb.head
    return False


def _linked_partners(doc: Doc, trig: tuple[int, int], after: list[Item], s: Sentence) -> list[Item]:
    """The partners inside the phrase the cooperation word opens ("in cooperation with A and
    B", "with the help of A"), not agencies named later in the sentence; and not the owner of
    a partner ("DHS's CISA" is one partner)."""
    link = doc[trig[1] - 1]
    if link.lower_ not in _STAR_LINKS and trig[1] < s.span.end:
        link = doc[trig[1]]  # "assistance from A"
    if link.lower_ not in _STAR_LINKS:
        return after
    inside = {t.i for t in link.subtree}
    out = [a for a in after if doc[a.found.start : a.found.end].root.i in inside]
    for a in after:  # "with A, the B and C": a list the parser cut short goes on
        if out and a not in out and a.found.start >= out[-1].found.end:
            gap = doc[out[-1].found.end : a.found.start]
            if len(gap) <= 4 and all(t.is_punct or t.lower_ in _LIST_GLUE for t in gap):
                out.append(a)
    return [a for a in out if not any(_owns(doc, a, b) for b in out if b is not a)]


def _cooperating_subject(s: Sentence, word: Token) -> Item | None:
    """The agency or country that is the cooperating verb's own subject ("DHS said TSA worked
    with CISA": TSA, not DHS, works with CISA)."""
    subjects = [c for c in word.children if c.dep_ in _SUBJ]
    if not subjects:
        return None
    it = _item_at(s, subjects[0].i)
    return it if it is not None and it.kind in (A, J) else None


def _investigated_by(ctx: Context, s: Sentence) -> list[Item]:
    """The agencies of "investigated by A, B and C" (up to "with"), the co-investigators."""
    trig = _first_trigger(s, "investigates")
    doc = ctx.doc
    if trig is None or trig[1] >= s.span.end or doc[trig[1]].lower_ != "by":
        return []
    stop = s.span.end
    for t in doc[trig[1] + 1 : s.span.end]:
        if t.lower_ in ("with", "who", "which") or (
            t.text == "," and doc[t.i + 1].lower_ == "with"
        ):
            stop = t.i
            break
    return [a for a in s.of(A, after=trig[1]) if a.found.end <= stop]


# Verbs whose coordinated agents act together ("<agency> and <agency> arrested ...").
_JOINT_ACTS = frozenset(
    {"arrest", "charge", "investigate", "seize", "raid", "conduct", "lead", "dismantle",
     "take", "shut", "disrupt", "search", "detain", "indict", "prosecute", "carry", "execute",
     "collaborate", "partner", "launch", "run", "coordinate", "continue", "apprehend", "bust",
     "identify", "track", "trace", "target", "sanction", "announce", "warn", "issue",
     "publish", "release", "attribute", "blame", "alert", "urge", "advise", "expose"}
)  # fmt: skip


_IRREGULAR = {"led": "lead", "took": "take", "taken": "take", "ran": "run", "shut": "shut"}


def _verb_base(word: str) -> str:
    """The base form of a verb of `_JOINT_ACTS` as written (the pipeline has no lemmatizer)."""
    if word in _JOINT_ACTS or word in _IRREGULAR:
        return _IRREGULAR.get(word, word)
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""),
                         ("ed", "e"), ("es", ""), ("s", "")):  # fmt: skip
        if word.endswith(suffix) and word[: -len(suffix)] + repl in _JOINT_ACTS:
            return word[: -len(suffix)] + repl
    return word


def _joint_agents(ctx: Context, s: Sentence) -> list[tuple[Item, Item]]:
    """Agencies coordinated as the agents of one enforcement act: "<agency> and <agency> are
    investigating", "arrested by <agency> and <agency>", "an operation conducted by <agency>
    and <agency>"."""
    agencies = s.of(A)
    if len(agencies) < 2:
        return []
    doc = ctx.doc
    groups: dict[int, list[Item]] = {}
    for it in agencies:
        tok = doc[it.found.start : it.found.end].root
        head = tok
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head  # the first conjunct carries the group's role
        groups.setdefault(head.i, []).append(it)
    pairs = []
    for head_i, members in groups.items():
        members = list({m.entity.id: m for m in members}.values())
        if len(members) < 2:
            continue
        head = doc[head_i]
        verb = head.head
        by_agent = head.dep_ == "pobj" and verb.lower_ == "by"
        if by_agent:
            verb = verb.head  # "arrested by A and B"
        agent = by_agent or head.dep_ in _SUBJ
        if verb.dep_ in ("xcomp", "acl", "relcl") and _verb_base(verb.lower_) not in _JOINT_ACTS:
            verb = verb.head
        acts = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
        if agent and any(_verb_base(v.lower_) in _JOINT_ACTS for v in acts):
            pairs += list(combinations(members, 2))
    return pairs


def _cooperation(ctx: Context, s: Sentence) -> None:
    members = {(r.source, r.target) for r in ctx.facts.out.values() if r.type == "MEMBER_OF"}
    status = cooperation_status(s.span)
    pairs = [(a, b, "cooperates.joint_agents") for a, b in _joint_agents(ctx, s)]
    pairs += [
        (a, b, "cooperates.syntax") for a, b in _coop_pairs(ctx, s, _first_trigger(s, "cooperates"))
    ]
    for a, b, rule in pairs:
        if (a.entity.id, b.entity.id) in members or (b.entity.id, a.entity.id) in members:
            continue  # a unit and its parent are one side, not partners
        ctx.facts.add("COOPERATES_WITH", a.entity, b.entity, s.span, rule, status)


# Words that introduce the agencies taking part in an operation, and the words that show the
# sentence (or the one before it) is about one.
_PARTICIPATION = frozenset(
    {"involved", "involving", "included", "including", "includes", "participated",
     "participating", "participation", "coordination", "assistance", "support"}
)  # fmt: skip
_OPERATION_WORDS = frozenset(
    {"operation", "investigation", "action", "takedown", "raid", "raids", "arrests", "crackdown",
     "probe", "effort", "efforts", "case", "taskforce"}
)  # fmt: skip
_FORCES = frozenset({"enforcement", "police", "authorities", "agencies", "officers", "forces"})


def _participants(ctx: Context, s: Sentence, previous: Sentence | None) -> None:
    """The agencies listed as taking part in an operation ("this included: A; B; C", "in
    coordination with A, B and C"), or the countries whose forces did ("involved police from A,
    B and C"), each cooperate with its leader: the sentence's agency before the list, else the
    article's main agency. At least two listed, and an operation in this sentence or the one
    before; victims and targets listed the same way are not partners."""
    sentence = _sentence_words(ctx.doc, s)
    cue = next((s.span.start + n for n, w in enumerate(sentence) if w in _PARTICIPATION), None)
    if cue is None:
        return
    words = set(sentence) | (_words(previous) if previous else set())
    if not words & _OPERATION_WORDS or words & _VICTIM_WORDS:
        return
    doc = ctx.doc
    after = [t.lower_ for t in doc[cue + 1 : min(cue + 7, s.span.end)]]
    force = next((n for n, w in enumerate(after) if w in _FORCES), None)
    # "involved police from A, B and C", "law enforcement actions in A, B and C"
    forces_from = force is not None and bool({"from", "in", "of"} & set(after[force + 1 :]))
    kinds = (A, J) if forces_from else (A,)
    listed = [it for it in s.of(*kinds, after=cue + 1) if not it.found.nested]
    if len({it.entity.id for it in listed}) < 2:
        return
    leaders = s.of(A, before=cue)
    hub = leaders[-1].entity if leaders else ctx.main_agency
    if hub is None:
        return
    members = {(r.source, r.target) for r in ctx.facts.out.values() if r.type == "MEMBER_OF"}
    status = cooperation_status(s.span)
    for it in listed:
        if (it.entity.id, hub.id) in members or (hub.id, it.entity.id) in members:
            continue
        ctx.facts.add("COOPERATES_WITH", hub, it.entity, s.span, "cooperates.participants", status)


_VICTIM_WORDS = frozenset({"victims", "victim", "attacks", "attack", "targeted", "targets"})


def _data_facts(ctx: Context, s: Sentence) -> None:
    refuse = _first_trigger(s, "refuses_data")
    if refuse is not None and not _about_data(ctx.doc, refuse, s.span):
        refuse = None  # "refused to pay", "internet freedom declining": no data withheld
    if refuse is not None:
        holders = s.of(PL, ORG, before=refuse[0])
        receivers = s.of(A, J, after=refuse[1])
        rest = s.span.doc[refuse[1] : s.span.end].text.lower()
        if holders and ctx.main_agency is not None and any(g in rest for g in _GENERIC_LE):
            # "does not share data with law enforcement": the article's main agency is meant.
            receivers.append(Item(holders[0].found, ctx.main_agency))
        for h in holders[-1:]:
            for r in receivers:
                ctx.facts.add("REFUSES_DATA_TO", h.entity, r.entity, s.span, "refuses_data.trigger")
    ask = _first_trigger(s, "requests_data")
    if ask is not None:
        for ag in s.of(A, before=ask[0]):
            for holder in s.of(PL, ORG, after=ask[0]):
                ctx.facts.add(
                    "REQUESTS_DATA_FROM", ag.entity, holder.entity, s.span, "requests_data.trigger"
                )


# What a refusal withholds when it is about data: the data itself, or the cooperation or
# requests through which authorities ask for it.
_DATA_WORDS = frozenset(
    {"data", "information", "records", "details", "logs", "account", "accounts", "user",
     "users", "identities", "identity", "messages", "content", "evidence", "share", "sharing",
     "disclose", "hand", "cooperate", "cooperation", "comply", "requests", "request", "access"}
)  # fmt: skip
_DATA_REACH = 12  # tokens after the refusal in which what it withholds is named


def _about_data(doc: Doc, trig: tuple[int, int], sent: Span) -> bool:
    word = doc[trig[0]]
    if word.lower_.startswith("declin") and word.pos_ == "NOUN":
        return False  # "a sharp decline in users": a fall, not a refusal
    words = lower_forms(doc)[trig[0] : min(trig[1] + _DATA_REACH, sent.end)]
    return not _DATA_WORDS.isdisjoint(words)


_TRIAL_WORDS = frozenset({"trial", "tried", "justice", "prosecution", "charges", "face"})


def _destination(doc: Doc, place: int, verbs: set[int]) -> bool:
    """ "extradited X to Bosnia" (the "to" hangs on the trigger verb) or "to stand trial in
    Bosnia"; not "removed him from ..." nor a "to" that belongs to another verb."""
    if place >= 2 and doc[place - 1].lower_ == "the":  # "to the United States"
        place -= 1
    prep = doc[place - 1]
    if prep.lower_ == "to":
        head = prep.head
        from_to = any(t.lower_ == "from" for t in doc[max(place - 6, 0) : place - 1])
        return (
            head.i in verbs
            or (head.dep_ in ("conj", "xcomp") and head.head.i in verbs)
            or from_to  # "the transfer of X from Spain to France"
        )
    if prep.lower_ == "in" and place >= 2:
        return doc[place - 2].lower_ in _TRIAL_WORDS or prep.head.lower_ in _TRIAL_WORDS
    return False


# Words that make an arrest or an extradition wanted, not done ("sought his extradition",
# "requested the extradition of", "fights extradition", "could be extradited", "a warrant for
# the arrest of").
_IRREALIS = frozenset(
    {"sought", "seek", "seeks", "seeking", "request", "requested", "requests", "requesting",
     "ask", "asked", "asks", "asking", "want", "wants", "pursue", "pursues", "pursuing",
     "pursued", "plan", "plans", "planned", "fight", "fights", "fighting", "fought", "avoid",
     "avoided", "evade", "evaded", "resist", "resisted", "oppose", "opposed", "could", "may",
     "might", "appeal", "appealed", "attempt", "attempted", "try", "tried", "approved",
     "approve", "approves", "warrant", "warrants", "notice"}
)  # fmt: skip


_TRIGGERS_KEY = "casegraph_triggers"  # doc.user_data key of find_triggers' result


def find_triggers(doc: Doc) -> list[tuple[str, int, int]]:
    """Every trigger of the document: (name, start token, end token), found once per
    document (the facts and the cases both read them)."""
    found = doc.user_data.get(_TRIGGERS_KEY)
    if not isinstance(found, list):
        found = doc.user_data[_TRIGGERS_KEY] = _FINDER(doc)
    return found


def irrealis(doc: Doc, trig: tuple[int, int], sent: Span) -> bool:
    """The trigger is the object of a wish, a request or a fight, a modal's verb, or an
    infinitive ("hope to arrest", "vowed to prosecute")."""
    before = doc[max(trig[0] - 4, sent.start) : trig[0]]
    verb = doc[trig[0]]
    infinitive = trig[0] > sent.start and doc[trig[0] - 1].lower_ == "to" and verb.tag_ == "VB"
    return infinitive or any(t.lower_ in _IRREALIS for t in before) or verb.head.lower_ in _IRREALIS


def _extradition(ctx: Context, s: Sentence) -> None:
    trig = _first_trigger(s, "extradited")
    if trig is None or irrealis(ctx.doc, trig, s.span):
        return
    doc = ctx.doc
    verbs = {a for a, _ in s.triggers.get("extradited", [])}
    places = [it for it in s.of(J, after=trig[0]) if _destination(doc, it.found.start, verbs)]
    people = [it for it in _targets(ctx, s) if it.kind == P]
    if not people and ctx.main_target is not None and ctx.main_target.kind == P:
        people = [Item(places[0].found, ctx.main_target)] if places else []
    for person in people[:1]:
        for place in places[:1]:
            ctx.facts.add(
                "EXTRADITED_TO", person.entity, place.entity, s.span, "extradited.trigger"
            )


def _event_rules(ctx: Context) -> None:
    for n, s in enumerate(ctx.sentences):
        _track_target(ctx, s)
        if len(s.items) < 2 and not (s.items and s.triggers):
            continue
        previous = ctx.sentences[n - 1] if n else None
        _offense_facts(ctx, s)
        _agency_on_target(ctx, s, "investigates", "INVESTIGATES")
        _agency_on_target(ctx, s, "arrested", "ARRESTED")
        _agency_on_target(ctx, s, "prosecutes", "PROSECUTES")
        _agency_on_target(ctx, s, "seized", "SEIZED")
        _attribution(ctx, s)
        _reported_proceeding(ctx, s)
        _charging_agency(ctx, s)
        _cooperation(ctx, s)
        _participants(ctx, s, previous)
        _data_facts(ctx, s)
        _extradition(ctx, s)


def _track_target(ctx: Context, s: Sentence) -> None:
    """Remember the first non-official person of the sentence, for "he"/"the defendant"."""
    people = [it for it in _targets(ctx, s) if it.kind == P]
    group = list({it.entity.id: it.entity for it in people}.values())
    if len(group) >= 2:
        ctx.last_group = group
    if people:
        ctx.last_target = people[0].entity
    elif ctx.last_target is None:
        ctx.last_target = ctx.main_target if ctx.main_target and ctx.main_target.kind == P else None


_OFFICIAL_WORDS = (
    LEADER_TITLES | MEMBER_TITLES | {"judge", "justice", "u.s.", "attorney", "special"}
)


def _titled_people(doc: Doc, found: list[Found], entity_of: dict[int, str]) -> set[str]:
    """People named with an official title ("U.S. Attorney Jane Q. Roe", "X, Director of")."""
    out = set()
    for i, f in enumerate(found):
        if f.kind != P or i not in entity_of:
            continue
        # The title sits right before the name ("U.S. Attorney Jane Q. Roe"); "agents
        # arrested X" does not make X an official.
        before = {doc[f.start - 1].lower_} if f.start > 0 else set()
        after = [t.lower_ for t in doc[f.end : f.end + 4]]
        contact = (
            f.start > 1 and doc[f.start - 1].text == ":" and doc[f.start - 2].lower_ == "contact"
        )
        if (
            contact  # "Contact: Jane Roe", the press officer of a release
            or before & _OFFICIAL_WORDS
            or (after[:1] == [","] and set(after[1:]) & _OFFICIAL_WORDS)
        ):
            out.add(entity_of[i])
    return out


def _known_parents(ctx: Context) -> None:
    """Units whose parent the data files know ("INTERPOL Washington" is part of INTERPOL)."""
    known = known_by_name()
    agencies = {e.name: e for e in ctx.by_id.values() if e.kind == A}
    for name, ent in agencies.items():
        entry = known.get((A, name))
        if entry and entry.parent in agencies:
            first = ctx.doc.char_span(ent.mentions[0].start, ent.mentions[0].end, "expand")
            sent = first.sent if first is not None else ctx.doc[:0]
            ctx.facts.add("MEMBER_OF", ent, agencies[entry.parent], sent, "member_of.known_parent")


def _most_mentioned(entities: Iterable[Entity]) -> Entity | None:
    ranked = sorted(entities, key=lambda e: -len(e.mentions))
    return ranked[0] if ranked else None


def extract_relations(
    doc: Doc,
    found: list[Found],
    entity_of: dict[int, str],
    entities: list[Entity],
    model: str,
    classifier: FactClassifier | None = None,
) -> list[Relation]:
    """All facts of one article: the rules' proposals, decided by the fact classifier when
    there is one (`ingest.facts`), else the proposals as they are."""
    sentences, proposals = propose(doc, found, entity_of, entities, model)
    if classifier is None:
        return proposals
    by_id = {e.id: e for e in entities}
    return facts.decide(
        facts.candidates(doc, sentences, proposals),
        by_id,
        classifier,
        f"{model}+{classifier.name}",
        cooperation_status,
    )


def propose(
    doc: Doc, found: list[Found], entity_of: dict[int, str], entities: list[Entity], model: str
) -> tuple[list[Sentence], list[Relation]]:
    """The article's sentences (with their mentions) and the facts the rules propose, in the
    order of the rules that found them."""
    by_id = {e.id: e for e in entities}
    ctx = Context(doc, _sentences(doc, found, entity_of, by_id), by_id, Facts(model))
    _structural(ctx)
    _known_parents(ctx)
    _justice_officials(ctx)
    # a post a title gives, not one the story tells ("A and B were members of X": the
    # accused officers of a foreign service are no officials who speak of the case)
    posts = [
        r
        for r in ctx.facts.out.values()
        if r.type in ("LEADS", "MEMBER_OF") and r.rule not in facts.TOLD_POSTS
    ]
    ctx.officials = {r.source for r in posts if by_id[r.target].kind == A}
    ctx.staff = {r.source for r in posts} - ctx.officials
    # a title with no post known ("Judge X"), or one the name's own organisation gives
    ctx.officials |= _titled_people(doc, found, entity_of) - ctx.staff
    ctx.main_target = _most_mentioned(
        e
        for e in entities
        if e.kind in (P, PL, ORG) and e.id not in ctx.officials | ctx.staff and not _is_media(e)
    )
    ctx.main_agency = _most_mentioned(e for e in entities if e.kind == A)
    _belongs_to(ctx, found, entity_of)
    _event_rules(ctx)
    _sole_prosecutor(ctx)
    return ctx.sentences, list(ctx.facts.out.values())


def relation_counts(relations: Iterable[Relation]) -> Iterator[tuple[str, int]]:
    yield from Counter(r.type for r in relations).most_common()
