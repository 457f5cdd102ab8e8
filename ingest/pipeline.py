"""The extraction pipeline: articles in, `Extraction` records (entities, facts, cases) out.

    extractor = Extractor(workers=2)
    for extraction in extractor.extract(articles):
        print(extraction.to_json())

The spaCy pipeline is loaded once per `Extractor`; `extract` streams and keeps the input order.
With one worker it runs `nlp.pipe(batch_size=batch_size)` and the rules in this process. With
more, each worker process runs spaCy *and* the rules on a chunk of articles and sends back only
the `Extraction` records: the rules then scale with the workers instead of competing with them
for the cores from the main process, and no parsed `Doc` crosses a process boundary.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.pool
import pickle
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from graph.errors import ConfigError
from ingest.cases import extract_cases
from ingest.event_dates import dated_cases, dated_relations
from ingest.facts import load_fact_classifier
from ingest.kinds import load_classifier, typed_mentions
from ingest.nlp import load_nlp, remember_text
from ingest.records import Article, Extraction, ExtractionFailure
from ingest.relations import extract_relations
from ingest.resolve import resolve

# spaCy's batch when a person watches the progress (the CLI, the app): a batch's articles come
# out together, so at 32 a 30-article run showed nothing until the end; at 8 the first comes
# after a second, at no measurable cost (30 county releases, a shared 2-core machine: 4.7-7.0 s
# at 8, 7.2-10.8 s at 32).
INTERACTIVE_BATCH = 8


class Extractor:
    """Loads the NLP pipeline once and turns articles into extractions."""

    def __init__(
        self,
        model: str = "en_core_web_sm",
        workers: int = 1,
        batch_size: int = 32,
        kinds_model: str = "builtin",
        facts_model: str = "builtin",
    ):
        if workers < 1 or batch_size < 1:
            raise ConfigError("workers and batch size must be at least 1: pass --workers N >= 1")
        self.nlp: Language = load_nlp(model)
        self.classifier = load_classifier(kinds_model)
        self.fact_classifier = load_fact_classifier(facts_model)
        self.base_model, self.kinds_model, self.facts_model = model, kinds_model, facts_model
        self.model = str(self.nlp.meta.get("casegraph_model", model))
        if self.classifier is not None:
            self.model += "+" + str(self.classifier.meta.get("name", "casegraph-kinds"))
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
        outcomes = self._here(articles) if self.workers == 1 else self._pooled(articles)
        try:
            for outcome in outcomes:
                if isinstance(outcome, Extraction):
                    yield outcome
                    continue
                if on_error is None:
                    raise outcome.error
                on_error(outcome.failure)
        finally:
            # Closing stops the worker processes now, not at garbage collection, so an error
            # downstream (e.g. the database going away) cannot leave them hanging.
            outcomes.close()

    def _here(self, articles: Iterable[Article]) -> Generator[_Outcome, None, None]:
        """Everything in this process: spaCy batches, then the rules per article."""
        pairs = ((a.text, a) for a in articles)
        docs = self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size)
        try:
            for doc, article in docs:
                yield self._outcome(doc, article)
        finally:
            docs.close()  # type: ignore[attr-defined]

    def _pooled(self, articles: Iterable[Article]) -> Generator[_Outcome, None, None]:
        """Chunks of articles to `workers` processes, results back in input order; at most
        two chunks per worker are in flight, so a long corpus streams in bounded memory."""
        pool = _pool(self)
        pending: deque[multiprocessing.pool.AsyncResult[list[_Outcome]]] = deque()
        try:
            for chunk in _chunks(articles, _chunk_size(self.batch_size)):
                pending.append(pool.apply_async(_extract_chunk, (chunk,)))
                if len(pending) > 2 * self.workers:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
        finally:
            pool.terminate()
            pool.join()

    def _outcome(self, doc: Doc, article: Article) -> _Outcome:
        try:
            return self.extract_doc(doc, article)
        except Exception as exc:
            return _Failed(ExtractionFailure(article.path, _failure_message(exc)), exc)

    def extract_doc(self, doc: Doc, article: Article) -> Extraction:
        """The extraction of one already-parsed article (`doc` is the parse of its text)."""
        remember_text(doc, article.text)
        found, resolved = resolve(doc, typed_mentions(doc, self.classifier))
        entities = resolved.entities
        relations = extract_relations(
            doc, found, resolved.entity_of, entities, self.model, self.fact_classifier
        )
        cases = extract_cases(doc, entities, relations)
        relations = dated_relations(doc, relations, entities, article.date)
        cases = dated_cases(doc, cases, entities, article.date)
        return Extraction(article, tuple(entities), tuple(relations), tuple(cases))


@dataclass(frozen=True)
class _Failed:
    """An article the rules raised on: the report for `on_error`, the error to raise without."""

    failure: ExtractionFailure
    error: Exception


_Outcome = Extraction | _Failed
# The Extractor of a worker process, set once by the pool's initializer.
_WORKER: Extractor | None = None


def _chunk_size(batch_size: int) -> int:
    # Small enough that the workers finish together, large enough for spaCy's batching.
    return max(1, min(batch_size, 16))


def _pool(extractor: Extractor) -> multiprocessing.pool.Pool:
    # fork shares the loaded model with the workers (no reload, no pickling of the pipeline);
    # where there is no fork, each worker loads the model itself.
    context: multiprocessing.context.BaseContext
    if "fork" in multiprocessing.get_all_start_methods():
        context, arg = multiprocessing.get_context("fork"), extractor
    else:
        context, arg = multiprocessing.get_context(), None
    init = (
        arg,
        extractor.base_model,
        extractor.batch_size,
        extractor.kinds_model,
        extractor.facts_model,
    )
    return context.Pool(extractor.workers, initializer=_init_worker, initargs=init)


def _init_worker(
    extractor: Extractor | None, model: str, batch_size: int, kinds_model: str, facts_model: str
) -> None:
    global _WORKER
    _WORKER = extractor or Extractor(model, 1, batch_size, kinds_model, facts_model)
    _WORKER.workers = 1


def _extract_chunk(articles: list[Article]) -> list[_Outcome]:
    """In a worker: the outcomes of a chunk; an error that cannot cross the process boundary
    is sent as a RuntimeError with its message."""
    assert _WORKER is not None, "worker used before its initializer ran"
    outcomes = list(_WORKER._here(articles))
    for i, o in enumerate(outcomes):
        if isinstance(o, _Failed):
            try:
                pickle.dumps(o.error)
            except Exception:
                outcomes[i] = _Failed(o.failure, RuntimeError(o.failure.message))
    return outcomes


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _failure_message(exc: Exception) -> str:
    return (
        f"extraction failed ({type(exc).__name__}: {exc}); the other articles go on — "
        "please report this as a casegraph bug"
    )
