"""Domain knowledge kept as data (`ingest/data/*.jsonl|yaml`), loaded once and validated.

- `platforms.jsonl`: online services with a category and aliases.
- `organizations.jsonl`: companies, groups and media whose name alone says what they are
  (security vendors, ransomware gangs and hacking groups, news agencies), with a category.
- `agencies.jsonl`: public authorities with aliases, their jurisdiction (ISO) and, for units
  whose parent is evident from the name, the parent agency.
- `offenses.yaml`: the vocabulary of crime kinds used to find offences in the article's wording.
- `kind_nouns.yaml`: nouns that say what kind of thing a name is ("darknet market", "gang").
- `jurisdictions.yaml`: display names, aliases and demonyms (read by `ingest.jurisdictions`).

Every file goes through one typed loader. YAML is read with no implicit typing at all: every
scalar is a string, so a key such as `NO` (Norway) stays "NO" instead of YAML 1.1's boolean
false. Each file has a declared shape (which sections, which fields, which values are ISO codes,
checked with pycountry); anything else is refused with the file and line, when the pipeline is
loaded, never in the middle of an article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import yaml

from graph.errors import ConfigError
from ingest.records import normalize_name

DATA_DIR = Path(__file__).parent / "data"
PLATFORM_CATEGORIES = frozenset(
    {"messaging", "social", "forum", "darknet market", "marketplace", "crypto exchange", "mixer",
     "hosting", "email", "payment", "app store", "anonymity network", "video", "vpn",
     "file sharing", "search", "gaming", "dating", "streaming", "cloud", "ai service",
     "reference", "security service"}
)  # fmt: skip


@dataclass(frozen=True)
class KnownEntity:
    """An entity known by name: canonical `name`, other names, and what the data says of it."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    iso: str | None = None
    parent: str | None = None
    category: str | None = None


class DataFileError(ConfigError):
    """A data file that does not have its declared shape; the message names file and line."""


def valid_iso(code: str) -> bool:
    """ISO 3166-1 alpha-2, ISO 3166-2, or "EU" for the European Union."""
    if code == "EU":
        return True
    if re.fullmatch(r"[A-Z]{2}", code):
        return pycountry.countries.get(alpha_2=code) is not None
    if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
        return pycountry.subdivisions.get(code=code) is not None
    return False


# --- YAML: every scalar a string, every value with its line --------------------------------


class _StringLoader(yaml.SafeLoader):
    """SafeLoader without implicit resolvers: `NO`, `yes`, `1.0` and `null` are all strings."""


_StringLoader.yaml_implicit_resolvers = {}


@dataclass(frozen=True)
class _Value:
    """A YAML value with the line it starts on (1-based)."""

    value: Any
    line: int
    key_line: int = 0  # in a mapping: the line of its key


def _convert(node: yaml.Node) -> _Value:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Value] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise _Refused(key.start_mark.line + 1, "keys must be plain strings")
            item = _convert(value)
            out[str(key.value)] = _Value(item.value, item.line, key.start_mark.line + 1)
        return _Value(out, line)
    if isinstance(node, yaml.SequenceNode):
        return _Value([_convert(item) for item in node.value], line)
    return _Value(str(node.value), line)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"casegraph data file {path} is missing: reinstall casegraph") from exc


def _refuse(path: Path, line: int, message: str) -> DataFileError:
    return DataFileError(f"{path}:{line}: {message}: fix the data file")


# A YAML section's shape: a function that checks one section value and returns it typed.
_Shape = Callable[[_Value], Any]


def _string(v: _Value) -> str:
    if not isinstance(v.value, str) or not v.value.strip():
        raise _Refused(v.line, "expected a non-empty string")
    return v.value


def _strings(v: _Value) -> tuple[str, ...]:
    if not isinstance(v.value, list):
        raise _Refused(v.line, "expected a list of strings")
    return tuple(_string(item) for item in v.value)


def _iso(v: _Value) -> str:
    code = _string(v)
    if not valid_iso(code):
        raise _Refused(v.line, f"{code!r} is not an ISO 3166 code (or EU)")
    return code


def _isos(v: _Value) -> tuple[str, ...]:
    if not isinstance(v.value, list):
        raise _Refused(v.line, "expected a list of ISO codes")
    return tuple(_iso(item) for item in v.value)


def _by_iso(shape: _Shape) -> _Shape:
    def check(v: _Value) -> dict[str, Any]:
        if not isinstance(v.value, dict):
            raise _Refused(v.line, "expected a mapping from ISO codes")
        out = {}
        for key, item in v.value.items():
            out[_iso(_Value(key, item.key_line))] = shape(item)
        return out

    return check


def load_yaml(path: Path, sections: dict[str, _Shape]) -> dict[str, Any]:
    """A YAML file of named sections, each checked by its shape; DataFileError otherwise."""
    try:
        root = yaml.compose(_read(path), Loader=_StringLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise _refuse(path, line, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if root is None:
        return {}
    try:
        top = _convert(root)
        if not isinstance(top.value, dict):
            raise _Refused(top.line, "expected named sections at the top level")
        out = {}
        for name, value in top.value.items():
            shape = sections.get(name)
            if shape is None:
                known = ", ".join(sections)
                raise _Refused(value.key_line, f"unknown section {name!r} (known: {known})")
            out[name] = shape(value)
        return out
    except _Refused as exc:
        raise _refuse(path, exc.line, str(exc)) from None


# --- JSONL: one entry a line, declared fields ----------------------------------------------


def _field_str(row: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = row.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a non-empty string")
    return value


def _load_jsonl(path: Path, kind: str, fields: frozenset[str]) -> tuple[KnownEntity, ...]:
    out = []
    for n, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("expected one JSON object")
            unknown = sorted(set(row) - fields)
            if unknown:
                raise ValueError(
                    f"unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(fields))})"
                )
            aliases = row.get("aliases") or []
            if not isinstance(aliases, list) or not all(
                isinstance(a, str) and a.strip() for a in aliases
            ):
                raise ValueError("'aliases' must be a list of non-empty strings")
            iso = _field_str(row, "iso")
            if iso is not None and not valid_iso(iso):
                raise ValueError(f"{iso!r} is not an ISO 3166 code (or EU)")
            category = _field_str(row, "category")
            if kind == "Platform" and category not in PLATFORM_CATEGORIES:
                raise ValueError(
                    f"category {category!r} is not one of {sorted(PLATFORM_CATEGORIES)}"
                )
            entry = KnownEntity(
                name=str(_field_str(row, "name", required=True)),
                kind=kind,
                aliases=tuple(aliases),
                iso=iso,
                parent=_field_str(row, "parent"),
                category=category,
            )
        except ValueError as exc:
            raise _refuse(path, n, str(exc)) from None
        out.append(entry)
    _check_unique(path, out)
    return tuple(out)


def _check_unique(path: Path, entries: Iterable[KnownEntity]) -> None:
    seen: dict[str, str] = {}
    for e in entries:
        for form in (e.name, *e.aliases):
            other = seen.setdefault(form, e.name)
            if other != e.name:
                raise DataFileError(
                    f"{path}: {form!r} names both {other!r} and {e.name!r}: fix the data file"
                )


_PLATFORM_FIELDS = frozenset({"name", "aliases", "category"})
_ORGANIZATION_FIELDS = frozenset({"name", "aliases", "category", "iso"})
ORGANIZATION_CATEGORIES = frozenset(
    {"security vendor", "criminal group", "state-sponsored group", "media", "company", "ngo",
     "university", "standards body"}
)  # fmt: skip
_AGENCY_FIELDS = frozenset({"name", "aliases", "iso", "parent"})
JURISDICTION_SECTIONS: dict[str, _Shape] = {
    "names": _by_iso(_string),
    "aliases": _by_iso(_strings),
    "demonyms": _by_iso(_strings),
    "subdivision_countries": _isos,
    "subdivision_aliases": _by_iso(_strings),
    "ambiguous_subdivisions": _strings,
    "not_jurisdictions": _strings,
}
OFFENSE_SECTIONS: dict[str, _Shape] = {
    name: _strings
    for name in (
        "heads",
        "needs_modifier",
        "offense_modifiers",
        "phrases",
        "strip_modifiers",
        "of_complement",
        "containers",
        "in_complement",
        "act_verbs",
    )
}


@cache
def platforms() -> tuple[KnownEntity, ...]:
    return _load_jsonl(DATA_DIR / "platforms.jsonl", "Platform", _PLATFORM_FIELDS)


@cache
def organizations() -> tuple[KnownEntity, ...]:
    return _load_jsonl(DATA_DIR / "organizations.jsonl", "Organization", _ORGANIZATION_FIELDS)


@cache
def agencies() -> tuple[KnownEntity, ...]:
    entries = _load_jsonl(DATA_DIR / "agencies.jsonl", "Agency", _AGENCY_FIELDS)
    names = {e.name for e in entries}
    for e in entries:
        if e.parent is not None and e.parent not in names:
            raise DataFileError(
                f"{DATA_DIR / 'agencies.jsonl'}: the parent {e.parent!r} of {e.name!r} "
                "is not an agency of the file: fix the data file"
            )
    return entries


@cache
def known_by_name() -> dict[tuple[str, str], KnownEntity]:
    """(kind, canonical name) -> entry."""
    return {(e.kind, e.name): e for e in (*platforms(), *agencies(), *organizations())}


@cache
def offense_vocabulary() -> dict[str, tuple[str, ...]]:
    return load_yaml(DATA_DIR / "offenses.yaml", OFFENSE_SECTIONS)


KIND_NOUN_SECTIONS: dict[str, _Shape] = {
    name: _strings for name in ("Platform", "Organization", "Agency", "not_entity")
}


@cache
def kind_nouns() -> dict[str, str]:
    """Descriptor noun -> the kind it gives a name ("market" -> Platform), or "not_entity"."""
    data = load_yaml(DATA_DIR / "kind_nouns.yaml", KIND_NOUN_SECTIONS)
    out: dict[str, str] = {}
    for kind, nouns in data.items():
        for noun in nouns:
            if out.setdefault(noun, kind) != kind:
                raise DataFileError(
                    f"{DATA_DIR / 'kind_nouns.yaml'}: {noun!r} is listed under two kinds: "
                    "fix the data file"
                )
    return out


@cache
def technical_terms() -> frozenset[str]:
    """Words of the trade that name no actor ("DDoS", "API", "blockchain") and software
    products ("Android", "Exchange Server"), normalised."""
    data = _technical_data()
    terms = [*(data.get("terms") or ()), *(data.get("products") or ())]
    return frozenset(normalize_name(t) for t in terms)


@cache
def software_products() -> frozenset[str]:
    """Operating systems and installed software ("Android", "Exchange Server"), normalised."""
    return frozenset(normalize_name(t) for t in _technical_data().get("products") or ())


@cache
def _technical_data() -> dict[str, Any]:
    return load_yaml(DATA_DIR / "technical_terms.yaml", {"terms": _strings, "products": _strings})


@cache
def jurisdiction_data() -> dict[str, Any]:
    return load_yaml(DATA_DIR / "jurisdictions.yaml", JURISDICTION_SECTIONS)


def load_all() -> None:
    """Load and validate every data file now (the pipeline calls it when it is built)."""
    platforms()
    agencies()
    organizations()
    offense_vocabulary()
    jurisdiction_data()
    kind_nouns()
    technical_terms()
