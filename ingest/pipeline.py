"""The extraction pipeline: articles in, `Extraction` records (entities, facts, cases) out.

    extractor = Extractor(workers=2)
    for extraction in extractor.extract(articles):
        print(extraction.to_json())

The spaCy pipeline is loaded once per `Extractor`; `extract` streams, keeps the input order and
runs `nlp.pipe(n_process=workers, batch_size=batch_size)`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable

from spacy.language import Language
from spacy.tokens import Doc

from graph.errors import ConfigError
from ingest.cases import extract_cases
from ingest.entities import find_mentions
from ingest.nlp import load_nlp
from ingest.records import Article, Extraction, ExtractionFailure
from ingest.relations import extract_relations
from ingest.resolve import resolve


class Extractor:
    """Loads the NLP pipeline once and turns articles into extractions."""

    def __init__(self, model: str = "en_core_web_sm", workers: int = 1, batch_size: int = 32):
        if workers < 1 or batch_size < 1:
            raise ConfigError("workers and batch size must be at least 1: pass --workers N >= 1")
        self.nlp: Language = load_nlp(model)
        self.model = str(self.nlp.meta.get("casegraph_model", model))
        self.workers = workers
        self.batch_size = batch_size

    def extract(
        self,
        articles: Iterable[Article],
        on_error: Callable[[ExtractionFailure], None] | None = None,
    ) -> Generator[Extraction, None, None]:
        """One Extraction per article, in input order, streamed.

        With `on_error`, an article on which the rules raise is reported to it and left out
        (so one bad article never stops a corpus); without, the exception propagates.
        """
        pairs = ((a.text, a) for a in articles)
        docs = self.nlp.pipe(
            pairs, as_tuples=True, n_process=self.workers, batch_size=self.batch_size
        )
        try:
            for doc, article in docs:
                try:
                    extraction = self.extract_doc(doc, article)
                except Exception as exc:
                    if on_error is None:
                        raise
                    on_error(ExtractionFailure(article.path, _failure_message(exc)))
                    continue
                yield extraction
        finally:
            # Closing the pipe stops spaCy's worker processes now, not at garbage collection,
            # so an error downstream (e.g. the database going away) cannot leave them hanging.
            docs.close()  # type: ignore[attr-defined]

    def extract_doc(self, doc: Doc, article: Article) -> Extraction:
        """The extraction of one already-parsed article."""
        found, resolved = resolve(doc, find_mentions(doc))
        entities = resolved.entities
        relations = extract_relations(doc, found, resolved.entity_of, entities, self.model)
        cases = extract_cases(doc, entities, relations)
        return Extraction(article, tuple(entities), tuple(relations), tuple(cases))


def _failure_message(exc: Exception) -> str:
    return (
        f"extraction failed ({type(exc).__name__}: {exc}); the other articles go on — "
        "please report this as a casegraph bug"
    )
