"""Helpers for the extraction tests: one Extractor per session, and readable views of results."""

from __future__ import annotations

from functools import cache

from ingest.pipeline import Extractor
from ingest.records import Article, Extraction, article_id


@cache
def extractor() -> Extractor:
    """casegraph as shipped: the rules, the trained kinds classifier and fact classifier."""
    return Extractor("en_core_web_sm")


@cache
def rules_extractor() -> Extractor:
    """The rules alone (CASEGRAPH_KINDS_MODEL=none, CASEGRAPH_FACTS_MODEL=none): for the tests
    of one rule's construction."""
    return Extractor("en_core_web_sm", kinds_model="none", facts_model="none")


def run(text: str) -> Extraction:
    return next(extractor().extract([Article(article_id(text), text, "test.txt")]))


def run_rules(text: str) -> Extraction:
    return next(rules_extractor().extract([Article(article_id(text), text, "test.txt")]))


def entities(ex: Extraction) -> dict[str, str]:
    """name -> kind."""
    return {e.name: e.kind for e in ex.entities}


def facts(ex: Extraction) -> set[tuple[str, str, str]]:
    """(type, source name, target name)."""
    names = {e.id: e.name for e in ex.entities}
    return {(r.type, names[r.source], names[r.target]) for r in ex.relations}


class FailsOnMarkedArticles(Extractor):
    """The real pipeline, except that articles whose text says BOOM raise inside the rules."""

    def __init__(self, base: Extractor) -> None:
        self.__dict__.update(base.__dict__)

    def extract_doc(self, doc, article):  # type: ignore[override]
        if "BOOM" in article.text:
            raise IndexError("list index out of range")
        return super().extract_doc(doc, article)
