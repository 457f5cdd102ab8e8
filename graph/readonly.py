"""Ad-hoc Cypher, read-only by construction: a lexical guard, then a READ-mode transaction.

The guard (`check_read_only`) tokenizes the statement the way Cypher does (comments, string
literals, backtick names), and refuses write and admin clauses, procedures outside an allow-list
of read procedures, and multiple statements. What it misses, the server refuses: the statement
runs in a session opened with READ access inside `execute_read`, with a timeout and a row cap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryError
from graph.queries import DEFAULT_BYTE_LIMIT, QueryResult, describe_error

# Clause and command keywords that write data or administer the server.
WRITE_KEYWORDS = frozenset(
    {
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP", "INSERT",
        "FOREACH", "LOAD", "USE", "GRANT", "DENY", "REVOKE", "ALTER",
        "TERMINATE", "PERIODIC", "IMPERSONATE",
    }
)  # fmt: skip
# Verbs of admin commands that are also common variable names (`start`, `stop`): refused when
# they open the statement or precede an admin noun.
ADMIN_VERBS = frozenset({"START", "STOP", "ENABLE", "RENAME", "DEALLOCATE", "REALLOCATE", "DRYRUN"})
ADMIN_NOUNS = frozenset(
    {"DATABASE", "DATABASES", "SERVER", "SERVERS", "ROLE", "ROLES", "USER", "USERS", "ALIAS",
     "COMPOSITE", "ALL", "HOME"}
)  # fmt: skip
# SHOW commands that reveal other sessions' queries and parameters, server paths and settings,
# or accounts: refused (SHOW INDEXES, CONSTRAINTS, FUNCTIONS, PROCEDURES stay allowed).
SHOW_REFUSED = frozenset(
    {"TRANSACTION", "TRANSACTIONS", "SETTING", "SETTINGS", "USER", "USERS", "ROLE", "ROLES",
     "PRIVILEGE", "PRIVILEGES", "SERVER", "SERVERS"}
)  # fmt: skip
_SHOW_WINDOW = 3  # words after SHOW in which the refused noun may stand ("SHOW ALL USER ...")
# Read-only procedures the console may CALL (compared case-insensitively).
READ_PROCEDURES = frozenset(
    {
        "dbms.components",
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.info",
        "db.ping",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.index.fulltext.querynodes",
        "db.index.fulltext.queryrelationships",
        "db.index.vector.querynodes",
        "db.index.vector.queryrelationships",
    }
)
REFUSED = "— the console is read-only"
# Java-style \uXXXX escapes: Neo4j's parser decodes them before it splits tokens, so a quote
# written as \u0027 really ends a string (checked against Neo4j 5.26).
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u+([0-9a-fA-F]{4})")
_LINE_ENDS = "\n\r\u2028\u2029\u0085\x0b\x0c"
_WORD = re.compile(r"[^\W\d]\w*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Token:
    kind: str  # "word" | "name" (backtick-quoted) | "string" | "number" | "punct"
    text: str
    start: int


def _refuse(why: str) -> QueryError:
    return QueryError(f"refused: {why} {REFUSED}")


def _decode_java_escapes(text: str) -> str:
    return _UNICODE_ESCAPE.sub(lambda m: m.group(1) + chr(int(m.group(2), 16)), text)


def _quoted(text: str, i: int, quote: str) -> int:
    """Index just past the closing `quote` of the literal or name opening at `i`."""
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and quote != "`":
            j += 2
            continue
        if c == quote:
            if quote == "`" and text.startswith("``", j):
                j += 2  # a doubled backtick is a literal backtick inside the name
                continue
            return j + 1
        j += 1
    kind = "name" if quote == "`" else "string"
    raise _refuse(f"unterminated {kind} starting at offset {i}")


def tokenize(text: str) -> Iterator[Token]:
    """Cypher tokens of `text`, without comments and whitespace."""
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            # End at any line terminator, even ones Cypher may not honour: checking more is safe.
            ends = [p for p in (text.find(e, i) for e in _LINE_ENDS) if p >= 0]
            i = min(ends) if ends else len(text)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise _refuse(f"unterminated comment starting at offset {i}")
            i = end + 2
        elif c in "'\"`":
            j = _quoted(text, i, c)
            yield Token("name" if c == "`" else "string", text[i + 1 : j - 1], i)
            i = j
        elif m := _WORD.match(text, i):
            yield Token("word", m.group(), i)
            i = m.end()
        elif c.isdigit():
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] in "._"):
                j += 1
            yield Token("number", text[i:j], i)
            i = j
        else:
            if unicodedata.category(c) in ("Cf", "Co", "Cn", "Cc"):
                raise _refuse(f"invisible or control character U+{ord(c):04X} at offset {i}")
            yield Token("punct", c, i)
            i += 1


def _keyword_forms(word: str) -> set[str]:
    # Neo4j compares keywords ignoring case the Java way, where "ı" upper-cases to "I" and
    # "ſ" to "S"; NFKC folds fullwidth letters. Check every plausible reading.
    nfkc = unicodedata.normalize("NFKC", word)
    return {word.upper(), nfkc.upper(), nfkc.casefold().upper()}


def _is_name_position(tokens: list[Token], k: int) -> bool:
    """True when word k is a property key, label, parameter or map key, not a keyword."""
    prev = tokens[k - 1] if k else None
    nxt = tokens[k + 1] if k + 1 < len(tokens) else None
    word = tokens[k]
    if prev and prev.kind == "punct" and prev.text in ".:$" and prev.start + 1 == word.start:
        return True
    return bool(nxt and nxt.kind == "punct" and nxt.text == ":" and prev and prev.text in "{,")


def _procedure_name(tokens: list[Token], k: int) -> str | None:
    """The dotted procedure name after CALL at k, or None for a `CALL {` / `CALL (` subquery."""
    parts: list[str] = []
    j = k + 1
    while j < len(tokens) and tokens[j].kind in ("word", "name"):
        parts.append(tokens[j].text)
        if j + 1 < len(tokens) and tokens[j + 1].text == ".":
            j += 2
            continue
        break
    return ".".join(parts) if parts else None


def _check_tokens(tokens: list[Token]) -> None:
    for k, tok in enumerate(tokens):
        if tok.kind == "punct" and tok.text == ";" and k != len(tokens) - 1:
            raise _refuse("more than one statement (`;`)")
        if tok.kind != "word" or _is_name_position(tokens, k):
            continue
        forms = _keyword_forms(tok.text)
        hit = forms & WRITE_KEYWORDS
        if not hit and forms & ADMIN_VERBS:
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if k == 0 or (nxt and nxt.kind == "word" and _keyword_forms(nxt.text) & ADMIN_NOUNS):
                hit = forms & ADMIN_VERBS
        if hit:
            raise _refuse(f"{sorted(hit)[0]} writes or administers the database")
        if "SHOW" in forms:
            after = [t for t in tokens[k + 1 : k + 1 + _SHOW_WINDOW] if t.kind == "word"]
            shown = {f for t in after for f in _keyword_forms(t.text)} & SHOW_REFUSED
            if shown:
                raise _refuse(
                    f"SHOW {sorted(shown)[0]} reveals other sessions, server settings or accounts"
                )
        if (
            "TRANSACTIONS" in forms
            and k
            and _keyword_forms(tokens[k - 1].text)
            & {
                "IN",
                "CONCURRENT",
            }
        ):
            raise _refuse("CALL { ... } IN TRANSACTIONS writes in batches")
        if "CALL" in forms:
            name = _procedure_name(tokens, k)
            if name is not None and name.lower() not in READ_PROCEDURES:
                raise _refuse(f"procedure {name} is not on the read-only allow-list")


# range() inside an expression loops without making rows: Neo4j checks a transaction's timeout
# between rows, not inside one expression, so `reduce(s = 0, x IN range(1, 10^18) | ...)`
# keeps a core busy long after the client gave up. The console allows such ranges when their
# bounds are written as numbers, all of a statement's together at most this many values
# (`UNWIND range(...)` makes rows and is not limited).
MAX_RANGE_VALUES = 1_000_000


def _range_args(tokens: list[Token], k: int) -> list[list[Token]] | None:
    """The argument token lists of the call `range(` at `k`, or None when it is not a call."""
    if k + 1 >= len(tokens) or tokens[k + 1].text != "(" or tokens[k + 1].kind != "punct":
        return None
    args: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens[k + 2 :]:
        if tok.kind == "punct" and tok.text in "([{":
            depth += 1
        elif tok.kind == "punct" and tok.text in ")]}":
            if depth == 0:
                return args
            depth -= 1
        elif tok.kind == "punct" and tok.text == "," and depth == 0:
            args.append([])
            continue
        args[-1].append(tok)
    return args


def _literal_int(arg: list[Token]) -> int | None:
    sign = 1
    if len(arg) == 2 and arg[0].kind == "punct" and arg[0].text in "+-":
        sign, arg = (-1 if arg[0].text == "-" else 1), arg[1:]
    if len(arg) != 1 or arg[0].kind != "number":
        return None
    try:
        return sign * int(arg[0].text.replace("_", ""), 0)
    except ValueError:
        return None


def _unbounded(why: str) -> QueryError:
    return QueryError(
        f"refused: {why} — the console only runs statements the query timeout can stop"
    )


def _check_ranges(tokens: list[Token]) -> None:
    total = 1
    for k, tok in enumerate(tokens):
        if tok.kind != "word" or tok.text.lower() != "range" or _is_name_position(tokens, k):
            continue
        args = _range_args(tokens, k)
        if args is None or (k and _keyword_forms(tokens[k - 1].text) & {"UNWIND"}):
            continue  # `UNWIND range(...)` makes rows, and the timeout stops between rows
        values = [_literal_int(a) for a in args]
        if not 2 <= len(values) <= 3 or any(v is None for v in values):
            raise _unbounded("range() needs bounds written as whole numbers")
        start, end, step = (*values, 1)[:3] if len(values) == 2 else values
        assert start is not None and end is not None and step is not None
        if step == 0:
            raise _unbounded("range() with a step of 0 never ends")
        total *= max(0, (end - start) // step + 1)
        if total > MAX_RANGE_VALUES:
            raise _unbounded(f"range() over more than {MAX_RANGE_VALUES:,} values")


def check_read_only(cypher: str) -> None:
    """Raise QueryError("refused: <why> — the console is read-only") unless `cypher` only reads."""
    if not cypher.strip():
        raise QueryError("empty statement: type a Cypher query such as MATCH (n) RETURN n LIMIT 5")
    texts = {cypher, _decode_java_escapes(cypher)}
    for text in texts:
        tokens = list(tokenize(text))
        _check_tokens(tokens)
        _check_ranges(tokens)


def _without_final_semicolon(cypher: str) -> str:
    tokens = list(tokenize(cypher))
    if tokens and tokens[-1].text == ";" and tokens[-1].kind == "punct":
        return cypher[: tokens[-1].start] + cypher[tokens[-1].start + 1 :]
    return cypher


def run_read_only(
    driver: Any,
    database: str,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    row_limit: int = 1000,
    timeout: float = 30.0,
    byte_limit: int | None = DEFAULT_BYTE_LIMIT,
) -> QueryResult:
    """Check `cypher`, then run it in READ access mode with a timeout, capped at `row_limit`
    rows and about `byte_limit` bytes."""
    check_read_only(cypher)
    return execute_read(
        driver,
        database,
        _without_final_semicolon(cypher),
        dict(params or {}),
        row_limit,
        timeout,
        byte_limit,
    )


# ---- execution shared with the named queries ---------------------------------------------------

MAX_PARAM_NESTING = 64  # lists and maps inside a parameter
_INT64 = (-(2**63), 2**63 - 1)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: bytes that were not UTF-8 on the way in
        return False
    return True


def check_payload(cypher: str, params: Mapping[str, Any]) -> None:
    """What Neo4j cannot receive is one QueryError, before the driver sees it: text that is not
    UTF-8, integers beyond 64 bits, parameters nested deeper than MAX_PARAM_NESTING (walked
    without recursion, so any depth is safe to check)."""
    if not _utf8(cypher):
        raise QueryError("the statement holds bytes that are not UTF-8 text: retype it in UTF-8")
    stack: list[tuple[Any, int]] = [(dict(params), 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_PARAM_NESTING:
            raise QueryError(f"a parameter is nested more than {MAX_PARAM_NESTING} levels deep")
        if isinstance(value, str):
            if not _utf8(value):
                raise QueryError("a parameter holds bytes that are not UTF-8 text")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not _INT64[0] <= value <= _INT64[1]:
                raise QueryError(
                    "an integer parameter does not fit in 64 bits (Neo4j integers range from "
                    "-2^63 to 2^63-1): pass it as a string"
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str) or not _utf8(key):
                    raise QueryError("a parameter name is not UTF-8 text")
                stack.append((item, depth + 1))
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1) for item in value)


def execute_read(
    driver: Any,
    database: str,
    cypher: str,
    params: Mapping[str, Any],
    row_limit: int,
    timeout: float,
    byte_limit: int | None = DEFAULT_BYTE_LIMIT,
) -> QueryResult:
    """Run `cypher` in a READ session inside `execute_read`; fetch at most `row_limit` rows and,
    when `byte_limit` is given, stop before the row that takes the rows past about that many
    bytes (the first row is always kept: one row is bounded by the server's memory limit)."""
    import neo4j

    check_payload(cypher, params)
    note = ""

    @neo4j.unit_of_work(timeout=timeout)
    def work(tx: Any) -> tuple[list[str], list[Any], bool]:
        nonlocal note
        result = tx.run(cypher, dict(params))
        records: list[Any] = []
        size = 0
        for record in result:
            if len(records) >= row_limit:
                note = f"results truncated to {len(records):,} rows (CASEGRAPH_ROW_LIMIT)"
                break
            if byte_limit is not None:
                size += approximate_size(record.values())
                if records and size > byte_limit:
                    note = (
                        f"results truncated to {len(records):,} rows: the next row takes them "
                        f"past {byte_limit / 2**20:,.0f} MB (CASEGRAPH_RESULT_MB)"
                    )
                    break
            records.append(record)
        return list(result.keys()), records, bool(note)

    try:
        with driver.session(
            database=database,
            default_access_mode=neo4j.READ_ACCESS,
            notifications_disabled_classifications=["UNRECOGNIZED", "PERFORMANCE", "HINT"],
        ) as session:
            keys, records, truncated = session.execute_read(work)
    except neo4j.exceptions.DriverError as exc:
        raise describe_error(exc) from None
    except neo4j.exceptions.Neo4jError as exc:
        raise describe_error(exc) from None
    return to_result(keys, records, truncated, note)


def approximate_size(values: Any) -> int:
    """About how many bytes `values` take once rendered: text by its length, numbers and other
    scalars 8, containers, nodes, relationships and paths by their parts (walked without
    recursion)."""
    size, stack = 0, [values]
    while stack:
        value = stack.pop()
        if isinstance(value, str | bytes | bytearray):
            size += len(value) + 2
        elif isinstance(value, Mapping):
            size += 2
            for key, item in value.items():
                size += len(str(key)) + 2
                stack.append(item)
        elif isinstance(value, list | tuple):
            size += 2
            stack.extend(value)
        elif hasattr(value, "nodes") and hasattr(value, "relationships"):  # a path
            stack.extend([list(value.nodes), list(value.relationships)])
        elif hasattr(value, "element_id") and hasattr(value, "items"):  # node or relationship
            size += len(value.element_id) + 16
            stack.append(dict(value.items()))
        else:
            size += 8
    return size


def to_result(keys: list[str], records: list[Any], truncated: bool, note: str = "") -> QueryResult:
    """Plain rows (nodes, relationships and paths rendered readably) plus the graph parts."""
    from graph.queries import GraphCollector

    graph = GraphCollector()
    rows = [{k: graph.plain(record[k]) for k in keys} for record in records]
    return QueryResult(keys, rows, truncated, graph.node_list(), graph.relationship_list(), note)


def compact(cypher: str) -> str:
    """One-line form of a statement, for messages."""
    return _SPACE.sub(" ", cypher).strip()
