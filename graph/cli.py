"""The `casegraph` command line. Every user mistake becomes one line on stderr and an exit code.

Heavy modules (spaCy, the Neo4j driver, Streamlit) are imported inside the commands that use
them so that `casegraph --help` and `casegraph db status` stay fast.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph.errors import CasegraphError, ConfigError, InputError
from graph.settings import Settings, load_settings

if TYPE_CHECKING:
    import neo4j

app = typer.Typer(
    name="casegraph",
    help="Turn news articles into a Neo4j knowledge graph of cases, agencies, platforms and people.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the local Neo4j server (ignored when NEO4J_URI is set).")
analyze_app = typer.Typer(help="Graph analytics with networkx on a projection of the graph.")
app.add_typer(db_app, name="db", no_args_is_help=True)
app.add_typer(analyze_app, name="analyze", no_args_is_help=True)
curate_app = typer.Typer(
    help="Correct the graph: reject, confirm or add facts; every correction is recorded and "
    "undoable."
)
app.add_typer(curate_app, name="curate", no_args_is_help=True)
user_app = typer.Typer(
    help="Users of the app (sign-in and roles) in the file CASEGRAPH_APP_USERS names."
)
app.add_typer(user_app, name="user", no_args_is_help=True)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="The same as --format json.")]
_FORMATS = ("table", "json", "csv")


def _settings() -> Settings:
    return load_settings()


@contextmanager
def _driver(settings: Settings) -> Iterator[neo4j.Driver]:
    from graph.connection import open_driver

    driver = open_driver(settings)
    try:
        yield driver
    finally:
        driver.close()


def _store(driver: neo4j.Driver, settings: Settings, batch_size: int | None = None) -> Any:
    from graph.store import Store

    return Store(
        driver,
        database=settings.neo4j_database,
        batch_size=batch_size or settings.batch_size,
        retries=settings.write_retries,
    )


# --------------------------------------------------------------------------- output helpers


def _check_format(fmt: str, json_out: bool = False) -> str:
    """The output format of a command that prints rows (`--json` is `--format json`)."""
    if fmt not in _FORMATS:
        raise InputError(f"unknown format {fmt!r}: use one of {', '.join(_FORMATS)}")
    if json_out and fmt not in ("table", "json"):
        raise InputError(f"--json and --format {fmt} disagree: give one of them")
    return "json" if json_out else fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def print_rows(columns: Sequence[str], rows: Sequence[dict[str, Any]], fmt: str) -> None:
    """Print query rows as a rich table, a JSON array or CSV on stdout."""
    _check_format(fmt)
    if fmt == "json":
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        sys.stdout.write(buf.getvalue())
        return
    if not out.is_terminal:  # piped or redirected: one line a row, tab-separated, never wrapped
        lines = [columns, *([_cell(row.get(c)) for c in columns] for row in rows)]
        sys.stdout.write(
            "".join("\t".join(" ".join(v.split()) for v in line) + "\n" for line in lines)
        )
        return
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*(escape(_cell(row.get(c))) for c in columns))
    out.print(table)


def _print_result(result: Any, fmt: str) -> None:
    print_rows(result.columns, result.rows, fmt)
    if result.truncated:
        err.print(result.truncated_note, style="yellow", markup=False)


# --------------------------------------------------------------------------- db


@db_app.command("start")
def db_start() -> None:
    """Provision (first time) and start the local Neo4j, then create the schema."""
    from graph import server

    settings = _settings()
    status = server.start(settings)
    if settings.uses_external_server:
        out.print(status.detail)
        if not status.running:
            raise typer.Exit(1)
        return
    with _driver(settings) as driver:
        _store(driver, settings).init_schema()
    out.print(
        f"Neo4j {status.version or ''} {status.edition or ''} running at {status.uri} (pid {status.pid})"
    )


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j (no-op when it is not running)."""
    from graph import server

    settings = _settings()
    if settings.uses_external_server:
        out.print(f"NEO4J_URI is set: {settings.uri} is not managed by casegraph; nothing to stop.")
        return
    out.print("Neo4j stopped." if server.stop(settings) else "Neo4j is not running.")


@db_app.command("status")
def db_status() -> None:
    """Print running or stopped, the URI, version and edition. Exit 0 running, 3 stopped."""
    from graph import server

    status = server.status(_settings())
    if status.running and status.version:
        out.print(f"running: {status.detail}")
        return
    if status.running:
        # The process lives but Bolt does not answer: not usable, say so with LSB "not running".
        out.print(f"not answering: {status.detail}")
        raise typer.Exit(3)
    out.print(f"stopped: {status.detail}")
    raise typer.Exit(3)


@db_app.command("init")
def db_init() -> None:
    """Create the constraints and indexes (idempotent; also done before the first write)."""
    settings = _settings()
    with _driver(settings) as driver:
        _store(driver, settings).init_schema()
    out.print("schema ready (constraints and indexes exist)")


# --------------------------------------------------------------------------- ingest / extract


def _fields(text_field: list[str] | None, title_field: str, date_field: str, url_field: str) -> Any:
    from ingest.sources import CorpusFields

    if text_field:
        return CorpusFields(
            title=title_field, text=tuple(text_field), date=date_field, url=url_field
        )
    return CorpusFields(title=title_field, date=date_field, url=url_field)


TextField = Annotated[
    list[str] | None,
    typer.Option(
        "--text-field",
        help="Text column of .csv/.jsonl corpora (repeatable; default text, body, content).",
    ),
]
TitleField = Annotated[str, typer.Option("--title-field", help="Title column of corpora.")]
DateField = Annotated[str, typer.Option("--date-field", help="Date column of corpora.")]
UrlField = Annotated[str, typer.Option("--url-field", help="URL column of corpora.")]
FollowLinks = Annotated[
    bool,
    typer.Option(
        "--follow-links",
        help="Read symbolic links inside the folders even when they lead outside the given paths.",
    ),
]
Workers = Annotated[
    int | None, typer.Option("--workers", help="NLP processes (default CASEGRAPH_WORKERS).")
]


Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler (tcp://HOST:8786) whose workers run the NLP "
        "(default CASEGRAPH_DASK_SCHEDULER; docs/SCALE.md).",
    ),
]


def _check_where_to_extract(settings: Settings, workers: int | None, scheduler: str | None) -> None:
    """Refuse --workers beside a scheduler (it would be ignored), before anything starts."""
    if workers and (scheduler or settings.dask_scheduler):
        raise ConfigError(
            "--workers sets the local pool; with --scheduler the cluster's workers run the NLP "
            "(start more dask-worker processes instead): give one of the two"
        )


def _extractor(settings: Settings, workers: int | None, scheduler: str | None = None) -> Any:
    from ingest.pipeline import INTERACTIVE_BATCH, Extractor

    scheduler = scheduler or settings.dask_scheduler
    if scheduler:
        from ingest.distributed import DaskExtractor

        return DaskExtractor(
            scheduler,
            model=settings.spacy_model,
            kinds_model=settings.kinds_model,
            facts_model=settings.facts_model,
            connect_timeout=settings.dask_connect_timeout,
        )
    return Extractor(
        model=settings.spacy_model,
        workers=workers or settings.workers,
        batch_size=INTERACTIVE_BATCH,
        kinds_model=settings.kinds_model,
        facts_model=settings.facts_model,
    )


def _report_problem(problem: Any) -> None:
    what = "note" if getattr(problem, "kept", False) else "skipped"
    err.print(f"casegraph: {what} {problem.path}: {problem.message}", markup=False)


def _show_progress(json_mode: bool) -> bool:
    return not json_mode and sys.stdout.isatty()


@app.command()
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files or folders (.txt .md .html .jsonl .csv .pdf .docx .odt .eml)."),
    ],
    fmt: Annotated[str, typer.Option("--format", help="Output format: jsonl.")] = "jsonl",
    workers: Workers = None,
    scheduler: Scheduler = None,
    text_field: TextField = None,
    title_field: TitleField = "title",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    follow_links: FollowLinks = False,
) -> None:
    """Extract entities, facts and cases without a database: one JSON object per article."""
    if fmt != "jsonl":
        raise InputError(f"unknown format {fmt!r}: extract writes jsonl")
    _check_paths(paths)
    from graph.ingestion import readable_articles
    from graph.progress import Progress

    settings = _settings()
    _check_where_to_extract(settings, workers, scheduler)
    counts = {"articles": 0, "failed": 0}

    def failed(problem: Any) -> None:
        counts["failed"] += 0 if getattr(problem, "kept", False) else 1
        _report_problem(problem)

    fields = _fields(text_field, title_field, date_field, url_field)
    pending = readable_articles(paths, fields, failed, follow_links)
    first = next(pending, None)
    if first is not None:  # spaCy is only loaded when there is something to read
        extractor = _extractor(settings, workers, scheduler)
        with Progress(enabled=_show_progress(False), label="extract") as bar:
            for extraction in extractor.extract(itertools.chain([first], pending), failed):
                sys.stdout.write(json.dumps(extraction.to_json(), ensure_ascii=False) + "\n")
                counts["articles"] += 1
                bar.advance()
    _exit_for(counts["articles"], counts["failed"])


def _check_paths(paths: list[str]) -> None:
    """An empty path (an unset shell variable, "") is a mistake, not the current folder."""
    if any(not p.strip() for p in paths):
        raise InputError("an empty path was given: name a file or folder (. for this folder)")


def _check_range(option: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InputError(f"{option} must be between {low} and {high}, got {value}")


def _exit_for(done: int, failed: int) -> None:
    """0 all inputs succeeded, 2 some failed, 1 nothing could be processed."""
    if failed and done:
        raise typer.Exit(2)
    if failed or not done:
        if not failed:
            err.print("casegraph: no articles found in the given paths")
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files or folders (.txt .md .html .jsonl .csv .pdf .docx .odt .eml)."),
    ],
    workers: Workers = None,
    scheduler: Scheduler = None,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", help="Articles per write transaction.")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
    text_field: TextField = None,
    title_field: TitleField = "title",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    follow_links: FollowLinks = False,
) -> None:
    """Extract and write to Neo4j. Unchanged articles are skipped before any NLP."""
    from graph.ingestion import run_ingest

    _check_paths(paths)
    settings = _settings()
    _check_where_to_extract(settings, workers, scheduler)
    if batch_size is not None and batch_size < 1:
        raise InputError("--batch-size must be at least 1")
    with _driver(settings) as driver:
        summary = run_ingest(
            paths,
            store=_store(driver, settings, batch_size),
            extractor_factory=lambda: _extractor(settings, workers, scheduler),
            fields=_fields(text_field, title_field, date_field, url_field),
            batch_size=batch_size or settings.batch_size,
            on_problem=_report_problem,
            progress=_show_progress(json_out),
            follow_links=follow_links,
        )
    if json_out:
        sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
    else:
        out.print(summary.line())
    total_ok = summary.new + summary.updated + summary.skipped
    _exit_for(total_ok, summary.failed)


# --------------------------------------------------------------------------- reading


@app.command()
def stats(fmt: FormatOption = "table", json_out: JsonFlag = False) -> None:
    """Counts by label and relationship type (JSON: one object of counts)."""
    fmt = _check_format(fmt, json_out)
    settings = _settings()
    with _driver(settings) as driver:
        counts = _store(driver, settings).stats()
    if fmt == "json":
        sys.stdout.write(json.dumps(counts, sort_keys=True) + "\n")
        return
    rows = [{"kind": "node", "name": k, "count": n} for k, n in sorted(counts["nodes"].items())]
    rows += [
        {"kind": "relationship", "name": k, "count": n}
        for k, n in sorted(counts["relationships"].items())
    ]
    print_rows(["kind", "name", "count"], rows, fmt)


@app.command()
def cypher(
    query: Annotated[str, typer.Argument(help="A read-only Cypher statement.")],
    fmt: FormatOption = "table",
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="key=value (JSON values allowed).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Run ad-hoc Cypher in a read-only transaction (writes are refused)."""
    from graph.readonly import run_read_only

    fmt = _check_format(fmt, json_out)
    settings = _settings()
    params = _json_params(param or [])
    with _driver(settings) as driver:
        result = run_read_only(
            driver,
            settings.neo4j_database,
            query,
            params,
            row_limit=settings.row_limit,
            timeout=settings.query_timeout,
            byte_limit=settings.result_mb * 2**20,
        )
    _print_result(result, fmt)


def _split_params(raw: list[str]) -> dict[str, str]:
    from graph.queries import split_assignments

    return split_assignments(raw)


def _json_params(raw: list[str]) -> dict[str, Any]:
    """key=value parameters; a value that is JSON is read as JSON, anything else is a string.
    JSON nested deeper than Python can parse is refused in one line."""
    params: dict[str, Any] = {}
    for key, value in _split_params(raw).items():
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
        except RecursionError:
            raise InputError(f"parameter {key} is nested too deeply to read") from None
    return params


@app.command("queries")
def list_named_queries(fmt: FormatOption = "table", json_out: JsonFlag = False) -> None:
    """List the named queries in queries/ with their parameters."""
    from graph.queries import list_queries

    fmt = _check_format(fmt, json_out)
    named = list_queries()
    if fmt == "json":
        data = [
            {
                "name": q.name,
                "description": q.description,
                "params": [p.__dict__ for p in q.params],
                "columns": list(q.columns),
            }
            for q in named
        ]
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    rows = [
        {
            "query": q.name,
            "parameters": ", ".join(
                f"{p.name}:{p.type}" + ("" if p.required else f"={p.default!r}") for p in q.params
            ),
            "answers": q.description,
        }
        for q in named
    ]
    print_rows(["query", "parameters", "answers"], rows, fmt)


@app.command("query")
def run_named_query(
    name: Annotated[
        str, typer.Argument(help="Name of a query in queries/ (see `casegraph queries`).")
    ],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="key=value, repeatable.")
    ] = None,
    fmt: FormatOption = "table",
    json_out: JsonFlag = False,
) -> None:
    """Run a named query with typed, validated parameters."""
    from graph.queries import get_query, parse_params, run_query

    fmt = _check_format(fmt, json_out)
    named = get_query(name)
    params = parse_params(named, _split_params(param or []))
    settings = _settings()
    with _driver(settings) as driver:
        result = run_query(
            driver,
            settings.neo4j_database,
            named,
            params,
            row_limit=settings.row_limit,
            timeout=settings.query_timeout,
            byte_limit=settings.result_mb * 2**20,
        )
    _print_result(result, fmt)


# --------------------------------------------------------------------------- read and search

KIND_STYLE = {
    "Person": "bold magenta", "Agency": "bold blue", "Platform": "bold cyan",
    "Organization": "bold green", "Jurisdiction": "bold yellow", "Offense": "bold red",
}  # fmt: skip


@app.command()
def search(
    query: Annotated[
        str,
        typer.Argument(
            help="Lucene query over article titles, texts and evidence sentences: words, "
            '"a phrase", AND / OR / NOT, fuzzy terms (telegarm~), wildcards (extradit*).'
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", help="Articles to show (1-500).")] = 20,
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only articles mentioning this entity.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only articles mentioning an entity of this kind.")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Only articles dated on or after YYYY-MM-DD.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Only articles dated on or before YYYY-MM-DD.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table (passages marked), json or csv.")
    ] = "table",
    json_out: JsonFlag = False,
) -> None:
    """Full-text search: articles ranked by relevance, with the passage that matched."""
    from graph.documents import search as search_text

    fmt = _check_format(fmt, json_out)
    for name, value in (("--from", date_from), ("--to", date_to)):
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise InputError(f"{name} takes a date as YYYY-MM-DD, got {value!r}")
    settings = _settings()
    with _driver(settings) as driver:
        hits = search_text(
            driver, settings.neo4j_database, query, limit, entity, kind, date_from, date_to
        )
    if fmt == "json":
        rows = [hit.__dict__ for hit in hits]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=list) + "\n")
        return
    if fmt == "csv":
        columns = ["id", "title", "date", "score", "snippet"]
        print_rows(columns, [{c: getattr(hit, c) for c in columns} for hit in hits], fmt)
        return
    if not hits:
        err.print("no article matches")
        return
    for hit in hits:
        out.print(
            f"[bold]{escape(hit.title or hit.path or hit.id)}[/]  "
            f"[dim]{hit.date or 'no date'}  {hit.id}  score {hit.score:.2f}[/]"
        )
        out.print("  " + _marked(hit.snippet, hit.highlights))
        for ev in hit.evidence[:3]:
            fact = f"{ev.get('source', '?')} {ev['type']} {ev.get('target', '?')}"
            out.print(f"  [dim]fact:[/] {escape(fact)}: [italic]{escape(ev['sentence'])}[/]")
    err.print(f"{len(hits)} article(s); read one with `casegraph show ID`")


def _marked(text: str, marks: Sequence[tuple[int, int]], style: str = "reverse") -> str:
    """`text` as Rich markup with the ranges `marks` styled (between « » when the output is not
    a terminal, where styles do not show)."""
    before, after = (f"[{style}]", "[/]") if out.is_terminal else ("«", "»")
    parts, at = [], 0
    for start, end in marks:
        parts += [escape(text[at:start]), before + escape(text[start:end]) + after]
        at = end
    return "".join(parts) + escape(text[at:])


@app.command()
def show(
    article: Annotated[
        str, typer.Argument(help="Article id, or its first 6+ characters (casegraph search).")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One article as stored: its text with the mentions marked, its facts and its cases."""
    from graph.documents import byline, document

    settings = _settings()
    with _driver(settings) as driver:
        doc = document(driver, settings.neo4j_database, article)
    if json_out:
        sys.stdout.write(json.dumps(doc.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"[bold]{escape(doc.title or doc.path or doc.id)}[/]")
    out.print(f"[dim]{doc.date or 'no date'}  {doc.url or doc.path or ''}  id {doc.id}[/]")
    out.print(f"[dim]{escape(byline(doc))}[/]\n")
    if not doc.text:
        out.print("[dim](stored before casegraph kept article texts: ingest it again)[/]")
    parts, at = [], 0
    for m in doc.mentions:
        surface = escape(doc.text[m["start"] : m["end"]])
        style = KIND_STYLE.get(m["kind"], "bold")
        mark = f"[{style}]{surface}[/]" if out.is_terminal else f"«{surface} | {m['kind']}»"
        parts += [escape(doc.text[at : m["start"]]), mark]
        at = m["end"]
    out.print("".join(parts) + escape(doc.text[at:]))
    if out.is_terminal:
        legend = "  ".join(f"[{style}]{kind}[/]" for kind, style in KIND_STYLE.items())
        out.print(f"\n[dim]mentions:[/] {legend}")
    if doc.facts:
        out.print(f"\n[bold]Facts ({len(doc.facts)})[/]")
        for f in doc.facts:
            conf = "" if f["confidence"] is None else f"  [dim]{f['confidence']:.2f}[/]"
            state = ""
            if f["rejected"]:
                r = f["rejected"]
                state = f"  [red]rejected by {escape(r['who'])} ({r['id']})[/]"
            elif f["confirmed"]:
                state = "  [green]confirmed[/]"
            when = f"  [dim]happened {f['event_date']}[/]" if f.get("event_date") else ""
            out.print(
                f"- {escape(f['source'])} [bold]{f['type']}[/] {escape(f['target'])}{when}{conf}"
                f"{state}\n  [italic]{escape(f['sentence'])}[/]{_page(f.get('page'))}"
            )
    if doc.cases:
        out.print(f"\n[bold]Cases ({len(doc.cases)})[/]")
        for c in doc.cases:
            out.print(
                f"- {escape(c['title'] or c['id'])} [dim]({c['case_kind'] or 'case'}, "
                f"{c['status'] or 'unknown'}, {c['jurisdiction'] or 'no jurisdiction'})[/]"
            )


def _page(page: int | None) -> str:
    """Where in a paged document (PDF) a sentence is: "  (page 3)", or nothing."""
    return f"  [dim](page {page})[/]" if page else ""


# --------------------------------------------------------------------------- curation

FactType = Annotated[str, typer.Option("--type", help="Fact type, e.g. ARRESTED.")]
FactSource = Annotated[str, typer.Option("--source", help="Source entity: name, alias or ISO.")]
FactTarget = Annotated[str, typer.Option("--target", help="Target entity: name, alias or ISO.")]
Note = Annotated[str, typer.Option("--note", help="Why (kept with the correction).")]
Who = Annotated[str | None, typer.Option("--who", help="Who corrects (default: the login name).")]


def _curate_fact(
    action: str, rel_type: str, source: str, target: str, note: str, who: str | None
) -> None:
    from graph.curation import curate_fact

    settings = _settings()
    with _driver(settings) as driver:
        record = curate_fact(
            driver, settings.neo4j_database, action, rel_type, source, target, note, who
        )
    out.print(
        f"{record['after']}: {record['source']} {record['type']} {record['target']} "
        f"(correction {record['id']}; undo with `casegraph curate undo {record['id']}`)",
        markup=False,
    )


@curate_app.command("reject")
def curate_reject(
    rel_type: FactType, source: FactSource, target: FactTarget, note: Note = "", who: Who = None
) -> None:
    """Reject a fact: it leaves queries, paths, analytics and exports, and stays out when an
    article states it again; its sentences stay, listed as rejected."""
    _curate_fact("reject", rel_type, source, target, note, who)


@curate_app.command("confirm")
def curate_confirm(
    rel_type: FactType, source: FactSource, target: FactTarget, note: Note = "", who: Who = None
) -> None:
    """Confirm a fact: marked as checked by a person (`confirmed`, also in exports)."""
    _curate_fact("confirm", rel_type, source, target, note, who)


@curate_app.command("add")
def curate_add(
    rel_type: FactType,
    source: FactSource,
    target: FactTarget,
    note: Annotated[str, typer.Option("--note", help="What the fact says, in a sentence.")],
    cite: Annotated[str, typer.Option("--cite", help="Where it comes from: a URL or a citation.")],
    who: Who = None,
) -> None:
    """Add a fact no article gave, between two entities of the graph, with a note and a source."""
    from graph.curation import add_fact

    settings = _settings()
    with _driver(settings) as driver:
        record = add_fact(
            driver, settings.neo4j_database, rel_type, source, target, note, cite, who
        )
    out.print(
        f"added: {record['source']} {record['type']} {record['target']} (correction "
        f"{record['id']}; undo with `casegraph curate undo {record['id']}`)",
        markup=False,
    )


@curate_app.command("jurisdiction")
def curate_jurisdiction(
    name: Annotated[str, typer.Argument(help="The agency, person, organisation or platform.")],
    place: Annotated[str, typer.Argument(help="Its jurisdiction: name, alias or ISO code.")],
    note: Note = "",
    who: Who = None,
) -> None:
    """Set an entity's jurisdiction (an agency's BELONGS_TO, anyone else's BASED_IN): the fact
    to PLACE is added and the entity's facts to other places stay out while it holds."""
    from graph.curation import set_jurisdiction

    settings = _settings()
    with _driver(settings) as driver:
        record = set_jurisdiction(driver, settings.neo4j_database, name, place, note, who)
    out.print(
        f"{record['source']} {record['type']} {record['target']} (was: {record['before']}; "
        f"correction {record['id']}; undo with `casegraph curate undo {record['id']}`)",
        markup=False,
    )


@curate_app.command("list")
def curate_list(fmt: FormatOption = "table", json_out: JsonFlag = False) -> None:
    """Every correction, newest first, with who, when and why (JSON: every field)."""
    from graph.curation import list_curations

    fmt = _check_format(fmt, json_out)
    settings = _settings()
    with _driver(settings) as driver:
        records = list_curations(driver, settings.neo4j_database)
    if fmt == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return
    rows = [
        {
            "id": r["id"], "when": r["when"], "who": r["who"], "correction": r["action"],
            "what": r.get("what") or f"{r['source']} {r['type']} {r['target']}",
            "why": r.get("why") or "",
            "state": f"undone {r['undone_at']}" if r.get("undone_at") else "active",
        }
        for r in records
    ]  # fmt: skip
    print_rows(["id", "when", "who", "correction", "what", "why", "state"], rows, fmt)


@curate_app.command("undo")
def curate_undo(
    curation_id: Annotated[str, typer.Argument(help="Correction id (casegraph curate list).")],
    who: Who = None,
) -> None:
    """Undo a correction: the fact is recomputed from its sentences; the record stays."""
    from graph.curation import undo

    settings = _settings()
    with _driver(settings) as driver:
        record = undo(driver, settings.neo4j_database, curation_id, who, _LazyExtractor(settings))
    what = record.get("what") or f"{record['source']} {record['type']} {record['target']}"
    out.print(f"undone: {record['action']}: {what}", markup=False)


class _LazyExtractor:
    """The NLP pipeline, loaded only when an entity correction re-extracts articles."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loaded: Any = None

    def extract(self, articles: Any) -> Any:
        if self.loaded is None:
            self.loaded = _extractor(self.settings, 1)
        return self.loaded.extract(articles)


def _curate_entity(action: str, name: str, value: str, note: str, who: str | None) -> None:
    from graph.curation import curate_entity

    settings = _settings()
    with _driver(settings) as driver:
        record = curate_entity(
            driver, settings.neo4j_database, action, name, value, _LazyExtractor(settings),
            note, who,
        )  # fmt: skip
    out.print(
        f"{record['what']} (correction {record['id']}; undo with `casegraph curate undo "
        f"{record['id']}`)",
        markup=False,
    )


@curate_app.command("merge")
def curate_merge(
    keep: Annotated[str, typer.Argument(help="The entity to keep (name, alias or ISO code).")],
    other: Annotated[str, typer.Argument(help="The entity merged into it.")],
    note: Note = "",
    who: Who = None,
) -> None:
    """Merge OTHER into KEEP: its names become aliases, its facts and cases move, and articles
    that name it later land on KEEP."""
    _curate_entity("merge", keep, other, note, who)


@curate_app.command("kind")
def curate_kind(
    name: Annotated[str, typer.Argument(help="The entity (name, alias or ISO code).")],
    kind: Annotated[str, typer.Argument(help="Its kind: Person, Agency, Platform, ...")],
    note: Note = "",
    who: Who = None,
) -> None:
    """Change an entity's kind (facts the new kind does not allow are left out)."""
    _curate_entity("kind", name, kind, note, who)


@curate_app.command("split")
def curate_split(
    name: Annotated[str, typer.Argument(help="The entity (name or ISO code).")],
    alias: Annotated[str, typer.Option("--alias", help="The alias that names another entity.")],
    note: Note = "",
    who: Who = None,
) -> None:
    """Split an alias off an entity: the mentions written that way become an entity of their own,
    with the facts of the sentences that name only it."""
    _curate_entity("split", name, alias, note, who)


@curate_app.command("rename")
def curate_rename(
    name: Annotated[str, typer.Argument(help="The entity (name, alias or ISO code).")],
    new_name: Annotated[str, typer.Argument(help="Its name from now on.")],
    note: Note = "",
    who: Who = None,
) -> None:
    """Give an entity another name (the old one stays an alias)."""
    _curate_entity("rename", name, new_name, note, who)


@curate_app.command("export")
def curate_export(
    file: Annotated[Path, typer.Argument(help="JSON file to write.")],
) -> None:
    """Write every correction to a JSON file, to share with a team (`curate import`)."""
    from graph.curation import export_curations

    settings = _settings()
    with _driver(settings) as driver:
        n = export_curations(driver, settings.neo4j_database, file)
    out.print(f"{n} correction(s) written to {file}", markup=False)


@curate_app.command("import")
def curate_import(
    file: Annotated[Path, typer.Argument(help="JSON file made by `curate export`.")],
) -> None:
    """Add and apply the corrections of a file made by `curate export` (known ids are kept)."""
    from graph.curation import import_curations

    settings = _settings()
    with _driver(settings) as driver:
        n = import_curations(driver, settings.neo4j_database, file, _LazyExtractor(settings))
    out.print(f"{n} new correction(s) applied from {file}", markup=False)


# --------------------------------------------------------------------------- analytics / export


Names = Annotated[
    list[str] | None,
    typer.Option(
        "--name", "-n", help="Restrict to the neighbourhood of these entities (repeatable)."
    ),
]
Depth = Annotated[int, typer.Option("--depth", help="Neighbourhood depth around --name.")]


def _projection(settings: Settings, names: list[str] | None, depth: int) -> Any:
    from graph.analytics import load_projection

    with _driver(settings) as driver:
        return load_projection(driver, settings.neo4j_database, names, depth)


@analyze_app.command("centrality")
def analyze_centrality(
    names: Names = None,
    depth: Depth = 2,
    limit: Annotated[int, typer.Option("--limit")] = 20,
    fmt: FormatOption = "table",
    json_out: JsonFlag = False,
) -> None:
    """Degree and betweenness centrality: who brokers between cases and agencies."""
    from graph.analytics import centrality

    fmt = _check_format(fmt, json_out)
    _check_range("--limit", limit, 1, 100_000)
    _check_range("--depth", depth, 1, 4)
    rows = centrality(_projection(_settings(), names, depth))[:limit]
    print_rows(list(rows[0].keys()) if rows else ["name"], rows, fmt)


@analyze_app.command("communities")
def analyze_communities(
    names: Names = None, depth: Depth = 2, fmt: FormatOption = "table", json_out: JsonFlag = False
) -> None:
    """Communities (Louvain, fixed seed) of the graph or a neighbourhood."""
    from graph.analytics import communities

    fmt = _check_format(fmt, json_out)
    _check_range("--depth", depth, 1, 4)
    graph = _projection(_settings(), names, depth)
    groups = communities(graph)
    rows = [
        {
            "community": i + 1,
            "size": len(group),
            "members": [graph.nodes[node].get("name", node) for node in group],
        }
        for i, group in enumerate(groups)
    ]
    print_rows(["community", "size", "members"], rows, fmt)


@analyze_app.command("paths")
def analyze_paths(
    source: Annotated[str, typer.Argument(help="Entity name, alias or ISO code.")],
    target: Annotated[str, typer.Argument(help="Entity name, alias or ISO code.")],
    k: Annotated[int, typer.Option("--k", help="How many paths.")] = 5,
    fmt: FormatOption = "table",
    json_out: JsonFlag = False,
) -> None:
    """The k shortest simple paths between two entities, cheaper over better-evidenced facts."""
    from graph.analytics import k_paths

    fmt = _check_format(fmt, json_out)
    _check_range("--k", k, 1, 100)
    settings = _settings()
    rows = k_paths(_projection(settings, None, 2), source, target, k=k)
    print_rows(list(rows[0].keys()) if rows else ["path"], rows, fmt)


@app.command()
def export(
    out_path: Annotated[
        Path, typer.Argument(metavar="OUT", help="Output file (or folder for csv).")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="graphml, json or csv.")] = "json",
    names: Names = None,
    depth: Annotated[int, typer.Option("--depth")] = 1,
    query: Annotated[
        str | None, typer.Option("--query", help="Export a named query's result.")
    ] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p")] = None,
) -> None:
    """Export the whole graph, a neighbourhood (--name) or a named query's result."""
    from graph.export import check_destination, export_graph
    from graph.queries import get_query, parse_params

    if fmt not in ("graphml", "json", "csv"):
        raise InputError(f"unknown export format {fmt!r}: use graphml, json or csv")
    _check_range("--depth", depth, 1, 4)
    check_destination(fmt, out_path)  # before connecting: a mistyped path costs nothing
    named = None
    if query:
        q = get_query(query)
        named = (q, parse_params(q, _split_params(param or [])))
    settings = _settings()
    with _driver(settings) as driver:
        summary = export_graph(
            driver, settings.neo4j_database, fmt, out_path, names=names, depth=depth, query=named
        )
    out.print(str(summary))


# --------------------------------------------------------------------------- maintenance


@app.command()
def retract(
    article_id: Annotated[str, typer.Argument(help="Id of the article to remove.")],
) -> None:
    """Remove an article and everything only it supported."""
    settings = _settings()
    with _driver(settings) as driver:
        result = _store(driver, settings).retract(article_id.strip())
    out.print(str(result))


@app.command()
def reset(
    yes: Annotated[bool, typer.Option("--yes", help="Really delete all data.")] = False,
) -> None:
    """Delete every node and relationship (the schema stays)."""
    if not yes:
        raise ConfigError("reset deletes the whole graph: run `casegraph reset --yes` to confirm")
    settings = _settings()
    with _driver(settings) as driver:
        _store(driver, settings).reset()
    out.print("graph emptied")


@app.command()
def config() -> None:
    """Show every setting, its environment variable, value and meaning."""
    table = Table("setting", "env", "value", "help")
    for name, env, value, text in _settings().public_items():
        table.add_row(name, env, "" if value is None else str(value), text)
    out.print(table)


# --------------------------------------------------------------------------- users

UsersFile = Annotated[
    Path | None, typer.Option("--file", help="Users file (default CASEGRAPH_APP_USERS).")
]


def _users_file(path: Path | None) -> Path:
    found = path or _settings().app_users
    if found is None:
        raise ConfigError(
            "no users file: set CASEGRAPH_APP_USERS=/path/to/users.json (or give --file)"
        )
    return found


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    role: Annotated[str, typer.Option("--role", help="reader, editor or admin.")] = "reader",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    file: UsersFile = None,
) -> None:
    """Add a user (or give one a new role and password); the password is asked for twice."""
    from graph.users import add_user

    path = _users_file(file)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    new = add_user(path, name, role.strip().lower(), password)
    out.print(f"{'added' if new else 'updated'} {name} ({role.strip().lower()}) in {path}")


@user_app.command("remove")
def user_remove(
    name: Annotated[str, typer.Argument(help="The user's name.")], file: UsersFile = None
) -> None:
    """Remove a user (their sessions end at their next sign-in)."""
    from graph.users import remove_user

    path = _users_file(file)
    remove_user(path, name)
    out.print(f"removed {name} from {path}")


@user_app.command("list")
def user_list(
    file: UsersFile = None, fmt: FormatOption = "table", json_out: JsonFlag = False
) -> None:
    """The users and their roles (never their password hashes)."""
    from graph.users import load_users

    fmt = _check_format(fmt, json_out)
    users = load_users(_users_file(file))
    print_rows(["name", "role"], [{"name": n, "role": u["role"]} for n, u in users.items()], fmt)


@app.command("app")
def run_app(
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default CASEGRAPH_APP_PORT).")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", help="Listen address (default CASEGRAPH_APP_ADDRESS)."),
    ] = None,
    headless: Annotated[
        bool, typer.Option("--headless/--browser", help="Do not open a browser.")
    ] = True,
) -> None:
    """Start the Streamlit app (`streamlit run app.py` behind a Host header check)."""
    from graph.app_server import check_exposure, is_loopback
    from ingest.sources import MAX_UPLOAD_MB

    settings = _settings()
    app_file = Path(__file__).resolve().parent.parent / "app.py"
    if not app_file.is_file():
        raise ConfigError(f"app.py not found next to the graph package ({app_file})")
    port = port or settings.app_port
    address = address or settings.app_address
    check_exposure(settings, address)
    shown = "localhost" if is_loopback(address) else address
    out.print(f"casegraph app: http://{shown}:{port}")
    sys.stdout.flush()
    args = [
        sys.executable, "-m", "graph.app_server", str(app_file),
        "--server.port", str(port), "--server.address", address,
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        # No Deploy button, rerun or clear-cache menu for the people who read the graph.
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    os.execv(sys.executable, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: run the app, turning CasegraphError into one stderr line."""
    return run(lambda: app(args=list(argv) if argv is not None else None, standalone_mode=True))


def run(call: Callable[[], Any]) -> int:
    """Run the typer app; usage errors are reported by typer itself (exit 2)."""
    try:
        call()
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except CasegraphError as exc:
        err.print(f"casegraph: error: {exc}", markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("casegraph: interrupted")
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
