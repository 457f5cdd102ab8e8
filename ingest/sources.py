"""Reading sources into `Article`s: .txt, .md, .html, .jsonl and .csv files and folders; PDF,
Word, OpenDocument and e-mail files through `ingest.document_files`.

`read_sources` streams: corpora are read row by row and every bad input becomes one
`SourceProblem` (a path and a one-line message) in the stream instead of an exception, so one
broken file never stops a run. Article ids are computed from the cleaned text.

Given `known` (a lookup of raw digests in the graph), a plain-text file (.txt, .md, .html)
whose bytes were ingested before is not decoded or cleaned again: `read_sources` yields a
`KnownFile` for it. Its raw digest covers the file's type and bytes and the code that reads
and cleans it, so a casegraph whose reading changed reads every file again.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import importlib.metadata
import itertools
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, overload

import lxml.etree
import lxml.html
import trafilatura

from ingest.clean import clean_text
from ingest.dates import dateline_date, file_name_date, first_full_date
from ingest.document_files import (
    ATTACHMENT_SUFFIXES,
    DOCUMENT_SUFFIXES,
    MAX_DOCUMENT_BYTES,
    DocumentText,
    UnreadableDocument,
    read_document,
    read_eml,
)
from ingest.records import Article, article_id

TEXT_SUFFIXES = frozenset({".txt"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
CORPUS_SUFFIXES = frozenset({".jsonl", ".csv"})
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | CORPUS_SUFFIXES | DOCUMENT_SUFFIXES
)

_SNIFF_BYTES = 8192
# One article, as a file or as one row of a corpus, is at most this big. The NLP takes at most
# 1,000,000 characters (graph.ingestion.too_long); HTML is parsed whole, at ~30 bytes of memory
# per byte of markup, so this bounds a file's parse at about 0.5 GB. Corpus files (.jsonl,
# .csv) are read row by row and may be of any size.
MAX_ARTICLE_BYTES = 16 * 2**20
# The largest file the app's Ingest page takes (Streamlit keeps uploads in memory).
MAX_UPLOAD_MB = 200
_SUPPORTED_HELP = "use .txt, .md, .html, .jsonl, .csv, .pdf, .docx, .odt or .eml"


@dataclass(frozen=True)
class CorpusFields:
    """Field names read from .jsonl/.csv corpora; the first non-empty text field is the text."""

    title: str = "title"
    text: tuple[str, ...] = ("text", "body", "content")
    date: str = "date"
    url: str = "url"
    author: tuple[str, ...] = ("author", "authors", "byline")
    publisher: tuple[str, ...] = ("publisher", "source", "site_name", "sitename", "outlet")


@dataclass(frozen=True)
class SourceProblem:
    """One bad input: which file (or `file#row`) and what is wrong, in one line. `kept`: the
    article was still read (e.g. without its unreadable date), so it is a note, not a failure."""

    path: str
    message: str
    kept: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", shown_path(self.path))


@dataclass(frozen=True)
class UnsupportedFile(SourceProblem):
    """A file in a folder of a type casegraph does not read: skipped, and counted and named in
    the ingest summary (a file given by name is a SourceProblem: the user meant it)."""

    message: str = f"unsupported file type, skipped ({_SUPPORTED_HELP})"
    kept: bool = True


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_path(path: str) -> str:
    """A path as casegraph shows and stores it: bytes of a file name that were not UTF-8
    escaped (\\xe9), control characters (a newline in a name) escaped, so a message about
    it stays one line and the name can be stored."""
    if _CONTROL.search(path) or any("\udc80" <= c <= "\udcff" for c in path):
        raw = path.encode("utf-8", "surrogateescape")
        path = raw.decode("utf-8", "backslashreplace")
        path = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), path)
    return path


# Byte-order marks, the longest first (a UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A text is UTF-8 with some broken bytes when its valid multi-byte characters outnumber the
# broken sequences this many times (legacy 8-bit text almost never forms valid UTF-8).
_VALID_PER_BROKEN = 2


def text_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: a byte-order mark, else UTF-8 when the
    bytes are UTF-8 (a few broken sequences allowed), else Windows-1252 when they read as
    Western European text, else the legacy encoding charset-normalizer finds (Windows-1251,
    KOI8-R...), else UTF-8."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    text = head.decode("utf-8", errors="replace")
    if "\ufffd" not in text[:-1]:  # the last character may be a sequence cut by the sample
        return "utf-8-sig"
    broken = text.count("\ufffd")
    valid = sum(1 for c in text if c > "\x7f") - broken
    if valid >= _VALID_PER_BROKEN * broken:  # UTF-8 with a few broken sequences
        return "utf-8-sig"
    if _western(head):
        return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return best.encoding if best is not None else "utf-8-sig"


# What Windows-1252 text in a Western European language holds beyond ASCII: accented letters
# and typographic punctuation, the letters a minority of all letters.
_WESTERN_CHARS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    "ŒœŠšŸŽž€£¥©®™°±²³µ¶·¹º«»¼½¾¿¡§¨ª¬‘’‚“”„†‡•…‰‹›–— \xa0"
)
_WESTERN_LETTER_SHARE = 0.25


def _western(head: bytes) -> bool:
    """True when the bytes read as ordinary Western European text in Windows-1252 (a short
    Latin-1 text is too little for a statistical detector, which may call it Baltic)."""
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError:
        return False
    extra = [c for c in text if c > "\x7f"]
    if not extra or any(c not in _WESTERN_CHARS for c in extra):
        return False
    letters = sum(1 for c in text if c.isalpha())
    return sum(1 for c in extra if c.isalpha()) <= _WESTERN_LETTER_SHARE * max(letters, 1)


@overload
def read_sources(
    paths: Sequence[str | Path],
    fields: CorpusFields = ...,
    follow_links: bool = ...,
    known: None = ...,
) -> Iterator[Article | SourceProblem]: ...


@overload
def read_sources(
    paths: Sequence[str | Path],
    fields: CorpusFields = ...,
    follow_links: bool = ...,
    *,
    known: Callable[[set[str]], set[str]],
) -> Iterator[Article | SourceProblem | KnownFile]: ...


@overload
def read_sources(
    paths: Sequence[str | Path],
    fields: CorpusFields,
    follow_links: bool,
    known: Callable[[set[str]], set[str]] | None,
) -> Iterator[Article | SourceProblem | KnownFile]: ...


def read_sources(
    paths: Sequence[str | Path],
    fields: CorpusFields = CorpusFields(),
    follow_links: bool = False,
    known: Callable[[set[str]], set[str]] | None = None,
) -> Iterator[Article | SourceProblem | KnownFile]:
    """Yield an Article or a SourceProblem per input, folders walked recursively and sorted.

    Inside a folder, a symbolic link is followed only when it stays inside the paths given (or
    with `follow_links`): a link to /etc or to another user's files is named and skipped.
    FIFOs, sockets and devices are named and skipped, never opened (a FIFO would block).

    With `known` (those of a set of raw digests that are stored), plain-text files are looked
    up `_KNOWN_CHUNK` at a time: a known one gives a `KnownFile`, the others their Article
    with its `raw_digest` set.
    """
    walked = _walked(paths, follow_links)
    if known is None:
        for item in walked:
            yield from _guarded(item, fields) if isinstance(item, Path) else (item,)
        return
    while chunk := list(itertools.islice(walked, _KNOWN_CHUNK)):
        digests = {i: d for i in chunk if isinstance(i, Path) and (d := _plain_digest(i))}
        stored = known(set(digests.values())) if digests else set()
        for item in chunk:
            if not isinstance(item, Path):
                yield item
            elif (digest := digests.get(item)) in stored:
                yield KnownFile(shown_path(str(item)))
            else:
                yield from _with_digest(_guarded(item, fields), digest)


def _walked(paths: Sequence[str | Path], follow_links: bool) -> Iterator[Path | SourceProblem]:
    """The supported files of `paths` to read, in order, and the problems met on the way."""
    roots = tuple(os.path.realpath(p) for p in paths)
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            yield SourceProblem(str(path), "no such file or folder")
        elif not path.exists():
            yield SourceProblem(str(path), "broken symbolic link")
        elif path.is_dir():
            yield from _Walk(roots, follow_links).folder(path, ())
        elif not path.is_file():
            yield SourceProblem(str(path), _SPECIAL)
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield SourceProblem(str(path), f"unsupported file type ({_SUPPORTED_HELP})")
        else:
            yield path


# --- files read before ---------------------------------------------------------------------

# Files whose raw digests are looked up together (one query of the graph per chunk).
_KNOWN_CHUNK = 200
# One file, one article, read from the file's bytes alone: these may be skipped by raw digest.
PLAIN_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES


@dataclass(frozen=True)
class KnownFile:
    """A file whose bytes are those of a stored article (same raw digest): not read again."""

    path: str


def raw_digest(suffix: str, data: bytes) -> str:
    """The digest of a plain-text file's bytes as this casegraph reads them (its type, its
    bytes and the code and parsers that turn them into an article's text), written
    "<reader>-<digest>": the first part names the reading code alone, so that the store can
    replace a digest an earlier version of it made (`graph.store.Store.note_raw_digests`)."""
    fingerprint = _reader_fingerprint()
    h = hashlib.sha256(fingerprint)
    h.update(suffix.lower().encode() + b"\0")
    h.update(data)
    return f"{fingerprint.hex()[:_READER_CHARS]}-{h.hexdigest()}"


_READER_CHARS = 12


@cache
def _reader_fingerprint() -> bytes:
    h = hashlib.sha256()
    for module in (__name__, "ingest.clean", "ingest.dates", "ingest.records"):
        h.update(Path(sys.modules[module].__file__ or "").read_bytes())
    for dist in ("lxml", "trafilatura"):
        h.update(importlib.metadata.version(dist).encode())
    return h.digest()


def _plain_digest(path: Path) -> str | None:
    """The raw digest of a plain-text file of a readable size, else None (then the file is
    read as usual, which reports what is wrong with it). The bytes are not kept: a file not
    stored yet is read a second time to become an article, since holding a chunk's bytes (200
    files of up to 16 MiB) would not bound memory."""
    suffix = path.suffix.lower()
    if suffix not in PLAIN_SUFFIXES:
        return None
    try:
        if not 0 < path.stat().st_size <= MAX_ARTICLE_BYTES:
            return None
        return raw_digest(suffix, path.read_bytes())
    except OSError:
        return None


def _with_digest(
    items: Iterator[Article | SourceProblem], digest: str | None
) -> Iterator[Article | SourceProblem]:
    for item in items:
        yield replace(item, raw_digest=digest) if digest and isinstance(item, Article) else item


# --- folders -------------------------------------------------------------------------------


_LEAVES = "symbolic link leading outside the given paths, skipped: pass --follow-links to read it"
_SPECIAL = "not a regular file (a FIFO, socket or device), skipped"


def _inside(target: str, roots: tuple[str, ...]) -> bool:
    return any(target == r or target.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


@dataclass
class _Walk:
    """One walk of a given folder: where links may lead, and the folders already read."""

    roots: tuple[str, ...]
    follow_links: bool
    seen: set[tuple[int, int]] = field(default_factory=set)

    def folder(
        self, folder: Path, ancestors: tuple[tuple[int, int], ...]
    ) -> Iterator[Path | SourceProblem]:
        """Supported files under `folder`, sorted; each folder read once."""
        st = folder.stat()
        key = (st.st_dev, st.st_ino)
        if key in ancestors:
            yield SourceProblem(
                str(folder), "symbolic link loop (the folder contains itself), skipped"
            )
            return
        if key in self.seen:  # the same folder reached again through a link: already read
            return
        self.seen.add(key)
        try:
            names = sorted(os.listdir(folder))
        except OSError as e:
            yield SourceProblem(str(folder), f"cannot list the folder: {e.strerror or e}")
            return
        for name in names:
            if name.startswith("."):  # hidden files and folders (.git, editor backups)
                continue
            child = folder / name
            try:
                yield from self._child(child, (*ancestors, key))
            except OSError as e:
                yield SourceProblem(str(child), f"cannot read: {e.strerror or e}")

    def _child(
        self, child: Path, ancestors: tuple[tuple[int, int], ...]
    ) -> Iterator[Path | SourceProblem]:
        if child.is_symlink():
            if not child.exists():
                yield SourceProblem(str(child), "broken symbolic link or link loop")
                return
            if not self.follow_links and not _inside(os.path.realpath(child), self.roots):
                yield SourceProblem(str(child), _LEAVES)
                return
        mode = child.stat().st_mode
        if stat.S_ISDIR(mode):
            yield from self.folder(child, ancestors)
        elif not stat.S_ISREG(mode):
            yield SourceProblem(str(child), _SPECIAL)
        elif child.suffix.lower() in SUPPORTED_SUFFIXES:
            yield child
        else:
            yield UnsupportedFile(str(child))


# --- files ---------------------------------------------------------------------------------


def _guarded(path: Path, fields: CorpusFields) -> Iterator[Article | SourceProblem]:
    """Read one file; anything that goes wrong becomes one SourceProblem for it."""
    try:
        problem, encoding = _sniff(path)
        if problem:
            yield SourceProblem(str(path), problem)
            return
        suffix = path.suffix.lower()
        if suffix in DOCUMENT_SUFFIXES:
            yield from _read_document_file(path)
        elif suffix == ".jsonl":
            yield from _read_jsonl(path, fields, encoding)
        elif suffix == ".csv":
            yield from _read_csv(path, fields, encoding)
        else:
            yield _read_document(path, encoding)
    except PermissionError:
        yield SourceProblem(str(path), "permission denied: the file cannot be read")
    except OSError as e:
        yield SourceProblem(str(path), f"cannot read: {e.strerror or e}")
    except (RecursionError, ValueError, csv.Error, lxml.etree.LxmlError) as e:
        yield SourceProblem(str(path), f"cannot parse: {_one_line(e)}")


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:200]


def _sniff(path: Path) -> tuple[str | None, str]:
    """Why the file is not readable text (empty, too big, binary), or None when it is; and
    its encoding, found once from its first bytes."""
    size = path.stat().st_size
    if size == 0:
        return "empty file", "utf-8-sig"
    if path.suffix.lower() in DOCUMENT_SUFFIXES:  # binary formats, read by their libraries
        return (_document_too_large(size) if size > MAX_DOCUMENT_BYTES else None), "utf-8-sig"
    if size > MAX_ARTICLE_BYTES and path.suffix.lower() not in CORPUS_SUFFIXES:
        return too_large(size), "utf-8-sig"
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    encoding = text_encoding(head)
    return ("binary file, not text" if _looks_binary(head, encoding) else None), encoding


def too_large(size: int) -> str:
    """The problem of an article file or corpus row of `size` bytes over the limit."""
    return (
        f"too large for one article ({size / 2**20:,.1f} MB, the limit is "
        f"{MAX_ARTICLE_BYTES // 2**20} MB): split it into articles"
    )


def _document_too_large(size: int) -> str:
    return (
        f"too large ({size / 2**20:,.1f} MB, the limit for a document file is "
        f"{MAX_DOCUMENT_BYTES // 2**20} MB): split it"
    )


def _looks_binary(data: bytes, encoding: str) -> bool:
    if b"\x00" in data and not encoding.startswith(("utf-16", "utf-32")):
        return True
    text = data.decode(encoding, errors="replace")
    bad = len(_NOT_TEXT.findall(text))  # in C: a loop over characters here cost ~0.5 ms/file
    return bad > 0.3 * max(len(text), 1)


# Undecodable bytes and control characters other than \t \n \v \f \r.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


def _read_document(path: Path, encoding: str) -> Article | SourceProblem:
    raw = path.read_bytes().decode(encoding, errors="replace")
    suffix = path.suffix.lower()
    meta: dict[str, str | None] = {}
    if suffix in HTML_SUFFIXES:
        raw, meta = html_text(raw)
    elif suffix in MARKDOWN_SUFFIXES:
        raw, meta = markdown_text(raw)
    _undated_fallbacks(meta, raw, path.name)
    return _article(str(path), raw, meta.get("title"), meta.get("date"), meta.get("url"), meta)


def _undated_fallbacks(meta: dict[str, str | None], body: str, name: str | None) -> None:
    """Without a date from metadata: the dateline of the text, then the file name."""
    if not meta.get("date"):
        meta["date"], meta["date_source"] = dateline_date(body), "dateline"
    if not meta.get("date") and name:
        meta["date"], meta["date_source"] = file_name_date(name), "file name"
    if not meta.get("date"):
        meta["date_source"] = None


def _read_document_file(path: Path) -> Iterator[Article | SourceProblem]:
    """A PDF, Word, OpenDocument or e-mail file; an e-mail's attachments follow it."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".eml":
            doc, attachments = read_eml(path.read_bytes())
        else:
            doc, attachments = read_document(suffix, path), []
    except UnreadableDocument as e:
        yield SourceProblem(str(path), str(e))
        return
    yield from _document_articles(str(path), path.name, doc)
    for attachment in attachments:
        where = f"{path}#{attachment.name}"
        yield from _attachment_articles(where, attachment.name, attachment.data)


def _attachment_articles(where: str, name: str, data: bytes) -> Iterator[Article | SourceProblem]:
    suffix = Path(name).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        try:
            doc = read_document(suffix, data)
        except UnreadableDocument as e:
            yield SourceProblem(where, str(e))
            return
        yield from _document_articles(where, name, doc)
        return
    if suffix in ATTACHMENT_SUFFIXES and len(data) <= MAX_ARTICLE_BYTES:
        raw = data.decode(text_encoding(data[:_SNIFF_BYTES]), errors="replace")
        meta: dict[str, str | None] = {}
        if suffix in HTML_SUFFIXES:
            raw, meta = html_text(raw)
        elif suffix in MARKDOWN_SUFFIXES:
            raw, meta = markdown_text(raw)
        yield _article(where, raw, meta.get("title"), meta.get("date"), meta.get("url"))
    else:
        yield SourceProblem(where, too_large(len(data)))


def _document_articles(
    where: str, name: str, doc: DocumentText
) -> Iterator[Article | SourceProblem]:
    """The Article of a document file's text, after notes on what was left out of it. Each
    page is cleaned on its own and the pages joined by a line break, so that a sentence running
    over a page break stays one and every page's start in the text is known."""
    for note in doc.notes:
        yield SourceProblem(where, note, kept=True)
    pages = [doc.pages[0]] if not doc.paged else list(doc.pages)
    if doc.html:
        pages = [html_text(pages[0])[0]]
    cleaned = [clean_text(page) for page in pages]
    text = "\n".join(cleaned)
    if not text.strip():
        yield SourceProblem(where, "no text (empty after removing page furniture)")
        return
    starts, at = [], 0
    for page in cleaned:
        starts.append(at)
        at += len(page) + 1
    title = doc.title
    if not title:
        first = text.strip().split("\n", 1)[0].strip()
        title = first if len(first) <= 200 else None
    date = doc.created
    date_source: str | None = doc.date_source
    if date is None:
        date = file_name_date(name)
        date_source = "file name" if date else None
    yield Article(
        id=article_id(text),
        text=text,
        path=shown_path(where),
        title=title,
        date=date,
        pages=tuple(starts) if doc.paged else (),
        author=doc.author,
        date_source=date_source,
    )


# " | Site Name" after a page title (at most four words, no sentence punctuation).
_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|.!?]{1,40}$")


def _article(
    where: str,
    body: str,
    title: str | None,
    date: str | None,
    url: str | None,
    meta: dict[str, str | None] | None = None,
) -> Article | SourceProblem:
    """Clean the text (title first, as the page shows it) and build the Article."""
    title = " ".join(title.split()) if title else None
    if title and (bare := _SITE_SUFFIX.sub("", title)) != title:
        # "Police seize a forum | Example News": the site's name is page furniture.
        stripped = body.lstrip()
        if stripped.startswith(title):
            body = bare + stripped[len(title) :]
        title = bare
    if title and not body.lstrip().startswith(title):
        body = f"{title}\n\n{body}"
    text = clean_text(body)
    if not text.strip():
        return SourceProblem(where, "no text (empty after removing markup and page furniture)")
    if not title:
        first = text.strip().split("\n", 1)[0].strip()
        title = first if len(first) <= 200 else None
    meta = meta or {}
    return Article(
        id=article_id(text), text=text, path=shown_path(where), title=title, date=date, url=url,
        date_source=meta.get("date_source") if date else None,
        publisher=_field(meta.get("publisher")), author=_field(meta.get("author")),
    )  # fmt: skip


def _field(value: str | None) -> str | None:
    """A metadata value as stored: one line, at most 200 characters, None when empty."""
    text = " ".join((value or "").split())
    return text[:200] or None


# --- corpora -------------------------------------------------------------------------------


def _read_jsonl(
    path: Path, fields: CorpusFields, encoding: str
) -> Iterator[Article | SourceProblem]:
    with path.open(encoding=encoding, errors="replace") as f:
        row = 0
        for line, whole in _bounded_lines(f, MAX_ARTICLE_BYTES):
            if whole and not line.strip():
                continue
            row += 1
            where = f"{path}#{row}"
            if not whole:
                yield SourceProblem(where, _LINE_TOO_LONG)
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield SourceProblem(where, f"not valid JSON ({e.msg}, column {e.colno})")
                continue
            except RecursionError:
                yield SourceProblem(where, "JSON nested too deeply to read")
                continue
            if not isinstance(obj, dict):
                yield SourceProblem(where, "not a JSON object")
                continue
            yield from _with_date_note(where, obj, fields)


_LINE_TOO_LONG = (
    f"line longer than {MAX_ARTICLE_BYTES // 2**20} MB, too large for one article: split it "
    "into articles"
)


def _bounded_lines(f: Any, limit: int) -> Iterator[tuple[str, bool]]:
    """The lines of text file `f`, each read with at most `limit` characters in memory: a
    longer line is read to its end in pieces and given as ("", False)."""
    while line := f.readline(limit):
        if len(line) < limit or line.endswith("\n"):
            yield line, True
            continue
        while (rest := f.readline(limit)) and not rest.endswith("\n"):
            pass
        yield "", False


def _read_csv(path: Path, fields: CorpusFields, encoding: str) -> Iterator[Article | SourceProblem]:
    # Release bodies exceed the 128 kB default; a bigger field is that row's problem (the
    # reader goes on with the next row).
    csv.field_size_limit(MAX_ARTICLE_BYTES)
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        if not any(name in columns for name in fields.text):
            yield SourceProblem(str(path), _no_text_column(columns, fields))
            return
        row = 0
        while True:
            row += 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                why = _one_line(e)
                if "field limit" in why:
                    why = f"a field is longer than {MAX_ARTICLE_BYTES // 2**20} MB, too large for one article"
                yield SourceProblem(f"{path}#{row}", f"cannot read this row: {why}")
                continue
            yield from _with_date_note(f"{path}#{row}", record, fields)


def _no_text_column(columns: Iterable[str], fields: CorpusFields) -> str:
    available = ", ".join(repr(c) for c in columns) or "none"
    wanted = ", ".join(fields.text)
    return f"no text column ({wanted}); columns are {available}: choose one with --text-field"


def _with_date_note(
    where: str, record: dict[str, Any], fields: CorpusFields
) -> Iterator[Article | SourceProblem]:
    """The row's article, after a note when its date field holds something that is no date
    (the article is kept, without a date)."""
    item = _corpus_article(where, record, fields)
    raw = _str(record.get(fields.date))
    if isinstance(item, Article) and raw and iso_date(raw) is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        yield SourceProblem(
            where, f"{fields.date} {shown!r} is not a date: stored without a date", kept=True
        )
    yield item


def _corpus_article(
    where: str, record: dict[str, Any], fields: CorpusFields
) -> Article | SourceProblem:
    body = next((_str(record.get(n)) for n in fields.text if _str(record.get(n))), "")
    if not body:
        return SourceProblem(where, f"no text (fields {', '.join(fields.text)} are empty)")
    if len(body) > MAX_ARTICLE_BYTES:
        return SourceProblem(where, too_large(len(body.encode("utf-8", errors="replace"))))
    title, url = _str(record.get(fields.title)) or None, _str(record.get(fields.url)) or None
    date = iso_date(record.get(fields.date))
    if _MARKUP.search(body):
        body, meta = html_text(body, page=False)
        title, date, url = (
            title or meta.get("title"),
            date or meta.get("date"),
            url or meta.get("url"),
        )
    kind = "jsonl field" if where.rsplit("#", 1)[0].lower().endswith(".jsonl") else "csv column"
    more: dict[str, str | None] = {
        "date": date,
        "date_source": kind if date else None,
        "author": next((_str(record.get(n)) for n in fields.author if _str(record.get(n))), None),
        "publisher": next(
            (_str(record.get(n)) for n in fields.publisher if _str(record.get(n))), None
        ),
    }
    _undated_fallbacks(more, body, None)
    return _article(where, body, title, more["date"], url, more)


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --- formats -------------------------------------------------------------------------------

_MARKUP = re.compile(
    r"<(?:p|div|br|span|a|html|body|h[1-6]|li|ul|ol|table|tr|td|strong|em|b|i|article|section"
    r"|blockquote|img|font|center|pre)\b[^>]*>",
    re.IGNORECASE,
)


def html_text(markup: str, page: bool = True) -> tuple[str, dict[str, str | None]]:
    """Main text and metadata of an HTML page: trafilatura, else the text of <body>.

    A corpus field (`page=False`) already holds just the article body: trafilatura's
    boilerplate detection would drop its lists (defendants, seized items), so it is skipped.
    """
    meta: dict[str, str | None] = {}
    doc: Any = None
    if page:
        try:
            doc = trafilatura.bare_extraction(markup, with_metadata=True, as_dict=False)
        except (RecursionError, ValueError, lxml.etree.LxmlError):
            doc = None  # pathological markup (nesting thousands deep): the fallbacks cope
    if doc is not None:
        meta = {"title": doc.title, "date": iso_date(doc.date), "url": doc.url}
        meta |= {"author": doc.author, "publisher": doc.sitename}
        meta["date_source"] = "html metadata" if meta["date"] else None
        if doc.text and doc.text.strip():
            return str(doc.text), meta
    return _lxml_text(markup) or _plain_html_text(markup), meta


_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"article", "section", "blockquote", "pre", "header", "footer", "main", "aside", "nav"}
    | {"dd", "dt", "dl", "hr", "title"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head"})


def _lxml_text(markup: str) -> str:
    try:
        root = lxml.html.document_fromstring(markup, parser=lxml.html.HTMLParser(huge_tree=True))
    except (RecursionError, ValueError, lxml.etree.LxmlError):
        return ""
    body = root.find("body")
    parts: list[str] = []
    skipping = 0
    # iterwalk instead of recursion: nesting depth is whatever the page says it is
    for event, el in lxml.etree.iterwalk(
        body if body is not None else root, events=("start", "end")
    ):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS:
            skipping += 1 if event == "start" else -1
            if event == "end" and el.tail and not skipping:
                parts.append(el.tail)
            continue
        if skipping:
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        text = el.text if event == "start" else el.tail
        if text and isinstance(el.tag, str):
            parts.append(text)
    return _tidy("".join(parts))


class _TextCollector(HTMLParser):
    """The last fallback: stdlib tokenizer, no tree, so no depth limit at all."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in _SKIP_TAGS
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in _SKIP_TAGS and self.skipping > 0
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _plain_html_text(markup: str) -> str:
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return _tidy("".join(collector.parts))


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.DOTALL)
_MD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\s*(?:```|~~~).*$", re.MULTILINE), ""),  # code fence markers
    (re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$", re.MULTILINE), ""),  # link reference definitions
    (re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]"), ""),  # images
    (re.compile(r"\[\s*\]\([^)]*\)"), ""),  # links without text (promo banners)
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links: keep the text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<(?:https?|mailto):[^>]+>"), ""),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    # Wiki-style tag lines that scrapers append ("[[Ransomware]] [[victim.country.name=X]]").
    (re.compile(r"^[ \t]*(?:\[\[[^\]\n]*\]\][ \t]*)+$", re.MULTILINE), ""),
    # Horizontal space only ([ \t], not \s): a heading must not swallow the lines after it.
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE), r"\1"),  # ATX
    (re.compile(r"^\s{0,3}(?:=+|-{2,}|\*{3,}|_{3,})\s*$", re.MULTILINE), ""),  # setext, rules
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^([ \t]*)(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE), r"\1"),  # list markers
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
]


def markdown_text(source: str) -> tuple[str, dict[str, str | None]]:
    """Plain text of Markdown; title and date from YAML front matter or the first heading."""
    meta: dict[str, str | None] = {}
    front = _FRONT_MATTER.match(source)
    if front:
        source = source[front.end() :]
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            value = value.strip().strip("'\"")
            key = _META_KEYS.get(key.strip().lower(), "")
            if key in ("title", "date", "url", "author", "publisher") and value:
                meta.setdefault(key, value)
        meta["date"] = header_date(meta.get("date"))
        meta["date_source"] = "front matter" if meta["date"] else None
    source = _header_lines(source, meta)
    source = _metadata_block(source, meta)
    heading = re.search(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", source, re.MULTILINE)
    if heading and not meta.get("title"):
        meta["title"] = heading.group(1)
    source = _without_event_promotions(source)
    for pattern, replacement in _MD_RULES:
        source = pattern.sub(replacement, source)
    return source, meta


# A paragraph that links to a webinar with a call to act ("[JOIN](.../webinars/...) Threatpost
# and <sponsor> for <title> ... [REGISTER NOW](...)") promotes the publisher's event: page
# furniture whose sponsors and speakers the article never mentions. Read on the Markdown, where
# the link targets still say what they point to (once links are text, the words run together:
# "JOINThreatpost"). A report linked in a sentence ("its [identity report](.../webinars/...)")
# is no call to act, and stays.
_MD_LINK = re.compile(r"\[([^\]\n]{0,300})\]\(<?([^)>\s]{0,2000})")
_CALL_TO_ACT = re.compile(
    r"\b(?:join|register|sign up|save your (?:seat|spot)|reserve|watch|attend|on-demand)\b",
    re.IGNORECASE,
)


def _promotes_event(line: str) -> bool:
    links = [text for text, target in _MD_LINK.findall(line) if "webinar" in target.lower()]
    return len(links) > 1 or any(_CALL_TO_ACT.search(text) for text in links)


def _without_event_promotions(source: str) -> str:
    if "webinar" not in source.lower():
        return source
    lines = source.split("\n")
    kept = [line for line in lines if "webinar" not in line.lower() or not _promotes_event(line)]
    return "\n".join(kept)


# News scrapers (articleMD and its kin) write the page's metadata as a heading followed by a
# list of "Key: value" items ("## Information:", "+ Source: ...", "+ Author: ..."), then the
# body under its own heading ("## Article:"). The list is metadata, not article text: left in,
# an author's name reads as a person of the story.
_META_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s*(?:information|metadata|article info(?:rmation)?)\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_META_ITEM = re.compile(r"^\s*[-*+]\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*?)\s*$")
_BODY_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(?:article|body|text|content)\s*:?\s*$", re.I)
_META_KEYS = {"title": "title", "date": "date", "published": "date", "link": "url",
              "url": "url", "author": "author", "authors": "author", "source": "publisher",
              "publisher": "publisher", "site": "publisher"}  # fmt: skip
_MD_LINK_TARGET = re.compile(r"\[[^\]]*\]\(<?([^)>\s]+)>?\)")


def _metadata_block(source: str, meta: dict[str, str | None]) -> str:
    """Remove a scraper's metadata heading and its "Key: value" list, keeping the values."""
    heading = _META_HEADING.search(source)
    if heading is None:
        return source
    lines = source[heading.end() :].split("\n")
    consumed = 0
    for line in lines:
        item = _META_ITEM.match(line)
        if item:
            key = _META_KEYS.get(item.group(1).strip().lower())
            value = item.group(2)
            link = _MD_LINK_TARGET.search(value)
            value = link.group(1) if link else value
            if key and value and not meta.get(key):
                meta[key] = value
        elif line.strip() and not _BODY_HEADING.match(line):
            break  # the body starts without its own heading
        consumed += 1
    if "date" in meta and not meta.get("date_source"):
        meta["date"] = header_date(meta["date"])
        meta["date_source"] = "date header" if meta["date"] else None
    rest = "\n".join(lines[consumed:])
    return source[: heading.start()] + rest


# --- dates ---------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y",
    "%d %b %Y", "%A, %B %d, %Y", "%Y%m%d",
)  # fmt: skip


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD for ISO strings, common written dates and Unix epoch seconds; else None."""
    s = _str(value)
    if not s:
        return None
    if re.fullmatch(r"-?\d{9,11}(?:\.\d+)?", s):  # epoch seconds (1973..2286)
        return datetime.fromtimestamp(float(s), tz=UTC).date().isoformat()
    if re.fullmatch(r"\d{12,14}", s):  # epoch milliseconds
        return datetime.fromtimestamp(int(s) / 1000, tz=UTC).date().isoformat()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    candidates = [f"{iso.group(1)}-{iso.group(2)}-{iso.group(3)}"] if iso else []
    for text in [*candidates, s]:
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def header_date(value: str | None) -> str | None:
    """The date of a header field: the whole value as a date, else the first full date in it
    ("September 17, 2021 -- 20:08 GMT")."""
    return iso_date(value) or (first_full_date(value) if value else None)


# MultiMarkdown / Pelican metadata: "Key: value" lines that open the file, up to a blank line.
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*?)\s*$")


def _header_lines(source: str, meta: dict[str, str | None]) -> str:
    """Remove "Title: ... / Date: ... / Author: ..." lines that open a Markdown file, keeping
    the values (only when the first of them is a known field)."""
    lines = source.lstrip("\n").split("\n")
    first = _HEADER_LINE.match(lines[0])
    if first is None or first.group(1).strip().lower() not in _META_KEYS:
        return source
    consumed = 0
    for line in lines:
        item = _HEADER_LINE.match(line)
        if item is None:
            break
        key = _META_KEYS.get(item.group(1).strip().lower())
        if key and item.group(2) and not meta.get(key):
            meta[key] = item.group(2)
        consumed += 1
    if meta.get("date") and not meta.get("date_source"):
        meta["date"] = header_date(meta["date"])
        meta["date_source"] = "date header" if meta["date"] else None
    return "\n".join(lines[consumed:])
