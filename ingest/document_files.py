"""Reading PDF, Word (.docx), OpenDocument (.odt) and e-mail (.eml) files: their text, page by
page where the format has pages, and their own metadata (title, author, creation date).

Each reader returns a `DocumentText` or raises `UnreadableDocument` with the one line a user
sees (an encrypted PDF, a scan without a text layer, a broken file). Hostile files are bounded:
at most `MAX_PAGES` pages and `MAX_DOCUMENT_CHARS` characters are read (the rest is dropped,
with a note saying so), and an archive (.docx, .odt) that would unpack to more than
`MAX_UNPACKED_BYTES` is refused before it is unpacked. `ingest.sources` turns the result
into an `Article`.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePath
from typing import Any, TypeVar

PDF_SUFFIXES = frozenset({".pdf"})
OFFICE_SUFFIXES = frozenset({".docx", ".odt"})
MAIL_SUFFIXES = frozenset({".eml"})
DOCUMENT_SUFFIXES = PDF_SUFFIXES | OFFICE_SUFFIXES | MAIL_SUFFIXES

# A document file may be bigger than a text article (a PDF carries fonts and images); the text
# read from it is bounded by the limits below, its bytes by this.
MAX_DOCUMENT_BYTES = 200 * 2**20
MAX_PAGES = 2_000
# The NLP takes at most 1,000,000 characters (graph.ingestion.MAX_ARTICLE_CHARS).
MAX_DOCUMENT_CHARS = 1_000_000
# A .docx or .odt is a zip archive: what it says it unpacks to (a zip bomb says gigabytes).
MAX_UNPACKED_BYTES = 256 * 2**20
_MAX_ARCHIVE_MEMBERS = 10_000
_OCR_HINT = "no text layer: OCR it first, e.g. with ocrmypdf"


class UnreadableDocument(Exception):
    """A document file that cannot be read; the message is the one line the user sees."""


@dataclass(frozen=True)
class DocumentText:
    """The text of a document file. `pages` holds one text per page for a paged format (PDF),
    else one text; `created` is an ISO date; `notes` are lines about what was left out."""

    pages: tuple[str, ...]
    paged: bool
    kind: str  # "pdf", "docx", "odt", "e-mail"
    title: str | None = None
    author: str | None = None
    created: str | None = None
    html: bool = False  # the text is HTML markup (an e-mail with only an HTML body)
    notes: tuple[str, ...] = ()

    @property
    def date_source(self) -> str:
        return "e-mail Date header" if self.kind == "e-mail" else f"{self.kind} metadata"


@dataclass(frozen=True)
class Attachment:
    """A file attached to an e-mail, of a type casegraph reads."""

    name: str
    data: bytes


Source = Path | bytes
_T = TypeVar("_T")


def read_document(suffix: str, source: Source) -> DocumentText:
    """The text of a .pdf, .docx or .odt file (a path or its bytes)."""
    readers: dict[str, Callable[[Source], DocumentText]] = {
        ".pdf": read_pdf,
        ".docx": read_docx,
        ".odt": read_odt,
    }
    return readers[suffix](source)


# --- PDF -----------------------------------------------------------------------------------


def read_pdf(source: Source) -> DocumentText:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(source) if isinstance(source, Path) else source)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise UnreadableDocument(
                "encrypted PDF (a password is needed): save a copy without the password first"
            ) from None
        raise UnreadableDocument(f"not a readable PDF ({_pdfium_reason(e)})") from None
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
        total = len(pdf)
        pages: list[str] = []
        chars = 0
        for i in range(min(total, MAX_PAGES)):
            text = _pdf_page_text(pdf, i)
            if chars + len(text) + 1 > MAX_DOCUMENT_CHARS:  # + the line break between pages
                break
            chars += len(text) + 1
            pages.append(text)
    except pdfium.PdfiumError as e:
        raise UnreadableDocument(f"not a readable PDF ({_pdfium_reason(e)})") from None
    finally:
        pdf.close()
    if total and not pages:
        raise UnreadableDocument(
            f"its first page holds more than {MAX_DOCUMENT_CHARS:,} characters: not a document "
            "casegraph can read as one article"
        )
    if total and not any(p.strip() for p in pages):
        raise UnreadableDocument(_OCR_HINT)
    notes: tuple[str, ...] = ()
    if len(pages) < total:
        notes = (_cut_note(len(pages), total),)
    return DocumentText(
        pages=tuple(pages),
        paged=True,
        kind="pdf",
        title=_title(meta.get("Title")),
        author=_clean(meta.get("Author")),
        created=_pdf_date(meta.get("CreationDate")),
        notes=notes,
    )


def _pdf_page_text(pdf: Any, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text: str = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    # PDFium ends lines with \r\n and marks a hyphen it added at a line end with \x02.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _pdfium_reason(e: Exception) -> str:
    m = re.search(r"\(PDFium: ([^)]*)\)", str(e))
    return (m.group(1) if m else str(e).strip().splitlines()[0] if str(e).strip() else "").lower()


def _cut_note(read: int, total: int) -> str:
    return (
        f"only the first {read:,} of {total:,} pages read (the limits are {MAX_PAGES:,} pages "
        f"and {MAX_DOCUMENT_CHARS:,} characters): split the document to read the rest"
    )


def _pdf_date(value: str | None) -> str | None:
    """YYYY-MM-DD of a PDF date ("D:20240304093000Z")."""
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", (value or "").strip())
    return _valid_date(*m.groups()) if m else None


def _valid_date(year: str, month: str, day: str) -> str | None:
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return None


# --- Word and OpenDocument -----------------------------------------------------------------


def _check_archive(source: Source, kind: str) -> None:
    """Refuse an archive that would unpack to more than the limit, before unpacking it."""
    try:
        with zipfile.ZipFile(_file(source)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise UnreadableDocument(f"not a readable {kind} file (not a zip archive: {e})") from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > _MAX_ARCHIVE_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableDocument(
            f"{kind} file too large when unpacked ({unpacked / 2**20:,.0f} MB in "
            f"{len(members):,} parts, the limit is {MAX_UNPACKED_BYTES // 2**20} MB): "
            "save it again, without embedded media"
        )


def _file(source: Source) -> Any:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _library_call(kind: str, read: Callable[[], _T]) -> _T:
    """Run a third-party parser on a user's file: whatever it raises on a broken file
    (KeyError for a missing part, XML errors, zip errors...) is one line about that file."""
    try:
        return read()
    except UnreadableDocument:
        raise
    except (RecursionError, MemoryError):
        raise UnreadableDocument(f"{kind} file nested too deeply or too large to read") from None
    except Exception as e:  # the parsers' own error types vary by version and by damage
        reason = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise UnreadableDocument(f"not a readable {kind} file ({reason})") from None


def read_docx(source: Source) -> DocumentText:
    _check_archive(source, "Word (.docx)")
    return _library_call("Word (.docx)", lambda: _docx_text(source))


def _docx_text(source: Source) -> DocumentText:
    import docx
    from docx.table import Table

    document = docx.Document(_file(source))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += (" | ".join(c.text.strip() for c in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    props = document.core_properties
    created = props.created.date().isoformat() if props.created else None
    text, notes = _bounded("\n".join(lines))
    return DocumentText(
        pages=(text,),
        paged=False,
        kind="docx",
        title=_title(props.title),
        author=_clean(props.author),
        created=created,
        notes=notes,
    )


def read_odt(source: Source) -> DocumentText:
    _check_archive(source, "OpenDocument (.odt)")
    return _library_call("OpenDocument (.odt)", lambda: _odt_text(source))


_TEXTNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DCNS = "http://purl.org/dc/elements/1.1/"
_METANS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"


def _odt_text(source: Source) -> DocumentText:
    from odf import teletype
    from odf.opendocument import load

    document = load(_file(source))
    lines: list[str] = []
    # An explicit stack: nesting depth is whatever the file says it is.
    stack = [document.text]
    while stack:
        node = stack.pop()
        if getattr(node, "qname", None) in ((_TEXTNS, "p"), (_TEXTNS, "h")):
            lines.append(teletype.extractText(node))
            continue
        stack.extend(reversed(getattr(node, "childNodes", [])))
    meta: dict[tuple[str, str], str] = {}
    for node in document.meta.childNodes:
        meta.setdefault(node.qname, teletype.extractText(node))
    created = meta.get((_METANS, "creation-date"), "")
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", created)
    text, notes = _bounded("\n".join(lines))
    return DocumentText(
        pages=(text,),
        paged=False,
        kind="odt",
        title=_title(meta.get((_DCNS, "title"))),
        author=_clean(meta.get((_METANS, "initial-creator")) or meta.get((_DCNS, "creator"))),
        created=_valid_date(*m.groups()) if m else None,
        notes=notes,
    )


def _bounded(text: str) -> tuple[str, tuple[str, ...]]:
    if len(text) <= MAX_DOCUMENT_CHARS:
        return text, ()
    cut = text.rfind("\n", 0, MAX_DOCUMENT_CHARS)
    note = (
        f"only the first {MAX_DOCUMENT_CHARS:,} characters of {len(text):,} read: "
        "split the document to read the rest"
    )
    return text[: cut if cut > 0 else MAX_DOCUMENT_CHARS], (note,)


# --- e-mail --------------------------------------------------------------------------------

# Attachments read as documents of their own (the rest are named in a note).
ATTACHMENT_SUFFIXES = frozenset({".pdf", ".docx", ".odt", ".txt", ".md", ".html", ".htm"})


def read_eml(data: bytes) -> tuple[DocumentText, list[Attachment]]:
    """The body of an e-mail (text/plain, else text/html) and its attachments of types
    casegraph reads; attachments of other types are named in a note."""
    return _library_call("e-mail (.eml)", lambda: _eml_parts(data))


def _eml_parts(data: bytes) -> tuple[DocumentText, list[Attachment]]:
    message: Any = email.message_from_bytes(data, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    text, html = "", False
    if body is not None:
        text = str(body.get_content())
        html = body.get_content_subtype() == "html"
    attachments: list[Attachment] = []
    skipped: list[str] = []
    for part in message.iter_attachments():
        name = PurePath(part.get_filename() or "").name
        if not name:
            continue
        if PurePath(name).suffix.lower() not in ATTACHMENT_SUFFIXES:
            skipped.append(name)
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            attachments.append(Attachment(name, payload))
    text, notes = _bounded(text)
    if skipped:
        notes += (f"attachments of a type casegraph does not read, skipped: {', '.join(skipped)}",)
    return (
        DocumentText(
            pages=(text,),
            paged=False,
            kind="e-mail",
            title=_clean(str(message["subject"] or "")),
            author=_clean(str(message["from"] or "")),
            created=_mail_date(message["date"]),
            html=html,
            notes=notes,
        ),
        attachments,
    )


def _mail_date(value: Any) -> str | None:
    try:
        return parsedate_to_datetime(str(value)).date().isoformat() if value else None
    except (TypeError, ValueError, IndexError):
        return None


# --- metadata ------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value[:300] or None


# A title that is a file name ("draft3.docx", "Microsoft Word - memo.doc") says nothing.
_FILE_TITLE = re.compile(r"\.(?:docx?|odt|pdf|rtf|txt|indd|qxd)\s*$", re.IGNORECASE)


def _title(value: str | None) -> str | None:
    title = _clean(value)
    return None if title is None or _FILE_TITLE.search(title) else title
