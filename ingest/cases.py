"""Cases (investigations, prosecutions, lawsuits, operations) assembled from an article's facts.

A case is keyed by jurisdiction and target (`records.case_id`), so everything one article says
about the same proceeding lands in one case, and another article describing it merges with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from graph import ontology
from ingest import jurisdictions, knowledge
from ingest.arrests import GROUP_ARREST_RULE, arrested_groups, employs_accused
from ingest.nlp import doc_text, lower_forms, quoted
from ingest.records import Case, Entity, Relation, case_id

# Whole words ("issued" is not "sued"), in a sentence that names the case's target.
_LAWSUIT_WORDS = re.compile(
    r"\b(lawsuits?|settlements?|settle[sd]?|civil complaint|false claims act|sued|sues?)\b"
)
_PROCEEDING = {
    "INVESTIGATES": "investigation",
    "PROSECUTES": "prosecution",
    "ARRESTED": "operation",  # with a charge or a prosecutor besides: a prosecution
    "CHARGED_WITH": "prosecution",
    "CONVICTED_OF": "prosecution",
    "SEIZED": "operation",
}
_LEADING = ("INVESTIGATES", "PROSECUTES", "ARRESTED", "SEIZED")


@dataclass
class _Draft:
    target: str
    kinds: set[str] = field(default_factory=set)
    led_by: list[str] = field(default_factory=list)
    prosecutors: list[str] = field(default_factory=list)  # sources of PROSECUTES
    offenses: list[str] = field(default_factory=list)
    jurisdictions: list[str] = field(default_factory=list)
    evidence: Relation | None = None
    convicted: bool = False
    prosecuted: bool = False  # prosecuted or arrested, not only accused
    charged: bool = False  # a fact besides an arrest or an investigation: charged, tried
    sentenced: bool = False
    sentences: list[tuple[int, int]] = field(default_factory=list)  # of its facts


def _drafts(relations: list[Relation], agency_iso: dict[str, str]) -> dict[str, _Draft]:
    drafts: dict[str, _Draft] = {}
    for r in relations:
        if r.type not in _PROCEEDING:
            continue
        target = r.source if r.type in ("CHARGED_WITH", "CONVICTED_OF") else r.target
        d = drafts.setdefault(target, _Draft(target))
        # the members of a group arrested: an operation against the group, not an inquiry
        group_arrest = r.rule == GROUP_ARREST_RULE
        d.kinds.add("operation" if group_arrest else _PROCEEDING[r.type])
        d.evidence = d.evidence or r
        d.sentences.append((r.start, r.end))
        if r.type in _LEADING:
            d.led_by.append(r.source)
            if r.type == "PROSECUTES":
                d.prosecutors.append(r.source)
            if r.source in agency_iso:
                d.jurisdictions.append(agency_iso[r.source])
        else:
            d.offenses.append(r.target)
        d.prosecuted = d.prosecuted or r.type in ("PROSECUTES", "ARRESTED")
        d.charged = d.charged or r.type in ("PROSECUTES", "CHARGED_WITH", "CONVICTED_OF")
        if r.type == "CONVICTED_OF":
            d.convicted = True
            d.sentenced = d.sentenced or "sentenced" in r.sentence.lower()
    return drafts


def _sued(doc: Doc, target: Entity) -> bool:
    """A word of civil proceedings in a sentence that names `target`."""
    for m in target.mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and _LAWSUIT_WORDS.search(span.sent.text.lower()):
            return True
    return False


_CAUGHT_IN = re.compile(r"\b(arrested|detained|apprehended|caught|held)\s+in\s*$")


def _place_near(
    doc: Doc, target: Entity, places: list[Entity], charged: bool = False
) -> str | None:
    """A jurisdiction named "in <place>" in a sentence that mentions the target; for a person
    who is charged, not the place of the arrest (people are arrested abroad and sent back)."""
    text = doc_text(doc)
    for m in target.mentions:
        sent = doc.char_span(m.start, m.end, alignment_mode="expand")
        if sent is None:
            continue
        s = sent.sent
        for p in places:
            for pm in p.mentions:
                if s.start_char <= pm.start < s.end_char:
                    before = text[max(s.start_char, pm.start - 4) : pm.start].lower()
                    if before.strip().endswith("in") and p.iso:
                        lead = text[max(s.start_char, pm.start - 30) : pm.start].lower()
                        if charged and _CAUGHT_IN.search(lead):
                            continue
                        return p.iso
    return None


def _local_office_state(entities: list[Entity], agency_iso: dict[str, str]) -> str | None:
    """A release of a US county prosecutor is about that county's cases: their jurisdiction is
    the office's state when the text places it, else the United States (never a place the
    story merely passes through, "fled to North Carolina")."""
    offices = [
        e for e in entities if e.kind == ontology.AGENCY and jurisdictions.us_local_office(e.name)
    ]
    if not offices:
        return None
    return next((agency_iso[e.id] for e in offices if agency_iso.get(e.id)), "US")


def _country(iso: str | None) -> str | None:
    return iso.split("-")[0] if iso else None


def extract_cases(doc: Doc, entities: list[Entity], relations: list[Relation]) -> list[Case]:
    by_id = {e.id: e for e in entities}
    places = [e for e in entities if e.kind == ontology.JURISDICTION and e.iso]
    iso_entity = {e.iso: e.id for e in places}
    # An agency's country: as the article places it, else as the data files know it (the FBI
    # is American whether or not the article names the United States).
    known = knowledge.known_by_name()
    agency_iso = {
        e.id: entry.iso
        for e in entities
        if e.kind == ontology.AGENCY
        and (entry := known.get((ontology.AGENCY, e.name))) is not None
        and entry.iso
    }
    agency_iso |= {r.source: by_id[r.target].iso or "" for r in relations if r.type == "BELONGS_TO"}
    main_place = max(places, key=lambda e: len(e.mentions)).iso if places else None
    countries = Counter(iso.split("-")[0] for iso in agency_iso.values() if iso)
    home = countries.most_common(1)[0][0] if countries else main_place
    # Sent to stand trial: that country prosecutes, also when it is the country of the article's
    # own agencies (the place of the arrest abroad, named near the target, is not the case's).
    extradited_to = {
        r.source: by_id[r.target].iso
        for r in relations
        if r.type == "EXTRADITED_TO" and by_id[r.target].iso
    }
    # Arrested on another country's warrant or request: that country prosecutes.
    wanted_in = _wanted_in(doc_text(doc), relations, places)
    local = _local_office_state(entities, agency_iso)
    local_offices = {
        e.id
        for e in entities
        if e.kind == ontology.AGENCY and jurisdictions.us_local_office(e.name)
    }
    agencies = _agency_mentions(entities)
    merged: dict[tuple[str | None, str], Case] = {}
    charged_in: set[tuple[str | None, str]] = set()
    for d in _drafts(relations, agency_iso).values():
        target = by_id.get(d.target)
        if target is None or target.kind not in (
            ontology.PERSON,
            ontology.ORGANIZATION,
            ontology.PLATFORM,
        ):
            continue
        if not (d.led_by or d.convicted or target.kind == ontology.PERSON) and not any(
            start <= s < end for start, end in d.sentences for s, _ in agencies
        ):
            # A company or group said to commit an offence, with no agency in sight: an
            # accusation (often by a security firm or a victim), not a proceeding.
            continue
        # The proceeding's country: where the target is sent to stand trial, else its leading
        # agency's, else the country of the article's agencies, before any place the text
        # names near the target (often a nationality or a hometown). A US county or state
        # office keeps its state.
        # the prosecuting agency's country before the arresting or investigating one's
        leaders = [agency_iso[a] for a in (*d.prosecutors, *d.led_by) if agency_iso.get(a)]
        led_locally = [agency_iso[a] for a in d.led_by if a in local_offices and agency_iso.get(a)]
        iso = (
            extradited_to.get(target.id)
            or wanted_in.get(target.id)
            or (led_locally[0] if led_locally else None)
            or _country(leaders[0] if leaders else None)
            or local
            or _country(_place_near(doc, target, places, d.charged))
            or _country(home)
            or _country(main_place)
        )
        international = d.led_by and all(
            (ontology.AGENCY, by_id[a].name) in known for a in d.led_by if a in by_id
        )
        if d.kinds == {"operation"} and not leaders and international:
            iso = None  # a takedown by international bodies alone (Europol, INTERPOL)
        sued = target.kind == ontology.ORGANIZATION and _sued(doc, target)
        found = [_case(d, target, iso, iso_entity, sued)]
        if found[0].kind == "lawsuit" and d.offenses:
            # Criminal charges and a civil settlement against one company: two proceedings.
            found.append(_case(d, target, iso, iso_entity, False, separate=True))
        if d.charged:
            charged_in.add((iso, target.id))
        for case in found:
            key = (case.jurisdiction, case.kind)
            # Co-defendants of one proceeding ("charged A; B; C") are one case.
            merged[key] = _join(merged[key], case) if key in merged else case
    cases = list(merged.values())
    # An arrest in the country that charges or tries the person, or already has a case of
    # them, is a step of that case.
    charged_in |= {(c.jurisdiction, t) for c in cases for t in c.targets}
    cases += [
        op
        for op in _operations(relations, by_id, agency_iso, iso_entity, home)
        if (op.jurisdiction, op.targets[0]) not in charged_in
    ]
    cases += _unnamed_target_cases(doc, entities, agency_iso, iso_entity, cases, _country(home))
    cases = _named_operations(doc, entities, agency_iso, iso_entity, cases)
    cases += _act_cases(doc, entities, agency_iso, iso_entity, _country(home), cases)
    return cases + _takedown_cases(doc, entities, agency_iso, iso_entity, cases)


# "<country> (arrest) warrant", "<country>'s extradition request"; "at the request of <country>".
_WANTED_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:provisional\s+)?(?:arrest\s+)?(?:warrant|extradition request|indictment)",
    re.IGNORECASE,
)
_WANTED_BEFORE = re.compile(
    r"(?:at the request of|on behalf of|request (?:from|by)|warrant (?:issued )?(?:by|from|in)|"
    r"wanted (?:by|in))\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _wanted_in(text: str, relations: list[Relation], places: list[Entity]) -> dict[str, str]:
    """person id -> the country on whose warrant or request an arrest was made ("arrested by
    Spanish police pursuant to a US arrest warrant", "at the request of the United States")."""
    out: dict[str, str] = {}
    for r in relations:
        if r.type != "ARRESTED" or r.target in out:
            continue
        for place in places:
            for m in place.mentions:
                if not r.start <= m.start < r.end or not place.iso:
                    continue
                after = text[m.end : m.end + 40]
                before = text[max(r.start, m.start - 40) : m.start]
                if _WANTED_AFTER.match(after) or _WANTED_BEFORE.search(before):
                    out[r.target] = _country(place.iso) or place.iso
    return out


# "Operation Trojan Shield", "Operation HAECHI-II": capitalised words after "Operation".
_OPERATION = re.compile(r"\bOperation ((?:[A-Z0-9][\w-]*)(?: [A-Z0-9][\w-]*){0,3})")


# Words of police action: an article with none names no police operation without naming its
# agency ("Operation X" is also what researchers call an attack campaign).
_POLICING = frozenset(
    {"arrest", "arrests", "arrested", "raid", "raids", "raided", "seized", "seizure", "warrant",
     "warrants", "charged", "dismantled", "takedown", "extradited", "detained", "searches"}
)  # fmt: skip


def _agency_mentions(entities: list[Entity]) -> list[tuple[int, Entity]]:
    return [(m.start, e) for e in entities if e.kind == ontology.AGENCY for m in e.mentions]


def _named_operations(
    doc: Doc,
    entities: list[Entity],
    agency_iso: dict[str, str],
    iso_entity: dict,
    cases: list[Case],
) -> list[Case]:
    """A named operation is a case of kind operation, led by the agencies of the sentences
    that name it (else the article's most mentioned agency), in their country when they share
    one; none when they span countries or include an international body. Not one when no
    sentence naming it names an agency and the article tells of no police action: security
    researchers name attack campaigns "Operation X" too. Keyed by its name, so
    articles naming it merge into one case. It replaces the unnamed-target operations of its
    leaders: they are the same operation."""
    agencies = _agency_mentions(entities)
    counts = Counter(e.id for _, e in agencies)
    main = [counts.most_common(1)[0][0]] if counts else []
    named: dict[str, Case] = {}
    policing: bool | None = None  # read once, at the first operation without an agency
    for match in _OPERATION.finditer(doc_text(doc)):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        sent = span.sent
        leaders = [e.id for s, e in agencies if sent.start_char <= s < sent.end_char]
        if not leaders and policing is None:
            policing = not _POLICING.isdisjoint(lower_forms(doc))
        if not leaders and policing:
            leaders = main  # an article on arrests or seizures: its agency's operation
        if not leaders:
            continue  # an attack campaign that researchers named ("dubbed Operation X")
        title = f"Operation {match.group(1)}"
        old = named.get(title.lower())
        led_by = tuple(dict.fromkeys((*(old.led_by if old else ()), *leaders)))
        countries = {_country(agency_iso.get(a)) for a in led_by}
        iso = countries.pop() if len(countries) == 1 else None
        sentence, start, end = (old.sentence, old.start, old.end) if old else quoted(sent)
        named[title.lower()] = Case(
            id=case_id(None, None, "operation", title.lower()),
            title=title,
            kind="operation",
            status="unknown",
            jurisdiction=iso,
            jurisdiction_id=iso_entity.get(iso),
            led_by=led_by,
            sentence=sentence,
            start=start,
            end=end,
            rule="cases.named_operation",
        )
    operators = {a for c in named.values() for a in c.led_by}
    kept = [
        c
        for c in cases
        if not (
            c.rule == "cases.unnamed_target" and c.kind == "operation" and operators & set(c.led_by)
        )
    ]
    return kept + list(named.values())


# Acts on a company or person that are not a criminal proceeding: a regulator's or government's
# sanctions, fines and bans, and civil lawsuits.
_SANCTION = re.compile(
    r"^(sanction(s|ed|ing)?|fined|fines|blacklist\w*|penalt(y|ies)|banned|revok(e|es|ed|ing)|"
    r"revocation|designat(ed|ing|es|ion))$"
)
_SUIT = re.compile(r"^(sue|sues|sued|suing|lawsuits?)$")
# A step of a criminal proceeding that needs no offence named: "X was sentenced", "a jury
# convicted X", "X pleaded guilty", "X was indicted".
_PROCEEDING_STEP = re.compile(r"^(sentenced|convicted|indicted|pleaded|pled)$")
_STEP_STATUS = {"sentenced": "sentenced", "convicted": "convicted", "pleaded": "convicted",
                "pled": "convicted", "indicted": "charged"}  # fmt: skip
_TARGETS_SHOWN = 5
# Lists of sanctioned people and companies, named by the word before "list" ("the Entity
# List", "OFAC's SDN list", "the Denied Persons List"): being put on one is a sanction.
_SANCTION_LISTS = frozenset(
    {"entity", "sdn", "sanctions", "sanction", "denied", "unverified", "blacklist", "black"}
)


# The sanction verbs that make a case without a named target when an agency does them, and
# the list it adds them to (not "designated", "revoked" or "penalties": said of keys, places
# and threats as well; not the noun "sanctions": "to evade Treasury sanctions" is no new act).
_UNNAMED_SANCTIONS = frozenset(
    {"sanctioned", "sanctions", "sanctioning", "fined", "fines", "banned", "bans", "blacklisted"}
)


@dataclass(frozen=True)
class _Act:
    """A kind of act that makes a case: its trigger words, and whether a name that modifies the
    trigger word is what the act falls on ("the X sanctions"; "the X lawsuit" is X's)."""

    kind: str
    words: re.Pattern[str]
    modifier_targets: bool
    title: str
    rule: str
    kinds: tuple[str, ...] = (ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM)


_ACTS = (
    _Act("regulatory", _SANCTION, True, "regulatory action against", "cases.regulatory"),
    _Act("lawsuit", _SUIT, False, "lawsuit against", "cases.lawsuit"),
    _Act(
        "prosecution",
        _PROCEEDING_STEP,
        True,
        "prosecution of",
        "cases.proceeding",
        (ontology.PERSON, ontology.ORGANIZATION),
    ),
)


def _acts_in(
    doc: Doc, test: Callable[[str], bool], mentions: list[tuple[int, Entity]]
) -> Iterator[tuple[Token, Span, list[tuple[int, Entity]]]]:
    """The words of `doc` whose lower-case form passes `test` (tested once per form) and that
    state an act (not "may sanction"), with their sentence and the mentions inside it."""
    from ingest.relations import irrealis

    lowers = lower_forms(doc)  # no Token object for the words that fail
    passes = {low: test(low) for low in set(lowers)}
    for i, low in enumerate(lowers):
        if not passes[low]:
            continue
        t = doc[i]
        sent = t.sent
        if irrealis(doc, (t.i, t.i + 1), sent):
            continue
        yield t, sent, [(s, e) for s, e in mentions if sent.start_char <= s < sent.end_char]


@lru_cache(maxsize=65536)
def _act_of(low: str) -> _Act | None:
    """The act a lower-case word form states ("sanctioned", "sued"), if any."""
    return next((a for a in _ACTS if a.words.match(low)), None)


def _act_word(low: str) -> bool:
    return low == "list" or _act_of(low) is not None


def _sanction_list(t: Token) -> bool:
    """ "list" named as a sanctions list ("added to the Entity List", "on OFAC's SDN list")."""
    return (
        t.dep_ == "pobj"
        and t.head.lower_ in _LISTED_ON
        and any(c.dep_ in ("compound", "amod") and c.lower_ in _SANCTION_LISTS for c in t.children)
    )


@lru_cache(maxsize=65536)
def _takedown_word(low: str) -> bool:
    return bool(_TAKEDOWN.match(low))


def _act_cases(
    doc: Doc,
    entities: list[Entity],
    agency_iso: dict[str, str],
    iso_entity: dict,
    home: str | None,
    known: list[Case],
) -> list[Case]:
    """Sanctions, fines and bans ("the Treasury sanctioned X and Y", "X was fined by the
    regulator") and lawsuits ("the state sued X", "a lawsuit against X"): a case against the
    companies and people the sentence names (after the trigger for a lawsuit), led by its
    agencies, in their country (else the country of the article's agencies, else the one the
    sentence names before the act: a target's nationality is not the acting country). One per
    kind, country and article; none where the facts already made a case of this kind there."""

    kinds = (ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM)
    wanted = (*kinds, ontology.AGENCY, ontology.JURISDICTION)
    mentions = [(m.start, e) for e in entities if e.kind in wanted for m in e.mentions]
    mentions.sort(key=lambda x: x[0])
    taken = {(c.kind, c.jurisdiction) for c in known}
    home_of_agencies = any(agency_iso.values())  # else `home` is the article's main place
    out: dict[tuple[str, str | None, int], Case] = {}
    for t, sent, inside in _acts_in(doc, _act_word, mentions):
        act = _ACTS[0] if t.lower_ == "list" else _act_of(t.lower_)
        assert act is not None
        if t.lower_ == "list" and not _sanction_list(t):
            continue
        if t.lower_ != "list" and _named_by(t, sent):
            continue  # "the SSL Blacklist", "the Sanctions Act": a word of a name
        if act.kind == "prosecution":
            patients = _accused_chars(t)
        else:  # the names before "list" name the list
            patients = _patient_chars(t, act.modifier_targets and t.lower_ != "list")
        if t.lower_.startswith(("revok", "revoc")) and not _licence_revoked(doc, patients):
            continue  # "tokens can be revoked": a key or a session, not a licence
        named = [
            e for s, e in inside if e.kind in act.kinds and any(a <= s < b for a, b in patients)
        ]
        targets = list({e.id: e for e in named}.values())[:_TARGETS_SHOWN]
        reasons = _reason_chars(t)
        leaders = list(
            {
                e.id: e
                for s, e in inside
                if e.kind == ontology.AGENCY and not any(a <= s < b for a, b in reasons)
            }.values()
        )
        if not targets:
            # "the Commerce Department added a dozen companies to a trade blacklist": a
            # sanction of people it does not name, led by the agencies that impose it
            if act.kind != "regulatory" or not (
                (t.pos_ == "VERB" and t.lower_ in _UNNAMED_SANCTIONS) or t.lower_ == "blacklist"
            ):
                continue
            deps = {c.dep_ for c in t.children}
            if "auxpass" in deps and "agent" not in deps:
                continue  # "X said the gang was fined": the speaker did not fine it
            acting = {w.idx for w in _acting_words(t)}
            leaders = [e for e in leaders if any(m.start in acting for m in e.mentions)]
            if not leaders:
                continue
        agent = _agent_country(t, inside, agency_iso)
        iso = agent or _country(
            next((agency_iso[e.id] for e in leaders if agency_iso.get(e.id)), None)
        )
        if not targets and iso is None:
            continue  # no target and no country: nothing a reader could place
        if act.kind == "prosecution":
            # the country of the article's agencies, else its main place unless the sentence
            # names that place after the act (the country a crime helped does not try it)
            after = {e.iso for s, e in inside if e.kind == ontology.JURISDICTION and s > t.idx}
            iso = iso or (home if home_of_agencies or home not in after else None)
        else:
            if iso is None and home is None:
                iso = next(
                    (e.iso for s, e in inside if e.kind == ontology.JURISDICTION and s < t.idx),
                    None,
                )
                iso = _country(iso)
            iso = iso or home
        if (act.kind, iso) in taken:
            continue
        if act.kind == "prosecution" and any(
            set(c.targets) & {e.id for e in targets} for c in known
        ):
            continue  # a case the facts made of them already (maybe with a state's code)
        if act.kind == "prosecution":
            status = _step_status(t)
        else:
            status = "closed" if act.kind == "regulatory" else "open"
        title = f"{act.title} {targets[0].name}" if targets else f"sanction by {leaders[0].name}"
        case = _sentence_case(
            (act.kind, status, act.rule), title, iso, iso_entity, leaders, targets, sent
        )
        # One act per sentence; another sentence on one of its targets tells more of it,
        # one on other targets ("X was sanctioned in 2014") is another act.
        key = next(
            (
                k
                for k, c in out.items()
                if k[:2] == (act.kind, iso) and set(c.targets) & {e.id for e in targets}
            ),
            (act.kind, iso, sent.start if targets else -1),
        )
        out[key] = _join(out[key], case) if key in out else case
    # a sanction of unnamed targets (key -1) in a country where one of named targets is told:
    # the same act, told without its names
    told = {k[:2] for k in out if k[2] != -1}
    return [c for k, c in out.items() if k[2] != -1 or k[:2] not in told]


# A takedown named as a noun or a verb ("the Emotet takedown", "the crackdown on X", "the
# seizure of domains used by X", "police dismantled X"). Not "disrupted" or "shut down": an
# attack disrupts and shuts down its victims too.
_TAKEDOWN = re.compile(r"^(take-?downs?|crackdowns?|seizures?|seized|dismantl(ed|ing|ement))$")
_TAKEDOWN_PREPOSITIONS = frozenset({"of", "on", "against", "targeting"})


def _takedown_patients(t: Token) -> list[tuple[int, int]]:
    """The character ranges of what a takedown word falls on: its object or passive subject,
    the name before the noun ("the X takedown"), its "of / on / against" phrase."""
    words = [
        c
        for c in t.children
        if c.dep_ in ("dobj", "nsubjpass", "compound", "nmod", "poss")
        or (c.dep_ == "prep" and c.lower_ in _TAKEDOWN_PREPOSITIONS)
    ]
    return [_extent(w) for w in words]


def _takedown_cases(
    doc: Doc,
    entities: list[Entity],
    agency_iso: dict[str, str],
    iso_entity: dict,
    known: list[Case],
) -> list[Case]:
    """An operation against the services and groups a takedown falls on, when no case of the
    article has them as target: led by the sentence's agencies, in the country of the one that
    acts (else of the sentence's agencies); of no country when the sentence names no agency
    (takedowns are often international and news names them in passing)."""

    groups = (ontology.ORGANIZATION, ontology.PLATFORM)
    wanted = (*groups, ontology.AGENCY, ontology.JURISDICTION)
    mentions = sorted(
        ((m.start, e) for e in entities if e.kind in wanted for m in e.mentions),
        key=lambda x: x[0],
    )
    targeted = {t for c in known for t in c.targets}
    out: dict[str, Case] = {}
    for t, sent, inside in _acts_in(doc, _takedown_word, mentions):
        if t.pos_ not in ("NOUN", "VERB"):
            continue
        patients = _takedown_patients(t)
        targets = [
            e
            for s, e in inside
            if e.kind in groups
            and e.id not in targeted
            and not (s <= t.idx < s + len(e.name))  # a word of the name itself
            and any(a <= s < b for a, b in patients)
        ]
        targets = list({e.id: e for e in targets}.values())[:_TARGETS_SHOWN]
        if not targets:
            continue
        leaders = list({e.id: e for _, e in inside if e.kind == ontology.AGENCY}.values())
        iso = _agent_country(t, inside, agency_iso) or _country(
            next((agency_iso[e.id] for e in leaders if agency_iso.get(e.id)), None)
        )
        case = _sentence_case(
            ("operation", "closed", "cases.takedown"), f"operation against {targets[0].name}",
            iso, iso_entity, leaders, targets, sent,
        )  # fmt: skip
        key = targets[0].id
        out[key] = _join(out[key], case) if key in out else case
        targeted.update(e.id for e in targets)
    return list(out.values())


_PATIENT_PREPOSITIONS = frozenset({"on", "against", "targeting", "upon"})
_IMPOSING = frozenset({"hit", "slapped", "faces", "face", "faced", "facing", "received", "got"})


# What a regulator revokes from a company or a person.
_LICENCES = frozenset(
    {"licence", "licences", "license", "licenses", "authorization", "authorisation",
     "authorizations", "authorisations", "permit", "permits", "registration", "registrations",
     "accreditation", "certification", "charter", "visa", "visas", "status"}
)  # fmt: skip


def _licence_revoked(doc: Doc, patients: list[tuple[int, int]]) -> bool:
    """What is revoked is a licence, a permit or a registration ("revoked China Telecom's
    licence", "the licence of X was revoked")."""
    words = lower_forms(doc)
    return any(
        words[t.i] in _LICENCES for a, b in patients if (span := doc.char_span(a, b)) for t in span
    )


def _named_by(word: Token, sent: Span) -> bool:
    """A capitalised word inside a sentence with lower-case words: part of a name."""
    from ingest.relations import in_running_text

    return word.i != sent.start and word.is_title and in_running_text(sent)


_LISTED_ON = frozenset({"to", "on", "onto", "under"})
_OBJ_DEPS = frozenset({"dobj", "nsubjpass"})


def _patient_chars(t: Token, modifiers: bool = True) -> list[tuple[int, int]]:
    """The character ranges of the words an act falls on: the object of "sanctioned X",
    the subject of "X was fined", the "on / against" phrase of "sanctions against X" or of
    the verb that carries the noun ("imposed sanctions on X"), a name modifying the noun ("the
    X sanctions"), and the one who is "hit with" or "faces" it. Not the one who acts ("the
    Treasury sanctioned X") nor someone quoted on it. Without `modifiers`, not the names that
    modify the word ("the X lawsuit" is brought by X)."""
    words: list[Token] = []
    objects = ("dobj", "nsubjpass", "dative", *(("compound", "nmod") if modifiers else ()))
    for c in t.children:
        on = c.dep_ == "prep" and c.lower_ in _PATIENT_PREPOSITIONS
        if on or c.dep_ in objects:
            words.append(c)
        elif c.dep_ == "acl":  # "sanctions imposed on X"
            words += [
                p for p in c.children if p.dep_ == "prep" and p.lower_ in _PATIENT_PREPOSITIONS
            ]
    spans = []
    if t.dep_ in ("relcl", "acl") and t.head.i != t.i:
        # "X, which the Treasury sanctioned", "the individuals sanctioned": the noun itself
        spans.append((t.head.left_edge.idx, t.head.idx + len(t.head)))
    noun = t
    while noun.dep_ == "compound" and noun.head.i != noun.i:
        noun = noun.head  # "the sanctions list"
    head = noun.head
    if noun.dep_ in ("dobj", "pobj", "nsubjpass") and head.i != noun.i:
        verb = head.head if noun.dep_ == "pobj" and head.dep_ == "prep" else head
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in _PATIENT_PREPOSITIONS:
                words.append(c)
            elif c.dep_ in ("nsubjpass", "nsubj") and verb.lower_ in _IMPOSING:
                words.append(c)  # "X was hit with sanctions", "X faces a fine"
            elif noun.dep_ == "pobj" and head.lower_ in _LISTED_ON and c.dep_ in _OBJ_DEPS:
                words.append(c)  # "X was added to the sanctions list" (not "told X about")
        if noun.dep_ == "pobj" and head.lower_ in _LISTED_ON and verb.dep_ in ("relcl", "acl"):
            # "X, which was added to the Entity List": the noun the clause is about
            spans.append((verb.head.left_edge.idx, verb.head.idx + len(verb.head)))
    return spans + [_extent(w) for w in words]


def _extent(w: Token) -> tuple[int, int]:
    """The characters of a word with everything it governs."""
    return w.left_edge.idx, w.right_edge.idx + len(w.right_edge)


def _step_status(t: Token) -> str:
    """ "sentenced" -> sentenced, "convicted" and "pleaded guilty" -> convicted, "indicted" and
    "pleaded not guilty" -> charged."""
    if t.lower_ in ("pleaded", "pled") and any(w.lower_ == "not" for w in t.subtree):
        return "charged"
    return _STEP_STATUS.get(t.lower_, "open")


def _reason_chars(t: Token) -> list[tuple[int, int]]:
    """The "for ..." phrase of an act, its reason ("sanctioned for providing aid to the FSB",
    "designated for acting on behalf of the Government of X"): an agency named there is whom
    the target served, not who acts."""
    return [_extent(c) for c in t.children if c.dep_ == "prep" and c.lower_ in ("for", "over")]


def _accused_chars(t: Token) -> list[tuple[int, int]]:
    """Who a step of a proceeding falls on: the subject of "X was sentenced" and of "X pleaded
    (not) guilty", the object of "a jury convicted X"; none when the word only describes ("a
    convicted fraudster")."""
    if t.pos_ != "VERB":
        return []
    deps: tuple[str, ...] = ("nsubjpass", "dobj")
    if t.lower_ in ("pleaded", "pled"):
        if not any(c.lower_ == "guilty" for c in t.subtree):
            return []
        deps = ("nsubj",)
    # the noun and the words before it, and its apposition ("The founder, X, pleaded"); not
    # a relative clause after it ("a man who bribed Acme employees was sentenced")
    nouns = [c for c in t.children if c.dep_ in deps]
    nouns += [a for c in nouns for a in c.children if a.dep_ == "appos"]
    return [(c.left_edge.idx, c.idx + len(c)) for c in nouns]


def _agent_tokens(t: Token) -> list[Token]:
    """The words that say who acts: the subject of an active verb, the "by" phrase of a
    passive one, a noun's modifier or "by" phrase ("US sanctions", "sanctions by the EU"), and
    the subject of the verb a noun is the object of ("the Treasury imposed sanctions")."""
    out = [c for c in t.children if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by")]
    if t.pos_ == "PROPN":
        return []  # a word of a name ("the Sudanese Sanctions Regulations")
    if t.dep_ in ("amod", "acl"):
        return out  # "sanctioned countries", "a firm sanctioned in 2021": only a "by" phrase
    out += [c for c in t.children if c.dep_ in ("nsubj", "compound", "amod", "poss")]
    if t.pos_ == "NOUN" and t.dep_ == "dobj":
        out += [c for c in t.head.children if c.dep_ == "nsubj"]
    return out


def _agent_country(t: Token, inside: list[tuple[int, Entity]], agency_iso: dict[str, str]):
    """The country of the agency or country that acts (`_agent_tokens`), if the text says."""
    spans = [_extent(w) for w in _agent_tokens(t)]
    for s, e in inside:
        if not any(a <= s < b for a, b in spans):
            continue
        iso = e.iso if e.kind == ontology.JURISDICTION else agency_iso.get(e.id)
        if iso:
            return _country(iso)
    return None


# An agency's act on suspects the text does not name: the kind of proceeding it shows.
_UNNAMED_TARGET_KINDS = {
    "arrested": "operation",
    "seized": "operation",
    "investigates": "investigation",
}
# An agency that "charged" or "indicted" people it does not name ("the Justice Department
# indicted six intelligence officers") brings a prosecution; the other words of the "charged"
# triggers ("accused", "wanted", "faces") do not say who prosecutes.
_UNNAMED_CHARGE_WORDS = frozenset({"charged", "indicted"})
_UNNAMED_STATUS = {"operation": "closed", "investigation": "open", "prosecution": "charged"}


def _unnamed_target_cases(
    doc: Doc,
    entities: list[Entity],
    agency_iso: dict[str, str],
    iso_entity: dict,
    found: list[Case],
    home: str | None = None,
) -> list[Case]:
    """A proceeding whose suspects are not named ("police arrested 23 suspects", "an
    investigation by the prosecutor's office", "the Justice Department indicted six officers"):
    led by the agencies that act in it (`_acting_words`), in their country (none for
    international bodies). One per kind and country; none where a case of a
    named target already has one of these leaders, or is of this kind in this country (the
    agencies a release credits with "the investigation" worked on the named defendant's)."""
    from ingest.relations import find_triggers, irrealis

    agencies = _agency_mentions(entities)
    named = [
        m.start
        for e in entities
        if e.kind in (ontology.PERSON, ontology.ORGANIZATION, ontology.PLATFORM)
        for m in e.mentions
    ]
    names = [(m.start, m.end) for e in entities for m in e.mentions]
    named_people = [m.start for e in entities if e.kind == ontology.PERSON for m in e.mentions]
    groups = [
        (m.start, m.end, e)
        for e in entities
        if e.kind in (ontology.ORGANIZATION, ontology.PLATFORM)
        for m in e.mentions
    ]
    targeted = {t for c in found for t in c.targets}
    known = knowledge.known_by_name()
    taken = {a for c in found for a in c.led_by}
    countries = {c.jurisdiction for c in found}
    out: dict[tuple[str | None, str], Case] = {}
    for name, start, end in find_triggers(doc):
        kind = _UNNAMED_TARGET_KINDS.get(name)
        if name == "charged" and doc[start].lower_ in _UNNAMED_CHARGE_WORDS:
            kind = "prosecution"
        if kind is None:
            continue
        sent = doc[start].sent
        if irrealis(doc, (start, end), sent):
            continue
        if doc[start].lower_ in ("took", "shut") and not any(
            c.dep_ == "prt" and c.lower_ == "down" for c in doc[start].children
        ):
            continue  # "took five months": not "took down"
        if any(s <= doc[start].idx < e for s, e in names):
            continue  # a word of a name ("Federal Bureau of Investigation"), not an act
        targets: list[Entity] = []
        if any(sent.start_char <= m < sent.end_char for m in named):
            # A named target: its case comes from the facts; but members of a named group
            # arrested make no fact (an arrest is of a person): the group is the target.
            # So are the members of a named group charged ("charged five X members").
            people = any(sent.start_char <= m < sent.end_char for m in named_people)
            if (name != "arrested" and kind != "prosecution") or people:
                continue
            targets = arrested_groups(doc[start], groups, targeted)
            if not targets and name != "arrested":
                continue
            # people arrested and no group of theirs named: the company or service the
            # sentence names is a victim or a source ("the Civil Guard arrested 16 people,
            # CheckPoint says"); the people taken are unnamed
        # the agencies that act, not every agency of the sentence ("the company began
        # investigating and notified the FBI": no FBI investigation)
        acting = {w.idx for w in _acting_words(doc[start])}
        leaders = [e for s, e in agencies if s in acting]
        if targets:
            # not the employer of the people taken ("GRU officers were charged by the DOJ")
            here = [
                e
                for s, e in agencies
                if sent.start_char <= s < sent.end_char and not _employs_accused(doc, e, sent)
            ]
            leaders = [e for e in leaders if e in here] or here
        leaders = list({e.id: e for e in leaders}.values())
        if targets:
            inside = [(m.start, e) for e in entities for m in e.mentions]
            iso = _agent_country(doc[start], inside, agency_iso)
            out.update(_group_case(kind, targets, leaders, sent, agency_iso, iso_entity, home, iso))
            targeted.update(e.id for e in targets)
            continue
        if not leaders:
            continue
        iso = _country(next((agency_iso[e.id] for e in leaders if agency_iso.get(e.id)), None))
        if iso is None and not any((e.kind, e.name) in known for e in leaders):
            iso = home  # agencies the data files do not know (no international body): local
        if any(e.id in taken for e in leaders) or iso in countries:
            continue
        case = _sentence_case(
            (kind, _UNNAMED_STATUS[kind], "cases.unnamed_target"), f"{kind} by {leaders[0].name}",
            iso, iso_entity, leaders, [], sent,
        )  # fmt: skip
        key = (iso, kind)
        out[key] = _join(out[key], case) if key in out else case
    return list(out.values())


_ACTOR_DEPS = frozenset({"nsubj", "poss", "compound", "nmod", "agent"})
_ACTOR_PREPOSITIONS = frozenset({"by", "between", "among"})
_ACTOR_PARTICIPLES = frozenset(
    {"led", "conducted", "carried", "run", "coordinated", "performed", "executed", "made"}
)
_CLIMB_DEPS = frozenset({"conj", "xcomp", "dobj", "ccomp", "advcl", "pobj", "prep"})


def _actors_of(word: Token) -> list[Token]:
    """The words that name who does `word`: its subject or "by" agent, a noun's possessor or
    compound ("the FBI's investigation", "an FBI probe"), "an investigation between/led by X"."""
    out: list[Token] = []
    for c in word.children:
        if c.dep_ in _ACTOR_DEPS or (c.dep_ == "prep" and c.lower_ in _ACTOR_PREPOSITIONS):
            out.extend(c.subtree)
        elif c.dep_ == "acl" and c.lower_ in _ACTOR_PARTICIPLES:
            out.extend(_agent_words(c))
    if word.dep_ in ("nsubj", "nsubjpass") and word.head.i != word.i:
        # "the arrests were made by X", "the investigation took months and was led by X":
        # the agent of the verb the act is the subject of, or of the verbs joined to it
        verb = word.head
        for v in (verb, *(c for c in verb.children if c.dep_ == "conj")):
            if v.lower_ in _ACTOR_PARTICIPLES:
                out.extend(_agent_words(v))
    return out


def _agent_words(verb: Token) -> list[Token]:
    """The words of a participle's "by" agent."""
    return [w for a in verb.children if a.dep_ == "agent" for w in a.subtree]


def _acting_words(trigger: Token) -> list[Token]:
    """Who does what `trigger` says: its own actors and those of the words it depends on, up
    to three steps ("police raided and arrested", "police announced the arrest of", "police are
    working to investigate")."""
    out = _actors_of(trigger)
    word = trigger
    for _ in range(3):
        if word.dep_ not in _CLIMB_DEPS or word.head.i == word.i:
            break
        word = word.head
        out += _actors_of(word)
    return out


def _employs_accused(doc: Doc, agency: Entity, sent: Span) -> bool:
    """A mention of `agency` in `sent` names the employer of the people taken."""
    for m in agency.mentions:
        if sent.start_char <= m.start < sent.end_char:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and employs_accused(span.root):
                return True
    return False


def _group_case(
    kind: str,
    targets: list[Entity],
    leaders: list[Entity],
    sent: Span,
    agency_iso: dict[str, str],
    iso_entity: dict,
    home: str | None,
    agent_iso: str | None = None,
) -> dict[tuple[str | None, str], Case]:
    """An operation against a named group whose members were arrested, or a prosecution of one
    whose members were charged, led by the sentence's agencies, in the country that acts
    (`agent_iso`), else theirs (none for international bodies alone), else the article's."""
    isos = [agency_iso[e.id] for e in leaders if agency_iso.get(e.id)]
    iso = agent_iso or (_country(isos[0]) if isos else (None if leaders else home))
    if kind == "prosecution":
        what, title = ("prosecution", "charged", "cases.charged_group"), "prosecution of"
    else:
        what, title = ("operation", "closed", "cases.arrested_group"), "operation against"
    case = _sentence_case(
        what, f"{title} {targets[0].name}", iso, iso_entity, leaders, targets, sent
    )
    return {(iso, f"{title} {targets[0].id}"): case}


def _sentence_case(
    what: tuple[str, str, str],
    title: str,
    iso: str | None,
    iso_entity: dict,
    leaders: list[Entity],
    targets: list[Entity],
    sent: Span,
) -> Case:
    """A case one sentence shows: (kind, status, rule), its title (the country's name put
    before it), its agencies and targets; keyed by its first target, else by its title."""
    kind, status, rule = what
    if iso:
        title = f"{jurisdictions.display_name(iso)} {title}"
    sentence, start, end = quoted(sent)
    return Case(
        id=case_id(iso, targets[0].id if targets else None, kind, title),
        title=title,
        kind=kind,
        status=status,
        jurisdiction=iso,
        jurisdiction_id=iso_entity.get(iso),
        led_by=tuple(e.id for e in leaders),
        targets=tuple(e.id for e in targets),
        sentence=sentence,
        start=start,
        end=end,
        rule=rule,
    )


_STATUS_ORDER = ("unknown", "open", "charged", "convicted", "sentenced", "closed")


def _join(a: Case, b: Case) -> Case:
    """One proceeding: the targets, agencies and offences of both, the further status."""
    status = max(
        a.status, b.status, key=lambda x: _STATUS_ORDER.index(x) if x in _STATUS_ORDER else 0
    )
    return replace(
        a,
        status=status,
        targets=tuple(dict.fromkeys(a.targets + b.targets)),
        led_by=tuple(dict.fromkeys(a.led_by + b.led_by)),
        offenses=tuple(dict.fromkeys(a.offenses + b.offenses)),
    )


def _operations(
    relations: list[Relation],
    by_id: dict[str, Entity],
    agency_iso: dict[str, str],
    iso_entity: dict,
    home: str | None,
) -> list[Case]:
    """A fugitive arrested or returned by one country's agencies for another country's case:
    the arrest is its own law-enforcement operation ("located, arrested and returned"), in the
    country of the arresting agency, else of the agencies the article names most."""
    out: dict[str, Case] = {}
    for r in relations:
        if r.type not in ("ARRESTED", "EXTRADITED_TO"):
            continue
        person = by_id.get(r.target if r.type == "ARRESTED" else r.source)
        if person is None or person.kind != ontology.PERSON or person.id in out:
            continue
        iso = agency_iso.get(r.source) if r.type == "ARRESTED" else None
        iso = (iso or home or "").split("-")[0] or None
        title = f"operation to arrest {person.name}"
        if iso:
            title = f"{jurisdictions.display_name(iso)} {title}"
        out[person.id] = Case(
            id=case_id(iso, None, "operation", title),
            title=title,
            kind="operation",
            status="closed",
            jurisdiction=iso,
            jurisdiction_id=iso_entity.get(iso),
            led_by=(r.source,) if r.type == "ARRESTED" else (),
            targets=(person.id,),
            sentence=r.sentence,
            start=r.start,
            end=r.end,
            rule="cases.arrest_operation",
        )
    return list(out.values())


def _case(
    d: _Draft,
    target: Entity,
    iso: str | None,
    iso_entity: dict,
    lawsuit: bool,
    separate: bool = False,
) -> Case:
    if d.kinds == {"operation"}:
        kind = "operation"  # a seizure or takedown, nobody charged or investigated
    elif d.convicted or d.prosecuted or "investigation" not in d.kinds:
        kind = "lawsuit" if lawsuit and target.kind == ontology.ORGANIZATION else "prosecution"
    else:
        kind = "investigation"
    status = "sentenced" if d.sentenced else "convicted" if d.convicted else "charged"
    if kind == "investigation":
        status = "open"
    elif kind in ("operation", "lawsuit"):
        status = "closed"
    title = f"{kind} of {target.name}"
    if iso:
        title = f"{jurisdictions.display_name(iso)} {title}"
    ev = d.evidence
    return Case(
        # A second proceeding against the same target is keyed by its title.
        id=case_id(iso, None if separate else target.id, kind, title),
        title=title,
        kind=kind,
        status=status,
        jurisdiction=iso,
        jurisdiction_id=iso_entity.get(iso),
        led_by=tuple(dict.fromkeys(d.led_by)),
        targets=(target.id,),
        offenses=tuple(dict.fromkeys(d.offenses)),
        sentence=ev.sentence if ev else "",
        start=ev.start if ev else 0,
        end=ev.end if ev else 0,
        rule="cases.from_facts",
    )
