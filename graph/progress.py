"""A terminal progress display (rich) that shows articles/s and stays silent when disabled."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn


class Progress:
    """Counts articles (and words); renders only when `enabled` (a terminal, not --json)."""

    def __init__(self, enabled: bool, label: str, total: int | None = None) -> None:
        self.enabled = enabled
        self.label = label
        self.count = 0
        self.words = 0
        self._started = time.perf_counter()
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self._total = total

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar = RichProgress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                TextColumn("{task.completed} articles"),
                TextColumn("{task.fields[rate]:.1f} articles/s"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self._total, rate=0.0)
        return self

    def advance(self, n: int = 1, words: int = 0) -> None:
        self.count += n
        self.words += words
        if self._bar is not None and self._task is not None:
            rate = self.count / max(time.perf_counter() - self._started, 1e-9)
            self._bar.update(self._task, advance=n, rate=rate)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, tb)
