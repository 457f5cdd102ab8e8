"""Reading sources: formats, metadata, folders, corpora and the bad-input suite (issue 7)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from ingest.records import Article, article_id
from ingest.sources import (
    CorpusFields,
    SourceProblem,
    UnsupportedFile,
    iso_date,
    raw_digest,
    read_sources,
)

# Loaded by path: tests/ is not a package, and the script also runs on its own.
_spec = importlib.util.spec_from_file_location(
    "make_bad_inputs", Path(__file__).with_name("make_bad_inputs.py")
)
assert _spec and _spec.loader
_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bad)
make_bad_inputs = _bad.make_bad_inputs

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
DOJ = Path(__file__).resolve().parents[2] / "shared" / "data" / "doj-press-100" / "doj_press.csv"
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _read(*paths: str | Path, fields: CorpusFields | None = None) -> list:
    return list(read_sources(list(paths), fields or CorpusFields()))


def _only(items: list) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def test_markdown_keeps_text_drops_syntax_images_and_link_targets() -> None:
    a = _only(_read(FIXTURES / "release.md"))
    assert a.title == "Europol coordinates takedown of a darknet market"
    assert a.date == "2023-04-05"
    assert "The Federal Criminal Police Office of Germany seized" in a.text
    assert "Police in Lisbon arrested two administrators." in a.text
    assert "Prosecutors charged them with drug trafficking." in a.text
    assert "Code blocks keep their text." in a.text
    for syntax in ("http", "![", "](", "**", "`", "# ", "---", "title:"):
        assert syntax not in a.text


def test_html_page_gives_main_text_title_date_and_url() -> None:
    a = _only(_read(FIXTURES / "page.html"))
    assert a.title == "Customs officers seize cocaine in Rotterdam"
    assert a.date == "2022-09-14"
    assert a.url == "https://news.example.org/2022/customs-seize-cocaine"
    assert "seized 3,000 kilograms of cocaine" in a.text
    assert "cooperates with Belgian authorities" in a.text
    assert not TAG.search(a.text)
    for furniture in ("Contact us", "All rights reserved", "Subscribe"):
        assert furniture not in a.text
    assert a.id == article_id(a.text)


def test_jsonl_rows_with_html_fields_and_epoch_dates() -> None:
    items = _read(FIXTURES / "corpus.jsonl")
    assert [i.path for i in items] == [
        f"{FIXTURES / 'corpus.jsonl'}#1",
        f"{FIXTURES / 'corpus.jsonl'}#2",
    ]
    first, second = items
    assert "Spanish police arrested a fugitive" in first.text and not TAG.search(first.text)
    assert (first.title, first.date, first.url) == (
        "Interpol arrests fugitive in Spain",
        "2021-03-02",
        "https://example.org/a",
    )
    assert second.text.endswith("convicted a man of investment fraud on Wednesday.")
    assert second.date == "2020-09-13"  # 1600000000 seconds after the epoch


def test_csv_with_configured_field_names() -> None:
    fields = CorpusFields(title="headline", date="published")
    a = _only(_read(FIXTURES / "corpus_content.csv", fields=fields))
    assert a.title == "Police raid call centre" and a.date == "2024-03-03"
    assert "Police in Kyiv raided a call centre" in a.text


def test_doj_fixture_rows_are_clean_and_keep_their_lists() -> None:
    items = _read(FIXTURES / "doj_press_3.csv")
    assert [i.path.rsplit("#", 1)[1] for i in items] == ["1", "2", "3"]
    for a in items:
        assert isinstance(a, Article) and a.title and a.date and a.url
        assert not TAG.search(a.text)
        assert a.text.startswith(a.title)
    assert items[0].date == "2013-05-16"
    # a bulleted list in the body (casinos targeted) survives the HTML path
    assert "Casino Rama, in Orillia, Ontario, Canada;" in items[2].text


def test_folders_are_walked_recursively_sorted_naming_unsupported_files() -> None:
    items = _read(FIXTURES / "folder")
    assert [Path(i.path).name for i in items] == ["a_first.txt", "b_second.txt", "notes.xlsx"]
    assert all(isinstance(i, Article) for i in items[:2])
    assert items[0].title == "Prosecutors charge hacker"
    # a file of another type is named, as a note (kept: not a failure of the run)
    assert isinstance(items[2], UnsupportedFile) and items[2].kept


def test_an_unsupported_file_given_explicitly_is_a_problem() -> None:
    (problem,) = _read(FIXTURES / "folder" / "notes.xlsx")
    assert isinstance(problem, SourceProblem) and "unsupported" in problem.message
    assert not isinstance(problem, UnsupportedFile) and not problem.kept


def test_reading_is_deterministic() -> None:
    assert _read(FIXTURES) == _read(FIXTURES)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1368676800", "2013-05-16"),
        (1368676800, "2013-05-16"),
        ("2014-03-19T10:00:00Z", "2014-03-19"),
        ("March 19, 2014", "2014-03-19"),
        ("Wednesday, March 19, 2014", "2014-03-19"),
        ("03/19/2014", "2014-03-19"),
        ("Wed, 19 Mar 2014 10:00:00 +0000", "2014-03-19"),
        ("sometime in spring", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_date(value: object, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_bad_inputs_give_one_problem_each_and_good_inputs_are_read(tmp_path: Path) -> None:
    make_bad_inputs(tmp_path)
    items = _read(tmp_path, tmp_path / "missing.txt")
    problems = {
        Path(p.path).relative_to(tmp_path).as_posix(): p.message
        for p in items
        if isinstance(p, SourceProblem)
    }
    articles = {
        Path(a.path).relative_to(tmp_path).as_posix(): a for a in items if isinstance(a, Article)
    }
    for p in items:
        if isinstance(p, SourceProblem):
            assert "\n" not in p.message and len(p.message) < 200
    unreadable_is_readable = os.access(tmp_path / "unreadable.txt", os.R_OK)  # root
    expected = {
        "empty.txt": "empty",
        "binary.txt": "binary",
        "huge.txt": "too large",
        "corpus.jsonl#3": "JSON",
        "no-text-column.csv": "--text-field",
        "loop/inner/back": "loop",
        "missing.txt": "no such file",
    }
    if not unreadable_is_readable:
        expected["unreadable.txt"] = "permission"
    assert set(problems) == set(expected), problems
    for name, word in expected.items():
        assert word in problems[name], (name, problems[name])
    assert "'title', 'summary'" in problems["no-text-column.csv"]
    good = {
        "good.txt",
        "corpus.jsonl#1",
        "corpus.jsonl#2",
        "corpus.jsonl#4",
        "deep.html",
        "invalid-utf8.txt",
        "loop/inner/story.txt",
    }
    if unreadable_is_readable:
        good.add("unreadable.txt")
    assert set(articles) == good
    assert "Café owner charged" in articles["invalid-utf8.txt"].text  # Latin-1, detected
    assert "Police in Lyon arrested two men" in articles["deep.html"].text


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "unreadable.txt"
    path.write_text("Police arrested a suspect on Monday in the city centre.", encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    (problem,) = _read(path)
    assert isinstance(problem, SourceProblem) and "permission" in problem.message


def test_doj_corpus_gives_100_articles_with_metadata() -> None:
    if not DOJ.is_file():
        pytest.skip(f"{DOJ} is not present")
    items = _read(DOJ)
    assert len(items) == 100
    assert all(isinstance(a, Article) for a in items)
    assert all(
        a.title and a.url and re.fullmatch(r"\d{4}-\d{2}-\d{2}", a.date or "") for a in items
    )
    assert not [a.path for a in items if TAG.search(a.text)]


def test_a_scrapers_metadata_block_is_metadata_not_text(tmp_path: Path) -> None:
    # The layout of scraped news in Markdown (articleMD and similar): the byline is not a
    # person of the story, so it must not reach the text.
    page = tmp_path / "story.md"
    page.write_text(
        "# Police seize a forum\n### Officers took the servers offline.\n\n## Information:\n"
        "+ Source: Example News\n+ Link: [article](https://news.example/forum-seized)\n"
        "+ Date: October 26, 2021\n+ Author: Jane Writer\n\n\n## Article:\n"
        "Police in Ruritania seized the forum on Monday.\n",
        encoding="utf-8",
    )
    (article,) = read_sources([page])
    assert isinstance(article, Article)
    assert "Jane Writer" not in article.text and "Example News" not in article.text
    assert "Information" not in article.text and "Article:" not in article.text
    assert "Police in Ruritania seized the forum on Monday." in article.text
    assert article.title == "Police seize a forum"
    assert (article.date, article.url) == ("2021-10-26", "https://news.example/forum-seized")


def _story_without(tmp_path: Path, markdown: str, furniture: tuple[str, ...]) -> str:
    """The text read from a Markdown story page, checked to keep its story sentence and to
    hold none of `furniture`."""
    page = tmp_path / "story.md"
    page.write_text(markdown, encoding="utf-8")
    (article,) = read_sources([page])
    assert isinstance(article, Article)
    assert "Police in Ruritania seized the forum." in article.text
    for word in furniture:
        assert word not in article.text, word
    return article.text


def test_scraped_tag_blocks_promo_links_and_placeholders_are_not_text(tmp_path: Path) -> None:
    # A scraper's trailing tag block names countries and "malware" that the story never
    # mentions; a heading must not swallow the lines after it.
    _story_without(
        tmp_path,
        "# Forum seized\n\n## Article:\nUnknown\n\nPolice in Ruritania seized the forum.\n\n"
        "[](https://news.example/newsletter-promo)\n\nImage: Example Images\n\n"
        "Have a tip? Get in touch securely via Signal at +1 555 0100.\n\n"
        "## Tags:\n\n#### Action:\n[[action.malware.name=Tor]] [[action.malware.name=Net]]\n\n"
        "#### Location:\n[[victim.country.name=Haiti]]\n\n### Autogenerated Tags:\n[[Malware]]\n",
        ("Haiti", "Tor", "[[", "Unknown", "Example Images", "Have a tip", "promo"),
    )


def test_a_paragraph_that_promotes_a_webinar_is_not_text(tmp_path: Path) -> None:
    # The promotion's sponsor and speakers are no part of the story; a report linked from a
    # sentence of the story is.
    event = "https://news.example/webinars/hunting/?utm_campaign=May_Quorvane_Webinar"
    text = _story_without(
        tmp_path,
        "# Forum seized\n\nPolice in Ruritania seized the forum.\n\n"
        f"**Hunting made easy.**[**JOIN**]({event})**Example News and Quorvane for**"
        f"[**Catching Adversaries**]({event})**with Quorvane's Jane Roe.**\n\n"
        "In its [identity report](https://acme.example/upcoming-webinars/report), Acme said "
        "logins were stuffed.\n",
        ("Quorvane", "Jane Roe", "JOIN"),
    )
    assert "Acme said logins were stuffed." in " ".join(text.split())


def test_a_site_name_after_the_title_is_not_text(tmp_path: Path) -> None:
    page = tmp_path / "story.md"
    page.write_text("# Police seize a forum | Example News\n\nThe forum is gone.\n", "utf-8")
    (article,) = read_sources([page])
    assert isinstance(article, Article)
    assert article.title == "Police seize a forum"
    assert "Example News" not in article.text


def _link_farm(tmp_path: Path) -> tuple[Path, Path]:
    """A folder to ingest with links inside it and out of it, and a FIFO; and the outside."""
    given, outside = tmp_path / "given", tmp_path / "outside"
    (given / "sub").mkdir(parents=True)
    outside.mkdir()
    story = "Spanish police arrested a suspect in Madrid on Monday, the ministry said."
    (given / "story.txt").write_text(story, "utf-8")
    (given / "sub" / "inner.txt").write_text(story + " Inner.", "utf-8")
    (outside / "secret.txt").write_text("root:x:0:0 secret first line", "utf-8")
    os.symlink(outside / "secret.txt", given / "secret.txt")  # a file outside
    os.symlink(outside, given / "elsewhere")  # a folder outside
    os.symlink(given / "sub" / "inner.txt", given / "again.txt")  # inside: fine
    os.mkfifo(given / "pipe.txt")  # would block whoever opens it
    return given, outside


def test_links_leaving_the_given_paths_and_special_files_are_named_and_skipped(
    tmp_path: Path,
) -> None:
    given, _outside = _link_farm(tmp_path)
    items = list(read_sources([given]))
    problems = {Path(p.path).name: p.message for p in items if isinstance(p, SourceProblem)}
    texts = [a.text for a in items if isinstance(a, Article)]
    assert set(problems) == {"secret.txt", "elsewhere", "pipe.txt"}, problems
    assert "--follow-links" in problems["secret.txt"] and "outside" in problems["elsewhere"]
    assert "FIFO" in problems["pipe.txt"]
    assert not any("secret" in t for t in texts)
    assert {Path(a.path).name for a in items if isinstance(a, Article)} == {
        "story.txt",
        "inner.txt",
        "again.txt",
    }
    followed = list(read_sources([given], follow_links=True))
    assert any(isinstance(a, Article) and "secret" in a.text for a in followed)


def test_a_fifo_given_by_name_is_refused_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (item,) = list(read_sources([tmp_path / "pipe.txt"]))  # would block if opened
    assert isinstance(item, SourceProblem) and "not a regular file" in item.message


def test_one_row_nested_too_deeply_does_not_lose_the_rows_after_it(tmp_path: Path) -> None:
    story = "Dutch police arrested a man in Amsterdam on Monday, prosecutors said."
    deep = '{"text": ' + "[" * 200_000 + "]" * 200_000 + "}"
    rows = [
        f'{{"title": "first", "text": "{story}"}}',
        deep,
        f'{{"title": "third", "text": "{story}"}}',
    ]
    (tmp_path / "corpus.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    items = list(read_sources([tmp_path / "corpus.jsonl"]))
    assert [type(x).__name__ for x in items] == ["Article", "SourceProblem", "Article"]
    assert items[1].path.endswith("corpus.jsonl#2") and "nested too deeply" in items[1].message
    assert items[2].title == "third"


def test_legacy_encodings_and_utf16_are_decoded_not_garbled(tmp_path: Path) -> None:
    story = "Müller, the café's owner, was charged with fraud by prosecutors in Zürich on Monday."
    (tmp_path / "latin1.txt").write_bytes(story.encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes(story.encode("utf-16"))  # with its byte-order mark
    russian = "Полиция Москвы задержала подозреваемого в мошенничестве в понедельник вечером."
    (tmp_path / "cp1251.txt").write_bytes(russian.encode("cp1251"))
    mostly_utf8 = story.encode("utf-8") + b" One broken byte: \xff. " + story.encode("utf-8")
    (tmp_path / "broken.txt").write_bytes(mostly_utf8)
    texts = {Path(a.path).name: a.text for a in read_sources([tmp_path])}
    assert story in texts["latin1.txt"] and story in texts["utf16.txt"]
    assert russian in texts["cp1251.txt"]
    assert story in texts["broken.txt"] and "\ufffd" in texts["broken.txt"]


def test_odd_file_names_are_read_and_shown_escaped_on_one_line(tmp_path: Path) -> None:
    story = "Spanish police arrested a suspect in Madrid on Monday, the ministry said."
    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.txt", "wb") as f:  # a name that is not UTF-8
        f.write(story.encode())
    (tmp_path / "two\nlines.txt").write_text("", "utf-8")  # empty: a problem to report
    items = list(read_sources([tmp_path]))
    paths = {x.path for x in items}
    assert str(tmp_path / "caf\\xe9.txt") in paths
    (problem,) = [x for x in items if isinstance(x, SourceProblem)]
    assert "\n" not in problem.path and problem.path.endswith("two\\nlines.txt")
    for p in paths:
        p.encode("utf-8")  # storable: no lone surrogates


def test_an_article_file_over_the_size_limit_is_refused_before_it_is_parsed(
    tmp_path: Path,
) -> None:
    from ingest.sources import MAX_ARTICLE_BYTES

    page = tmp_path / "huge.html"
    with page.open("w", encoding="utf-8") as f:
        f.write("<html><body>")
        f.write(("<p>" + "word " * 200 + "</p>\n") * (MAX_ARTICLE_BYTES // 1000 + 1))
        f.write("</body></html>")
    (tmp_path / "small.html").write_text("<html><body><p>Police arrested a man.</p></body></html>")
    items = list(read_sources([tmp_path]))
    problems = [i for i in items if isinstance(i, SourceProblem)]
    assert [p.path.endswith("huge.html") for p in problems] == [True]
    assert "too large for one article" in problems[0].message and "16 MB" in problems[0].message
    assert [i.text for i in items if isinstance(i, Article)] == ["Police arrested a man."]


def test_an_oversized_corpus_row_is_its_own_problem_and_the_rest_are_read(
    tmp_path: Path,
) -> None:
    from ingest.sources import MAX_ARTICLE_BYTES

    huge = "x" * (MAX_ARTICLE_BYTES + 10)
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text(
        '{"text": "First article."}\n{"text": "' + huge + '"}\n{"text": "Third article."}\n',
        encoding="utf-8",
    )
    table = tmp_path / "rows.csv"
    table.write_text(
        f'text,date\nFirst row.,2021-01-02\n"{huge}",2021-01-03\nThird row.,2021-01-04\n',
        encoding="utf-8",
    )
    items = list(read_sources([jsonl, table]))
    texts = [i.text for i in items if isinstance(i, Article)]
    assert texts == ["First article.", "Third article.", "First row.", "Third row."]
    problems = [(p.path.rsplit("/", 1)[-1], p.kept) for p in items if isinstance(p, SourceProblem)]
    assert problems == [("rows.jsonl#2", False), ("rows.csv#2", False)]
    assert all(
        "too large for one article" in p.message for p in items if isinstance(p, SourceProblem)
    )


def test_a_row_with_an_impossible_date_is_kept_without_it_and_named(tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_text("text,date\nFirst row.,2021-02-30\nSecond row.,2021-03-01\n", encoding="utf-8")
    items = list(read_sources([table]))
    notes = [i for i in items if isinstance(i, SourceProblem)]
    assert len(notes) == 1 and notes[0].kept and notes[0].path.endswith("rows.csv#1")
    assert "'2021-02-30' is not a date" in notes[0].message
    articles = [i for i in items if isinstance(i, Article)]
    assert [(a.text, a.date) for a in articles] == [
        ("First row.", None),
        ("Second row.", "2021-03-01"),
    ]


def test_files_read_before_are_known_by_their_bytes_without_being_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Police in Lyon arrested a man.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Raid\n\nThe FBI seized a forum.\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "Police in Oslo arrested a man."}\n')
    (tmp_path / "empty.txt").write_bytes(b"")
    asked: list[set[str]] = []

    def nothing_known(digests: set[str]) -> set[str]:
        asked.append(digests)
        return set()

    first = list(read_sources([tmp_path], known=nothing_known))
    articles = {Path(a.path).name.split("#")[0]: a for a in first if isinstance(a, Article)}
    # Plain-text files carry their digest (in one lookup); a corpus row and problems do not.
    assert len(asked) == 1 and asked[0] == {
        articles["a.txt"].raw_digest,
        articles["b.md"].raw_digest,
    }
    assert articles["c.jsonl"].raw_digest is None
    assert [i.message for i in first if isinstance(i, SourceProblem)] == ["empty file"]
    # The same reading without `known`: the same articles, no digests.
    plain = [a for a in read_sources([tmp_path]) if isinstance(a, Article)]
    assert [a.id for a in plain] == [a.id for a in first if isinstance(a, Article)]
    assert all(a.raw_digest is None for a in plain)

    stored = {articles["b.md"].raw_digest}
    again = list(read_sources([tmp_path], known=lambda ds: ds & stored))
    assert [type(i).__name__ for i in again] == ["Article", "KnownFile", "Article", "SourceProblem"]
    assert Path(again[1].path).name == "b.md"


def test_a_raw_digest_depends_on_the_bytes_and_the_type() -> None:
    data = b"<p>The FBI seized a forum.</p>"
    reader, _, digest = raw_digest(".html", data).partition("-")
    assert len(reader) == 12 and len(digest) == 64
    assert raw_digest(".txt", b"other").startswith(reader + "-")  # the reading code's part
    assert raw_digest(".html", data) == raw_digest(".HTML", data)
    assert raw_digest(".html", data) != raw_digest(".txt", data)
    assert raw_digest(".html", data) != raw_digest(".html", data + b" ")
