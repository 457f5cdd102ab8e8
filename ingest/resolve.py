"""Entity resolution inside one article: mentions -> entities with canonical names and aliases.

Across articles nothing needs doing here: `records.entity_id(kind, name)` keys an entity by kind
and normalized canonical name, and the canonical names of known entities come from the data
files, so "FBI" in one article and "Federal Bureau of Investigation" in another are one node.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from spacy.tokens import Doc

from graph import ontology
from ingest import jurisdictions, knowledge
from ingest.entities import ORGANIZATION_WORDS, Found
from ingest.nlp import char_bounds, doc_text
from ingest.records import Entity, Mention, entity_id, normalize_name

_CONNECTORS = {"of", "and", "the", "for", "&", "on", "in", "at"}
_GENERIC_RANK = {"police": 0, "law enforcement": 1, "authorities": 2}


@dataclass
class Resolved:
    """The entities of one article and which entity each mention (by index) belongs to."""

    entities: list[Entity]
    entity_of: dict[int, str]  # index into the mentions list -> entity id

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _CONNECTORS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


@lru_cache(maxsize=65536)
def _bare(text: str) -> str:
    return jurisdictions.strip_possessive(re.sub(r"^(?:the|The)\s+", "", text))


def _fix_kinds(found: list[Found]) -> list[Found]:
    """An NER organisation or place whose words are a known person's name parts is that person:
    "Sanchez" or "Melvin Lazo-Sanchez" once "Melvin Noe Lazo-Sanchez" is a person."""
    people = [normalize_name(f.text).split() for f in found if f.kind == ontology.PERSON]
    people = [p for p in people if len(p) >= 2]
    surnames = {p[-1] for p in people}
    out = []
    for f in found:
        word = _bare(f.text)
        words = normalize_name(word).split()
        if f.key is None and f.kind not in (ontology.PERSON, ontology.OFFENSE) and words:
            single = len(words) == 1 and words[0] in surnames
            parts = len(words) >= 2 and any(_name_parts(words, p) for p in people)
            if single or parts:
                f = Found(ontology.PERSON, f.start, f.end, word)
        out.append(f)
    return out


_LIST_SEPARATORS = frozenset({";", ",", "and", ", and", "; and"})
_NOT_A_NAME = ORGANIZATION_WORDS | {"resort"}


def _people_in_lists(doc: Doc, found: list[Found]) -> list[Found]:
    """A two-to-four-word title-case "organisation" listed between people ("A; B; C") is a
    person too: NER types names in long defendant lists inconsistently."""
    order = sorted(range(len(found)), key=lambda i: found[i].start)
    out = list(found)
    for pos, i in enumerate(order):
        f = found[i]
        if f.kind != ontology.ORGANIZATION or f.key is not None or f.nested:
            continue
        words = f.text.split()
        if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            continue
        if {w.lower().strip(".,") for w in words} & _NOT_A_NAME:
            continue
        neighbours = [found[order[k]] for k in (pos - 1, pos + 1) if 0 <= k < len(order)]
        for n in neighbours:
            a, b = (n, f) if n.start < f.start else (f, n)
            gap = doc[a.end : b.start].text.strip()
            if n.kind == ontology.PERSON and gap in _LIST_SEPARATORS:
                out[i] = Found(ontology.PERSON, f.start, f.end, f.text)
                break
    return out


def _name_parts(short: list[str], full: list[str]) -> bool:
    """ "maria zavoczki" within "maria luca zavoczki": same first and last word, in order."""
    if short[0] != full[0] or short[-1] != full[-1] or len(short) > len(full):
        return False
    it = iter(full)
    return all(w in it for w in short)


def _abbreviations(doc: Doc, found: list[Found], keys: list[str]) -> dict[str, str]:
    """ "Long Name (ABBR)": the abbreviation resolves to the long name's cluster."""
    out: dict[str, str] = {}
    for f, key in zip(found, keys, strict=True):
        e = f.end
        if e + 2 < len(doc) and doc[e].text == "(" and doc[e + 2].text == ")":
            abbr = doc[e + 1].text
            if abbr.isupper() and len(abbr) >= 2:
                out[abbr] = key
    return out


# Generic authorities that are other bodies than the police ("German prosecutors", "the
# Irish court", "Turkish intelligence"): each its own entity beside "<country> police".
_OWN_GROUPS = {
    "prosecutors": "prosecutors",
    "prosecutor": "prosecutors",
    "government": "government",
    "court": "court",
    "intelligence": "intelligence",
    "intelligence services": "intelligence",
    "secret services": "intelligence",
    "security services": "intelligence",
}


def _base_key(f: Found) -> str:
    if f.kind == ontology.JURISDICTION and f.key:
        return f"J|{f.key}"
    if f.generic and f.key:
        group = _OWN_GROUPS.get(f.generic, "authority")
        return f"G|{f.key}|{group}"
    if f.key:
        return f"K|{f.kind}|{f.key}"
    if f.kind == ontology.OFFENSE:
        return f"N|{f.kind}|{offense_core(f.text)}"
    return f"N|{f.kind}|{normalize_name(_bare(f.text))}"


# Words that say how an offence was done or counted, not which offence it is.
_OFFENSE_FRAMES = frozenset(
    {"attack", "campaign", "scheme", "activity", "operation", "incident", "charge",
     "count", "case", "allegation", "spree", "effort", "wave"}
)  # fmt: skip


_OFFENSE_CHANNELS = frozenset({"email", "sms", "text", "message", "call", "website", "site", "app"})


def offense_core(text: str) -> str:
    """One offence however the article words it: "ransomware attacks", "a ransomware attack"
    and "ransomware" are the same crime; plurals and frame words ("attacks", "campaign",
    "charges") do not make another one."""
    words = []
    for raw in _bare(text).replace("-", " ").split():
        w = normalize_name(raw)
        if not w or w in ("a", "an"):
            continue
        acronym = any(c.isupper() for c in raw[1:])  # "DDoS", "BECs"
        if len(w) > 4 and w.endswith("ies") and not acronym:
            w = w[:-3] + "y"  # "activities"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and not acronym:
            w = w[:-1]
        words.append(w)
    core = [w for w in words if w not in _OFFENSE_FRAMES]
    if core != words:  # "phishing email campaigns": the channel goes with the frame
        while len(core) > 1 and core[-1] in _OFFENSE_CHANNELS:
            core.pop()
    return " ".join(core or words)


_SHORTENED_KNOWN = frozenset({ontology.ORGANIZATION})


def _short_forms(found: list[Found], keys: list[str]) -> list[str]:
    """Short forms ("Durov", "U.S. Attorney's Office") -> the one longer name they abbreviate."""
    names: dict[str, set[str]] = defaultdict(set)
    for f, key in zip(found, keys, strict=True):
        if key.startswith("N|"):
            names[f.kind].add(key.split("|", 2)[2])
    known_names = _written_forms(found, keys, ("K|",))
    first_seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key.startswith("N|"):
            first_seen.setdefault(key.split("|", 2)[2], i)
    out = list(keys)
    for i, (f, key) in enumerate(zip(found, keys, strict=True)):
        if not key.startswith("N|"):
            continue
        short = key.split("|", 2)[2]
        longer = [n for n in names[f.kind] if n != short and _extends(n, short, f.kind)]
        if f.kind == ontology.PERSON and len(longer) > 1:
            # "Zavoczki" -> "Maria Zavoczki" and "Maria Luca Zavoczki": one person if the
            # longer forms are themselves one name; otherwise a bare surname shared by several
            # people ("Tran") means the one the article names first, its main subject.
            full = max(longer, key=len).split()
            if all(_name_parts(n.split(), full) for n in longer):
                longer = [" ".join(full)]
            elif len(short.split()) == 1:
                longer = [min(longer, key=lambda n: first_seen.get(n, len(keys)))]
        if len(longer) == 1:
            out[i] = f"N|{f.kind}|{longer[0]}"
            continue
        if not longer and f.kind in _SHORTENED_KNOWN:
            # "Amnesty", "NSO" for a known "Amnesty International", "NSO Group" the article
            # names: the one known actor of this kind whose name the short form begins
            known = {
                k
                for (kind, n), k in known_names.items()
                if kind == f.kind and _extends(n, short, f.kind)
            }
            if len(known) == 1:
                out[i] = known.pop()
                continue
        if f.text.isupper() and len(f.text) >= 2:
            by_initials = [n for n in names[f.kind] if n != short and _initials(n) == f.text]
            if len(by_initials) == 1:
                out[i] = f"N|{f.kind}|{by_initials[0]}"
    return out


_ACRONYM = re.compile(r"[A-Z][A-Za-z]{1,5}")
_ACTORS = frozenset({ontology.AGENCY, ontology.ORGANIZATION, ontology.PLATFORM})


def _acronym_letters(text: str) -> str | None:
    """ "SSU", "DoJ" -> "SSU", "DJ": a one-word name of two or more capitals, else None."""
    if not _ACRONYM.fullmatch(text) or sum(c.isupper() for c in text) < 2:
        return None
    return "".join(c for c in text if c.isupper())


@cache
def _known_acronyms() -> dict[str, frozenset[str]]:
    """Canonical name of a known entity -> the acronyms among its names (upper case)."""
    out: dict[str, frozenset[str]] = {}
    for e in (*knowledge.agencies(), *knowledge.organizations(), *knowledge.platforms()):
        forms = {f.upper() for f in (e.name, *e.aliases) if _acronym_letters(f) is not None}
        if forms:
            out[e.name] = frozenset(forms)
    return out


def _acronyms(found: list[Found], keys: list[str]) -> tuple[list[Found], list[str]]:
    """An acronym the article never spells out in brackets ("SSU", "DoJ") is the one actor
    of the article whose initials it is, or whose known acronym it is in another case ("DoJ"
    for "DOJ"); it takes that actor's kind (the NER calls most acronyms organisations)."""
    out, mentions = list(keys), list(found)
    names: dict[str, tuple[str, str]] = {}  # key -> (kind, a name of it)
    for f, key in zip(found, keys, strict=True):
        if f.kind in _ACTORS and len(_bare(f.text).split()) >= 2:
            names.setdefault(key, (f.kind, _bare(f.text)))
    known = _known_acronyms()
    for i, (f, key) in enumerate(zip(found, keys, strict=True)):
        letters = _acronym_letters(f.text)
        if f.key is not None or f.kind not in _ACTORS or letters is None or key in names:
            continue
        upper = f.text.upper()
        matches = {
            k: kind
            for k, (kind, name) in names.items()
            if _initials(name) in (letters, upper)
            or (k.startswith("K|") and upper in known.get(k.split("|", 2)[2], ()))
        }
        if len(matches) == 1:
            k, kind = matches.popitem()
            out[i] = k
            mentions[i] = Found(kind, f.start, f.end, f.text)
    return mentions, out


def _extends(long: str, short: str, kind: str) -> bool:
    lw, sw = long.split(), short.split()
    if len(sw) >= len(lw):
        return False
    if kind == ontology.PERSON:
        return (
            lw[-len(sw) :] == sw
            or (len(sw) == 1 and sw[0] in lw)  # "Lazo" of "Melvin Noe Lazo-Sanchez"
            or (len(sw) >= 2 and _name_parts(sw, lw))
        )
    if kind == ontology.ORGANIZATION:
        return lw[: len(sw)] == sw  # "Acme" -> "Acme Holdings plc"
    if kind == ontology.OFFENSE:
        return lw[-len(sw) :] == sw  # "fraud" after "investment fraud": that fraud
    if (
        kind == ontology.AGENCY
        and lw[-len(sw) :] == sw
        and jurisdictions.lookup(" ".join(lw[: -len(sw)])) is not None
    ):
        return True  # "Foreign Ministry", "Navy" after "Ukrainian Foreign Ministry", "US Navy"
    if kind == ontology.AGENCY and len(sw) >= 2:
        # "Brooklyn District Attorney" (a title before a name) is "... District Attorney's Office".
        holder = sw[-1] in ("attorney", "sheriff", "defender")
        if holder and lw[:2] == ["office", "of"] and [w for w in lw[2:] if w != "the"] == sw:
            return True  # "Office of the Miami-Dade State Attorney"
        office = lw[len(sw) :] == ["office"] and holder
        return lw[: len(sw)] == sw and (lw[len(sw)] in ("for", "of", "in") or office)
    return False


def resolve(doc: Doc, found: list[Found]) -> tuple[list[Found], Resolved]:
    """Cluster mentions into entities; returns the (kind-fixed) mentions and the entities."""
    found = _fix_kinds(found)
    for _ in range(3):  # a list typed ORG, ORG, Person converts from its end
        found = _people_in_lists(doc, found)
    keys = [_base_key(f) for f in found]
    abbr = _abbreviations(doc, found, keys)
    keys = [abbr.get(f.text, k) if f.key is None else k for f, k in zip(found, keys, strict=True)]
    keys = _short_forms(found, keys)
    found, keys = _acronyms(found, keys)
    keys = _handles(doc, found, keys)
    keys = _written_otherwise(found, keys)
    keys = _misspelt_known(keys)
    keys = _misspelt_people(found, keys)
    keys = _web_addresses(found, keys)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    prefixed = _prefixed_forms(doc, found)
    entities, entity_of = [], {}
    for key, idx in groups.items():
        entity = _entity(doc, key, [found[i] for i in idx], [prefixed.get(i, "") for i in idx])
        if entity is None:
            continue
        entities.append(entity)
        entity_of.update({i: entity.id for i in idx})
    return found, Resolved(entities, entity_of)


@cache
def _known_forms() -> dict[tuple[str, str], frozenset[str]]:
    """(kind, canonical name) of a known entity -> the normalised forms of its names."""
    return {
        key: frozenset(normalize_name(n) for n in (e.name, *e.aliases)) - {""}
        for key, e in knowledge.known_by_name().items()
    }


def _written_forms(
    found: list[Found], keys: list[str], tags: tuple[str, ...]
) -> dict[tuple[str, str], str]:
    """(kind, normalised name) -> key, for the article's mentions whose key starts with one of
    `tags`: each as written, and a known entity's name and aliases from the data files."""
    known_forms = _known_forms()
    forms: dict[tuple[str, str], str] = {}
    for f, key in zip(found, keys, strict=True):
        if key.startswith("K|"):
            for form in known_forms.get((f.kind, key.split("|", 2)[2]), ()):
                forms.setdefault((f.kind, form), key)
        if key.startswith(tags):
            forms.setdefault((f.kind, normalize_name(_bare(f.name or f.text))), key)
    return forms


_ADDRESS_OWNERS = frozenset({ontology.PLATFORM, ontology.ORGANIZATION})


def _web_addresses(found: list[Found], keys: list[str]) -> list[str]:
    """ "twitch.tv" where the article names Twitch: the service's address is another name of
    the platform or company the article names, not a second entity."""
    names: dict[str, str] = {}
    for f, key in zip(found, keys, strict=True):
        if f.kind in _ADDRESS_OWNERS and "." not in f.text:
            names.setdefault(normalize_name(_bare(f.name or f.text)), key)
    out = list(keys)
    for i, f in enumerate(found):
        if f.kind == ontology.PLATFORM and _is_address(f.text):
            owner = names.get(normalize_name(f.text.split(".", 1)[0]))
            if owner is not None:
                out[i] = owner
    return out


def _written_otherwise(found: list[Found], keys: list[str]) -> list[str]:
    """A name the data files or a generic authority already give, written in another case or
    punctuation ("Austrac" for "AUSTRAC", "Evil Corp." for "Evil Corp", "Australian Government"
    for "Australian government"): the same entity, not a second one of the same kind."""
    forms = _written_forms(found, keys, ("K|", "G|"))
    if not forms:
        return keys
    out = list(keys)
    for i, (f, key) in enumerate(zip(found, keys, strict=True)):
        if key.startswith("N|") and f.kind != ontology.OFFENSE:
            out[i] = forms.get((f.kind, key.split("|", 2)[2]), key)
    return out


_TYPO_KINDS = (ontology.AGENCY, ontology.PLATFORM, ontology.ORGANIZATION)
_TYPO_SHORTEST = 6  # letters of the shortest form a typo is looked for in


def _deletions(form: str) -> set[str]:
    return {form, *(form[:i] + form[i + 1 :] for i in range(len(form)))}


@cache
def _typo_index() -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """(kind, a known form with at most one letter left out) -> {(canonical name, form)}."""
    index: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for (kind, name), forms in _known_forms().items():
        if kind in _TYPO_KINDS:
            for form in forms:
                if len(form) >= _TYPO_SHORTEST:
                    for d in _deletions(form):
                        index[(kind, d)].add((name, form))
    return {k: frozenset(v) for k, v in index.items()}


def _one_edit(a: str, b: str) -> bool:
    """Whether two different strings are one letter inserted, left out, changed or swapped
    with its neighbour apart."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return (
        a[i + 1 :] == b[i + 1 :]
        or a[i + 1 :] == b[i:]
        or a[i:] == b[i + 1 :]
        or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])
    )


_TYPO_SHORTEST_WORD = 5  # "CBC News" is not "CBS News" misspelt


def _one_word_misspelt(form: str, known: str) -> bool:
    """One word of `form` is a word of `known` with one letter wrong, a long word, and not
    the other spelling of English ("Department of Defence" is another country's)."""
    a, b = form.split(), known.split()
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    return (
        min(len(x), len(y)) >= _TYPO_SHORTEST_WORD
        and _one_edit(x, y)
        and not any(x.replace(us, uk) == y.replace(us, uk) for us, uk in _SPELLINGS)
    )


# American and British spellings of one word ("defense", "defence"; "center", "centre")
_SPELLINGS = (("ense", "ence"), ("ter", "tre"), ("ize", "ise"), ("yze", "yse"), ("or", "our"))


@lru_cache(maxsize=4096)
def _known_typo(kind: str, form: str) -> str | None:
    """The one known entity of `kind` whose name or alias `form` misspells by one letter
    ("Eurpol", "Federal Bureau of Investigations"), also after a country before it ("US
    Federal Bureau of Investigations", not "Georgia Cyber Center" for a "Cyber Centre"); None
    when none or several."""
    words = form.split()
    tries = [form]
    if len(words) > 3 and jurisdictions.lookup(words[0]) is not None:
        tries.append(" ".join(words[1:]))
    index = _typo_index()
    for q in tries:
        if len(q) < _TYPO_SHORTEST:
            continue
        names = {
            name
            for d in _deletions(q)
            for name, known in index.get((kind, d), ())
            if known[0] == q[0] and _one_word_misspelt(q, known)
        }
        if len(names) == 1:
            return names.pop()
    return None


def _misspelt_known(keys: list[str]) -> list[str]:
    """A name one letter away from a known entity's is that entity, misspelt by the writer."""
    out = list(keys)
    for i, key in enumerate(keys):
        tag, kind, form = [*key.split("|", 2), "", ""][:3]
        if tag == "N" and kind in _TYPO_KINDS:
            name = _known_typo(kind, form)
            if name is not None:
                out[i] = f"K|{kind}|{name}"
    return out


_TYPO_SHORTEST_NAME = 3  # letters of the shortest part of a person's name a typo is looked in


def _misspelt_people(found: list[Found], keys: list[str]) -> list[str]:
    """A person's name written once with one letter wrong ("Hao Kou Chi" beside "Hao Kuo Chi",
    "O'Conner" beside "Joseph O'Connor") is the person named more often (or first): the same
    given name, one later part one letter apart. Another given name is another person ("Mark
    Lee" and "Mary Lee")."""
    counts = Counter(k for k in keys if k.startswith(f"N|{ontology.PERSON}|"))
    if len(counts) < 2:
        return keys
    order = {k: i for i, k in reversed(list(enumerate(keys)))}
    names = sorted(counts, key=lambda k: (-counts[k], order[k]))
    target: dict[str, str] = {}
    for i, key in enumerate(names):
        words = key.split("|", 2)[2].split()
        for other in names[:i]:  # a name seen more often, or as often and earlier
            if other in target:
                continue
            full = other.split("|", 2)[2].split()
            if len(words) == 1 and len(full) > 1 and len(words[0]) >= _TYPO_SHORTEST_WORD:
                pairs = [(words[0], full[-1])]  # a surname alone ("Kim" is not "Lim")
            elif len(words) == len(full) > 1 and words[0] == full[0]:
                pairs = [(x, y) for x, y in zip(words[1:], full[1:], strict=True) if x != y]
            else:
                continue
            if (
                len(pairs) == 1
                and min(map(len, pairs[0])) >= _TYPO_SHORTEST_NAME
                and _one_edit(*pairs[0])
            ):
                target[key] = other
                break
    return [target.get(k, k) for k in keys]


def _canonical(key: str, mentions: list[Found]) -> str:
    kind_tag = key.split("|", 1)[0]
    if kind_tag == "J":
        return jurisdictions.display_name(key.split("|")[1])
    if kind_tag == "K":
        return key.split("|", 2)[2]
    if kind_tag == "G":
        best = min(mentions, key=lambda f: _GENERIC_RANK.get(f.generic or "", 3))
        return _bare(best.name or best.text)
    surfaces = [_bare(m.text) for m in mentions]
    if mentions[0].kind == ontology.OFFENSE:
        counts = Counter(s for s in surfaces if not s.istitle()) or Counter(surfaces)
        return counts.most_common(1)[0][0]
    # a name over its web address ("Twitch", not "twitch.tv"), and as the article writes it
    # over the capitals of a quoted court document ("JOSEPH JAMES O'CONNOR")
    named = [s for s in surfaces if not _is_address(s)] or surfaces
    named = [s for s in named if not (s.isupper() and " " in s)] or named
    return max(named, key=len)


def _is_address(text: str) -> bool:
    return "." in text.strip(".") and " " not in text and not text.isupper()


# The words that introduce a person's other name ("X, aka “Y”"); "a.k.a." tokenizes as "a.k.a" ".".
AKA_WORDS = frozenset({"aka", "a.k.a.", "a.k.a", "alias"})


def aka_link(doc: Doc, start: int) -> int | None:
    """The index of the "aka" (or "known" of "also known as") right before the name that
    starts at `start`, quotes, "the" ("aka “The Bull”") and the dot of "a.k.a." between; None
    when there is none."""
    k = start - 1
    while k >= 0 and start - k <= 4 and (doc[k].is_quote or doc[k].lower_ in (".", "the")):
        k -= 1
    if k < 0:
        return None
    if doc[k].lower_ in AKA_WORDS:
        return k
    if doc[k].lower_ == "as" and k > 0 and doc[k - 1].lower_ == "known":
        return k - 1
    return None


def _handles(doc: Doc, found: list[Found], keys: list[str]) -> list[str]:
    """ "Mason Sheppard, aka “Chaewon,”", "X, also known as Y": the handle is the person's
    other name (an alias of the same entity), not a second person."""
    out = list(keys)
    people = [i for i, f in enumerate(found) if f.kind == ontology.PERSON and not f.nested]
    for i in people:
        link = aka_link(doc, found[i].start)
        if link is None:
            continue
        owner = next(
            (j for j in people if j != i and found[j].end <= link and link - found[j].end <= 3),
            None,
        )
        if owner is not None:
            handle, out[i] = out[i], out[owner]
            # the handle is the person's other name wherever the article writes it alone
            # ("US indicts 'The Bull'" in the headline)
            for j, key in enumerate(out):
                if key == handle and found[j].kind == ontology.PERSON:
                    out[j] = out[owner]
    return out


def _core_as_written(core: str, forms: list[str]) -> str:
    """The words of an offence's core as one mention writes them (case kept)."""
    for text in forms:
        words = text.replace("-", " ").split()
        n = len(core.split())
        for i in range(len(words) - n + 1):
            if normalize_name(" ".join(words[i : i + n])) == core:
                return " ".join(words[i : i + n])
    return core


def _prefixed_forms(doc: Doc, found: list[Found]) -> dict[int, str]:
    """Mention index -> the agency's name with the country written right before it ("US" +
    "Treasury Department"), or the body it is a unit of ("FBI" + "Cleveland Field Office",
    "the SEC's" + "Regional Office"): the article's fuller form of the name, kept as an alias
    while the country or the owner stays a mention of its own."""
    places = {f.end: f for f in found if f.kind == ontology.JURISDICTION}
    owners = {f.end: f for f in found if f.kind == ontology.AGENCY and not f.generic}
    owners |= {end + 1: f for end, f in owners.items() if doc[end : end + 1].text in _POSSESSIVE}
    starts = {f.start: f for f in found if f.kind == ontology.AGENCY and not f.generic}
    out = {}
    for i, f in enumerate(found):
        if f.kind != ontology.AGENCY or f.generic:
            continue
        before = places.get(f.start)
        if before is None and doc[f.end - 1].lower_ in _INNER_UNITS and f.end - f.start >= 2:
            before = owners.get(f.start)
        if before is not None:
            out[i] = doc[before.start : f.end].text
        elif doc[f.end - 1].lower_ in _INNER_UNITS and (owner := _owner_after(doc, f, starts)):
            out[i] = doc[f.start : owner.end].text  # "Cybercrime Bureau of the National Police"
    return out


def _owner_after(doc: Doc, unit: Found, starts: dict[int, Found]) -> Found | None:
    """The agency named right after a unit by "of (the)"."""
    if doc[unit.end : unit.end + 1].text != "of":
        return None
    at = unit.end + 2 if doc[unit.end + 1 : unit.end + 2].text.lower() == "the" else unit.end + 1
    return starts.get(at)


_POSSESSIVE = frozenset({"'s", "’s"})
# The heads of a body's units (a field office, a division), named with their owner in front.
_INNER_UNITS = frozenset(
    {"branch", "division", "section", "office", "unit", "squad", "center", "centre", "bureau",
     "directorate"}
)  # fmt: skip


def _entity(
    doc: Doc, key: str, mentions: list[Found], prefixed: list[str] | None = None
) -> Entity | None:
    kind = mentions[0].kind
    name = _canonical(key, mentions)
    if not normalize_name(name):
        return None
    norm = normalize_name(name)
    forms = [m.text for m in mentions] + [p for p in prefixed or [] if p]
    if kind == ontology.OFFENSE:
        # the crime inside its frame ("phishing" of "phishing email campaigns") when the
        # article's words hold it as written
        core = offense_core(name)
        if core != normalize_name(name) and any(core in normalize_name(t) for t in forms):
            forms.append(_core_as_written(core, forms))
    aliases = sorted({t for t in forms if normalize_name(t) != norm})
    iso = key.split("|")[1] if key.startswith("J|") else None
    starts, ends = char_bounds(doc)
    text = doc_text(doc)
    bounds = {(starts[m.start], ends[m.end - 1]) for m in mentions if m.end > m.start}
    return Entity(
        id=entity_id(kind, name),
        name=name,
        kind=kind,
        aliases=tuple(dict.fromkeys(aliases)),
        iso=iso,
        mentions=tuple(Mention(a, b, text[a:b]) for a, b in sorted(bounds)),
    )
