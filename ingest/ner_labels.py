"""Only the stock NER labels that casegraph reads.

en_core_web_sm's NER is a transition system: at each token it scores every move (begin, inside,
last or unit of each of its 18 labels, and outside), tests which moves are valid, and takes the
best valid one. casegraph reads eleven of the labels: PERSON, ORG, GPE, LOC and NORP (names and
places), DATE and TIME (when), MONEY, CARDINAL, QUANTITY and PERCENT (amounts that an offence's
name leaves out). The other seven (FAC, PRODUCT, EVENT, LAW, WORK_OF_ART, LANGUAGE, ORDINAL)
only ever made a span that the rules drop. `keep_labels` removes their moves, and the rows of the
output layer that score them, from the loaded model: 46 moves per token are scored and tested
instead of 74, which takes about a third off the NER's time (the validity test of every move is
the largest part of it; measured in docs/EVALUATION.md). The kept moves keep their weights, so a
token's scores among them are unchanged; only a token whose best move was a removed one now takes
its best remaining move (a street name that was FAC may come out as a place or a name, which the
entity-kinds classifier then judges like any other candidate).

A model whose NER is not built this way (another architecture, or a NER listening to a shared
tok2vec with a different output layer) is left as it is.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.pipeline._parser_internals.ner import BiluoPushDown
from thinc.api import Linear, Model

# The stock labels some rule of casegraph reads (ingest.entities, ingest.event_dates,
# ingest.descriptions, ingest.kinds, the UNER comparison of ingest.evaluate).
READ_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "DATE",
        "TIME",
        "MONEY",
        "CARDINAL",
        "QUANTITY",
        "PERCENT",
    }
)
# BiluoPushDown's action codes, by the prefix of a move's name ("B-ORG", "U-PERSON", "O").
_ACTIONS = {"B": 1, "I": 2, "L": 3, "U": 4, "O": 5}


def keep_labels(nlp: Language, labels: frozenset[str] = READ_LABELS) -> list[str]:
    """Remove the NER's moves for every label not in `labels` (in place); the labels removed
    (none when the pipeline has no NER of the expected shape)."""
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    if not isinstance(ner, EntityRecognizer) or not isinstance(ner.model, Model):
        return []
    model = ner.model
    upper = model.get_ref("upper") if model.has_ref("upper") else None
    if upper is None or not upper.has_param("W") or model.layers[-1] is not upper:
        return []
    moves = ner.moves
    names = [moves.get_class_name(i) for i in range(moves.n_moves)]
    cfg = ner.cfg
    if upper.get_dim("nO") != len(names) or model.attrs.get("unseen_classes") or cfg["multitasks"]:
        return []
    removed = sorted({n.partition("-")[2] for n in names} - labels - {""})
    if not removed:
        return []
    kept_moves = BiluoPushDown(nlp.vocab.strings)
    for name in names:
        prefix, _, label = name.partition("-")
        if label not in removed:
            kept_moves.add_action(_ACTIONS[prefix], label)
    rows = [names.index(kept_moves.get_class_name(i)) for i in range(kept_moves.n_moves)]
    smaller = Linear(nO=len(rows), nI=upper.get_dim("nI"))
    smaller.set_param("W", upper.get_param("W")[rows].copy())
    smaller.set_param("b", upper.get_param("b")[rows].copy())
    model.replace_node(upper, smaller)
    # The transition system is fixed at construction: build the component again around the
    # same (now smaller) model, with its settings, so the pipeline keeps the same object.
    EntityRecognizer.__init__(
        ner,
        nlp.vocab,
        model,
        ner.name,
        moves=kept_moves,
        update_with_oracle_cut_size=cfg["update_with_oracle_cut_size"],
        beam_width=cfg["beam_width"],
        beam_density=cfg["beam_density"],
        beam_update_prob=cfg["beam_update_prob"],
        incorrect_spans_key=cfg["incorrect_spans_key"],
        scorer=ner.scorer,
    )
    return removed
