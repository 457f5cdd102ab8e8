"""The typed loader of the data files: shapes, ISO codes, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import knowledge
from ingest.knowledge import (
    JURISDICTION_SECTIONS,
    OFFENSE_SECTIONS,
    DataFileError,
    _load_jsonl,
    load_yaml,
)
from tests.extract_support import run


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "jurisdictions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_data_files_load() -> None:
    knowledge.load_all()
    assert knowledge.jurisdiction_data()["demonyms"]["NO"] == ("Norwegian",)
    assert all(isinstance(k, str) for k in knowledge.jurisdiction_data()["names"])


@pytest.mark.parametrize("key", ["NO", "ON", "YES", "Y", "off"])
def test_yaml_keys_are_strings_never_booleans(tmp_path: Path, key: str) -> None:
    data = load_yaml(
        _yaml(tmp_path, f"ambiguous_subdivisions: [{key}, null, 1.0]\n"), JURISDICTION_SECTIONS
    )
    assert data["ambiguous_subdivisions"] == (key, "null", "1.0")


def test_norway_is_a_jurisdiction_of_a_sentence() -> None:
    ex = run("Norwegian police arrested a suspect in Oslo.")
    places = {e.iso for e in ex.entities if e.kind == "Jurisdiction"}
    assert "NO" in places


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("demonyms:\n  NO: [Norwegian]\n  XX: [Martian]\n", 3, "'XX' is not an ISO 3166 code"),
        ("names:\n  KR: South Korea\nflags:\n  KR: red\n", 3, "unknown section 'flags'"),
        ("aliases:\n  US: U.S.\n", 2, "expected a list of strings"),
        ("subdivision_countries: [US, USA]\n", 1, "'USA' is not an ISO 3166 code"),
        ("subdivision_aliases:\n  US-ZZ: [Zedland]\n", 2, "'US-ZZ' is not an ISO 3166 code"),
        ("names:\n  KR: [South, Korea\n", 3, "not valid YAML"),
        ("names:\n  ? [KR]\n  : Korea\n", 2, "keys must be plain strings"),
    ],
)
def test_bad_yaml_is_refused_with_file_and_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = _yaml(tmp_path, text)
    with pytest.raises(DataFileError) as err:
        load_yaml(path, JURISDICTION_SECTIONS)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert says in message
    assert "\n" not in message


def test_offense_vocabulary_sections_are_declared(tmp_path: Path) -> None:
    path = tmp_path / "offenses.yaml"
    path.write_text("heads: [fraud]\nverbs: [steal]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"offenses.yaml:2: unknown section 'verbs'"):
        load_yaml(path, OFFENSE_SECTIONS)


@pytest.mark.parametrize(
    ("line2", "says"),
    [
        ('{"name": "X Police", "iso": "FR", "colour": "blue"}', "unknown field(s) colour"),
        ('{"name": "X Police", "iso": "France"}', "'France' is not an ISO 3166 code"),
        ('{"name": "", "iso": "FR"}', "'name' must be a non-empty string"),
        ('{"name": "X Police", "aliases": "XP"}', "'aliases' must be a list"),
        ('["X Police"]', "expected one JSON object"),
        ('{"name": "X Police",', "Expecting"),
    ],
)
def test_bad_jsonl_entries_are_refused_with_file_and_line(
    tmp_path: Path, line2: str, says: str
) -> None:
    path = tmp_path / "agencies.jsonl"
    path.write_text('{"name": "Y Police", "iso": "DE"}\n' + line2 + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        _load_jsonl(path, "Agency", frozenset({"name", "aliases", "iso", "parent"}))
    assert str(err.value).startswith(f"{path}:2: ")
    assert says in str(err.value)


def test_a_form_naming_two_entries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "platforms.jsonl"
    path.write_text(
        '{"name": "Alpha", "category": "forum", "aliases": ["AB"]}\n'
        '{"name": "Beta", "category": "forum", "aliases": ["AB"]}\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="'AB' names both 'Alpha' and 'Beta'"):
        _load_jsonl(path, "Platform", frozenset({"name", "aliases", "category"}))


def test_a_platform_category_is_one_of_the_declared(tmp_path: Path) -> None:
    path = tmp_path / "platforms.jsonl"
    path.write_text('{"name": "Alpha", "category": "gadget"}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"platforms.jsonl:1: category 'gadget'"):
        _load_jsonl(path, "Platform", frozenset({"name", "aliases", "category"}))
