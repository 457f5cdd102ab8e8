"""Jurisdictions normalized to ISO 3166: countries, US (and a few other) states, and the EU.

pycountry provides the ISO codes and official names; `data/jurisdictions.yaml` adds display
names, informal names and abbreviations ("U.S.", "the United States"), and demonyms
("South Korean"). `lookup()` turns a surface form into a `Place` with its code and the common
name used as the Jurisdiction entity's canonical name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

from ingest.knowledge import jurisdiction_data

EU = "EU"
_POSSESSIVE = re.compile(r"(?:['\u2019]s|['\u2019])$")


@dataclass(frozen=True)
class Place:
    iso: str
    name: str


def strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip())


def _data() -> dict:
    return jurisdiction_data()


@cache
def display_name(iso: str) -> str:
    """The common name of a jurisdiction ("South Korea" for KR, "Texas" for US-TX)."""
    names = _data().get("names") or {}
    if iso in names:
        return str(names[iso])
    if "-" in iso:
        sub = pycountry.subdivisions.get(code=iso)
        return str(sub.name) if sub else iso
    country = pycountry.countries.get(alpha_2=iso)
    if country is None:
        return iso
    return str(getattr(country, "common_name", None) or country.name)


@cache
def jurisdiction_forms() -> dict[str, str]:
    """Surface form (as written) -> ISO code, for names and aliases of every jurisdiction."""
    forms: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (country.name, getattr(country, "common_name", None)):
            if name and "," not in name and "(" not in name:
                forms[name] = code
        forms[display_name(code)] = code
    data = _data()
    ambiguous = set(data.get("ambiguous_subdivisions") or ())
    for code in data.get("subdivision_countries") or []:
        for sub in pycountry.subdivisions.get(country_code=code) or []:
            if sub.type in ("State", "Province", "Territory") and sub.name not in ambiguous:
                forms.setdefault(sub.name, sub.code)
    for code, aliases in (data.get("subdivision_aliases") or {}).items():
        for alias in aliases:
            forms[alias] = code
    for code, aliases in (data.get("aliases") or {}).items():
        for alias in aliases:
            forms[alias] = code
    for code, name in (data.get("names") or {}).items():
        forms[name] = code
    forms.update({f"the {k}": v for k, v in list(forms.items()) if k.startswith("United")})
    return forms


@cache
def demonym_forms() -> dict[str, str]:
    """Demonym (as written) -> ISO code."""
    out: dict[str, str] = {}
    for code, words in (_data().get("demonyms") or {}).items():
        for word in words:
            out[word] = code
    return out


@cache
def not_jurisdictions() -> tuple[str, ...]:
    """Regions and cities whose names hold a jurisdiction's ("Latin America", "Mexico City")."""
    return tuple(_data().get("not_jurisdictions") or ())


@cache
def _folded() -> dict[str, str]:
    folded = {k.casefold(): v for k, v in demonym_forms().items()}
    folded.update({k.casefold(): v for k, v in jurisdiction_forms().items()})
    return folded


def lookup(text: str) -> Place | None:
    """The jurisdiction a name, alias, possessive or demonym refers to, or None."""
    surface = strip_possessive(text)
    surface = re.sub(r"^the\s+", "", surface, flags=re.IGNORECASE)
    code = jurisdiction_forms().get(surface) or demonym_forms().get(surface)
    if code is None and not surface.isupper():
        # Case-insensitive match only for mixed-case text, so "IN" or "ME" never become countries.
        code = _folded().get(surface.casefold())
    if code is None:
        return None
    return Place(code, display_name(code))


def country_of(iso: str) -> str:
    """The country part of an ISO 3166-2 code ("US" for "US-TX")."""
    return iso.split("-", 1)[0]


# Offices that exist only in the United States' county/state justice system ("Harris County
# District Attorney", "Cook County State's Attorney's Office", "Office of the State Attorney").
_US_LOCAL_OFFICES = re.compile(
    r"\b(district attorney|state'?s attorney|state attorney|county attorney|prosecuting attorney"
    r"|county sheriff|county public defender)",
    re.IGNORECASE,
)


def us_local_office(name: str) -> bool:
    """True when an agency's name shows it is an American county or state office."""
    return bool(_US_LOCAL_OFFICES.search(name.replace("’", "'")))
