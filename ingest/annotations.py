"""casegraph's own annotations of news-pool articles: loading, checking, and the split by story.

The annotations (`data/annotations/*.jsonl`) follow the gold format of
`../shared/data/gold/GUIDELINES.md`, plus where the text came from:

    {"id": "np-0001", "text_file": "news-pool/<file>.md", "outlet": "ZDNet",
     "source_sha256": "<sha-256 of the pool file's bytes>",
     "sha256": "<sha-256 of the text that was annotated>", "annotator": "a1",
     "entities": [...], "relations": [...], "cases": [...]}

The annotated text is what casegraph's reader makes of the pool file (`ingest.sources`), the
text a user's `casegraph extract` sees. The texts themselves are not in the repository (they
are their publishers'); `source_sha256` proves that the pool file read later is the one that
was annotated.

    python -m ingest.annotations texts SELECTION.tsv OUTDIR   # write the texts to annotate
    python -m ingest.annotations stamp FILE.jsonl...           # fill in the two SHA-256s
    python -m ingest.annotations check FILE.jsonl...           # one line per problem
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph import ontology
from graph.errors import ConfigError
from ingest.knowledge import valid_iso
from ingest.records import Article
from ingest.sources import read_sources

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ANNOTATIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "annotations"
SPLITS = ("train", "dev", "test")
_RECORD_FIELDS = frozenset(
    {"id", "text_file", "outlet", "source_sha256", "sha256", "annotator", "entities",
     "relations", "cases", "story", "notes"}
)  # fmt: skip
_ENTITY_FIELDS = frozenset({"name", "kind", "aliases", "iso"})
_RELATION_FIELDS = frozenset({"type", "source", "target", "status", "evidence"})
_CASE_FIELDS = frozenset(
    {"title", "kind", "jurisdiction", "led_by", "targets", "offenses", "status", "evidence"}
)


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def read_article(path: Path) -> Article:
    """The article casegraph's reader makes of one file; ConfigError when it cannot."""
    for item in read_sources([path]):
        if isinstance(item, Article):
            return item
        raise ConfigError(f"{item.path}: {item.message}")
    raise ConfigError(f"{path}: no article")


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _in_text(needle: str, squashed_text: str) -> bool:
    return _squash(needle) in squashed_text


def check(record: dict[str, Any], text: str) -> list[str]:
    """Problems of one annotation record against the text it annotates (empty when sound)."""
    problems: list[str] = []
    flat = _squash(text)
    for key in set(record) - _RECORD_FIELDS:
        problems.append(f"unknown field {key!r}")
    names: dict[str, str] = {}
    for e in record.get("entities", []):
        problems += [
            f"entity {e.get('name')!r}: unknown field {k!r}" for k in set(e) - _ENTITY_FIELDS
        ]
        name, kind = e.get("name"), e.get("kind")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"entity without a name: {e}")
            continue
        if name in names:
            problems.append(f"entity {name!r} listed twice")
        names[name] = str(kind)
        if kind not in ontology.ENTITY_KINDS:
            problems.append(f"entity {name!r}: kind {kind!r} is not one of {ontology.ENTITY_KINDS}")
        forms = [name, *(e.get("aliases") or [])]
        if not any(_in_text(f, flat) for f in forms):
            problems.append(f"entity {name!r}: neither the name nor an alias occurs in the text")
        for alias in e.get("aliases") or []:
            if not _in_text(alias, flat):
                problems.append(f"entity {name!r}: alias {alias!r} does not occur in the text")
        iso = e.get("iso")
        if kind == ontology.JURISDICTION and not (isinstance(iso, str) and valid_iso(iso)):
            problems.append(f"jurisdiction {name!r}: iso {iso!r} is not an ISO 3166 code or EU")
        if kind != ontology.JURISDICTION and iso is not None:
            problems.append(f"entity {name!r}: only jurisdictions have an iso")
    for r in record.get("relations", []):
        problems += _check_relation(r, names, flat)
    for c in record.get("cases", []):
        problems += _check_case(c, names, flat)
    return problems


def _check_relation(r: dict[str, Any], names: dict[str, str], flat: str) -> list[str]:
    what = f"relation {r.get('type')} {r.get('source')!r} -> {r.get('target')!r}"
    problems = [f"{what}: unknown field {k!r}" for k in set(r) - _RELATION_FIELDS]
    source, target = r.get("source"), r.get("target")
    if source not in names or target not in names:
        return [*problems, f"{what}: source and target must be entity names of this record"]
    if not ontology.fact_allowed(str(r.get("type")), names[source], names[target]):
        problems.append(f"{what}: {names[source]} -> {names[target]} is not allowed for this type")
    status = r.get("status")
    if r.get("type") == "COOPERATES_WITH":
        if status not in ontology.COOPERATION_STATUSES:
            problems.append(f"{what}: status must be one of {ontology.COOPERATION_STATUSES}")
    elif status is not None:
        problems.append(f"{what}: only COOPERATES_WITH has a status")
    if not isinstance(r.get("evidence"), str) or not _in_text(r["evidence"], flat):
        problems.append(f"{what}: evidence is not a sentence of the text")
    return problems


def _check_case(c: dict[str, Any], names: dict[str, str], flat: str) -> list[str]:
    what = f"case {c.get('title')!r}"
    problems = [f"{what}: unknown field {k!r}" for k in set(c) - _CASE_FIELDS]
    if c.get("kind") not in ontology.CASE_KINDS:
        problems.append(f"{what}: kind must be one of {ontology.CASE_KINDS}")
    if c.get("status") not in ontology.CASE_STATUSES:
        problems.append(f"{what}: status must be one of {ontology.CASE_STATUSES}")
    iso = c.get("jurisdiction")
    if iso is not None and not valid_iso(str(iso)):
        problems.append(f"{what}: jurisdiction {iso!r} is not an ISO code")
    for role in ("led_by", "targets", "offenses"):
        for name in c.get(role) or []:
            if name not in names:
                problems.append(f"{what}: {role} {name!r} is not an entity name of this record")
    if any(names.get(n, ontology.OFFENSE) != ontology.OFFENSE for n in c.get("offenses") or []):
        problems.append(f"{what}: offenses must be Offense entities")
    if not isinstance(c.get("evidence"), str) or not _in_text(c["evidence"], flat):
        problems.append(f"{what}: evidence is not a sentence of the text")
    return problems


@dataclass(frozen=True)
class Annotated:
    """One annotation record with the text it annotates (read from ../shared/data)."""

    record: dict[str, Any]
    article: Article


def _records(folder: Path) -> list[dict[str, Any]]:
    out = []
    numbered = sorted(folder.glob("*.jsonl"), key=lambda p: (len(p.stem), p.stem))  # a2 < a10
    for path in numbered:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def first_pass(root: Path = ANNOTATIONS_DIR) -> list[dict[str, Any]]:
    """Every first-pass annotation record (the ones used for training and scoring). A record
    not yet stamped is still being written and is left out; of two records of one article
    (two annotators) the first is kept."""
    seen: dict[str, dict[str, Any]] = {}
    for record in _records(root / "parts"):
        if "source_sha256" in record:
            seen.setdefault(record["id"], record)
    return list(seen.values())


def second_pass(root: Path = ANNOTATIONS_DIR) -> list[dict[str, Any]]:
    """The second annotator's records, for the agreement only."""
    return _records(root / "second-pass")


def splits(root: Path = ANNOTATIONS_DIR) -> dict[str, dict[str, str]]:
    """Pool file name -> {"split", "story"}: the split made once (`splits.json`, see
    split_stories.py), plus the train-only extensions (`train-extension*.tsv`, picked away
    from every dev and test story by select_train_extension.py), each article its own story."""
    out = dict(json.loads((root / "splits.json").read_text(encoding="utf-8")))
    for extension in sorted(root.glob("train-extension*.tsv")):
        for row in extension.read_text(encoding="utf-8").splitlines()[1:]:
            name = row.split("\t")[0]
            if name in out:
                raise ConfigError(f"{extension}: {name} is already in splits.json")
            out[name] = {"split": "train", "story": f"x-{Path(name).stem}"}
    return out


def load_split(split: str, root: Path = ANNOTATIONS_DIR) -> list[Annotated]:
    """The first-pass annotations of one split with their articles, in a stable order."""
    if split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    of = splits(root)
    for r in first_pass(root):
        if Path(r["text_file"]).name not in of:
            raise ConfigError(f"annotation {r['id']!r} is in no split: add it to a split file")
    records = [r for r in first_pass(root) if of[Path(r["text_file"]).name]["split"] == split]
    records.sort(key=lambda r: r["id"])
    return [_annotated(r) for r in records]


def story_folds(items: list[Annotated], k: int, root: Path = ANNOTATIONS_DIR) -> list[int]:
    """The fold (0 .. k-1) of each item for k-fold cross-validation by story: every article of
    one story in one fold, the folds as even in articles as the stories allow (fewer than k
    folds when there are fewer stories). Stories go, largest first then by name, to the fold
    with the fewest articles so far; an article in no split file is a story of its own (one per
    text file). Deterministic: the same items give the same folds."""
    of = splits(root)

    def story(a: Annotated) -> str:
        name = Path(str(a.record.get("text_file", ""))).name
        return of[name]["story"] if name in of else f"file-{name}"

    stories = [story(a) for a in items]
    sizes: dict[str, int] = {}
    for s in stories:
        sizes[s] = sizes.get(s, 0) + 1
    k = min(k, len(sizes))
    if k < 2:
        raise ConfigError("cross-validation needs articles of at least two stories")
    fold_of: dict[str, int] = {}
    filled = [0] * k
    for s in sorted(sizes, key=lambda s: (-sizes[s], s)):
        fold = min(range(k), key=lambda f: (filled[f], f))
        fold_of[s] = fold
        filled[fold] += sizes[s]
    return [fold_of[s] for s in stories]


def _annotated(record: dict[str, Any], data_dir: Path = SHARED_DATA) -> Annotated:
    source = data_dir / record["text_file"]
    if not source.is_file():
        raise ConfigError(f"{source} is missing: the annotations read ../shared/data")
    if sha256(source.read_bytes()) != record["source_sha256"]:
        raise ConfigError(f"{source} is not the file that was annotated (SHA-256 differs)")
    return Annotated(record, read_article(source))


def _texts(selection: Path, out: Path, data_dir: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rows = selection.read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        name = row.split("\t")[0]
        article = read_article(data_dir / "news-pool" / name)
        (out / (Path(name).stem + ".txt")).write_text(article.text, encoding="utf-8")
    print(f"{len(rows)} texts written to {out}")
    return 0


def _check_files(files: list[Path], data_dir: Path) -> int:
    bad = 0
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                article = read_article(data_dir / record["text_file"])
            except (ValueError, KeyError, ConfigError) as exc:
                print(f"{path}:{n}: {exc}")
                bad += 1
                continue
            problems = check(record, article.text)
            if not record.get("sha256") or not record.get("source_sha256"):
                problems.append("not stamped: run `python -m ingest.annotations stamp FILE`")
            for p in problems:
                print(f"{path}:{n} ({record.get('id')}): {p}")
            bad += bool(problems)
    print(f"{bad} record(s) with problems")
    return 1 if bad else 0


def _stamp(files: list[Path], data_dir: Path) -> int:
    for path in files:
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            source = data_dir / record["text_file"]
            record["source_sha256"] = sha256(source.read_bytes())
            # The text that was annotated keeps its digest when a later reader changes the text.
            record.setdefault("sha256", sha256(read_article(source).text))
            out.append(json.dumps(record, ensure_ascii=False))
        path.write_text("".join(f"{line}\n" for line in out), encoding="utf-8")
        print(f"{path}: {len(out)} record(s) stamped")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "texts":
        return _texts(Path(argv[1]), Path(argv[2]), SHARED_DATA)
    if len(argv) >= 2 and argv[0] == "stamp":
        return _stamp([Path(a) for a in argv[1:]], SHARED_DATA)
    if len(argv) >= 2 and argv[0] == "check":
        return _check_files([Path(a) for a in argv[1:]], SHARED_DATA)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
