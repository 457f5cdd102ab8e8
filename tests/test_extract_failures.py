"""One article the rules cannot handle must never stop a corpus, and known crashes stay fixed."""

from __future__ import annotations

from ingest.pipeline import ExtractionFailure
from ingest.records import Article, Extraction, article_id
from tests.extract_support import FailsOnMarkedArticles, extractor, run


def _article(text: str, path: str) -> Article:
    return Article(article_id(text), text, path)


def test_resisting_arrest_with_police_and_no_platform_does_not_crash():
    # Written on the pattern of a county release that crashed the REFUSES_DATA_TO rule
    # ("resisting" is a refusal trigger, "police" a generic receiver, and no platform holds data).
    ex = run(
        "The San Diego County District Attorney's Office charged the man on Tuesday. "
        "The defendant was convicted in Ohio in 2019 for resisting arrest when he fought with police."
    )
    assert not [r for r in ex.relations if r.type == "REFUSES_DATA_TO"]


def test_an_article_the_rules_raise_on_is_reported_and_the_others_go_on():
    texts = [
        "Europol said on Tuesday that French police arrested two men.",
        "BOOM. The FBI investigated the company.",
        "The Spanish police seized the servers of the marketplace.",
    ]
    articles = [_article(t, f"a{i}.txt") for i, t in enumerate(texts)]
    failures: list[ExtractionFailure] = []
    out = list(FailsOnMarkedArticles(extractor()).extract(articles, on_error=failures.append))
    assert [x.article.path for x in out] == ["a0.txt", "a2.txt"]
    assert all(isinstance(x, Extraction) for x in out)
    assert [f.path for f in failures] == ["a1.txt"]
    assert "IndexError" in failures[0].message and "bug" in failures[0].message


def test_without_a_handler_the_error_propagates():
    article = _article("BOOM. The FBI investigated the company.", "b.txt")
    try:
        list(FailsOnMarkedArticles(extractor()).extract([article]))
    except IndexError:
        return
    raise AssertionError("the extraction error was swallowed without a handler")
