"""The app tests' graph: gold annotations of two real articles written through Store.write.

Gold annotations (not the NLP pipeline) make the app tests independent of extraction quality;
see tests/fixtures/app/SOURCE.md. Jurisdictions are resolved by ISO code across articles
("Korea" and "South Korea" are one node), as the pipeline does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import neo4j

from graph.settings import Settings
from ingest.records import (
    Article,
    Case,
    Entity,
    Extraction,
    Mention,
    Relation,
    article_id,
    entity_id,
)
from ingest.records import case_id as make_case_id

FIXTURES = Path(__file__).parent / "fixtures" / "app"
# Date and URL of doj-0002 from ../shared/data/doj-press-100/doj_press.csv (row id 2).
ARTICLES = [
    ("seed-telegram-korea", None, None),
    (
        "doj-0002",
        "2014-06-12",
        "https://www.justice.gov/interpol-washington/pr/joint-law-enforcement-effort-leads-issuance-first-ever-interpol-purple-notice",
    ),
]


def _sentence(text: str, sentence: str) -> tuple[int, int]:
    start = text.find(sentence)
    return (start, start + len(sentence)) if start >= 0 else (0, 0)


class _Builder:
    def __init__(self, text: str, iso_names: dict[str, str]) -> None:
        self.text, self.iso_names = text, iso_names
        self.ids: dict[str, str] = {}  # gold name -> entity id
        self.kinds: dict[str, str] = {}

    def entity(self, e: dict[str, Any]) -> Entity:
        name = e["name"]
        if e["kind"] == "Jurisdiction" and e.get("iso"):
            name = self.iso_names.setdefault(e["iso"], name)
        aliases = tuple(sorted({*e.get("aliases", []), e["name"]} - {name}))
        eid = entity_id(e["kind"], name)
        self.ids[e["name"]], self.kinds[eid] = eid, e["kind"]
        mentions = tuple(
            Mention(i, i + len(form), form)
            for form in (e["name"], *e.get("aliases", []))
            if (i := self.text.find(form)) >= 0
        )
        return Entity(eid, name, e["kind"], aliases, e.get("iso"), mentions)

    def relation(self, r: dict[str, Any]) -> Relation:
        start, end = _sentence(self.text, r["evidence"])
        return Relation(
            r["type"], self.ids[r["source"]], self.ids[r["target"]], r["evidence"], start, end,
            rule="gold", status=r.get("status"),
        )  # fmt: skip

    def case(self, c: dict[str, Any]) -> Case:
        targets = tuple(self.ids[t] for t in c["targets"])
        iso = c.get("jurisdiction")
        jur = entity_id("Jurisdiction", self.iso_names[iso]) if iso in self.iso_names else None
        start, end = _sentence(self.text, c["evidence"])
        return Case(
            make_case_id(iso, targets[0] if targets else None, c["kind"], c["title"]),
            c["title"], c["kind"], c["status"], iso,
            jur,
            tuple(self.ids[x] for x in c["led_by"]), targets,
            tuple(self.ids[x] for x in c["offenses"]),
            c["evidence"], start, end, "gold",
        )  # fmt: skip


def extractions() -> list[Extraction]:
    """One Extraction per fixture article, built from its gold annotation."""
    out, iso_names = [], {}
    for name, date, url in ARTICLES:
        text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
        gold = json.loads((FIXTURES / f"{name}.gold.json").read_text(encoding="utf-8"))
        title = text.strip().splitlines()[0].strip()
        article = Article(article_id(text), text, str(FIXTURES / f"{name}.txt"), title, date, url)
        b = _Builder(text, iso_names)
        entities = tuple(b.entity(e) for e in gold["entities"])
        relations = tuple(b.relation(r) for r in gold["relations"])
        cases = tuple(b.case(c) for c in gold["cases"])
        out.append(Extraction(article, entities, relations, cases))
    return out


def load(driver: neo4j.Driver, settings: Settings) -> None:
    """Write the fixture into the (empty) database of `settings`."""
    from graph.store import Store

    Store(driver, database=settings.neo4j_database).write(extractions())


def app_env(settings: Settings) -> dict[str, str]:
    """Environment variables that point the app at the test server."""
    return {
        "NEO4J_URI": settings.uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.password() or "",
        "NEO4J_DATABASE": settings.neo4j_database,
    }
