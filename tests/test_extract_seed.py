"""The "done when" list of issue 3 for the seed article (tests/fixtures/extract/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.records import Extraction
from tests.extract_support import facts, run

SEED = Path(__file__).parent / "fixtures" / "extract" / "seed-telegram-korea.txt"


@pytest.fixture(scope="module")
def seed() -> Extraction:
    from ingest.clean import clean_text

    return run(clean_text(SEED.read_text("utf-8")))


def test_seed_entities(seed: Extraction) -> None:
    by_name = {e.name: e for e in seed.entities}
    assert by_name["Telegram"].kind == "Platform"
    assert by_name["Pavel Durov"].kind == "Person" and "Durov" in by_name["Pavel Durov"].aliases
    assert by_name["South Korea"].iso == "KR"
    assert by_name["National Office of Investigation"].kind == "Agency"
    assert by_name["South Korean police"].kind == "Agency"
    assert by_name["French law enforcement"].kind == "Agency"


def test_seed_facts(seed: Extraction) -> None:
    f = facts(seed)
    assert ("FOUNDED", "Pavel Durov", "Telegram") in f
    assert any(t == "CHARGED_WITH" and s == "Pavel Durov" for t, s, _ in f)
    assert ("LEADS", "Woo Jong-soo", "National Office of Investigation") in f
    assert ("BELONGS_TO", "National Office of Investigation", "South Korea") in f
    assert ("INVESTIGATES", "South Korean police", "Telegram") in f
    assert ("REFUSES_DATA_TO", "Telegram", "South Korean police") in f
    names = {e.id: e.name for e in seed.entities}
    coop = [r for r in seed.relations if r.type == "COOPERATES_WITH"]
    assert [({names[r.source], names[r.target]}, r.status) for r in coop] == [
        ({"South Korean police", "French law enforcement"}, "sought")
    ]


def test_seed_cases(seed: Extraction) -> None:
    names = {e.id: e.name for e in seed.entities}
    cases = {(c.jurisdiction, c.kind, tuple(names[t] for t in c.targets)) for c in seed.cases}
    assert ("KR", "investigation", ("Telegram",)) in cases
    assert any(j == "FR" and targets == ("Pavel Durov",) for j, _, targets in cases)
    assert len(seed.cases) == 2


def test_seed_page_furniture_gives_no_entities(seed: Extraction) -> None:
    names = {e.name for e in seed.entities}
    assert not names & {"Bybit", "Upbit", "Ethena Labs", "Grayscale", "COINOTAG", "Pepe"}


def test_seed_extract_json_shape(seed: Extraction) -> None:
    out = seed.to_json()
    ids = {e["id"] for e in out["entities"]}
    assert all(r["source"] in ids and r["target"] in ids for r in out["relations"])
    assert all(e["iso"] for e in out["entities"] if e["kind"] == "Jurisdiction")


def test_co_defendants_share_one_case_and_an_arrest_abroad_is_an_operation() -> None:
    from tests.extract_support import run

    ex = run(
        "A one-count indictment charged Bryan Arce, Don Man Duong and Hogan Ho with conspiracy "
        "to commit money laundering in the United States. The U.S. Marshals Service arrested "
        "Shilo Watts in Texas on Monday."
    )  # an arrest with no charge stated ("wanted for X" reads as a charge: then a prosecution)
    names = {e.id: e.name for e in ex.entities}
    prosecutions = [c for c in ex.cases if c.kind == "prosecution"]
    assert any({"Bryan Arce", "Hogan Ho"} <= {names[t] for t in c.targets} for c in prosecutions)
    ops = [c for c in ex.cases if c.kind == "operation"]
    assert any(names[c.targets[0]] == "Shilo Watts" and c.jurisdiction == "US" for c in ops)


def test_extradited_defendant_is_prosecuted_where_sent() -> None:
    from tests.extract_support import run

    ex = run(
        "WASHINGTON - The United States has extradited Sulejman Mujagic, a citizen of Bosnia and "
        "Herzegovina, to stand trial in Bosnia for charges relating to torture. The U.S. "
        "Department of Justice filed a complaint, and HSI special agents arrested Mujagic."
    )
    juris = {(c.kind, c.jurisdiction) for c in ex.cases}
    assert ("prosecution", "BA") in juris
