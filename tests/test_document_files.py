"""Reading PDF, Word, OpenDocument and e-mail files (ingest/document_files.py through
ingest.sources): text by page, metadata, and one line for each file that cannot be read.
The files are written by tests/document_fixtures.py (invented texts)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import ingest.document_files as document_files
from ingest.records import Article
from ingest.sources import SourceProblem, UnsupportedFile, read_sources
from tests import document_fixtures as fx


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    fx.write_folder(folder)
    return folder


def _read(path: Path) -> list[Article | SourceProblem]:
    return list(read_sources([path]))


def _article(path: Path) -> Article:
    (item,) = _read(path)
    assert isinstance(item, Article), item
    return item


def _problem(path: Path) -> str:
    (item,) = _read(path)
    assert isinstance(item, SourceProblem) and not item.kept, item
    return item.message


def test_pdf_text_by_page_with_its_metadata(folder: Path) -> None:
    a = _article(folder / "release.pdf")
    assert a.title == fx.RELEASE_TITLE and a.author == fx.RELEASE_AUTHOR
    assert (a.date, a.date_source) == ("2024-03-04", "pdf metadata")
    assert len(a.pages) == 2 and a.pages[0] == 0
    arrest = a.text.index("arrested Jonas Brandt")
    charge = a.text.index("charged Jonas Brandt")
    assert (a.page_of(arrest), a.page_of(charge)) == (1, 2)
    # page 2 starts right after page 1's last line: its first sentence is there
    assert a.text[a.pages[1] :].startswith(fx.PAGE_TWO[0])


def test_a_scan_without_text_layer_says_to_ocr_it(folder: Path) -> None:
    assert _problem(folder / "scan.pdf") == "no text layer: OCR it first, e.g. with ocrmypdf"


def test_encrypted_and_broken_pdfs_are_one_line_each(folder: Path) -> None:
    assert _problem(folder / "locked.pdf").startswith("encrypted PDF (a password is needed)")
    assert _problem(folder / "broken.pdf").startswith("not a readable PDF")


def test_word_and_opendocument_text_and_metadata(folder: Path) -> None:
    docx = _article(folder / "memo.docx")
    assert docx.text.splitlines() == fx.WORD_TEXT
    assert (docx.title, docx.author) == (fx.WORD_TEXT[0], "A. Clerk")
    assert (docx.date, docx.date_source, docx.pages) == ("2024-05-03", "docx metadata", ())
    odt = _article(folder / "notes.odt")
    assert odt.text.splitlines() == fx.ODT_TEXT
    assert (odt.title, odt.author) == (fx.ODT_TEXT[0], "B. Writer")
    assert (odt.date, odt.date_source, odt.page_of(0)) == ("2024-05-04", "odt metadata", None)


def test_email_body_and_its_attachments(tmp_path: Path) -> None:
    path = tmp_path / "tip.eml"
    path.write_bytes(fx.eml_bytes({"report.pdf": fx.release_pdf(), "sheet.xlsx": b"PK.."}))
    note, mail, attached = _read(path)
    assert isinstance(mail, Article) and mail.title == "Harlow inquiry update"
    assert (mail.author, mail.date, mail.date_source) == (
        "tips@example.org", "2024-05-06", "e-mail Date header",
    )  # fmt: skip
    assert isinstance(note, SourceProblem) and note.kept and "sheet.xlsx" in note.message
    assert isinstance(attached, Article) and attached.path == f"{path}#report.pdf"
    assert attached.title == fx.RELEASE_TITLE and len(attached.pages) == 2


def test_an_html_only_email_is_read_as_html(tmp_path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Bulletin"
    message.set_content(
        "<html><body><p>The Harlow Police Department arrested Jonas Brandt.</p></body></html>",
        subtype="html",
    )
    path = tmp_path / "bulletin.eml"
    path.write_bytes(bytes(message))
    a = _article(path)
    assert "arrested Jonas Brandt" in a.text and "<p>" not in a.text


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    zeros = b"\0" * 2**20
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(document_files.MAX_UNPACKED_BYTES // 2**20 + 1):
            member.write(zeros)
    assert path.stat().st_size < 2**20
    assert _problem(path).startswith("Word (.docx) file too large when unpacked (257 MB")


def test_a_docx_that_is_no_zip_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"just some text pretending")
    assert _problem(path).startswith("not a readable Word (.docx) file")


def test_a_pdf_of_ten_thousand_pages_is_read_up_to_the_page_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(fx.pdf_bytes([fx.PAGE_TWO] * 10_000))
    note, article = _read(path)
    assert isinstance(note, SourceProblem) and note.kept
    assert note.message.startswith("only the first 2,000 of 10,000 pages read")
    assert isinstance(article, Article) and len(article.pages) == 2_000


def test_a_pdf_with_too_much_text_is_read_up_to_the_character_limit(tmp_path: Path) -> None:
    path = tmp_path / "dense.pdf"
    page = [" ".join(fx.PAGE_TWO)] * 40  # about 5,300 characters a page
    path.write_bytes(fx.pdf_bytes([page] * 300))
    note, article = _read(path)
    assert isinstance(note, SourceProblem) and "pages read" in note.message
    assert isinstance(article, Article)
    assert len(article.text) <= document_files.MAX_DOCUMENT_CHARS < len(article.text) + 5_400


def test_unsupported_files_in_a_folder_are_named(folder: Path) -> None:
    unsupported = [i for i in read_sources([folder]) if isinstance(i, UnsupportedFile)]
    assert sorted(Path(i.path).name for i in unsupported) == ["photo.png", "table.xlsx"]
    assert all(i.kept for i in unsupported)


def test_an_email_in_an_unknown_charset_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.eml"
    path.write_bytes(
        b"Subject: odd\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nPolice arrested a suspect.\r\n"
    )
    assert _problem(path).startswith("not a readable e-mail (.eml) file (unknown encoding")
