"""Publication dates from headers, datelines and file names; event dates of facts' clauses.

All texts are invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.dates import dateline_date, file_name_date, first_full_date, resolve_date
from ingest.sources import Article, markdown_text, read_sources


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("WASHINGTON, Oct. 26, 2021 — A man was charged today.", "2021-10-26"),
        ("SEOUL, South Korea, 3 March 2025 -- Police said.", "2025-03-03"),
        ("The hearing on the motion is now set for Jan 5, 2020", None),  # a date late in a line
        ("Press release\nAdmin | May 2, 2025\nThe office announced a hearing.", "2025-05-02"),
        ("FOR IMMEDIATE RELEASE\nThursday, November 13, 2014\nTitle", "2014-11-13"),
        ("A long first line that mentions the hearing on May 2, 2025 in the middle of it.", None),
        ("Body text.\nThe hearing is set for May 2, 2025.", None),  # a sentence, not a date line
        ("No date at all here.", None),
    ],
)
def test_dateline_date(text: str, want: str | None) -> None:
    assert dateline_date(text) == want


def test_dateline_only_near_the_top() -> None:
    text = "\n".join(f"Paragraph {i} of the story." for i in range(30)) + "\nMay 2, 2025"
    assert dateline_date(text) is None


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("2014_11_13_defendants-charged.txt", "2014-11-13"),
        ("20230216_campaign.txt", "2023-02-16"),
        ("report-2021-10-26.md", "2021-10-26"),
        ("release-20211399.txt", None),  # no 13th month
        ("case-12345678.txt", None),
    ],
)
def test_file_name_date(name: str, want: str | None) -> None:
    assert file_name_date(name) == want


def test_first_full_date_in_a_header_value() -> None:
    assert first_full_date("September 17, 2021 -- 20:08 GMT (21:08 BST)") == "2021-09-17"
    assert first_full_date("Sept. 7th, 2021") == "2021-09-07"
    assert first_full_date("February 30, 2021") is None


@pytest.mark.parametrize(
    ("phrase", "published", "want"),
    [
        ("August 24", "2024-09-02", "2024-08-24"),
        ("December 28", "2025-01-05", "2024-12-28"),  # last year's December
        ("March 3", "2025-02-10", "2025-03-03"),  # shortly ahead: this year
        ("Monday", "2024-09-05", "2024-09-02"),  # the Monday before a Thursday
        ("Thursday", "2024-09-05", "2024-09-05"),  # the same day
        ("last Tuesday", "2024-09-05", "2024-09-03"),
        ("Monday night", "2024-09-05", "2024-09-02"),
        ("yesterday", "2024-09-05", "2024-09-04"),
        ("last month", "2024-01-15", "2023-12"),
        ("earlier this year", "2024-09-05", "2024"),
        ("March 2023", None, "2023-03"),
        ("early March 2023", None, "2023-03"),
        ("2021", None, "2021"),
        ("the end of 2021", None, "2021"),
        ("Oct. 26, 2021", None, "2021-10-26"),
        ("August 24", None, None),  # no year and no publication date to take it from
        ("Monday", None, None),
        ("two years", "2024-09-05", None),  # a duration, not a date
        ("the past decade", "2024-09-05", None),
        ("35-year-old", "2024-09-05", None),
        ("weekly", "2024-09-05", None),
    ],
)
def test_resolve_date(phrase: str, published: str | None, want: str | None) -> None:
    assert resolve_date(phrase, published) == want


def test_markdown_header_fields() -> None:
    source = (
        "Title: Police seize a forum\nDate: 2021-10-26\nAuthor: A. Writer\nPublisher: Example "
        "News\n\n# Police seize a forum\n\nThe police seized a forum on Monday.\n"
    )
    text, meta = markdown_text(source)
    assert meta["date"] == "2021-10-26" and meta["date_source"] == "date header"
    assert meta["author"] == "A. Writer" and meta["publisher"] == "Example News"
    assert "Author:" not in text and "seized a forum" in text


def _read(tmp_path: Path, name: str, content: str) -> Article:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    (item,) = read_sources([path])
    assert isinstance(item, Article), item
    return item


def test_date_sources_in_order(tmp_path: Path) -> None:
    front = (
        "---\ntitle: A\ndate: 2020-01-02\nauthor: B. Writer\n---\nParis, March 3, 2021 — Text.\n"
    )
    a = _read(tmp_path, "2019-05-06-front.md", front)
    assert (a.date, a.date_source, a.author) == ("2020-01-02", "front matter", "B. Writer")
    listed = (
        "# Police seize a forum\n\n## Information:\n+ Source: Example News\n"
        "+ Date: September 17, 2021 -- 20:08 GMT\n+ Author: C. Writer\n\n## Article:\nText here.\n"
    )
    b = _read(tmp_path, "listed.md", listed)
    assert (b.date, b.date_source) == ("2021-09-17", "date header")
    assert (b.publisher, b.author) == ("Example News", "C. Writer")
    c = _read(tmp_path, "2019-05-06-wire.txt", "PARIS, March 3, 2021 — Police seized a forum.\n")
    assert (c.date, c.date_source) == ("2021-03-03", "dateline")
    d = _read(tmp_path, "2019-05-06-plain.txt", "Police seized a forum.\n")
    assert (d.date, d.date_source) == ("2019-05-06", "file name")
    e = _read(tmp_path, "plain.txt", "Police seized a forum.\n")
    assert (e.date, e.date_source) == (None, None)


def test_html_metadata(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Police seize a forum | Example News</title>"
        '<meta property="article:published_time" content="2022-04-05T10:00:00Z">'
        '<meta name="author" content="Dana Writer">'
        '<meta property="og:site_name" content="Example News"></head><body><article>'
        "<p>PARIS, March 3, 2021 — The police seized a forum that sold stolen data to buyers "
        "in many countries, prosecutors said in a statement on the case.</p>"
        "</article></body></html>"
    )
    a = _read(tmp_path, "page.html", page)
    assert (a.date, a.date_source) == ("2022-04-05", "html metadata")
    assert (a.author, a.publisher) == ("Dana Writer", "Example News")


def test_corpus_columns(tmp_path: Path) -> None:
    rows = "text,date,author,publisher\nPolice seized a forum.,2022-04-05,E. Writer,Example Wire\n"
    a = _read(tmp_path, "rows.csv", rows)
    assert (a.date, a.date_source) == ("2022-04-05", "csv column")
    assert (a.author, a.publisher) == ("E. Writer", "Example Wire")


def test_the_walk_to_a_clause_verb_ends_at_a_root_that_is_no_verb() -> None:
    import spacy

    from ingest.event_dates import _verb_of

    doc = spacy.blank("en")("Arrest of a hacker in Paris.")  # no tags: every token is a root
    assert _verb_of(doc[3]).i == 3
