"""`make soak` in small: `casegraph extract` on a seeded 500-article sample of every source."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import soak

pytestmark = pytest.mark.slow


@pytest.mark.skipif(not soak.DATA.is_dir(), reason="../shared/data is not beside the checkout")
def test_no_article_of_a_sample_of_every_source_fails(tmp_path: Path) -> None:
    corpus = soak.build(tmp_path, sample=500, seed=20261204)
    assert all(n > 0 for n in corpus.articles.values()), corpus.articles
    assert 480 <= sum(corpus.articles.values()) <= 520
    result = soak.run(corpus, workers=2, casegraph=soak.casegraph_command())
    assert result.failed == []
    assert result.exit_code == 0
    assert result.extracted == sum(corpus.articles.values())
