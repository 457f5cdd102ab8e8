"""Domain knowledge kept as data (`ingest/data/*.jsonl|yaml`), loaded once per process.

- `platforms.jsonl`: online services with a category and aliases.
- `agencies.jsonl`: public authorities with aliases, their jurisdiction (ISO) and, for units
  whose parent is evident from the name, the parent agency.
- `offenses.yaml`: the vocabulary of crime kinds used to find offences in the article's wording.
- `jurisdictions.yaml`: display names, aliases and demonyms (read by `ingest.jurisdictions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from graph.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class KnownEntity:
    """An entity known by name: canonical `name`, other names, and what the data says of it."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    iso: str | None = None
    parent: str | None = None
    category: str | None = None


def _read(name: str) -> str:
    path = DATA_DIR / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"casegraph data file {path} is missing: reinstall casegraph") from exc


def load_yaml(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_read(name))
    return data if isinstance(data, dict) else {}


def _load_jsonl(name: str, kind: str) -> tuple[KnownEntity, ...]:
    out = []
    for line in _read(name).splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        out.append(
            KnownEntity(
                name=row["name"],
                kind=kind,
                aliases=tuple(row.get("aliases") or ()),
                iso=row.get("iso"),
                parent=row.get("parent"),
                category=row.get("category"),
            )
        )
    return tuple(out)


@cache
def platforms() -> tuple[KnownEntity, ...]:
    return _load_jsonl("platforms.jsonl", "Platform")


@cache
def agencies() -> tuple[KnownEntity, ...]:
    return _load_jsonl("agencies.jsonl", "Agency")


@cache
def known_by_name() -> dict[tuple[str, str], KnownEntity]:
    """(kind, canonical name) -> entry."""
    return {(e.kind, e.name): e for e in (*platforms(), *agencies())}


@cache
def offense_vocabulary() -> dict[str, Any]:
    return load_yaml("offenses.yaml")
