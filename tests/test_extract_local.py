"""US local press releases (county prosecutors, sheriffs, city police): headline nouns, offices
named as titles, office holders, pronoun defendants, case titles. Sentences written for these
tests on the patterns of county prosecutors' releases; the names are invented.

These test the rules' constructions on their own (CASEGRAPH_KINDS_MODEL=none); the shipped
classifier's decisions are tested in test_kinds.py and measured by `make eval`.
"""

from __future__ import annotations

from tests.extract_support import entities, facts
from tests.extract_support import run_rules as run

_HEADLINE = (
    "Houston Man Sentenced to 40 Years for Killing Neighbor\n\n"
    "A Houston man was sentenced to 40 years in prison for killing his neighbor, Harris County "
    "District Attorney Maria Delgado announced. A jury sentenced Darnell Ray Whitfield, 31, to 40 "
    "years on Friday after convicting him of murder."
)


def test_generic_person_nouns_are_not_people() -> None:
    ex = run(_HEADLINE)
    kinds = entities(ex)
    assert "Houston Man" not in kinds and "Man" not in kinds
    assert kinds["Darnell Ray Whitfield"] == "Person"
    ex = run("Victim Identified as Brooklyn Woman. The Mother said the Driver fled the scene.")
    assert not [e.name for e in ex.entities if e.kind == "Person"]


def test_convicting_him_names_the_defendant_not_the_headline() -> None:
    f = facts(run(_HEADLINE))
    assert ("CONVICTED_OF", "Darnell Ray Whitfield", "murder") in f
    assert not any(src == "Maria Delgado" for _, src, _ in f if _ == "CONVICTED_OF")


def test_place_and_office_title_before_a_name_is_a_led_agency() -> None:
    ex = run(_HEADLINE)
    assert entities(ex)["Harris County District Attorney"] == "Agency"
    assert ("LEADS", "Maria Delgado", "Harris County District Attorney") in facts(ex)
    ex = run("Cook County State's Attorney Ellen Marsh announced charges against Tomas Reyes.")
    assert ("LEADS", "Ellen Marsh", "Cook County State's Attorney") in facts(ex)
    assert "Cook County State" not in entities(ex)


def test_bare_title_holder_leads_the_articles_office() -> None:
    ex = run(
        "The Dallas County District Attorney's Office announced that Maria Lopez, 34, pleaded "
        "guilty to theft. District Attorney John Barrow thanked the Dallas Police Department. "
        "Assistant District Attorney Jane Kell prosecuted the case."
    )
    f = facts(ex)
    assert ("LEADS", "John Barrow", "Dallas County District Attorney's Office") in f
    assert ("LEADS", "Jane Kell", "Dallas County District Attorney's Office") not in f


def test_people_v_caption_names_the_defendant() -> None:
    kinds = entities(run("The trial in People v. Kenneth Marlowe resumes Monday in Santa Ana."))
    assert kinds.get("Kenneth Marlowe") == "Person"
    assert not any(n.startswith("People") for n in kinds)


def test_judges_titled_justice_are_not_defendants() -> None:
    f = facts(
        run(
            "Brooklyn Supreme Court Justice Alan Brandt sentenced Marcus Webb, 27, after he was "
            "convicted of second-degree murder."
        )
    )
    assert not any(t == "CONVICTED_OF" and s == "Alan Brandt" for t, s, _ in f)


def test_case_without_a_known_jurisdiction_reads_naturally() -> None:
    ex = run("Marcus Webb, 27, was convicted of robbery by a jury on Tuesday.")
    titles = [c.title for c in ex.cases]
    assert titles and all("unknown" not in t for t in titles)
    assert "prosecution of Marcus Webb" in titles


def test_county_office_belongs_to_the_state_its_county_is_said_to_be_in() -> None:
    ex = run(
        "The Dallas County District Attorney's Office announced that Maria Lopez, 34, pleaded "
        "guilty to theft. The thefts happened in Dallas County, Texas, in 2021."
    )
    assert ("BELONGS_TO", "Dallas County District Attorney's Office", "Texas") in facts(ex)
    assert [c.jurisdiction for c in ex.cases] == ["US-TX"]


def test_county_prosecutors_case_is_american_not_where_the_defendant_fled() -> None:
    ex = run(
        "A Houston man was sentenced to 40 years for a murder, Harris County District Attorney "
        "Kim Ogg announced. Corey Campbell, 30, was convicted of murder after he fled to "
        "North Carolina."
    )
    assert [(c.jurisdiction, c.title) for c in ex.cases] == [
        ("US", "United States prosecution of Corey Campbell")
    ]


def test_office_title_and_office_are_one_agency() -> None:
    ex = run(
        "Brooklyn District Attorney Eric Gonzalez said the Brooklyn District Attorney's Office "
        "will host the event."
    )
    assert ("LEADS", "Eric Gonzalez", "Brooklyn District Attorney's Office") in facts(ex)
    assert [e.name for e in ex.entities if e.kind == "Agency"] == [
        "Brooklyn District Attorney's Office"
    ]


def test_office_of_the_state_attorney_is_one_agency_led_by_its_holder() -> None:
    ex = run(
        "Media Advisory - Office of the Miami-Dade State Attorney\n\nMiami-Dade State Attorney "
        "Carla Ruiz will hold a press conference on the charges."
    )
    assert [e.name for e in ex.entities if e.kind == "Agency"] == [
        "Office of the Miami-Dade State Attorney"
    ]
    assert ("LEADS", "Carla Ruiz", "Office of the Miami-Dade State Attorney") in facts(ex)


def test_press_contact_is_not_investigated() -> None:
    ex = run(
        "March 3, 2025 Contact: Jane Roe\n\nThe Dallas Police Department investigated the case "
        "and arrested her in May."
    )
    assert not [r for r in ex.relations if r.type in ("INVESTIGATES", "ARRESTED")]


def test_headline_relative_pronoun_does_not_make_an_organisation() -> None:
    ex = run("Houston Woman Who Killed Boy Sentenced to 52 Years in Prison\n\nThe case closed.")
    assert not [e.name for e in ex.entities if "Woman" in e.name]
