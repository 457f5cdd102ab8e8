"""Jurisdiction normalization to ISO 3166 (pure lookups, no model)."""

from __future__ import annotations

import pytest

from ingest.jurisdictions import display_name, lookup


@pytest.mark.parametrize(
    ("surface", "iso", "name"),
    [
        ("South Korea’s", "KR", "South Korea"),
        ("South Korean", "KR", "South Korea"),
        ("French", "FR", "France"),
        ("U.S.", "US", "United States"),
        ("US", "US", "United States"),
        ("the United States", "US", "United States"),
        ("America", "US", "United States"),
        ("Texas", "US-TX", "Texas"),
        ("EU", "EU", "European Union"),
        ("Russian", "RU", "Russia"),
        ("Omani", "OM", "Oman"),
        ("Bosnia and Herzegovina", "BA", "Bosnia and Herzegovina"),
    ],
)
def test_surface_forms_resolve_to_iso_and_common_name(surface: str, iso: str, name: str) -> None:
    place = lookup(surface)
    assert place is not None
    assert (place.iso, place.name) == (iso, name)


@pytest.mark.parametrize("surface", ["WASHINGTON", "Washington", "IN", "Atascosa County", "police"])
def test_ambiguous_or_unknown_forms_are_not_jurisdictions(surface: str) -> None:
    assert lookup(surface) is None


def test_display_names_are_common_names() -> None:
    assert display_name("KR") == "South Korea"
    assert display_name("RU") == "Russia"
    assert display_name("US-NY") == "New York"


def test_ap_state_abbreviations() -> None:
    from ingest.jurisdictions import lookup

    assert lookup("Miss.").iso == "US-MS"  # type: ignore[union-attr]
    assert lookup("Calif.").iso == "US-CA"  # type: ignore[union-attr]
    assert lookup("Miss") is None


def test_every_place_that_is_no_jurisdiction_holds_a_jurisdiction_form() -> None:
    """`not_jurisdictions` exists to keep the name inside a region or city from being read as a
    country or state: an entry holding none is dead weight (or a typo)."""
    from ingest.jurisdictions import demonym_forms, jurisdiction_forms, not_jurisdictions

    forms = set(jurisdiction_forms()) | set(demonym_forms())
    for place in not_jurisdictions():
        words = place.split()
        parts = {
            " ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
        }
        assert parts & forms, place
        assert lookup(place) is None, place
