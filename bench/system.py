"""The machine and software the benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{_os_name()} (kernel {platform.release()})",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# The benchmark's own output: rewritten by every run, so a change there is not a change of
# what was measured.
_OUTPUTS = ("docs/BENCHMARKS.md", "docs/BENCHMARKS.json")


def commit() -> str:
    """The project's git commit, with `+changes` when the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=30, check=True).stdout.strip()  # fmt: skip
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=30).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    dirty = [line for line in status.splitlines() if line[3:].strip() not in _OUTPUTS]
    return head + (" +uncommitted changes" if dirty else "")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _java() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        return (done.stderr or done.stdout).splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def versions(model: str, status: Any) -> dict[str, Any]:
    """Versions of Python, spaCy, the model actually loaded, Neo4j, the driver and Java."""
    import neo4j
    import spacy

    from ingest.nlp import load_nlp

    nlp = load_nlp(model)  # the model casegraph really loads (it falls back when missing)
    package = str(nlp.meta.get("casegraph_model", model))
    return {
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "spacy_model_setting": model,
        "spacy_model_package": package,
        "spacy_model_version": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} "
        f"{nlp.meta.get('version')}",
        "neo4j": f"{status.version} {status.edition}",
        "neo4j_driver": neo4j.__version__,
        "java": _java(),
    }
