"""Typing spans into casegraph's entity kinds, and the rules that drop false positives.

Three sources of spans meet here: the statistical NER (`doc.ents`), the span ruler built from
the data files (`doc.spans[RULER_KEY]`, with canonical ids), and the offence vocabulary. The
result is a list of `Span`-like `Found` mentions, each with a kind and, when known, a key (the
canonical name from the data files, or the ISO code of a jurisdiction).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from spacy.attrs import IS_TITLE, LIKE_NUM
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from graph import ontology
from ingest import jurisdictions
from ingest.knowledge import offense_vocabulary, software_products
from ingest.nlp import NOT_A_PLACE, RULER_KEY, doc_text, lower_forms

PERSON, AGENCY, PLATFORM = ontology.PERSON, ontology.AGENCY, ontology.PLATFORM
ORGANIZATION, JURISDICTION, OFFENSE = ontology.ORGANIZATION, ontology.JURISDICTION, ontology.OFFENSE

# Words that make an organisation name a public authority.
AGENCY_WORDS = frozenset(
    [
        "police",
        "department",
        "ministry",
        "office",
        "bureau",
        "court",
        "courts",
        "prosecutor",
        "prosecutors",
        "attorney",
        "attorneys",
        "service",
        "agency",
        "commission",
        "administration",
        "division",
        "divisions",
        "offices",
        "departments",
        "agencies",
        "section",
        "branch",
        "unit",
        "units",
        "squad",
        "guard",
        "sheriff",
        "inspector",
        "directorate",
        "authority",
        "customs",
        "immigration",
        "marshals",
        "interpol",
        "europol",
        "gendarmerie",
        "prosecution",
        "procuracy",
        "tribunal",
        "judiciary",
        "regulator",
        "center",
        "centre",
        "task",
        "force",
        "council",
        "cabinet",
        "parliament",
        "congress",
        "senate",
        "government",
        "fbi",
        "police",
    ]
)
# Police and prosecution in the languages news leaves untranslated ("Polizei Basel-Landschaft",
# "Policía Nacional"): no personal name holds them.
FOREIGN_AUTHORITY_WORDS = frozenset(
    {"polizei", "politie", "policía", "policia", "polícia", "polizia", "politiet", "polisen",
     "poliisi", "policja", "policie", "policija", "politsei", "poliția", "politia",
     "carabinieri", "garda", "bundeskriminalamt", "landeskriminalamt", "staatsanwaltschaft",
     "fiscalía", "fiscalia", "procura", "parquet"}
)  # fmt: skip
AGENCY_WORDS = AGENCY_WORDS | FOREIGN_AUTHORITY_WORDS
# Words that make an organisation name a company, NGO, media outlet or group.
ORGANIZATION_WORDS = frozenset(
    [
        "inc",
        "inc.",
        "corp",
        "corp.",
        "corporation",
        "llc",
        "ltd",
        "ltd.",
        "plc",
        "co",
        "co.",
        "company",
        "companies",
        "bank",
        "group",
        "university",
        "college",
        "institute",
        "foundation",
        "association",
        "news",
        "times",
        "post",
        "press",
        "journal",
        "casino",
        "hotel",
        "party",
        "army",
        "military",
        "movement",
        "organization",
        "organisation",
        "gang",
        "cartel",
        "network",
        "holdings",
        "partners",
        "lp",
        "llp",
        "ag",
        "sa",
        "gmbh",
        "enterprises",
        "industries",
        "pharmaceuticals",
        "labs",
        # company designators and trade words of company names ("X Info Solutions",
        # "Y Private Limited", "Z Global"): never a person's name
        "limited",
        "pvt",
        "solutions",
        "technologies",
        "global",
        "international",
        "consulting",
        "ventures",
        "software",
        "telecom",
        "studios",
        # hospitals and care providers ("X Medical Center", "Y Health System"), not agencies
        "hospital",
        "hospitals",
        "clinic",
        "clinics",
        "medical",
        "healthcare",
    ]
)
# A company's legal form after its name or a comma ("Acme, Inc.", "Support King, LLC").
COMPANY_FORMS = frozenset(
    {"inc", "inc.", "corp", "corp.", "corporation", "llc", "ltd", "ltd.", "plc", "co.", "gmbh",
     "ag", "llp", "lp", "s.a.", "b.v.", "pty", "srl"}
)  # fmt: skip
LEGAL_FORMS = frozenset(
    {"inc", "inc.", "corp", "corp.", "corporation", "llc", "ltd", "ltd.", "plc", "co.", "company",
     "bank", "university", "college", "casino", "hotel", "holdings", "gmbh", "ag", "llp", "lp",
     "pharmaceuticals", "industries", "enterprises", "foundation", "association", "institute"}
)  # fmt: skip
# The last word of the name of a company, an institution or a law, never of a person's: the
# legal forms, and the words that end names of companies, products and laws.
COMPANY_SUFFIXES = LEGAL_FORMS | frozenset(
    {"limited", "group", "technologies", "labs", "systems", "solutions", "interactive", "club",
     "tech", "regulation", "directive", "act", "treaty", "security", "holding", "warehouse",
     "medicine", "project", "guide", "keylogger", "analyzer", "notes", "candy"}
)  # fmt: skip
# Names that are things, not actors ("INTERPOL Red Notice", "False Claims Act").
THING_WORDS = frozenset(
    [
        "notice",
        "notices",
        "act",
        "acts",
        "program",
        "programme",
        "initiative",
        "symposium",
        "conference",
        "award",
        "summit",
        "treaty",
        "agreement",
        "convention",
        "code",
        "statute",
        "law",
        "policy",
        "report",
        "day",
        "week",
        "month",
        # documents, plans and hearings named after a body ("NIST Cybersecurity Framework",
        # "FBI Private Industry Notification", "Europol Regulation", "Senate Estimates")
        "framework",
        "notification",
        "regulation",
        "regulations",
        "strategy",
        "directive",
        "advisory",
        "guidelines",
        "guidance",
        "plan",
        "bill",
        "estimates",
        "hearing",
        "handbook",
        "manual",
        # flaws named in advisories ("Storage Spaces Controller Elevation of Privilege
        # Vulnerability", "ACL Bypass")
        "vulnerability",
        "vulnerabilities",
        "bypass",
        "flaw",
        "flaws",
    ]
)
# Titles that may precede a name inside a PERSON span ("Director Shawn Bray").
TITLE_WORDS = frozenset(
    [
        "director",
        "chief",
        "head",
        "founder",
        "co-founder",
        "ceo",
        "cto",
        "cfo",
        "coo",
        "ciso",
        "magistrate",
        "president",
        "chairman",
        "chairwoman",
        "chair",
        "chairperson",
        "technologist",
        "secretary",
        "judge",
        "justice",
        "attorney",
        "general",
        "assistant",
        "deputy",
        "special",
        "agent",
        "agents",
        "officer",
        "commissioner",
        "sheriff",
        "mr",
        "mr.",
        "ms",
        "ms.",
        "mrs",
        "mrs.",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "u.s.",
        "us",
        "district",
        "trial",
        "acting",
        "principal",
        "senior",
        "inspector",
        "administrator",
        "associate",
        "executive",
        "minister",
        "prime",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "lt.",
        "sgt.",
        "capt.",
        "col.",
        "gen.",
        "detective",
        "prosecutor",
        "lawyer",
        # offices of state written before a name ("Treasurer Jim Chalmers", "Sen. Ron Wyden")
        "treasurer",
        "governor",
        "senator",
        "sen.",
        "representative",
        "rep.",
        "mayor",
        "ambassador",
        "chancellor",
        "commander",
        "auditor",
        "solicitor",
        "counsel",
        "premier",
        "taoiseach",
        "congressman",
        "congresswoman",
        "councillor",
        "councilman",
        "councilwoman",
        # police and military ranks ("Superintendent Jon Armory", "Det. Sgt. ...")
        "superintendent",
        "supt.",
        "constable",
        "sergeant",
        "lieutenant",
        "captain",
        "colonel",
        "det.",
    ]
)
# Common nouns for people that headlines capitalise ("Houston Man Sentenced", "Victim"): never a
# person's name, alone or after a place ("Brooklyn Woman"), general English, not per article.
GENERIC_PERSON_NOUNS = frozenset(
    [
        "man",
        "men",
        "woman",
        "women",
        "boy",
        "boys",
        "girl",
        "girls",
        "teen",
        "teens",
        "teenager",
        "teenagers",
        "juvenile",
        "juveniles",
        "child",
        "children",
        "kid",
        "kids",
        "person",
        "people",
        "adult",
        "adults",
        "driver",
        "drivers",
        "suspect",
        "suspects",
        "victim",
        "victims",
        "defendant",
        "defendants",
        "mother",
        "father",
        "mom",
        "dad",
        "son",
        "daughter",
        "brother",
        "sister",
        "husband",
        "wife",
        "boyfriend",
        "girlfriend",
        "parent",
        "parents",
        "grandmother",
        "grandfather",
        "couple",
        "family",
        "families",
        "resident",
        "residents",
        "student",
        "students",
        "worker",
        "workers",
        "employee",
        "employees",
        "officer",
        "officers",
        "deputy",
        "deputies",
        "gunman",
        "shooter",
        "killer",
        "killers",
        "robber",
        "robbers",
        "thief",
        "thieves",
        "burglar",
        "burglars",
        "dealer",
        "dealers",
        "trafficker",
        "traffickers",
        "predator",
        "predators",
        "offender",
        "offenders",
        "inmate",
        "inmates",
        "felon",
        "felons",
        "fugitive",
        "fugitives",
        "owner",
        "owners",
        "operator",
        "operators",
        "doctor",
        "nurse",
        "teacher",
        "coach",
        "pastor",
        "priest",
        "contractor",
        "landlord",
        "neighbor",
        "neighbors",
        "friend",
        "friends",
        "admin",
        "unemployed",
    ]
)
# Lower-case words that may be part of a person's name ("Ludwig van Beethoven").
NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "del",
        "della",
        "der",
        "di",
        "du",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ibn",
        "al",
        "el",
        "dos",
        "das",
    ]
)
# Generic words that, after a demonym or country name, name that country's authority.
GENERIC_AUTHORITIES = {
    "police": "police",
    "law enforcement": "law enforcement",
    "authorities": "authorities",
    "prosecutors": "prosecutors",
    "law enforcement authorities": "law enforcement",
    "law enforcement agencies": "law enforcement",
    "police authorities": "police",
    "judicial authorities": "authorities",
    "government": "government",
    "investigators": "investigators",
    "prosecutor": "prosecutor",
    "intelligence": "intelligence",
    "intelligence services": "intelligence services",
    "secret services": "secret services",
    "security services": "security services",
    "cyberpolice": "cyberpolice",
    "cyber - police": "cyber-police",
    "court": "court",
    "courts": "court",
}
_VERB_TAGS = frozenset({"VBZ", "VBD", "VBP", "VB", "VBG"})
# Headline verbs the tagger reads as proper nouns ("Acme Holdings Plc Agrees to Pay").
HEADLINE_VERBS = frozenset(
    [
        "agrees",
        "agree",
        "speaks",
        "says",
        "announces",
        "pleads",
        "admits",
        "settles",
        "nab",
        "nabs",
        "leads",
        "sentenced",
        "charged",
        "extradited",
        "arrested",
        "convicted",
        "indicted",
        "presents",
        "recovers",
        "returns",
        "reaches",
        "resolves",
        "pays",
        "seizes",
        "dismantles",
        "indicts",
        "charges",
        "sentences",
        "visits",
        "hosts",
        "joins",
    ]
)
_SYMBOLS = re.compile(r"[^\w\s.,&'’\-:()/]")
_DASH = {"-", "–", "—", "--"}
_DROP_LABELS = frozenset(
    [
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "EVENT",
        "FAC",
        "PRODUCT",
    ]
)


@dataclass(frozen=True)
class Found:
    """One typed mention: token range in the doc, kind, and the canonical key if known."""

    kind: str
    start: int  # token index
    end: int
    text: str
    key: str | None = None  # canonical name (known entities) or ISO code (jurisdictions)
    nested: bool = False  # inside another mention (e.g. "South Korean" in "South Korean police")
    generic: str | None = None  # for demonym authorities: police / law enforcement / ...
    name: str | None = None  # the name this mention gives its entity, when not its text
    certain: bool = False  # built by a structural rule ("Name, 35,"): no classifier overrides it

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


def _words(span: Span | Iterable[str]) -> list[str]:
    return [t.lower_ if hasattr(t, "lower_") else str(t).lower() for t in span]


def strip_span(span: Span) -> Span:
    """Drop leading determiners, datelines ("WASHINGTON -") and trailing possessives."""
    doc = span.doc
    seen = doc.user_data.setdefault("casegraph_stripped", {})  # one answer per span and doc
    bounds = seen.get((span.start, span.end))
    if bounds is None:
        bounds = seen[(span.start, span.end)] = _stripped(doc, span.start, span.end)
    return doc[bounds[0] : bounds[1]]


def _stripped(doc: Doc, start: int, end: int) -> tuple[int, int]:
    for i in range(start, end):
        if doc[i].text in _DASH and all(t.is_upper or t.is_punct for t in doc[start:i]):
            start = i + 1
            break
    for i in range(start + 1, end):
        if doc[i].text.startswith(("(", "]")):
            end = i  # "Section (OCRS": the abbreviation is its own mention; "Acme](https://":
            break  # a Markdown link's text ends at its "]"
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (
        doc[end - 1].text in ("'s", "’s", "'", "’")
        or doc[end - 1].is_punct
        or doc[end - 1].tag_ in _VERB_TAGS
        or doc[end - 1].lower_ in HEADLINE_VERBS
        or doc[end - 1].tag_ in ("WP", "WDT")  # "Houston Woman Who Killed ..."
    ):
        end -= 1
    return start, end


def org_kind(words: list[str]) -> str | None:
    """Agency, Organization, or None for a thing (a notice, an act) named like an organisation."""
    if not words:
        return None
    if words[-1] in THING_WORDS:
        return None
    if any(w in AGENCY_WORDS for w in words) and names_software(words):
        return None  # "Windows Update Service", "Client Access Service": software
    if "news" in words or "press" in words:
        return ORGANIZATION
    if words[0] in AGENCY_WORDS and len(words) > 2 and words[1] == "of":
        return AGENCY  # "Office of International Affairs", "Ministry of Justice"
    if any(w.strip(".,") in ORGANIZATION_WORDS for w in words[-2:]):
        return ORGANIZATION
    if any(w in AGENCY_WORDS for w in words) or " ".join(words[-2:]) == "task force":
        return AGENCY
    return ORGANIZATION


# Capitalised words that open a sentence before a name and are no part of it.
_BEFORE_A_NAME = frozenset({"dubbed", "named", "called", "example", "meet", "via", "per"})
# Words joined to a name by a hyphen to make an adjective ("Trump-themed", "Putin-backed").
_AFTER_A_NAME = frozenset(
    {"themed", "based", "linked", "backed", "led", "owned", "era", "style", "related",
     "affiliated", "funded", "sponsored", "controlled", "run", "aligned", "allied"}
)  # fmt: skip
# Executive titles written after a name ("Alex Rice CTO").
_TRAILING_TITLES = frozenset(
    {"ceo", "cto", "cfo", "coo", "ciso", "cso", "cio", "cmo", "cpo", "cro", "vp"}
)
# Words of jobs that no personal name holds: a span with one is a title ("CTO & Founder",
# "Associate Professor", "Vulnerability Research Lead"), not a person.
_JOB_WORDS = _TRAILING_TITLES | frozenset(
    {"engineer", "researcher", "analyst", "professor", "lead", "founder", "cofounder",
     "co-founder", "spokesperson", "spokesman", "spokeswoman", "strategist", "evangelist",
     "consultant", "architect", "president", "director", "manager", "officer", "chairman", "chairwoman", "scientist", "specialist", "investigator", "editor", "reporter",
     "journalist", "&"}
)  # fmt: skip


def job_free(words: list[str]) -> bool:
    """The lower-case words of a candidate name hold no job word and name no software."""
    return not (set(words) & _JOB_WORDS or names_software(words))


def opens_with_company(doc: Doc, start: int, end: int) -> bool:
    """ "Microsoft Corporate", "NTT Application Security": a known company or platform opens
    the name, so it names a part or a product of it, not a person."""
    spans = doc.spans.get(RULER_KEY, ())
    return any(
        s.start == start and s.end < end and s.label_ in (ORGANIZATION, PLATFORM) for s in spans
    )


def clean_person(span: Span) -> Span | None:
    """The name part of a PERSON span, or None when it is not a person's name."""
    span = strip_span(span)
    doc, start, end = span.doc, span.start, span.end
    while start < end and (
        doc[start].lower_ in TITLE_WORDS
        or doc[start].text in _DASH
        or (doc[start].lower_ in _JOB_WORDS and doc[start].lower_ != "&")
    ):
        start += 1
    versus = next((t.i for t in doc[start:end] if t.lower_ in ("v.", "vs.", "v", "vs")), None)
    if versus is not None:
        start = versus + 1  # "People v. Kenneth Clair": the defendant's name follows
    while end > start and doc[end - 1].lower_ in _TRAILING_TITLES:
        end -= 1  # "Alex Rice CTO"
    while start < end and doc[start].lower_ in _BEFORE_A_NAME:
        start += 1  # "Dubbed DarkWatchman", "Example Shatak": a sentence's first word
    owner = next((t.i for t in doc[start:end] if t.lower_ in ("'s", "’s")), None)
    if owner is not None and opens_with_company(doc, start, owner + 1):
        start = owner + 1  # "Blackberry's Milam": the name after its company's
    colon = next((t.i for t in doc[start:end] if t.text == ":"), None)
    if colon is not None:
        end = colon  # "Lisa Vaas: Good question": a speaker's turn in a transcript
    if end - start > 2 and doc[end - 2].text == "-" and doc[end - 1].lower_ in _AFTER_A_NAME:
        end -= 2  # "Donald Trump-themed" (not "Woo Jong-soo")
    name = doc[start:end]
    if not name or (not name[0].is_title and not name[0].is_upper):
        return None
    lower = [t for t in name if t.is_lower and t.is_alpha and t.lower_ not in NAME_PARTICLES]
    if any(t.like_num for t in name) or any(t.i == 0 or t.nbor(-1).text != "-" for t in lower):
        # Lower-case words mean a common noun phrase ("deepfake pornography"), not a name.
        return None
    if len(name) == 1 and ((name[0].is_upper and len(name.text) > 3) or name[0].is_stop):
        return None
    if name[-1].lower_ in offense_heads() or name.text.lower() in THING_WORDS:
        return None
    if name[-1].lower_ in COMPANY_SUFFIXES:
        return None  # "Support King LLC", "Acme Holdings"
    if name[-1].lower_ in GENERIC_PERSON_NOUNS or name[-1].lower_ in HEADLINE_VERBS:
        return None  # "Houston Man", "Victim", "Pleads Guilty": headline words, not names
    words = [t.lower_ for t in name]
    job = max((n for n, w in enumerate(words) if w in _JOB_WORDS), default=None)
    if job is not None and job + 1 < len(name) and name[job + 1].is_title:
        return clean_person(name[job + 1 :])  # "Huawei CFO Meng": the name after the title
    if not job_free(words) or opens_with_company(doc, name.start, name.end):
        return None  # "CTO & Founder", "Associate Professor", "Google Chrome", "NTT Security"
    return name


@cache
def offense_heads() -> frozenset[str]:
    vocab = offense_vocabulary()
    return frozenset(vocab.get("heads") or ()) | frozenset(vocab.get("needs_modifier") or ())


def ruler_spans(doc: Doc) -> list[Span]:
    """Non-overlapping spans of the span ruler, longest first, known entities before places;
    a region or city that holds a jurisdiction's name takes its tokens and is left out."""
    rank = {AGENCY: 0, PLATFORM: 0, JURISDICTION: 1, "Demonym": 2}
    spans = sorted(
        doc.spans[RULER_KEY], key=lambda s: (-(s.end - s.start), rank.get(s.label_, 3), s.start)
    )
    taken: set[int] = set()
    out = []
    for s in spans:
        if taken.isdisjoint(range(s.start, s.end)):
            out.append(s)
            taken.update(range(s.start, s.end))
    return sorted((s for s in out if s.label_ != NOT_A_PLACE), key=lambda s: s.start)


def _from_ruler(span: Span) -> Found:
    kind = JURISDICTION if span.label_ == "Demonym" else span.label_
    return Found(kind, span.start, span.end, span.text, key=span.id_ or None)


# Words for a police force's seat that open its name ("Police Headquarters Reutlingen",
# "Police Prefecture of Paris"); no personal name starts with them.
_SEATS = frozenset({"headquarters", "prefecture", "presidium", "commissariat"})


def _from_ner(ent: Span) -> Found | None:
    label = ent.label_
    if label in _DROP_LABELS:
        return None
    span = strip_span(ent)
    if not span or not any(t.is_alpha and (t.is_title or t.is_upper) for t in span):
        return None
    if _SYMBOLS.search(span.text) or "\n" in span.text:
        return None  # symbols and emoji: page furniture ("💰Coin: SEI")
    if label == "PERSON":
        if span[-1].lower_ in ORGANIZATION_WORDS:
            return Found(ORGANIZATION, span.start, span.end, span.text)
        if any(t.lower_ in FOREIGN_AUTHORITY_WORDS for t in span):
            return Found(AGENCY, span.start, span.end, span.text)
        if span[0].lower_ in _SEATS and span[0].is_title:
            start = span.start  # "Police Headquarters Reutlingen": a police seat, not a person
            while (
                start > 0
                and span.doc[start - 1].is_title
                and (span.doc[start - 1].lower_ in AGENCY_WORDS)
            ):
                start -= 1
            if start < span.start:
                return Found(AGENCY, start, span.end, span.doc[start : span.end].text)
            return None
        name = clean_person(ent)
        return Found(PERSON, name.start, name.end, name.text) if name else None
    if label in ("GPE", "LOC", "NORP"):
        place = jurisdictions.lookup(span.text)
        return Found(JURISDICTION, span.start, span.end, span.text, place.iso) if place else None
    if label == "ORG":
        if len(span) == 1 and (
            span[0].is_lower or span[0].lower_ in UNIT_HEADS or span[0].lower_ in LEGAL_FORMS
        ):
            return None  # "the Department": a back reference; "LLC" after a name: its form
        if len(span) == 1 and span[0].is_sent_start and span[0].tag_ in ("NN", "NNS"):
            return None  # "Card skimming is ...": a common noun capitalised by its place
        if span[-1].lower_ in GENERIC_PERSON_NOUNS or span.text.lower() in (
            "state",
            "immediate release",
        ):
            return None  # "Houston Man", "FOSTER PARENT"; "State" of "State's Attorney"
        if any(t.tag_ in ("VBZ", "VBG") or t.lower_ in HEADLINE_VERBS for t in span[1:]):
            return None  # headline words: "U.S. Recovers", "Operation Leads to Return"
        titled = _titled_person(span)
        if titled is not None:
            return Found(PERSON, titled.start, titled.end, titled.text, certain=True)
        while len(span) > 1 and span[-1].lower_ in _TRAILING_JOBS:
            span = span[:-1]  # "Emsisoft CTO" + "Fabian Wosar": the employer, then the job
        span = _extend_of_place(span)
        words = _words(span)
        kind = org_kind(words)
        # A legal form or an institution's head noun ("Acme Holdings Inc.", "Harbor Bank")
        # says what the name is: no classifier overrides it.
        certain = kind == ORGANIZATION and not LEGAL_FORMS.isdisjoint(words)
        return Found(kind, span.start, span.end, span.text, certain=certain) if kind else None
    return None


def _titled_person(span: Span) -> Span | None:
    """ "Trial Attorneys Ivana Nizich" read as ORG: a title, then a personal name."""
    i = span.start
    while i < span.end and span.doc[i].lower_ in TITLE_WORDS | {"attorneys", "agents"}:
        i += 1
    rest = span.doc[i : span.end]
    if i == span.start or not 2 <= len(rest) <= 4:
        return None
    words = {t.lower_.strip(".") for t in rest}
    if words & (AGENCY_WORDS | ORGANIZATION_WORDS) or not all(t.is_title for t in rest):
        return None
    return clean_person(rest)


def _split_lines(ents: Iterable[Span]) -> Iterator[Span]:
    """An entity the NER ran across a line break is one name per line ("Europol\nEurojust"
    in a list written one item a line), each typed on its own."""
    for ent in ents:
        start = ent.start
        for tok in ent:
            if tok.is_space and "\n" in tok.text:
                if tok.i > start:
                    yield Span(ent.doc, start, tok.i, label=ent.label_)
                start = tok.i + 1
        if start < ent.end:
            yield Span(ent.doc, start, ent.end, label=ent.label_) if start > ent.start else ent


def _split_possessives(ents: Iterable[Span]) -> Iterator[Span]:
    """ "Tax Division's Financial Fraud Section": two organisations, the
    owner and its unit (MEMBER_OF relates them), not one; "Qualcomm's WLAN": the owner and
    one word of what it owns (a product, a part), the owner alone."""
    for ent in ents:
        cut = next((t.i for t in ent[1:-1] if t.text in ("'s", "’s") and ent.label_ == "ORG"), None)
        if cut is not None and ent.end - cut == 2 and ent[-1].lower_ in UNIT_HEADS:
            cut = None  # "Prosecutor General's Office": one body
        if cut is None:
            yield ent
            continue
        yield Span(ent.doc, ent.start, cut, label=ent.label_)
        if ent.end - cut > 2:
            yield Span(ent.doc, cut + 1, ent.end, label=ent.label_)


# Words after a comma that continue one name ("Robert Boling, Jr.", "Acme, Inc.").
_NAME_TAILS = LEGAL_FORMS | {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "co", "s.a."}


def _split_lists(ents: Iterable[Span]) -> Iterator[Span]:
    """ "Klyushin, Ermakov" read as one PERSON or ORG: a list of names, one mention each (each
    item one to three title-case words)."""
    for ent in ents:
        if ent.label_ not in ("PERSON", "ORG") or len(ent) < 3 or "," not in ent.text:
            yield ent
            continue
        commas = [t.i for t in ent[1:-1] if t.text == ","]
        if not commas:
            yield ent
            continue
        bounds = [ent.start - 1, *commas, ent.end]
        parts = [ent.doc[a + 1 : b] for a, b in pairwise(bounds)]
        if any(
            not 1 <= len(p) <= 3
            or p[0].lower_ in _NAME_TAILS
            or not all(t.is_title or t.is_upper for t in p)
            for p in parts
        ):
            yield ent
            continue
        yield from (Span(ent.doc, p.start, p.end, label=ent.label_) for p in parts)


def _extend_of_place(span: Span) -> Span:
    """ "USMS Western District" + "of Texas": NER often stops before "of <place>"."""
    doc, end = span.doc, span.end
    if len(span) > 1 and span[-1].lower_ in ("of", "for") and span[-2].is_title:
        span, end = (
            span[:-1],
            end - 1,
        )  # "Prosecutor General of" + "Ukraine": NER stopped after "of"
    if end + 1 < len(doc) and doc[end].lower_ in ("of", "for") and span[-1].is_title:
        for size in (3, 2, 1):
            tail = doc[end + 1 : end + 1 + size]
            if len(tail) == size and jurisdictions.lookup(tail.text):
                return doc[span.start : end + 1 + size]
    return span


def _covers(outer: Found, inner: Found) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _ner_names_more(ner: Found, inside: list[Found], doc: Doc) -> bool:
    """True when an NER organisation extends known names with more of its own name
    ("FBI Resident Agencies", "California Department of Justice")."""
    if ner.kind not in (AGENCY, ORGANIZATION):
        return False
    covered = {i for f in inside for i in range(f.start, f.end)}
    rest = [doc[i] for i in range(ner.start, ner.end) if i not in covered]
    return any(t.is_alpha and (t.is_title or t.is_upper) and t.lower_ != "of" for t in rest)


# Job titles the NER glues to the employer's name before a person ("Emsisoft CTO Fabian
# Wosar", "NRA Managing Director Andrew ..."): not part of the organisation's name.
_TRAILING_JOBS = frozenset(
    {"ceo", "cto", "cfo", "coo", "ciso", "cso", "cio", "vp", "spokesperson", "spokesman",
     "spokeswoman", "researcher", "researchers", "analyst", "analysts", "founder",
     "co-founder", "cofounder", "chairman", "chairwoman", "president"}
)  # fmt: skip


def _place_in_person_name(doc: Doc, person: Found, known: list[Found]) -> bool:
    """ "Lisa Monaco", "Alex Holland", "Chad Smith": a person the NER names whose first or
    last name is also a country's; the other name must be a common given name (before) or
    surname (after), so that a place beside a name ("Ukraine Zelensky") stays a place."""
    if len(known) != 1 or known[0].kind != JURISDICTION or known[0].end - known[0].start != 1:
        return False
    place, words = known[0], doc[person.start : person.end]
    if not 2 <= len(words) <= 3 or not all(t.is_alpha and t.is_title for t in words):
        return False
    from ingest.kinds import census_names  # kinds builds on this module

    given, surnames = census_names()
    if place.end == person.end and place.start > person.start:
        return words[0].lower_ in given
    if place.start == person.start and place.end < person.end:
        return words[-1].lower_ in surnames
    return False


def _longer_body(doc: Doc, name: Found, known: Found) -> bool:
    """ "Metropolitan Police Department": a known agency's name and a head word after it name
    another body, not the known one too."""
    return (
        known.kind == AGENCY
        and name.start == known.start
        and name.end == known.end + 1
        and doc[known.end].lower_ in _LONGER_NAME_HEADS
    )


def _merge(doc: Doc, known: list[Found], ner: list[Found]) -> list[Found]:
    """Combine ruler and NER mentions; known names win unless NER names something larger."""
    out: list[Found] = []
    used: set[int] = set()
    for n in ner:
        overlapping = [(i, k) for i, k in enumerate(known) if k.start < n.end and n.start < k.end]
        if not overlapping:
            out.append(n)
            continue
        inside = [k for _, k in overlapping if _covers(n, k)]
        if len(inside) == len(overlapping) and _ner_names_more(n, inside, doc):
            if any(k.kind == AGENCY and k.start == n.start for k in inside):
                n = Found(AGENCY, n.start, n.end, n.text)  # "USMS Western District of Texas"
            out.append(n)
            for i, k in overlapping:
                used.add(i)
                # "Amazon Game Studios" names a company, not Amazon too (a company the
                # article names on its own is an entity by that mention)
                owned = n.kind != AGENCY and k.kind in (ORGANIZATION, PLATFORM)
                owned = owned or _longer_body(doc, n, k)
                if (k.start == n.start and not owned) or k.kind == JURISDICTION:
                    out.append(Found(k.kind, k.start, k.end, k.text, k.key, nested=True))
            continue
        if n.kind == PERSON and _place_in_person_name(doc, n, [k for _, k in overlapping]):
            out.append(n)  # "Lisa Monaco", "Chad Smith": a person, not the country
            used.update(i for i, _ in overlapping)
            continue
        if n.kind == PERSON:
            last = max(k.end for _, k in overlapping)
            if last < n.end:
                name = clean_person(doc[last : n.end])
                if name:
                    out.append(Found(PERSON, name.start, name.end, name.text))
    out.extend(k for i, k in enumerate(known) if i not in used)
    return sorted(out, key=lambda f: (f.start, -f.end))


_DISTRICT_SIDES = frozenset({"eastern", "western", "northern", "southern", "middle", "central"})


def in_judicial_district(doc: Doc, start: int) -> bool:
    """Whether the place at token `start` is named in "District of <place>"."""
    return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].text == "District"


def _judicial_districts(doc: Doc, found: list[Found]) -> list[Found]:
    """ "the <side> District of <state>": a US federal court district, which news names for
    its court and prosecutors, is an Agency of the United States; the state inside its name is
    no mention of the state (news annotators do not count it; the state's own mentions stay)."""
    out: list[Found] = []
    drop: set[Found] = set()
    for f in found:
        if f.kind != JURISDICTION or f.nested or not in_judicial_district(doc, f.start):
            continue
        start = f.start - 2
        if start > 0 and doc[start - 1].lower_ in _DISTRICT_SIDES and doc[start - 1].is_title:
            start -= 1
        if any(g.kind == AGENCY and g.start <= start and f.end <= g.end for g in found):
            continue  # already inside a longer agency name (a court or an office of the district)
        out.append(Found(AGENCY, start, f.end, doc[start : f.end].text, certain=True))
        drop.add(f)
    return [f for f in found if f not in drop] + out


_LANGUAGE_USES = frozenset({"speaking", "language", "speaker", "speakers"})


def _language(doc: Doc, f: Found) -> bool:
    """ "a Russian-speaking forum", "posted in Russian and English": a demonym naming a
    language, not the country."""
    if f.kind != JURISDICTION or f.nested or f.end - f.start != 1:
        return False
    if f.text not in jurisdictions.demonym_forms() or f.text in jurisdictions.jurisdiction_forms():
        return False  # "in the US": a country's name
    if f.end + 1 < len(doc) and doc[f.end].text == "-" and doc[f.end + 1].lower_ in _LANGUAGE_USES:
        return True
    tok = doc[f.start]
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ == "pobj" and tok.head.lower_ == "in"


def _nested_places(doc: Doc, found: list[Found]) -> list[Found]:
    """Jurisdictions named inside agency names: "U.S. Marshals Service", "Department of X"."""
    places = [_from_ruler(s) for s in doc.spans[RULER_KEY] if s.label_ in (JURISDICTION, "Demonym")]
    out = []
    for f in found:
        if f.kind != AGENCY or f.nested:
            continue
        for p in places:
            if not _covers(f, p) or (p.start, p.end) == (f.start, f.end):
                continue
            if in_judicial_district(doc, p.start):
                continue  # the federal prosecutors' office of a district: a federal body
            if p.start == f.start or doc[p.start - 1].lower_ in ("of", "in"):
                out.append(Found(JURISDICTION, p.start, p.end, p.text, p.key, nested=True))
    return out


_AUTHORITY_MODIFIERS = frozenset(
    {"cyber", "cybercrime", "federal", "national", "state", "regional", "local", "criminal",
     "financial", "tax", "military", "border", "judicial", "anti-corruption", "counterterrorism",
     "economic", "special", "central", "public", "secret", "security", "intelligence", "fraud"}
)  # fmt: skip
_PLACE_LINKS = frozenset({"in", "of", "from"})


def _authority_after(doc: Doc, end: int) -> tuple[int, str, int] | None:
    """(end token, "police", first token of "police") when generic authority words follow
    token `end`, after at most two modifiers ("Ukrainian cyber police", "German federal
    police"); a modifier word may be the body itself ("Turkish intelligence")."""
    possessive = end < len(doc) and doc[end].lower_ in ("'s", "’s")
    if possessive:
        end += 1  # "Ukraine's cyber police"; not "Russia's Federal Security Service" (a name)
    start = end
    while start < len(doc) and start - end <= 2:
        for size in (3, 2, 1):
            words = " ".join(t.lower_ for t in doc[start : start + size])
            if len(doc[start : start + size]) == size and words in GENERIC_AUTHORITIES:
                if possessive and any(t.is_title for t in doc[end : start + size]):
                    return None
                return start + size, GENERIC_AUTHORITIES[words], start
        if doc[start].lower_ not in _AUTHORITY_MODIFIERS:
            return None
        start += 1  # "Turkish intelligence" is the body; "Turkish intelligence services" too
    return None


# Heads that, before "of <place>", begin a body's own name ("Superior Court of New Jersey";
# "courts in Argentina" stays generic).
_NAMED_BEFORE_PLACE = frozenset({"court", "courts", "intelligence"})


def _authority_before(doc: Doc, start: int) -> tuple[int, str] | None:
    """(start token, "police") for "police in <place>", "law enforcement from the <place>"."""
    i = start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i < 1 or doc[i].lower_ not in _PLACE_LINKS:
        return None
    for size in (3, 2, 1):
        first = i - size
        words = " ".join(t.lower_ for t in doc[max(first, 0) : i])
        named = doc[i].lower_ == "of" and words in _NAMED_BEFORE_PLACE
        # "Kent Police in the UK", "Leicester Crown Court in the U.K.": a named body's place
        named = named or (
            first > 0
            and doc[first].is_title
            and _title_word(doc[first - 1])
            and doc[first - 1].lower_ not in _AUTHORITY_MODIFIERS
        )
        if first >= 0 and words in GENERIC_AUTHORITIES and not named:
            while first > 0 and doc[first - 1].lower_ in _AUTHORITY_MODIFIERS:
                first -= 1
            return first, GENERIC_AUTHORITIES[words]
    return None


# Generic authorities that, written before a noun, describe it ("government websites",
# "government hackers", "authorities' data") rather than act in the story.
_DESCRIBING_AUTHORITIES = frozenset({"government", "authorities"})


def _modifies_noun(doc: Doc, after: tuple[int, str, int]) -> bool:
    end, generic, _ = after
    if generic not in _DESCRIBING_AUTHORITIES or end >= len(doc):
        return False
    nxt = doc[end]
    return nxt.text in ("-", "‑") or (
        nxt.pos_ in ("NOUN", "PROPN") and doc[end - 1].dep_ in ("compound", "amod", "nmod")
    )


def _shared_authority(doc: Doc, f: Found, places: dict[int, Found]) -> tuple[int, str, int] | None:
    """ "French and Ukrainian law enforcement", "US, UK and Dutch police": a place
    coordinated with the next one shares the authority words that follow the last; the
    agency is named by this place alone (it ends where the place does)."""
    demonyms = jurisdictions.demonym_forms()

    def adjective(place: Found) -> bool:  # "French", "US": not "Russia" ("Russia and ...")
        return place.text in demonyms or (place.text.isupper() and len(place.text) <= 4)

    seen = 0
    while seen < 6 and adjective(f):
        k = f.end
        while k < len(doc) and doc[k].lower_ in (",", "and", "or"):
            k += 1
        nxt = places.get(k)
        if k == f.end or nxt is None or not adjective(nxt):
            return None
        after = _authority_after(doc, nxt.end)
        if after is not None:
            return f.end, after[1], f.end
        f, seen = nxt, seen + 1
    return None


def _listed_with_places(doc: Doc, f: Found, places: dict[int, Found]) -> bool:
    """A place followed by ", <place>" (or ", <Name>," in a list that goes on): the first of a
    list of countries."""
    k = f.end
    if doc[k : k + 1].text != ",":
        return False
    k += 2 if doc[k + 1 : k + 2].text.lower() == "the" else 1
    listed = k + 1 < len(doc) and doc[k].is_title and doc[k + 1].text in (",", "and")
    return k in places or listed


# "the Biden administration", "the Morrison government": a government named by its leader.
_GOVERNMENT_WORDS = frozenset({"administration", "government"})


def _city_authorities(doc: Doc, found: list[Found]) -> list[Found]:
    """ "prosecutors in Antwerp", "police in Manchester": an Agency named by a place that is no
    jurisdiction (a city the NER names), its country left to the article's other facts."""
    taken = {i for f in found if not f.nested for i in range(f.start, f.end)}
    out = []
    for ent in doc.ents:
        if ent.label_ != "GPE" or any(i in taken for i in range(ent.start, ent.end)):
            continue
        before = _authority_before(doc, ent.start)
        if before is None or doc[ent.start - 1].lower_ != "in":
            continue  # "police of X", "authorities from X": a place named for another reason
        start, generic = before
        if any(i in taken for i in range(start, ent.start)):
            continue
        text = doc[start : ent.end].text
        out.append(Found(AGENCY, start, ent.end, text, generic=generic, name=text))
    return out


def _leaders_governments(doc: Doc, found: list[Found]) -> list[Found]:
    """A person's name followed by "administration" or "government" names that government
    (an Agency), not the person."""
    out = []
    for f in found:
        if (
            f.kind == PERSON
            and not f.nested
            and f.end < len(doc)
            and doc[f.end].lower_ in _GOVERNMENT_WORDS
            and doc[f.end - 1].lower_ not in ("'s", "’s")
        ):
            text = doc[f.start : f.end + 1].text
            f = Found(AGENCY, f.start, f.end + 1, text, name=text, certain=True)
        out.append(f)
    return out


def _demonym_authorities(doc: Doc, found: list[Found]) -> list[Found]:
    """ "Dutch police", "German law enforcement", "police in Ukraine": an Agency named
    by its jurisdiction."""
    out: list[Found] = []
    places = {f.start: f for f in found if f.kind == JURISDICTION and not f.nested and f.key}
    for f in found:
        if f.kind != JURISDICTION or f.nested or not f.key:
            out.append(f)
            continue
        after, before = _authority_after(doc, f.end), _authority_before(doc, f.start)
        if before is not None and _listed_with_places(doc, f, places):
            before = None  # "law enforcement from A, B, C": the countries that took part
        if after is None:
            after = _shared_authority(doc, f, places)
        if after is not None and _modifies_noun(doc, after):
            out.append(f)  # "Ukrainian government websites": the websites, not an actor
            continue
        if after is not None:
            start, (end, generic, head) = f.start, after
            modifiers = [t.lower_ for t in doc[f.end : head] if t.lower_ in _AUTHORITY_MODIFIERS]
            place = jurisdictions.strip_possessive(f.text)
            name = " ".join([place, *modifiers[:2], generic])
        elif before is not None:
            (start, generic), end = before, f.end
            name = doc[start:end].text
        else:
            out.append(f)
            continue
        out.append(
            Found(AGENCY, start, end, doc[start:end].text, f.key, generic=generic, name=name)
        )
        out.append(Found(JURISDICTION, f.start, f.end, f.text, f.key, nested=True))
    # An NER span that the new agency overlaps is the same words, typed worse.
    agencies = [f for f in out if f.generic]
    return [
        f
        for f in out
        if f.generic or f.nested or not any(a.start < f.end and f.start < a.end for a in agencies)
    ]


@cache
def _offense_sets() -> dict[str, frozenset[str]]:
    v = offense_vocabulary()
    keys = (
        "heads",
        "needs_modifier",
        "offense_modifiers",
        "strip_modifiers",
        "of_complement",
        "containers",
        "in_complement",
        "act_verbs",
    )
    sets = {k: frozenset(v.get(k) or ()) for k in keys}
    sets["phrases"] = frozenset(v.get("phrases") or ())
    return sets


_WHEN = frozenset({"DATE", "TIME"})
_PURPOSE_STOPS = frozenset({",", ";", ".", ":", "and", "or", "(", ")", "\n"})
_PURPOSE_LONGEST = 12


def _coordinated_object(doc: Doc, verb: int, i: int) -> bool:
    """ "and"/"or" at token `i` joins two words of the conspired act's object ("to steal cash
    and other assets", "to commit computer fraud and abuse"), not a second charge ("... and
    wire fraud") or a second act ("... and obtaining ...")."""
    cc = doc[i]
    if cc.lower_ not in ("and", "or") or i + 1 >= len(doc) or not verb < cc.head.i < i:
        return False
    conj = next((c for c in cc.head.children if c.dep_ == "conj" and c.i > i), None)
    if (
        conj is None
        or conj.pos_ not in ("NOUN", "ADJ")
        or doc[i + 1].pos_ in ("VERB", "DET", "NUM")
    ):
        return False
    return conj.lower_ not in _offense_sets()["heads"] and conj.lower_ != "conspiracy"


def _purpose_end(doc: Doc, end: int) -> int:
    """The end of "conspiracy to <do something>": a charge is named by what was conspired
    ("conspiracy to gain unauthorized access to a computer"), up to the clause's end."""
    if doc[end - 1].lower_ != "conspiracy" or end + 1 >= len(doc) or doc[end].lower_ != "to":
        return end
    verb = doc[end + 1]
    if verb.tag_ != "VB" and not (verb.tag_ == "RB" and end + 2 < len(doc)):
        return end
    j = end + 1
    while j < len(doc) and j - end <= _PURPOSE_LONGEST:
        if doc[j].text in _PURPOSE_STOPS and not _coordinated_object(doc, end + 1, j):
            break
        if doc[j].tag_ in ("VBD", "VBZ", "VBP", "MD") or doc[j].is_space:
            break  # the sentence's own verb: the charge ended before it
        if doc[j].ent_type_ in _WHEN:
            break  # "... wire fraud last September": when, not what
        j += 1
    while j > end + 1 and doc[j - 1].dep_ == "prep":
        j -= 1  # "... wire fraud in" before a date
    while j > end + 1 and doc[j - 1].pos_ not in ("NOUN", "PROPN"):
        j -= 1
    return j if j > end + 2 and j - end <= _PURPOSE_LONGEST else end


def _is_modifier(tok: Token, sets: dict[str, frozenset[str]]) -> bool:
    if tok.lower_ in sets["strip_modifiers"] or (tok.is_stop and tok.lower_ != "against"):
        return False
    if tok.tag_ in ("JJS", "JJR", "RBS", "RBR") or tok.ent_type_ in _WHEN:
        return False  # "the largest carding shop", "2021 ransomware": degree and time
    if tok.dep_ == "prep":
        return False  # "scams including ...", "crimes involving ...": a new phrase begins
    if tok.text == "-":
        return True
    # a participle the tagger read as a past tense, the parser as a modifier: "conspiracy,
    # wire fraud, and aggravated identity theft"
    participle = tok.tag_ == "VBD" and tok.dep_ == "amod"
    return tok.pos_ in ("NOUN", "ADJ", "PROPN") or tok.tag_ in ("VBN", "VBG") or participle


_AMOUNTS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT", "NORP"})


def _scale_or_judgement(tok: Token, sets: dict[str, frozenset[str]]) -> bool:
    """A word that an offence's name leaves out: the writer's judgement, scale, time or amount,
    a number or a nationality ("large", "million", "2021", "Spanish")."""
    return (
        tok.lower_ in sets["strip_modifiers"]
        or tok.like_num
        or tok.tag_ in ("JJS", "JJR", "RBS", "RBR", "CD")
        or tok.ent_type_ in _WHEN
        or tok.ent_type_ in _AMOUNTS
    )


def _offense_left(doc: Doc, head: int, taken: set[int], sets: dict[str, frozenset[str]]) -> int:
    start = head
    while start > 0 and start - 1 not in taken and _is_modifier(doc[start - 1], sets):
        if doc[start - 1].text == "-" and not (start - 2 >= 0 and doc[start - 2].is_alpha):
            break
        start -= 1
    while start < head and doc[start].text == "-":
        start += 1
    if start > 1 and doc[start - 1].text == "-" and _scale_or_judgement(doc[start - 2], sets):
        # a hyphenated modifier cut after its first part ("large-scale", "multi-million-dollar",
        # "Spanish-language"): the rest of that one word goes too
        while start + 1 < head and doc[start + 1].text == "-":
            start += 2
        if start < head:
            start += 1
    # "circulation of child abuse images", "conspiracy to commit money laundering"
    if (
        start >= 2
        and doc[start - 1].lower_ == "of"
        and doc[start - 2].lower_ in sets["of_complement"]
    ):
        start -= 2
    elif start >= 3 and [t.lower_ for t in doc[start - 3 : start]] == [
        "conspiracy",
        "to",
        "commit",
    ]:
        start -= 3
    return start


def _offense_right(doc: Doc, head: int, sets: dict[str, frozenset[str]]) -> int:
    end = head + 1
    if end >= len(doc) or not (
        (doc[end].lower_ == "of" and doc[head].lower_ in sets["of_complement"])
        or (doc[end].lower_ == "in" and _traded_goods(doc, end + 1, sets, head))
    ):
        return end
    j = end + 1
    while (
        j < len(doc)
        and j - end < 10
        and (doc[j].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "PUNCT") or doc[j].tag_ == "VBN")
    ):
        if doc[j].text in (",", ".", ";", ":", "(", ")"):
            break
        j += 1
    while j > end + 1 and doc[j - 1].pos_ not in ("NOUN", "PROPN"):
        j -= 1
    return j if j > end + 1 else end


def _traded_goods(doc: Doc, i: int, sets: dict[str, frozenset[str]], head: int) -> bool:
    """ "trafficking in stolen card numbers": what is traded, not where or when ("drug
    trafficking in the region", "... in 2020")."""
    if doc[head].lower_ not in sets["in_complement"] or i >= len(doc):
        return False
    first = doc[i]
    return first.pos_ in ("ADJ", "NOUN", "VERB") and not first.ent_type_


_WEAK_HEADS = frozenset({"activity", "activities", "scheme", "schemes"})
# Words that only say "a crime" after the crime's own name ("fraud offences").
_GENERIC_CRIME_WORDS = frozenset(
    {"crime", "crimes", "offense", "offenses", "offence", "offences", "activity", "activities"}
)
_NOMINAL_DEPS = frozenset(
    {"pobj", "dobj", "nsubj", "nsubjpass", "conj", "appos", "attr", "pcomp"}
)  # fmt: skip


def _nominal(tok: Token) -> bool:
    """A noun, or a gerund used as one ("charged with hacking", "hacking and extortion")."""
    return tok.pos_ in ("NOUN", "PROPN") or (tok.tag_ == "VBG" and tok.dep_ in _NOMINAL_DEPS)


def _inside_name(doc: Doc, start: int, end: int) -> bool:
    """Title-case words inside a name or headline ("Money Laundering Section")."""
    words = [t for t in doc[start:end] if t.is_alpha]
    if not words or not all(t.is_title or t.is_upper for t in words):
        return False
    return not doc[start].is_sent_start or (end < len(doc) and doc[end].is_title)


@cache
def _phrase_matcher(vocab: Vocab) -> PhraseMatcher:
    matcher = PhraseMatcher(vocab, attr="LOWER")
    phrases = _offense_sets()["phrases"]
    matcher.add("OFFENSE", [Doc(vocab, words=p.split()) for p in sorted(phrases)])
    return matcher


def _vocabulary_offenses(doc: Doc) -> list[Found]:
    """The named offences of the vocabulary's phrases: certain."""
    out = []
    for _, start, end in _phrase_matcher(doc.vocab)(doc):
        end = _purpose_end(doc, end)
        if end - start == 1 and start > 0 and doc[start - 1].tag_ in ("DT", "PRP$"):
            continue  # "the conspiracy", "his role in the conspiracy": the scheme, no charge
        if _countered(doc, start):
            continue
        out.append(Found(OFFENSE, start, end, doc[start:end].text, certain=True))
    return out


_COUNTER_WORDS = frozenset({"anti", "counter"})


def _countered(doc: Doc, start: int) -> bool:
    """ "anti-money laundering", "counter-terrorism": the fight against an offence, not one."""
    words = [t.lower_ for t in doc[max(0, start - 2) : start + 1]]
    return bool(_COUNTER_WORDS & set(words[-2:])) or words[:2] in (["anti", "-"], ["counter", "-"])


def find_offenses(doc: Doc, taken: set[int], named: list[Found] | None = None) -> list[Found]:
    """Offence mentions: noun phrases headed by a crime word, in the article's own wording."""
    sets = _offense_sets()
    if named is None:
        named = _vocabulary_offenses(doc)
    out = [f for f in named if taken.isdisjoint(range(f.start, f.end))]
    for i, low in enumerate(lower_forms(doc)):  # no Token object per word
        is_head = low in sets["heads"] or low in sets["needs_modifier"]
        if not is_head or i in taken:
            continue
        tok = doc[i]
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        # a gerund offence before a word that holds crimes is a noun the tagger took for a
        # verb ("phishing emails", "hacking campaign")
        if not _nominal(tok) and not (
            low in sets["heads"]
            and tok.tag_ == "VBG"
            and nxt is not None
            and nxt.lower_ in sets["containers"]
        ):
            continue
        # not the head of its phrase ("fraud charges"): still an offence when the phrase goes
        # on with a word that holds crimes (charges, a campaign, a gang)
        if (
            nxt is not None
            and nxt.pos_ == "NOUN"
            and nxt.dep_ != "conj"
            and (low not in sets["heads"] or nxt.lower_ not in sets["containers"])
        ):
            continue
        start = _offense_left(doc, tok.i, taken, sets)
        end = _offense_right(doc, tok.i, sets)
        while (
            start < tok.i
            and doc[start].tag_ in ("VBG", "VBD")
            and (doc[start].lower_ not in sets["offense_modifiers"])
        ):
            start += 1  # "committing atrocities", "including kidnapping"
        if _inside_name(doc, start, end) or _countered(doc, start):
            continue
        words = [t.lower_ for t in doc[start:end]]
        if low in _WEAK_HEADS and not set(words[:-1]) & sets["heads"]:
            continue  # "illegal activity" names no crime; "illegal fishing activities" does
        if low not in sets["heads"] and not (
            set(words[:-1]) & (sets["offense_modifiers"] | sets["heads"]) or end > tok.i + 1
        ):
            continue
        if words == [low] and low in sets["heads"] and low in sets["needs_modifier"]:
            continue  # "malware distribution", "distribution of X" are offences; "distribution"
        if low in _GENERIC_CRIME_WORDS and start < tok.i and doc[tok.i - 1].lower_ in sets["heads"]:
            end = tok.i  # "online fraud crime", "cybercrime activities": the crime is named
        if " ".join(words) in sets["phrases"] or len(words) > 1 or low in sets["heads"]:
            span = doc[start:end]
            certain = _charged_with(doc, start) or _accused_of(span.root)
            out.append(Found(OFFENSE, start, end, span.text, certain=certain))
    out += _charged_acts(doc, taken)
    out = _longest(out)
    return out + _listed_offenses(doc, out, taken)


# "charged with", "charges for", "indicted for", "convicted of", "pleaded guilty to", "accused
# of", "arrested for", "sentenced for": what follows is the crime.
_CHARGE_WORDS = frozenset(
    {"charged", "charges", "charge", "indicted", "convicted", "guilty", "accused", "arrested",
     "sentenced", "prosecuted", "counts", "count", "suspicion", "jailed", "imprisoned"}
)  # fmt: skip
_CHARGE_PREPOSITIONS = frozenset({"with", "for", "of", "to", "on"})


def _charged_with(doc: Doc, start: int) -> bool:
    """The offence is the complement of a charge ("charged with hacking"), an adverb between
    ("indicted for allegedly hacking")."""
    i = start - 1
    if i >= 0 and doc[i].lower_ in ("allegedly", "illegally", "unlawfully"):
        i -= 1
    return i >= 1 and doc[i].lower_ in _CHARGE_PREPOSITIONS and doc[i - 1].lower_ in _CHARGE_WORDS


_ACT_LONGEST = 6  # words of a charged act ("stealing non-public information")


# The charge verbs' forms (the pipeline has no lemmatizer).
_CHARGE_FORMS = _CHARGE_WORDS | frozenset(
    {"charge", "charges", "charging", "accuse", "accuses", "accusing", "indict", "indicts",
     "indicting", "convict", "convicts", "convicting", "pleaded", "pled", "pleads", "pleading",
     "suspected", "suspecting", "prosecuting", "prosecutes"}
)  # fmt: skip


_INCLUDING = frozenset({"include", "includes", "included", "including"})
_ACCUSATIONS = frozenset(
    {"charges", "accusations", "allegations", "counts", "offences", "offenses", "crimes"}
)


def _accused_of(tok: Token) -> bool:
    """An offence a charge governs in the parse, or one of a list of them: "charged A, B and C
    with <offence>", "accusations that include <offence> and <offence>", "charges including
    <offence>"."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    if _charge_complement(tok):
        return True
    head = tok.head
    if tok.dep_ not in ("dobj", "pobj") or head.lower_ not in _INCLUDING:
        return False
    # "accusations that include X" (a relative clause), "charges including X" (a preposition)
    return head.dep_ in ("relcl", "prep", "acl") and head.head.lower_ in _ACCUSATIONS


def _charge_complement(tok: Token) -> bool:
    """ "accusing them of <tok>", "charged five men with <tok>": the parse joins the act to a
    charge across its object."""
    prep = tok.head
    return (
        tok.dep_ in ("pcomp", "pobj")
        and prep.lower_ in _CHARGE_PREPOSITIONS
        and prep.head.lower_ in _CHARGE_FORMS
    )


def _act_object_end(
    doc: Doc, verb: Token, obj: Token, end: int, heads: frozenset[str]
) -> int | None:
    """The end of an act with its object ("stealing non-public information"); the verb alone
    when the object is a victim's name or long, and the verb names a crime alone ("hacking");
    None when the act needs its object to be one ("stealing")."""
    words = list(obj.subtree)
    last = max(w.i for w in words) + 1
    if (
        obj.dep_ == "dobj"
        and min(w.i for w in words) == end
        and not any(w.ent_type_ or w.pos_ == "PROPN" or w.text in ",;(" for w in words)
        and not any(w.lower_ in heads for w in words)  # the crime's own noun names it
        and last - verb.i <= _ACT_LONGEST
    ):
        return last
    return end if verb.lower_ in heads else None


def _charged_acts(doc: Doc, taken: set[int]) -> list[Found]:
    """What someone is charged with, accused of or convicted of, written as an act ("accused
    of spying and stealing state secrets", "charged with stealing non-public information"):
    the gerund that complements the charge, with its object when that is a plain noun phrase
    (a name in it is a victim, not part of the offence: "hacking two companies" is hacking)."""
    out: list[Found] = []
    sets = _offense_sets()
    acts = sets["act_verbs"]
    for i, low in enumerate(lower_forms(doc)):  # no Token object per word
        if low not in acts or i in taken:
            continue
        tok = doc[i]
        if tok.tag_ != "VBG":
            continue
        first = tok
        while first.dep_ == "conj" and first.head.tag_ == "VBG":
            first = first.head  # "spying and stealing": the second act of one charge
        if not (_charged_with(doc, first.i) or _charge_complement(first)):
            continue
        end = tok.i + 1
        if end < len(doc) and doc[end].dep_ == "prt" and doc[end].head.i == tok.i:
            end += 1  # "ripping off"
        objects = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "ccomp")]
        if objects:
            with_object = _act_object_end(doc, tok, objects[0], end, sets["heads"])
            if with_object is None:
                continue
            end = with_object
        elif tok.lower_ not in sets["heads"] and any(c.dep_ == "prep" for c in tok.children):
            continue  # "stealing from X": what was stolen is left out
        if taken.isdisjoint(range(tok.i, end)):
            out.append(Found(OFFENSE, tok.i, end, doc[tok.i : end].text, certain=True))
    return out


_LIST_ITEM_LONGEST = 10  # words of an offence read from its place in a list of charges
# Words that start no offence: a clause or an aside after the list ("..., according to the
# indictment", "... and faces up to 20 years").
_NOT_AN_ITEM_START = frozenset(
    {"according", "including", "following", "after", "before", "while", "when", "as", "for",
     "in", "on", "at", "with", "by", "from", "to", "among", "which", "who", "that", "but",
     "carrying", "facing", "punishable", "each"}
)  # fmt: skip
# A penalty that follows the charges ("..., carrying a maximum of 20 years in prison").
_PENALTY_WORDS = frozenset(
    {"penalty", "penalties", "sentence", "sentences", "prison", "jail", "years", "months",
     "fine", "fines", "maximum", "minimum"}
)  # fmt: skip


def _charge_context(doc: Doc, f: Found) -> bool:
    """`f` is what a charge names: "charged with <f>", "faces charges of <f>"."""
    return _charged_with(doc, f.start) or _charge_complement(doc[f.end - 1])


def _listed_offenses(doc: Doc, offences: list[Found], taken: set[int]) -> list[Found]:
    """The other items of a list of charges that starts with an offence ("charged with fraud,
    unauthorized use of a computer and mischief"): each item is an offence, whatever its words,
    while the list goes on (commas, a last "and"/"or") and each item is a plain noun or gerund
    phrase of at most `_LIST_ITEM_LONGEST` words holding no other mention."""
    known = {f.start: f for f in offences}
    used = set(taken) | {i for f in offences for i in range(f.start, f.end)}
    out: list[Found] = []
    for first in sorted(offences, key=lambda f: f.start):
        if first.kind != OFFENSE or not _charge_context(doc, first):
            continue
        sent_end = doc[first.start].sent.end
        i, last = first.end, False
        while i < sent_end and not last:
            if doc[i].text != "," and doc[i].lower_ not in ("and", "or"):
                break
            if doc[i].text == ",":
                i += 1
            if i < sent_end and doc[i].lower_ in ("and", "or"):
                i, last = i + 1, True
            i = _past_count(doc, i, sent_end)  # "..., and one count of <item>"
            if i in known:  # an offence already read: the list goes on after it
                i = known[i].end
                continue
            end = i
            while end < sent_end and doc[end].text not in (",", ";", ".", ":", "(", ")"):
                if not last and end > i and doc[end].lower_ in ("and", "or"):
                    break  # "A, B and C": B ends at the list's last "and"
                if end > i and doc[end].ent_type_ in ("DATE", "TIME", "MONEY"):
                    break  # "... earlier this month", "... worth $2 million"
                end += 1
            if not _list_item(doc, i, end, used):
                break
            out.append(Found(OFFENSE, i, end, doc[i:end].text, certain=True))
            used.update(range(i, end))
            i = end
    return out


def _past_count(doc: Doc, i: int, end: int) -> int:
    """The index after "one count of", "two charges of" at `i`, else `i`."""
    if (
        i + 2 < end
        and (doc[i].like_num or doc[i].lower_ in ("a", "an"))
        and doc[i + 1].lower_ in ("count", "counts", "charge", "charges")
        and doc[i + 2].lower_ == "of"
    ):
        return i + 3
    return i


def _list_item(doc: Doc, start: int, end: int, used: set[int]) -> bool:
    if not 0 < end - start <= _LIST_ITEM_LONGEST or not used.isdisjoint(range(start, end)):
        return False
    head = doc[start]
    if head.lower_ in _NOT_AN_ITEM_START or head.tag_ in ("DT", "PRP", "PRP$", "CD", "WDT"):
        return False
    if head.tag_ in ("VBD", "VBZ", "VBP", "VB", "MD") or (
        head.tag_ == "VBN" and head.dep_ != "amod"
    ):
        return False  # "... and faces up to 20 years", "and released on bail"
    return not any(
        t.tag_ in ("VBD", "VBZ", "VBP", "MD")
        or t.ent_type_ in ("PERSON", "GPE")
        or t.lower_ in _PENALTY_WORDS
        for t in doc[start:end]
    )


def _longest(found: list[Found]) -> list[Found]:
    out: list[Found] = []
    for f in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        if all(f.end <= o.start or o.end <= f.start for o in out):
            out.append(f)
    return out


def _propagate(doc: Doc, found: list[Found]) -> list[Found]:
    """Other occurrences of a name the NER found once (one sense per article): the NER
    misses names in bullets and headlines that it finds in running text."""
    names = {f.text: f.kind for f in found if f.key is None and f.kind in (PERSON, ORGANIZATION)}
    names.update({n.split()[-1]: PERSON for n, k in list(names.items()) if k == PERSON})
    taken = {i for f in found for i in range(f.start, f.end)}
    out: list[Found] = []
    text = doc_text(doc)
    longest_first = sorted((n for n in names if len(n) >= 3), key=lambda n: (-len(n), n))
    if not longest_first:
        return out
    # one pass over the text for all the names (a pattern per name costs a compile each)
    pattern = "|".join(re.escape(n) for n in longest_first)
    for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text):
        span = doc.char_span(m.start(), m.end())
        if span is not None and taken.isdisjoint(range(span.start, span.end)):
            out.append(Found(names[m.group()], span.start, span.end, span.text))
            taken.update(range(span.start, span.end))
    return out


UNIT_HEADS = frozenset(
    [
        "branch",
        "division",
        "section",
        "office",
        "unit",
        "squad",
        "center",
        "centre",
        "bureau",
        "department",
        "service",
        "agency",
        "commission",
        "court",
        "administration",
        "police",
        "ministry",
        "directorate",
        "inspectorate",
    ]
)
_NAME_LINKS = frozenset({"of", "and", "for", "the", "'s", "’s", "&"})


def _title_word(tok: Token) -> bool:
    return ((tok.is_title or tok.is_upper) and tok.is_alpha and not tok.is_stop) or tok.like_num


def _unit_name_end(doc: Doc, i: int) -> int:
    """Extend "Office" / "Bureau" ... rightwards over "of Gambling Control", and over a list of
    portfolios ("Ministry of Economy, Trade and Industry")."""
    end = j = i + 1
    while j < len(doc) and (doc[j].lower_ in ("of", "for", "the", "and") or _title_word(doc[j])):
        if doc[j].lower_ == "and" and (j + 1 >= len(doc) or not _title_word(doc[j + 1])):
            break
        if doc[j].lower_ == "and" and doc[j + 1].lower_ in UNIT_HEADS:
            break  # "Ministry of Internal Affairs and Office of ...": two agencies
        if _title_word(doc[j]):
            end = j + 1
        j += 1
        if j < len(doc) and doc[j].text == "," and end == j and end > i + 2:
            j = end = _portfolios_end(doc, j)
    return end


def _portfolios_end(doc: Doc, comma: int) -> int:
    """After "Ministry of Economy" at a comma: the end of ", Trade(,) and Industry" when the
    list is closed by "and" and each item is one to three title-case words; else the comma."""
    j = comma
    while j < len(doc) and doc[j].text == ",":
        k = j + 1
        if doc[k : k + 1].text == "and":
            k += 1
        n = 0
        while k < len(doc) and n < 3 and _title_word(doc[k]) and doc[k].lower_ not in UNIT_HEADS:
            k, n = k + 1, n + 1
        if not n:
            return comma
        if doc[j + 1].lower_ == "and":
            return k if j > comma else comma  # ", Transport, and Tourism"; not ", and Acme"
        if doc[k : k + 1].text == "and":
            m = k + 1
            while m < len(doc) and m - k <= 3 and _title_word(doc[m]):
                m += 1
            return m if m > k + 1 else comma
        j = k
    return comma


# Titles that end a unit name read leftwards ("Director" in "Director FBI Field Office"); the
# rest of TITLE_WORDS also occur inside unit names ("Special Prosecutions Section").
_PERSON_TITLES = TITLE_WORDS - {
    "sheriff",
    "attorney",
    "special",
    "general",
    "district",
    "executive",
    "senior",
    "principal",
    "associate",
    "inspector",
}


# Holders whose office is an agency: "Sheriff's Office", "Attorney General's Office".
_OFFICE_HOLDERS = frozenset(
    {"sheriff", "attorney", "state", "general", "prosecutor", "commissioner", "governor",
     "mayor", "comptroller", "marshal", "coroner", "ombudsman", "treasurer", "auditor",
     "solicitor", "minister", "secretary", "controller"}
)  # fmt: skip


# Heads that, written right after a known agency's full name, make the name of another body
# ("Metropolitan Police Department" is Washington's, not London's "Metropolitan Police").
_LONGER_NAME_HEADS = frozenset({"department"})


def agency_names(
    doc: Doc,
    known: set[int],
    places: dict[int, int] | None = None,
    longer: dict[int, int] | None = None,
) -> list[Found]:
    """Title-case names headed by an agency word: "Fugitive Division", "Bureau of Gambling
    Control", "San Diego Sheriff's Department", "Indiana State Police", "Circuit Court
    of Fairfax County". `places` maps the last token of a known jurisdiction to its
    first: a place may open the name; `longer` the same for known agencies whose name a
    head word after it lengthens."""
    places, longer = places or {}, longer or {}
    out: list[Found] = []
    titled = doc.to_array(IS_TITLE).tolist()
    lowers = lower_forms(doc)
    for i, lower in enumerate(lowers):
        if lower not in UNIT_HEADS or not titled[i] or i in known:
            continue
        tok = doc[i]
        if i + 1 < len(lowers) and lowers[i + 1] in THING_WORDS:
            continue  # "Export Administration Regulations": a law named after a body
        start, j = tok.i, tok.i - 1
        sent_start = tok.sent.start  # Token.sent walks the sentence: read it once
        while j >= sent_start:
            if j in places and j < tok.i - 1:
                start = places[j]  # "Mississippi Gaming Commission": the place opens the name
                break
            if j in known:
                if j == tok.i - 1 and lower in _LONGER_NAME_HEADS and j in longer:
                    start = longer[j]  # "Metropolitan Police" + "Department": another body
                break
            if doc[j].text in ("'s", "’s") and j > 0 and doc[j - 1].lower_ in _OFFICE_HOLDERS:
                j -= 1
                continue
            if (
                doc[j].lower_ == "and"
                and j - 1 >= sent_start
                and j - 1 not in known
                and _title_word(doc[j - 1])
                and doc[j - 1].is_title
            ):
                j -= 1  # "Fraud and Public Corruption Section"
                continue
            if not _title_word(doc[j]) or doc[j].lower_ in _PERSON_TITLES:
                break
            start = j
            j -= 1
        after = doc[tok.i + 1 : tok.i + 2].text
        court_district = doc[tok.i + 1 : tok.i + 5].text.startswith(("for the", "of the")) and (
            "District" in doc[tok.i + 2 : tok.i + 5].text
        )  # "Court for the Northern District of ..."
        extend = after in ("of", "for") and (start == tok.i or court_district)
        end = _unit_name_end(doc, tok.i) if extend else tok.i + 1
        if end - start >= 2:
            out.append(Found(AGENCY, start, end, doc[start:end].text))
    return _longest(out)


# US elected offices named like a person's title ("Harris County District Attorney Kim Ogg").
OFFICE_TITLES = (
    ("district", "attorney"),
    ("state", "'s", "attorney"),
    ("state", "’s", "attorney"),
    ("state", "attorney"),
    ("county", "attorney"),
    ("prosecuting", "attorney"),
    ("city", "attorney"),
    ("public", "defender"),
    ("sheriff",),
)


_OFFICE_FIRST = frozenset(title[0] for title in OFFICE_TITLES)


def _office_title_at(doc: Doc, lower: list[str], i: int) -> int:
    """End of an office title starting at token i (capitalised), else i. `lower` is the
    documents' `lower_` forms, read once: slicing the Doc per token and title was the rules'
    hot spot."""
    if lower[i] not in _OFFICE_FIRST:
        return i
    for title in OFFICE_TITLES:
        end = i + len(title)
        if tuple(lower[i:end]) == title and doc[i].is_title and doc[end - 1].is_title:
            return end
    return i


def office_titles(doc: Doc, known: set[int], places: dict[int, int]) -> list[Found]:
    """ "Harris County District Attorney Kim Ogg", "Cook County State's Attorney Eileen
    O'Neill Burke": the office a place and a title name before a person is an Agency; the
    bare title ("District Attorney Kim Ogg") names no office by itself."""
    out: list[Found] = []
    lower = lower_forms(doc)
    for i in range(len(doc)):
        end = _office_title_at(doc, lower, i)
        if end == i or end >= len(doc) or i in known:
            continue
        tok = doc[i]
        if doc[end].text in ("'s", "’s") or doc[end].lower_ in UNIT_HEADS:
            continue  # "District Attorney's Office" is read by agency_names
        named = doc[end].is_title and doc[end].is_alpha  # a holder's name follows
        start, j = tok.i, tok.i - 1
        sent_start = tok.sent.start
        while j >= sent_start:
            if j in places:
                start = j = places[j]
                j -= 1
                continue
            if j in known or not (_title_word(doc[j]) or doc[j].text == "-"):
                break
            if doc[j].lower_ in _PERSON_TITLES:
                break
            start = j
            j -= 1
        while start < tok.i and doc[start].text == "-":
            start += 1
        k = start - 1
        k -= 1 if k >= 0 and doc[k].lower_ == "the" else 0  # "Office of the Miami-Dade ..."
        if k > 0 and doc[k].lower_ == "of" and doc[k - 1].lower_ == "office" and start < tok.i:
            start = k - 1  # the whole "Office of ..." is the agency
        if start < tok.i and (named or doc[start].lower_ == "office"):
            out.append(Found(AGENCY, start, end, doc[start:end].text))
    return out


# Words of software, not of public bodies, in names built like an agency's ("Windows Update
# Service", "Client Access Service", "Security Center API").
_SOFTWARE_WORDS = frozenset(
    {"api", "server", "client", "update", "profile", "interface", "graphics", "storage",
     "autoconfig", "wlan", "authentication", "plugin", "driver", "module", "sdk", "app",
     "defender", "ltsc", "365", "terms", "wallet", "wallets", "button", "browser", "firmware",
     "router", "accessibility", "component", "build", "scheduled", "vulnerability", "flow",
     "edge", "distribution", "mac"}
)  # fmt: skip


def names_software(words: list[str]) -> bool:
    """The lower-case words of a name hold a word of software or a product's name."""
    if set(words) & _SOFTWARE_WORDS:
        return True
    products = software_products()
    return any(
        " ".join(words[i:j]) in products
        for i in range(len(words))
        for j in range(i + 1, min(i + 4, len(words)) + 1)
    )


def _software_name(doc: Doc, name: Found, known: list[Found]) -> bool:
    """A name headed by "Service", "Office" or "Center" that names a software component or a
    product: a word of software, a product of the data files, or a known platform or company
    inside it ("Microsoft Office", "Acronis Cyber Protect Home Office")."""
    if names_software([t.lower_ for t in doc[name.start : name.end]]):
        return True
    return any(
        k.kind in (PLATFORM, ORGANIZATION) and name.start <= k.start and k.end <= name.end
        for k in known
    )


def _with_agency_names(doc: Doc, ner: list[Found], known: list[Found]) -> list[Found]:
    known_tokens = {i for k in known for i in range(k.start, k.end)}
    places = {k.end - 1: k.start for k in known if k.kind == JURISDICTION}
    # known agencies written as a multi-word name ("Metropolitan Police"), not an acronym
    longer = {k.end - 1: k.start for k in known if k.kind == AGENCY and k.end - k.start >= 2}
    names = _longest(
        agency_names(doc, known_tokens, places, longer) + office_titles(doc, known_tokens, places)
    )

    def loses(n: Found, a: Found) -> bool:
        # An NER span cut across a name, or gluing a known agency to its unit, gives way.
        overlap = a.start < n.end and n.start < a.end
        glued = not known_tokens.isdisjoint(range(n.start, n.end)) and not _name_goes_on(n, a)
        return overlap and (not _covers(n, a) or glued)

    def _name_goes_on(n: Found, a: Found) -> bool:
        # "North Carolina State Bureau" + "of Investigation": the NER has the whole name
        rest = doc[a.end : n.end]
        return (
            n.start == a.start
            and len(rest) >= 2
            and rest[0].lower_ in ("of", "for", "on")
            and all(t.is_title or t.lower_ in ("and", "of", "the") for t in rest[1:])
        )

    names = [a for a in names if not _software_name(doc, a, known)]
    keep = [n for n in ner if not any(loses(n, a) for a in names)]
    extra = [a for a in names if not any(_covers(n, a) for n in keep)]
    return sorted(keep + extra, key=lambda f: f.start)


def aged_people(doc: Doc, taken: set[int]) -> list[Found]:
    """ "Lena Ortiz, 35, admitted the scheme": a title-case name followed by ", <age>," is a
    person even where NER misses it (press releases give defendants' ages this way)."""
    out: list[Found] = []
    numbers = doc.to_array(LIKE_NUM).tolist()
    for i, number in enumerate(numbers):
        if not number:
            continue
        tok = doc[i]
        if not (tok.text.isdigit() and 14 <= int(tok.text) <= 99):
            continue
        i = tok.i
        if i < 2 or i + 1 >= len(doc) or doc[i - 1].text != "," or doc[i + 1].text not in ",.":
            continue
        end, start = i - 1, i - 1
        while start - 1 >= 0 and doc[start - 1].is_title and doc[start - 1].is_alpha:
            start -= 1
        if not 2 <= end - start <= 4 or not taken.isdisjoint(range(start, end)):
            continue
        name = clean_person(doc[start:end])
        if name is not None and not {t.lower_ for t in name} & (AGENCY_WORDS | ORGANIZATION_WORDS):
            out.append(Found(PERSON, name.start, name.end, name.text, certain=True))
    return out


# Top-level domains of web addresses news names services by ("fud.bz", "Onion.city"): the
# generic ones and every country's code, less those that are also file extensions or English
# words a missing space glues to a word ("script.sh", "attack.It").
_GENERIC_TLDS = frozenset(
    {"com", "net", "org", "info", "biz", "io", "co", "tv", "cc", "ws", "xyz", "top", "site",
     "online", "club", "shop", "app", "dev", "cash", "rip", "city", "onion", "to", "ly", "su",
     "link", "live", "space", "store", "tech", "cloud", "network", "pro", "mobi", "eu", "uk"}
)  # fmt: skip
_NOT_TLDS = frozenset(
    {"md", "sh", "py", "so", "ps", "rs", "pm", "mk", "ai", "cs", "ts", "as", "pl", "in", "do",
     "is", "it", "at", "be", "am", "no", "me", "us", "id", "my", "by", "gov", "mil", "edu"}
)  # fmt: skip
_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z][a-z0-9-]*(?:\.(?:co|com|net|org))?\.([a-z]{2,7})")
_LINK_MARKS = frozenset({"[", "]", "(", ")", "/", ":", "@", "<", ">"})


@cache
def _web_tlds() -> frozenset[str]:
    import pycountry

    codes = {c.alpha_2.lower() for c in pycountry.countries}
    return frozenset((codes | _GENERIC_TLDS) - _NOT_TLDS)


def _web_domains(doc: Doc, taken: set[int]) -> list[Found]:
    """ "fud.bz", "WickedGen.com": a web address written as a name in the running text is the
    service at that address (not a link's target or a file name: those are left out)."""
    out: list[Found] = []
    lowers = lower_forms(doc)
    for i, low in enumerate(lowers):
        if "." not in low or i in taken or low.startswith("www."):
            continue
        match = _DOMAIN.fullmatch(low)
        if match is None or match.group(1) not in _web_tlds():
            continue
        before = lowers[i - 1] if i > 0 else ""
        after = lowers[i + 1] if i + 1 < len(lowers) else ""
        if before in _LINK_MARKS or after in _LINK_MARKS:
            continue  # "[text](https://fud.bz/...)": markup, not a mention
        out.append(Found(PLATFORM, i, i + 1, doc[i].text, certain=True))
    return out


def find_mentions(doc: Doc) -> list[Found]:
    """All typed mentions in a parsed document, in text order."""
    known = [_from_ruler(s) for s in ruler_spans(doc)]
    ner = [
        f
        for f in (_from_ner(e) for e in _split_lists(_split_possessives(_split_lines(doc.ents))))
        if f is not None
    ]
    ner = _with_agency_names(doc, ner, known)
    found = _merge(doc, known, ner)
    languages = [f for f in found if _language(doc, f)]
    found = [f for f in found if f not in languages]
    found = _demonym_authorities(doc, found)
    found = _leaders_governments(doc, found)
    found += _city_authorities(doc, found)
    found = _judicial_districts(doc, found)
    found += _nested_places(doc, found)
    typed = {i for f in found if f.kind != ORGANIZATION for i in range(f.start, f.end)}
    aged = aged_people(doc, typed)
    found = [f for f in found if not any(a.start < f.end and f.start < a.end for a in aged)]
    found += aged
    found += _propagate(doc, found)
    # A named offence of the vocabulary ("SIM swapping") outranks a name only the NER saw in it.
    named = _vocabulary_offenses(doc)
    found = [
        f
        for f in found
        if f.key is not None
        or f.certain
        or not any(o.start <= f.start and f.end <= o.end for o in named)
    ]
    taken = {i for f in found for i in range(f.start, f.end)}
    taken.update(i for f in languages for i in range(f.start, f.end + 2))  # "Spanish-language"
    domains = _web_domains(doc, taken)
    found += domains
    taken.update(f.start for f in domains)
    found += find_offenses(doc, taken, named)
    return sorted(set(found), key=lambda f: (f.start, -f.end, f.nested))
