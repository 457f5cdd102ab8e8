"""Small PDF, Word, OpenDocument and e-mail files written by the tests themselves.

Every text here is invented (a press release of an invented prosecutor's office about invented
people). The PDFs are written by hand, object by object, so that the tests need no PDF writer:
a text layer in the standard Helvetica font, an image-only page (a scan), and an encrypted
file (a standard security handler whose user password is not empty).
"""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

# An invented release over two pages: a fact on page 1 and a fact on page 2.
PAGE_ONE = [
    "Office of the State Prosecutor",
    "Press Release",
    "The Harlow Police Department arrested Jonas Brandt on March 3, 2024.",
    "The arrest followed a long investigation into a fraud scheme.",
]
PAGE_TWO = [
    "Europol cooperates with the Ruritania police in the investigation.",
    "The State Prosecutor charged Jonas Brandt with money laundering.",
]
RELEASE_TITLE = "Arrest in the Brandt fraud case"
RELEASE_AUTHOR = "Office of the State Prosecutor"
RELEASE_CREATED = "D:20240304093000Z"  # 2024-03-04

WORD_TEXT = [
    "Memo on the Harlow inquiry",
    "Police in Ruritania arrested Marta Olsen on May 2, 2024.",
    "The Harlow Police Department investigates Marta Olsen for fraud.",
]

ODT_TEXT = [
    "Notes from the Harlow hearing",
    "The Harlow Police Department investigates Peter Vance for fraud.",
]


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_stream(lines: list[str]) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops += [f"({_escape(line)}) Tj", "T*"]
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


_IMAGE_STREAM = b"q 200 0 0 200 100 400 cm /Im1 Do Q"


def pdf_bytes(
    pages: list[list[str]] | None = None,
    *,
    info: dict[str, str] | None = None,
    image_pages: int = 0,
    encrypted: bool = False,
) -> bytes:
    """A PDF with one text page per list of lines, or `image_pages` pages with only an image."""
    objects: dict[int, bytes] = {}
    kids: list[int] = []
    n = 4  # 1 catalog, 2 page tree, 3 font, then pages
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    image = None
    if image_pages:
        image = n
        pixels = bytes([0, 255, 255, 0])
        objects[image] = (
            b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream"
        )
        n += 1
    streams = [_text_stream(lines) for lines in pages or []] + [_IMAGE_STREAM] * image_pages
    for stream in streams:
        page, content = n, n + 1
        n += 2
        resources = b"/Font << /F1 3 0 R >>"
        if image is not None:
            resources += b" /XObject << /Im1 %d 0 R >>" % image
        objects[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << %s >> "
            b"/Contents %d 0 R >>" % (resources, content)
        )
        objects[content] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        kids.append(page)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = " ".join(f"{k} 0 R" for k in kids).encode()
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    trailer = b"/Root 1 0 R"
    if info:
        entries = " ".join(f"/{k} ({_escape(v)})" for k, v in info.items())
        objects[n] = f"<< {entries} >>".encode("latin-1")
        trailer += b" /Info %d 0 R" % n
        n += 1
    if encrypted:
        # Revision 2 of the standard handler; /U does not match the empty user password, so a
        # reader must ask for one.
        objects[n] = (
            b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <"
            + b"ab" * 32
            + b"> /U <"
            + b"cd" * 32
            + b"> >>"
        )
        trailer += b" /Encrypt %d 0 R /ID [<0123456789abcdef0123456789abcdef>"
        trailer = trailer % n + b" <0123456789abcdef0123456789abcdef>]"
        n += 1
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % n)
    for number in range(1, n):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (n, trailer, xref))
    return out.getvalue()


def release_pdf() -> bytes:
    return pdf_bytes(
        [PAGE_ONE, PAGE_TWO],
        info={"Title": RELEASE_TITLE, "Author": RELEASE_AUTHOR, "CreationDate": RELEASE_CREATED},
    )


def docx_bytes(lines: list[str] = WORD_TEXT, author: str = "A. Clerk") -> bytes:
    import datetime

    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.core_properties.title = lines[0]
    document.core_properties.author = author
    document.core_properties.created = datetime.datetime(2024, 5, 3, 10, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(lines: list[str] = ODT_TEXT, author: str = "B. Writer") -> bytes:
    from odf import dc, meta, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=lines[0]))
    document.meta.addElement(meta.InitialCreator(text=author))
    document.meta.addElement(meta.CreationDate(text="2024-05-04T08:00:00"))
    for line in lines:
        document.text.addElement(text.P(text=line))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def eml_bytes(attachments: dict[str, bytes] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "tips@example.org"
    message["To"] = "desk@example.org"
    message["Subject"] = "Harlow inquiry update"
    message["Date"] = "Mon, 06 May 2024 09:15:00 +0000"
    message.set_content(
        "Police in Ruritania arrested Marta Olsen on May 2, 2024.\n\n"
        "The Harlow Police Department investigates Marta Olsen for fraud.\n"
    )
    for name, data in (attachments or {}).items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(message)


def write_folder(folder: Path) -> dict[str, Path]:
    """One file of every kind the tests read, in `folder`; their paths by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "pdf": ("release.pdf", release_pdf()),
        "scan": ("scan.pdf", pdf_bytes(image_pages=2)),
        "encrypted": ("locked.pdf", pdf_bytes([PAGE_ONE], encrypted=True)),
        "broken": ("broken.pdf", release_pdf()[:300]),
        "docx": ("memo.docx", docx_bytes()),
        "odt": ("notes.odt", odt_bytes()),
        "eml": ("tip.eml", eml_bytes({"attached.pdf": pdf_bytes([PAGE_TWO])})),
        "xlsx": ("table.xlsx", b"PK\x03\x04 not really a spreadsheet"),
        "png": ("photo.png", b"\x89PNG\r\n\x1a\n"),
    }
    paths = {}
    for kind, (name, data) in files.items():
        paths[kind] = folder / name
        paths[kind].write_bytes(data)
    return paths
