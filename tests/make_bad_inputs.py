"""Write the bad-input fixtures of issue 7 into a folder (generated, never committed).

    python tests/make_bad_inputs.py OUT_DIR

Creates, beside two good inputs (good.txt, good.jsonl rows), one file or folder per bad input
and returns their names. The 20 MB file is why these are generated and not committed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

GOOD_SENTENCE = "Police in Lyon arrested two men on Tuesday after a long fraud investigation.\n"

# name -> what read_sources must report (None: readable despite being odd, an Article)
BAD_INPUTS: dict[str, str | None] = {
    "empty.txt": "empty",
    "binary.txt": "binary",
    "invalid-utf8.txt": None,
    "huge.txt": "too large",
    "deep.html": None,
    "corpus.jsonl#3": "JSON",
    "no-text-column.csv": "--text-field",
    "unreadable.txt": "permission",
    "loop": "loop",
    "missing.txt": "no such file",
}


def make_bad_inputs(out: Path) -> dict[str, str | None]:
    """Create every fixture under `out`; return BAD_INPUTS (names relative to `out`)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "good.txt").write_text("A good article\n\n" + GOOD_SENTENCE, encoding="utf-8")
    (out / "empty.txt").write_bytes(b"")
    (out / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (out / "invalid-utf8.txt").write_bytes(
        b"Caf\xe9 owner charged\n\nThe owner of the caf\xe9 in Nice was charged with fraud "
        b"by prosecutors on Monday after an investigation.\n"
    )
    _write_huge(out / "huge.txt", 20 * 1024 * 1024)
    depth = 5000
    deep = "<div>" * depth + f"<p>{GOOD_SENTENCE}</p>" + "</div>" * depth
    (out / "deep.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    rows = [
        json.dumps({"title": "Row one", "text": GOOD_SENTENCE}),
        json.dumps({"title": "Row two", "text": "Prosecutors in Oslo charged a man with theft."}),
        '{"title": "Broken row", "text": "unterminated',
        json.dumps({"title": "Row four", "text": "Customs officers in Porto seized cocaine."}),
    ]
    (out / "corpus.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (out / "no-text-column.csv").write_text("title,summary\nA,B\n", encoding="utf-8")
    unreadable = out / "unreadable.txt"
    unreadable.write_text(GOOD_SENTENCE, encoding="utf-8")
    unreadable.chmod(0)
    loop = out / "loop" / "inner"
    loop.mkdir(parents=True, exist_ok=True)
    (loop / "story.txt").write_text("A story in a loop\n\n" + GOOD_SENTENCE, encoding="utf-8")
    if not (loop / "back").is_symlink():
        os.symlink("..", loop / "back")
    return dict(BAD_INPUTS)


def _write_huge(path: Path, size: int) -> None:
    paragraph = (GOOD_SENTENCE + "The suspects were released on bail pending a hearing.\n\n") * 50
    with path.open("w", encoding="utf-8") as f:
        f.write("A very long report\n\n")
        written = 0
        while written < size:
            written += f.write(paragraph)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/make_bad_inputs.py OUT_DIR")
    for name in make_bad_inputs(Path(sys.argv[1])):
        print(name)
