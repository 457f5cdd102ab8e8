"""Typed facts, one rule family per test, on sentences from the gold texts (DOJ releases and
the seed article), and the cases assembled from them.

These test the rules' constructions on their own (CASEGRAPH_KINDS_MODEL=none), except where a
test needs the shipped kinds model to find its entities (`run_model`); the classifiers'
decisions are tested in test_kinds.py and measured by `make eval`.
"""

from __future__ import annotations

import pytest

from graph import ontology
from ingest.entities import Found
from ingest.nlp import load_nlp
from ingest.resolve import resolve
from tests.extract_support import entities, facts
from tests.extract_support import run as run_model
from tests.extract_support import run_rules as run


def _assert_no_fact(rel: str | tuple[str, ...], text: str) -> None:
    """The rules find no fact of type `rel` (or of any of the types) in `text`."""
    types = (rel,) if isinstance(rel, str) else rel
    found = facts(run(text))
    assert not any(r in types for r, _, _ in found), found


def test_leads_from_apposition_and_title_before_name() -> None:
    f = facts(
        run(
            "Woo Jong-soo, head of South Korea’s National Office of Investigation, highlighted "
            "the challenges. “We commend them,” said INTERPOL Washington Director Shawn Bray."
        )
    )
    assert ("LEADS", "Woo Jong-soo", "National Office of Investigation") in f
    assert ("LEADS", "Shawn Bray", "INTERPOL Washington") in f


def test_founded_from_title_before_name() -> None:
    f = facts(
        run(
            "Recent developments in France, where Telegram founder Pavel Durov has faced "
            "serious legal challenges, provide a backdrop."
        )
    )
    assert ("FOUNDED", "Pavel Durov", "Telegram") in f


def test_member_of_for_units_named_with_their_parent() -> None:
    f = facts(
        run(
            "“I commend NOAA, the USCG and Interpol Washington's Economic Crimes Division "
            "representatives for their efforts,” said Bruce Buckson, Director of NOAA's Office "
            "of Law Enforcement."
        )
    )
    assert ("MEMBER_OF", "Economic Crimes Division", "INTERPOL Washington") in f
    assert ("LEADS", "Bruce Buckson", "Office of Law Enforcement") in f


def test_belongs_to_from_names_data_and_demonyms() -> None:
    f = facts(
        run(
            "Based on the efforts of investigators from the U.S. Marshals Service and Omani "
            "police, Watts was returned to the United States. South Korea’s National Office of "
            "Investigation also helped."
        )
    )
    assert ("BELONGS_TO", "U.S. Marshals Service", "United States") in f
    assert ("BELONGS_TO", "Omani police", "Oman") in f
    assert ("BELONGS_TO", "National Office of Investigation", "South Korea") in f


def test_cooperation_with_status_sought() -> None:
    ex = run(
        "In a bid to bolster the effectiveness of their investigation, South Korean authorities "
        "are seeking to collaborate closely with French law enforcement."
    )
    rels = [r for r in ex.relations if r.type == "COOPERATES_WITH"]
    assert len(rels) == 1 and rels[0].status == "sought"
    assert rels[0].sentence.startswith("In a bid") and rels[0].rule.startswith("cooperates")


def test_charges_and_convictions_link_people_to_offences() -> None:
    f = facts(
        run(
            "Durov was arrested and subsequently released on a substantial bail, facing "
            "accusations that include the circulation of child abuse images and drug-related "
            "offenses. John Smith pleaded guilty to wire fraud and money laundering."
        )
    )
    assert ("CHARGED_WITH", "Durov", "circulation of child abuse images") in f
    assert ("CONVICTED_OF", "John Smith", "wire fraud") in f
    assert ("CONVICTED_OF", "John Smith", "money laundering") in f


def test_investigation_arrest_extradition_and_residence() -> None:
    f = facts(
        run(
            "WASHINGTON - INTERPOL Washington announced the capture and return of Shilo Watts, "
            "38, a United States citizen and resident of Atascosa County, Texas from Oman to the "
            "United States. The U.S. Marshals Service located, arrested and returned Watts."
        )
    )
    assert ("BASED_IN", "Shilo Watts", "United States") in f
    assert ("BASED_IN", "Shilo Watts", "Texas") in f
    assert ("EXTRADITED_TO", "Shilo Watts", "United States") in f
    assert ("ARRESTED", "U.S. Marshals Service", "Shilo Watts") in f
    assert ("INVESTIGATES", "U.S. Marshals Service", "Shilo Watts") in f


def test_platform_refuses_data_to_named_and_generic_law_enforcement() -> None:
    f = facts(
        run(
            "South Korean police opened an investigation into Telegram. Woo Jong-soo emphasized "
            "the difficulty in obtaining relevant investigation data from Telegram, which "
            "reportedly does not easily share account information with law enforcement agencies, "
            "including those in the United States."
        )
    )
    assert ("REFUSES_DATA_TO", "Telegram", "United States") in f
    assert ("REFUSES_DATA_TO", "Telegram", "South Korean police") in f


def test_every_fact_is_allowed_by_the_ontology_and_refers_to_entities() -> None:
    ex = run(
        "The U.S. Department of Justice filed a complaint against Lloyds TSB Bank plc, a British "
        "bank, which agreed to forfeit $350 million. The FBI and IRS-CI investigated the case."
    )
    kinds = {e.id: e.kind for e in ex.entities}
    for r in ex.relations:
        assert ontology.fact_allowed(r.type, kinds[r.source], kinds[r.target])
        assert ex.article.text[r.start : r.end] == r.sentence
    for c in ex.cases:
        assert c.kind in ontology.CASE_KINDS and c.status in ontology.CASE_STATUSES
        assert set(c.targets) | set(c.led_by) | set(c.offenses) <= set(kinds)
        assert c.jurisdiction_id is None or kinds[c.jurisdiction_id] == "Jurisdiction"


def test_cooperation_is_a_clique_for_co_investigators_and_a_star_for_assistance() -> None:
    f = facts(
        run(
            "This matter was investigated by the FDA’s Office of Criminal Investigations, the "
            "Defense Criminal Investigative Service and the Department of Health and Human "
            "Services Office of Inspector General. This case was investigated by HSI Buffalo, "
            "with assistance from the ICE Human Rights Violators and War Crimes Center and "
            "INTERPOL Washington."
        )
    )
    coop = {frozenset((s, t)) for r, s, t in f if r == "COOPERATES_WITH"}
    assert (
        frozenset(("Office of Criminal Investigations", "Defense Criminal Investigative Service"))
        in coop
    )
    assert frozenset(("HSI Buffalo", "INTERPOL Washington")) in coop
    # Partners of the same hub are not partners of each other.
    assert not any("INTERPOL Washington" in p and "War Crimes Center" in " ".join(p) for p in coop)


def test_cooperation_with_subject_and_combined_efforts() -> None:
    f = facts(
        run(
            "INTERPOL Washington credits the combined efforts of INTERPOL, the U.S. Marshals "
            "Service and the Office of International Affairs."
        )
    )
    coop = {frozenset((s, t)) for r, s, t in f if r == "COOPERATES_WITH"}
    assert frozenset(("INTERPOL Washington", "U.S. Marshals Service")) in coop
    assert frozenset(("INTERPOL Washington", "Office of International Affairs")) in coop
    assert frozenset(("U.S. Marshals Service", "Office of International Affairs")) not in coop


def test_charged_objects_of_the_charging_verb_with_conjuncts() -> None:
    f = facts(
        run(
            "A one-count indictment, unsealed in the Southern District of California, charged "
            "Bryan Arce, Don Man Duong and Hogan Ho with conspiracy to commit money laundering."
        )
    )
    for name in ("Bryan Arce", "Don Man Duong", "Hogan Ho"):
        assert ("CHARGED_WITH", name, "conspiracy to commit money laundering") in f


def test_an_offence_describing_a_group_is_not_its_charge() -> None:
    """ "the X ransomware gang": the offence word is part of the group's description."""
    f = facts(run("Members of the LockBit ransomware gang were arrested by Ukrainian police."))
    assert not any(t == "CHARGED_WITH" for t, _s, _o in f), f
    f = facts(run("LockBit was charged with extortion and money laundering by Ukrainian police."))
    assert ("CHARGED_WITH", "LockBit", "extortion") in f, f


def test_pleaded_guilty_with_a_list_after_the_colon() -> None:
    f = facts(
        run(
            "To date, 20 defendants have pleaded guilty to charges relating to the racketeering "
            "conspiracy: Phuong Quoc Truong; Anh Phuong Tran; Martin Lee Aronson."
        )
    )
    assert ("CONVICTED_OF", "Martin Lee Aronson", "racketeering conspiracy") in f
    assert ("CONVICTED_OF", "Anh Phuong Tran", "racketeering conspiracy") in f


def test_pronoun_subject_is_the_last_person_talked_about() -> None:
    f = facts(
        run(
            "Investigators located Maria Luca Zavoczki in Florida on Tuesday. She is wanted "
            "in Hungary for bank fraud."
        )
    )
    assert ("CHARGED_WITH", "Maria Luca Zavoczki", "bank fraud") in f


def test_member_of_for_a_list_of_people_of_a_unit() -> None:
    f = facts(
        run(
            "The case was handled by Trial Attorneys Ivana Nizich and Jay Bauer of the Human "
            "Rights and Special Prosecutions Section."
        )
    )
    assert ("MEMBER_OF", "Ivana Nizich", "Human Rights and Special Prosecutions Section") in f
    assert ("MEMBER_OF", "Jay Bauer", "Human Rights and Special Prosecutions Section") in f


def test_member_of_for_a_membership_list() -> None:
    f = facts(
        run(
            "The Corporate Fraud Task Force’s expanded roster includes the Federal Housing "
            "Finance Agency, the Federal Reserve and the Securities and Exchange Commission."
        )
    )
    members = {s for r, s, t in f if r == "MEMBER_OF" and t.endswith("Task Force")}
    assert {"Federal Housing Finance Agency", "Securities and Exchange Commission"} <= members


def test_arrest_agent_from_the_parse_and_pronoun_target() -> None:
    f = facts(
        run(
            "Investigators located Rodolfo Adolfo Gimenez in Miami. There, he was taken into "
            "custody by the Argentine National Police."
        )
    )
    assert ("ARRESTED", "Argentine National Police", "Rodolfo Adolfo Gimenez") in f


def test_no_title_fact_when_a_verb_separates_title_and_name() -> None:
    f = facts(run("HSI special agents arrested Sulejman Mujagic in Utica, New York."))
    assert not any(r == "MEMBER_OF" and s == "Sulejman Mujagic" for r, s, _ in f)


def test_extradition_destination_is_where_the_trial_is() -> None:
    f = facts(
        run(
            "WASHINGTON - The United States has extradited Sulejman Mujagic, a citizen of Bosnia "
            "and Herzegovina and a resident of Utica, New York, to stand trial in Bosnia for "
            "charges relating to the torture and murder of one prisoner of war. HSI special "
            "agents arrested Mujagic in Utica. Sanchez re-entered the United States after ICE "
            "removed him to Honduras in June 2012."
        )
    )
    assert ("EXTRADITED_TO", "Sulejman Mujagic", "Bosnia and Herzegovina") in f
    assert ("CHARGED_WITH", "Sulejman Mujagic", "torture") in f


def test_guilty_pleas_make_a_conviction() -> None:
    f = facts(
        run(
            "AMEC Construction Management Inc. (ACMI) also entered guilty pleas to felony fraud "
            "in the U.S. District Court for the Eastern District of Missouri."
        )
    )
    assert ("CONVICTED_OF", "AMEC Construction Management Inc.", "felony fraud") in f


def test_no_arrest_fact_from_a_warrant_of_arrest() -> None:
    f = facts(
        run(
            "According to the INTERPOL Red Notice and warrants of arrest issued by Federal "
            "Courts in Argentina, Rodolfo Adolfo Gimenez is implicated in unlawful imprisonment."
        )
    )
    assert not any(r == "ARRESTED" for r, _, _ in f)


def test_offences_brought_by_prosecutors_are_not_the_main_defendants() -> None:
    f = facts(
        run(
            "Phat Ngoc Tran, 35, pleaded guilty today to racketeering conspiracy. Tran admitted "
            "it. Prosecutors and agency attorneys have brought charges for accounting fraud, "
            "securities fraud and insider trading."
        )
    )
    assert ("CONVICTED_OF", "Phat Ngoc Tran", "racketeering conspiracy") in f
    assert not any(t == "securities fraud" for _, _, t in f)


def test_based_in_from_a_demonym_and_from_a_located_list() -> None:
    f = facts(
        run(
            "American pharmaceutical giant Eli Lilly and Company today agreed to plead guilty. "
            "Tran admitted to targeting casinos, including: Casino Rama, in Orillia, Ontario, "
            "Canada; Gold Strike Casino in Tunica, Miss.; and Sycuan Casino, in El Cajon, Calif."
        )
    )
    assert ("BASED_IN", "Eli Lilly and Company", "United States") in f
    assert ("BASED_IN", "Gold Strike Casino", "Mississippi") in f


def _based_in(text: str) -> set[tuple[str, str]]:
    """(name, place) of the BASED_IN facts the rules find in `text`."""
    return {(s, t) for r, s, t in facts(run(text)) if r == "BASED_IN"}


def test_a_place_in_one_names_parenthesis_is_not_the_next_names() -> None:
    based = _based_in(
        "The campaign hit Proton Mail (an encrypted email service based in Switzerland), "
        "Tutanota (a secure email provider based in Germany) and other services."
    )
    assert based == {("ProtonMail", "Switzerland"), ("Tutanota", "Germany")}


def test_a_demonym_before_a_description_with_joined_words_places_the_names_after_it() -> None:
    based = _based_in(
        "The South Korean electronics and appliance maker LG Electronics was hit. "
        "German auto-parts supplier Bosch said it was not affected. "
        "Israeli spyware firms NSO Group and Candiru were blacklisted. "
        "American software giant Globex and Initech were fined."
    )
    assert {
        ("LG Electronics", "South Korea"),
        ("Bosch", "Germany"),
        ("NSO Group", "Israel"),
        ("Candiru", "Israel"),
        ("Globex", "United States"),
    } <= based
    # one name described in the singular: the next name in the list is not placed by it
    assert ("Initech", "United States") not in based


def test_a_title_of_a_part_of_an_organisation_is_membership_not_leadership() -> None:
    f = facts(
        run(
            "Kaspersky's research head Jane Roe said the malware was new. "
            "FBI Director John Doe said the bureau would respond. "
            "Europol Executive Director Mary Major agreed. "
            "Sam Poe, director of threat research at the Electronic Frontier Foundation, said so. "
            "The National Crime Agency (NCA)'s Rick Moe, intelligence manager, said nothing."
        )
    )
    assert ("MEMBER_OF", "Jane Roe", "Kaspersky") in f
    assert ("LEADS", "Jane Roe", "Kaspersky") not in f
    assert ("LEADS", "John Doe", "Federal Bureau of Investigation") in f
    assert ("LEADS", "Mary Major", "Europol") in f
    assert ("MEMBER_OF", "Sam Poe", "Electronic Frontier Foundation") in f
    assert ("LEADS", "Sam Poe", "Electronic Frontier Foundation") not in f
    assert ("MEMBER_OF", "Rick Moe", "National Crime Agency") in f


def test_a_known_agency_belongs_to_its_country_named_anywhere_in_the_article() -> None:
    f = facts(
        run(
            "A man from Dover was arrested in the UK last week.\n\n"
            "He was arrested by Kent Police on Tuesday, and the White House said nothing. "
            "The CDC warned of fake vaccine cards sold in the United States."
        )
    )
    assert ("BELONGS_TO", "Kent Police", "United Kingdom") in f
    assert ("BELONGS_TO", "Centers for Disease Control and Prevention", "United States") in f


def test_a_no_break_space_reads_as_a_space() -> None:
    # News HTML writes "&nbsp;" between words; spaCy would make it a token of its own, between
    # a title and a name. Offsets stay those of the text given.
    text = "Kaspersky CTO and malware expert\u00a0Jane Roe\u00a0told reporters the leak was real."
    ex = run(text)
    assert ("MEMBER_OF", "Jane Roe", "Kaspersky") in facts(ex)
    (person,) = [e for e in ex.entities if e.name == "Jane Roe"]
    assert all(text[m.start : m.end] == m.text for m in person.mentions)


TRIGGER_TEXT = """Police sought records, then the bank's data. They filed the charges and filed
charges again; he pleaded guilty, was found guilty and entered a guilty plea. Agents
worked closely with Europol, working together with Eurojust, in conjunction with the FBI,
and combined efforts. The firm declined and did not share or provide data. He was taken
into custody, extradited, deported and the servers were seized. The company did not provide
any information to the investigators who sought it.

Investigators later obtained subpoenaed details from the platform."""


def test_trigger_finder_finds_what_a_spacy_matcher_finds() -> None:
    # The same matches as spaCy's Matcher over TRIGGERS (it is a faster stand-in), here on
    # text with one-token, optional-token and open-gap patterns and on a real article.
    from pathlib import Path

    import spacy
    from spacy.matcher import Matcher

    from ingest.relations import TRIGGERS, TriggerFinder

    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    for name, patterns in TRIGGERS.items():
        matcher.add(name, patterns)
    seed = Path(__file__).parent / "fixtures" / "extract" / "seed-telegram-korea.txt"
    finder = TriggerFinder()
    for text in (TRIGGER_TEXT, seed.read_text(encoding="utf-8")):
        doc = nlp(text)
        expected = sorted((nlp.vocab.strings[m], a, b) for m, a, b in matcher(doc))
        got = finder(doc)
        assert got == sorted(got, key=lambda x: (x[1], x[2]))  # document order
        assert sorted(got) == expected
        assert len({name for name, _, _ in got}) >= (8 if text == TRIGGER_TEXT else 2)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Anna Lopez, head of threat research at Sophos, said the gang was active.",
         ("MEMBER_OF", "Anna Lopez", "Sophos")),
        ("Mark Tanner, vice president of strategy at Mandiant, said so.",
         ("MEMBER_OF", "Mark Tanner", "Mandiant")),
        ("Kaspersky researcher Dmitri Volkov found the flaw.",
         ("MEMBER_OF", "Dmitri Volkov", "Kaspersky")),
        ("The flaw was found by Jana Novak from ESET last week.",
         ("MEMBER_OF", "Jana Novak", "ESET")),
        ("John Smith, CEO of Mandiant, said the company would not pay.",
         ("LEADS", "John Smith", "Mandiant")),
        ("Mandiant CEO Kevin Mandia said the gang was active.",
         ("LEADS", "Kevin Mandia", "Mandiant")),
        ("Hitesh Sheth, president and CEO at Vectra, compared the indictments.",
         ("LEADS", "Hitesh Sheth", "Vectra AI")),
        ("The takedown will hurt the gang, said Mandiant's Shane Huntley and Luca Nagy today.",
         ("MEMBER_OF", "Luca Nagy", "Mandiant")),
    ],
)  # fmt: skip
def test_quoted_experts_belong_to_their_employer(text: str, fact: tuple[str, str, str]) -> None:
    found = facts(run(text))
    assert fact in found
    if fact[0] == "MEMBER_OF":
        assert ("LEADS", fact[1], fact[2]) not in found  # a department's head is not the firm's


def test_an_unnamed_accused_is_not_the_platform_in_the_sentence() -> None:
    found = facts(
        run(
            "Twitter said the hackers took over 130 Twitter accounts. Twitter locked them.\n"
            "Joseph O'Connor, 22, was arrested in Spain.\n"
            "The UK national was also charged with cyberstalking unrelated to the Twitter hack."
        )
    )
    assert ("CHARGED_WITH", "Joseph O'Connor", "cyberstalking") in found
    assert not any(f[0] == "CHARGED_WITH" and f[1] == "Twitter" for f in found)


@pytest.mark.parametrize(
    ("text", "person", "place"),
    [
        ("Daniel Moreno, aka “Rockjaw,” 19, of Leeds, in the United Kingdom, was charged.",
         "Daniel Moreno", "United Kingdom"),
        ("Maria Lopez, 35, of Austin, Texas, pleaded guilty on Monday.", "Maria Lopez", "Texas"),
        ("Graham Ivan Clark, a Florida 17-year-old, pleaded guilty on Monday.",
         "Graham Ivan Clark", "Florida"),
        ("Nikos Varga aka “The Bull,” of Athens, Greece, was charged on Monday.", "Nikos Varga",
         "Greece"),
    ],
)  # fmt: skip
def test_a_person_of_a_place_is_based_there(text: str, person: str, place: str) -> None:
    found = facts(run(text))
    assert ("BASED_IN", person, place) in found
    assert {f[1] for f in found if f[0] == "BASED_IN"} == {person}  # not the alias


@pytest.mark.parametrize(
    "text",
    [
        "Europol and Eurojust dismantled the VPN service on Tuesday.",
        "He was arrested by Europol and Eurojust on Saturday.",
        "Europol and Eurojust are continuing to investigate the gang.",
        "Europol and Eurojust warned banks of a new fraud scheme on Monday.",
        "Europol and Eurojust issued a joint advisory about the botnet.",
    ],
)
def test_agencies_acting_together_cooperate(text: str) -> None:
    assert ("COOPERATES_WITH", "Europol", "Eurojust") in facts(run(text))


def test_a_handle_is_the_same_person_wherever_the_article_writes_it() -> None:
    doc = load_nlp("en_core_web_sm")(
        "Bull trades again. Prosecutors charged Nikos Varga aka “The Bull” on Monday."
    )
    words = [t.text for t in doc]
    varga, aka_bull = words.index("Nikos"), words.index("Bull", 2)
    found = [
        Found("Person", 0, 1, "Bull"),
        Found("Person", varga, varga + 2, "Nikos Varga"),
        Found("Person", aka_bull, aka_bull + 1, "Bull"),
    ]
    _, resolved = resolve(doc, found)
    assert [e.name for e in resolved.entities] == ["Nikos Varga"]


def test_a_name_in_capitals_is_not_preferred_as_the_entitys_name() -> None:
    doc = load_nlp("en_core_web_sm")(
        "The indictment names MARIA ELENA LOPEZ. Prosecutors said Maria Lopez ran the scheme."
    )
    words = [t.text for t in doc]
    caps, mixed = words.index("MARIA"), words.index("Maria")
    found = [
        Found("Person", caps, caps + 3, "MARIA ELENA LOPEZ"),
        Found("Person", mixed, mixed + 2, "Maria Lopez"),
    ]
    _, resolved = resolve(doc, found)
    assert [e.name for e in resolved.entities] == ["Maria Lopez"]
    assert "MARIA ELENA LOPEZ" in resolved.entities[0].aliases


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Acting US Attorney Dana Wirth said the site served criminals, the Justice Department "
         "said.", ("MEMBER_OF", "Dana Wirth", "U.S. Department of Justice")),
        ("Deputy Attorney General Ann Pike called it theft, the Justice Department said.",
         ("MEMBER_OF", "Ann Pike", "U.S. Department of Justice")),
        ("US Attorney General Mark Haddon said the Justice Department would act.",
         ("LEADS", "Mark Haddon", "U.S. Department of Justice")),
    ],
)  # fmt: skip
def test_justice_department_officials_are_known_by_their_titles(
    text: str, fact: tuple[str, str, str]
) -> None:
    assert fact in facts(run(text))


def test_a_us_attorney_placed_in_an_office_is_not_also_a_department_member() -> None:
    found = facts(run(
        "U.S. Attorney Dana Wirth of the U.S. Attorney's Office for the District of Alaska "
        "announced the charges, the Justice Department said."
    ))  # fmt: skip
    assert not any(f[1] == "Dana Wirth" and f[2] == "U.S. Department of Justice" for f in found)


def test_an_employers_job_title_is_not_part_of_its_name() -> None:
    ex = run("In a call with Emsisoft CTO Fabian Wosar, reporters were told the code is old.")
    assert "Emsisoft CTO" not in entities(ex)
    assert ("MEMBER_OF", "Fabian Wosar", "Emsisoft") in facts(ex)


@pytest.mark.parametrize(
    ("text", "not_charged"),
    [
        ("Former Veltrano employee charged with hacking and extorting the company.", "Veltrano"),
        ("Veltrano faced a ransomware attack in 2012 that damaged 30,000 workstations.",
         "Veltrano"),
        ("In Bahrain, Dana Wirth faced torture and sexual abuse in detention.", "Dana Wirth"),
    ],
)  # fmt: skip
def test_an_employer_or_a_victim_is_not_charged(text: str, not_charged: str) -> None:
    found = facts(run(text))
    assert not any(f[0] == "CHARGED_WITH" and f[1] == not_charged for f in found), found


def test_a_relative_clause_that_describes_an_agency_keeps_its_targets() -> None:
    found = facts(run("The FBI, which arrested Dana Wirth in May, said the case was closed."))
    assert ("ARRESTED", "Federal Bureau of Investigation", "Dana Wirth") in found, found


def test_an_agencys_own_indictment_leaves_the_unnamed_accused_to_the_article() -> None:
    found = facts(run(
        "Dana Wirth ran the Veltrano forum for years. The Justice Department's indictment "
        "charges the administrator with wire fraud."
    ))  # fmt: skip
    assert ("CHARGED_WITH", "Dana Wirth", "wire fraud") in found, found


def test_a_victim_or_the_outlet_told_is_not_the_target_of_a_proceeding() -> None:
    found = facts(run(
        "The FBI charged Dana Wirth, who hacked Veltrano accounts, and told the Harbor Gazette "
        "it would investigate."
    ))  # fmt: skip
    targets = {f[2] for f in found if f[0] in ("PROSECUTES", "INVESTIGATES")}
    assert "Veltrano" not in targets and "Harbor Gazette" not in targets, found


@pytest.mark.parametrize(
    "text",
    [
        "Dana Wirth faces wire fraud charges in New Jersey.",
        "Dana Wirth faces up to 20 years in prison for wire fraud.",
    ],
)
def test_facing_charges_or_prison_is_a_charge(text: str) -> None:
    assert ("CHARGED_WITH", "Dana Wirth", "wire fraud") in facts(run(text))


def test_people_working_with_an_agency_make_no_cooperation_of_the_main_agency() -> None:
    text = (
        "The US Treasury sanctioned four men on Monday. The Treasury said Ivan Kozak and Oleh "
        "Voloshyn are accused of working with Russia's Federal Security Service."
    )
    assert not any(f[0] == "COOPERATES_WITH" for f in facts(run(text)))
    found = facts(run("The US Treasury said it worked with the Federal Security Service."))
    assert any(f[0] == "COOPERATES_WITH" for f in found), found


def test_agencies_named_together_without_a_joint_act_do_not_cooperate() -> None:
    found = facts(run("Europol and Eurojust said ransomware is a growing threat."))
    assert not any(f[0] == "COOPERATES_WITH" for f in found)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Prosecutors requested the extradition of John Smith to the United States.",
         ("EXTRADITED_TO", "John Smith", "United States")),
        ("A court has approved the extradition of John Smith to the United States.",
         ("EXTRADITED_TO", "John Smith", "United States")),
        ("The FBI sought to arrest John Smith in Miami.",
         ("ARRESTED", "Federal Bureau of Investigation", "John Smith")),
    ],
)  # fmt: skip
def test_a_wanted_arrest_or_extradition_is_not_one_that_happened(
    text: str, fact: tuple[str, str, str]
) -> None:
    assert fact not in facts(run(text))


def test_a_done_extradition_and_arrest_are_facts() -> None:
    found = facts(run("John Smith was extradited to the United States. The FBI arrested him."))
    assert ("EXTRADITED_TO", "John Smith", "United States") in found
    assert ("ARRESTED", "Federal Bureau of Investigation", "John Smith") in found


def test_a_founder_named_with_the_title_before_the_name_is_not_also_a_member() -> None:
    found = facts(run("Mandiant founder Kevin Mandia spoke at the conference."))
    assert ("FOUNDED", "Kevin Mandia", "Mandiant") in found
    assert ("MEMBER_OF", "Kevin Mandia", "Mandiant") not in found


def test_the_parties_listed_in_an_operation_cooperate_with_its_leader() -> None:
    text = (
        "Europol coordinated the takedown of the botnet. The operation involved police from "
        "Germany, Poland and Canada. This included: the Federal Bureau of Investigation, the "
        "National Crime Agency and the Dutch National Police."
    )
    coop = {(s, t) for r, s, t in facts(run(text)) if r == "COOPERATES_WITH"}
    hub = {frozenset(p) for p in coop if "Europol" in p}
    # "police from Germany, Poland and Canada": the countries take part, the first one too
    assert {frozenset(("Europol", c)) for c in ("Germany", "Poland", "Canada")} <= hub
    partners = ("Federal Bureau of Investigation", "National Crime Agency", "Dutch National Police")
    assert {frozenset(("Europol", a)) for a in partners} <= hub


def test_the_countries_of_law_enforcement_actions_cooperate_with_the_operations_leader() -> None:
    text = (
        "Europol announced the takedown of a VPN service used by ransomware gangs. It involved "
        "simultaneous law enforcement actions in Germany, the Netherlands, Canada and France."
    )
    coop = {frozenset((s, t)) for r, s, t in facts(run(text)) if r == "COOPERATES_WITH"}
    expected = {frozenset(("Europol", c)) for c in ("Germany", "Netherlands", "Canada", "France")}
    assert expected <= coop, coop


def test_agencies_that_lent_aid_to_an_operation_cooperate_with_its_leader() -> None:
    text = (
        "The arrests were carried out by officers of the Ukrainian National Police, with aid "
        "from the French Gendarmerie, the FBI and Europol."
    )
    coop = {frozenset((s, t)) for r, s, t in facts(run(text)) if r == "COOPERATES_WITH"}
    partners = ("Gendarmerie nationale", "Federal Bureau of Investigation", "Europol")
    assert {frozenset(("National Police of Ukraine", p)) for p in partners} <= coop, coop


def test_victims_listed_after_including_are_not_partners() -> None:
    text = (
        "Europol opened an investigation into the gang. Its victims included the Ministry of "
        "Health, the Federal Bureau of Investigation and the National Crime Agency."
    )
    assert not any(r == "COOPERATES_WITH" for r, _s, _t in facts(run(text)))


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("The FBI took Daniel Moreno into custody on Tuesday.",
         ("ARRESTED", "Federal Bureau of Investigation", "Daniel Moreno")),
        ("Europol announced the arrest of Daniel Moreno in Madrid.",
         ("ARRESTED", "Europol", "Daniel Moreno")),
        ("The Justice Department announced the indictment of Daniel Moreno on Monday.",
         ("PROSECUTES", "U.S. Department of Justice", "Daniel Moreno")),
        ("Europol coordinated the takedown of Ruxmart, a darknet market.",
         ("SEIZED", "Europol", "Ruxmart")),
        ("According to the Justice Department, Daniel Moreno faces up to 20 years in prison.",
         ("PROSECUTES", "U.S. Department of Justice", "Daniel Moreno")),
        ("Daniel Moreno was extradited to the United States on Friday.",
         ("EXTRADITED_TO", "Daniel Moreno", "United States")),
    ],
)  # fmt: skip
def test_news_constructions_state_their_facts(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(run(text))


def test_a_warrant_for_an_arrest_is_not_an_arrest() -> None:
    found = facts(run("Europol issued a warrant for the arrest of Daniel Moreno."))
    assert not any(f[0] == "ARRESTED" for f in found)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Researchers Maria Lind and Daniel Moreno of Quorvane Security Inc. found the flaw.",
         ("MEMBER_OF", "Daniel Moreno", "Quorvane Security Inc.")),
        ("The Joint Cybercrime Action Taskforce includes the Federal Bureau of Investigation and "
         "the National Crime Agency.",
         ("MEMBER_OF", "National Crime Agency", "Joint Cybercrime Action Taskforce")),
    ],
)  # fmt: skip
def test_members_listed_with_their_group(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(run(text))


def test_evidence_is_the_sentence_without_the_breaks_around_it() -> None:
    """A paragraph break is a token of its own and can end spaCy's sentence: the quote a
    journalist reads, and the offsets the Read page highlights, leave it out."""
    ex = run(
        "Dutch police arrested Jan de Vries in Amsterdam.\n\n"
        "The FBI investigated Jan de Vries.\n\n\n"
        "Europol cooperated with the FBI.\n"
    )
    assert ex.relations
    for r in ex.relations:
        assert r.sentence == r.sentence.strip() and "\n\n" not in r.sentence, r
        assert ex.article.text[r.start : r.end] == r.sentence
    for c in ex.cases:
        assert c.sentence == c.sentence.strip()
        assert ex.article.text[c.start : c.end] == c.sentence


def test_triggers_are_found_once_per_document() -> None:
    """The facts and the cases read the same triggers: the second reader gets the first's."""
    from ingest.relations import find_triggers
    from tests.extract_support import rules_extractor

    doc = rules_extractor().nlp("Spanish police arrested Daniel Moreno, who was charged.")
    first = find_triggers(doc)
    assert {name for name, _s, _e in first} >= {"arrested", "charged"}
    assert find_triggers(doc) is first


def test_the_defendants_are_the_people_named_before() -> None:
    """ "The three defendants were charged with X": every person of the latest list, and only
    the offences the verb charges (not one named in another phrase of the sentence)."""
    text = (
        "A grand jury indicted Daniel Moreno, Maria Lind and Tomas Ekberg. The indictment was "
        "unsealed on Friday. The three defendants were charged with one count of wire fraud. "
        "These defendants admitted to visiting a dozen shops during the money laundering "
        "scheme."
    )
    found = facts(run(text))
    for person in ("Daniel Moreno", "Maria Lind", "Tomas Ekberg"):
        assert ("CHARGED_WITH", person, "wire fraud") in found
    assert not any("laundering" in t for _r, _s, t in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Timur Yunosov, a Positive Technologies researcher, said the risk still exists.",
         {("MEMBER_OF", "Timur Yunosov", "Positive Technologies")}),
        ("Richard Melick, Zimperium's director of product marketing, told reporters on Monday "
         "that users can act.", {("MEMBER_OF", "Richard Melick", "Zimperium")}),
        ("Kirill Samokutyaev and Mark Bergman, two alleged members of the Infraud "
         "Organization, have been placed under house arrest.",
         {("MEMBER_OF", "Kirill Samokutyaev", "Infraud Organization"),
          ("MEMBER_OF", "Mark Bergman", "Infraud Organization")}),
    ],
)  # fmt: skip
def test_an_employer_in_an_apposition_gives_the_affiliation(text: str, expected: set) -> None:
    f = facts(run(text))
    assert expected <= f, f


def test_an_apposition_without_a_title_after_the_employer_gives_no_affiliation() -> None:
    f = facts(run("Timur Yunosov, a Positive Technologies customer since 2019, said it was safe."))
    assert not any(r == "MEMBER_OF" for r, _, _ in f), f


def test_the_case_is_not_the_platform_the_story_is_about() -> None:
    text = (
        "Hackers took over Twitter accounts in July. Twitter said the attack hit 130 Twitter "
        "accounts. The DOJ said it worked with the FBI, Secret Service and IRS-Criminal "
        "Investigation Cyber Unit on the case."
    )
    f = facts(run(text))
    assert not any(r == "INVESTIGATES" and t == "Twitter" for r, _, t in f), f
    # a company charged is still what "the case" is about
    text = (
        "A criminal information charged Acme Bank Plc with fraud. Acme Bank Plc agreed to pay "
        "a fine. The case was investigated by the FBI."
    )
    f = facts(run(text))
    assert ("INVESTIGATES", "Federal Bureau of Investigation", "Acme Bank Plc") in f, f


def test_a_trigger_word_inside_a_name_is_no_act() -> None:
    text = (
        "Joseph Roe was charged over the hack. The DOJ said it worked with the FBI, Secret "
        "Service and IRS-Criminal Investigation Cyber Unit on the case."
    )
    _assert_no_fact("INVESTIGATES", text)


def test_took_is_a_seizure_only_when_it_took_something_down() -> None:
    f = facts(run("The FBI took down the RaidForums marketplace on Tuesday."))
    assert ("SEIZED", "Federal Bureau of Investigation", "RaidForums") in f, f
    f = facts(run("The FBI took over the RaidForums marketplace's Twitter account for a day."))
    assert not any(r == "SEIZED" for r, _, _ in f), f


def test_a_body_in_a_country_belongs_to_it() -> None:
    f = facts(run("The Hanover Police Department in Germany led the action against the service."))
    assert ("BELONGS_TO", "Hanover Police Department", "Germany") in f, f


def test_a_second_person_with_a_title_of_their_own_is_not_the_first_ones_colleague() -> None:
    text = (
        "On Monday, Intezer malware analyst Nicole Fishbein and cybersecurity researcher "
        "Ryan Robinson said the instances were exposed."
    )
    f = facts(run(text))
    assert ("MEMBER_OF", "Nicole Fishbein", "Intezer") in f, f
    assert ("MEMBER_OF", "Ryan Robinson", "Intezer") not in f, f


def test_a_refusal_to_pay_is_no_refusal_to_share_data() -> None:
    f = facts(run("Ubiquiti refused to pay and instead called the FBI, which identified the man."))
    assert not any(r == "REFUSES_DATA_TO" for r, _, _ in f), f
    f = facts(run("Telegram refused to share account data with the Korean National Police Agency."))
    assert any(r == "REFUSES_DATA_TO" and s == "Telegram" for r, s, _ in f), f


def test_a_victim_admitting_an_attack_is_not_convicted_of_it() -> None:
    f = facts(run("Cox Media Group recently admitted that it was hit with a ransomware attack."))
    assert not any(r == "CONVICTED_OF" for r, _, _ in f), f
    f = facts(run("Bandwidth Inc admitted to suffering a DDoS attack last week."))
    assert not any(r == "CONVICTED_OF" for r, _, _ in f), f
    f = facts(run("John Smith admitted to hacking the accounts."))
    assert ("CONVICTED_OF", "John Smith", "hacking") in f, f


def test_who_reports_an_incident_to_an_agency_is_not_investigated() -> None:
    for text in (
        "Acme Bank Plc said it reported the breach to the FBI, which is investigating the incident.",
        "Acme Bank Plc notified the FBI, which is now investigating.",
    ):
        f = facts(run(text))
        assert not any(r == "INVESTIGATES" for r, _, _ in f), f
    f = facts(run("The FBI is investigating Acme Bank Plc over the breach."))
    assert ("INVESTIGATES", "Federal Bureau of Investigation", "Acme Bank Plc") in f, f


def test_who_speaks_of_an_investigation_is_not_its_target() -> None:
    text = (
        "Health minister Marcelo Queiroga said criminals orchestrated the attack, and the "
        "Federal Police are investigating it."
    )
    _assert_no_fact("INVESTIGATES", text)


def test_a_chief_officer_is_a_member_not_the_head() -> None:
    text = "Europol chief information officer John Smith said the link was live."
    assert ("MEMBER_OF", "John Smith", "Europol") in facts(run(text))
    text = "Europol chief executive officer John Smith said the link was live."
    assert ("LEADS", "John Smith", "Europol") in facts(run(text))


def test_arresting_members_of_a_group_investigates_the_group() -> None:
    text = (
        "The Security Service of Ukraine has arrested five members of the international "
        "'Phoenix' hacking group."
    )
    f = facts(run(text))
    assert ("INVESTIGATES", "Security Service of Ukraine", "Phoenix") in f, f
    text = "The Security Service of Ukraine has arrested a man who hacked Phoenix Bank Plc."
    _assert_no_fact("INVESTIGATES", text)


def test_tracked_down_by_an_agency_is_investigated_by_it() -> None:
    f = facts(run("Graham Clark was tracked down by the FBI and charged within two weeks."))
    assert ("INVESTIGATES", "Federal Bureau of Investigation", "Graham Clark") in f, f


def test_what_one_admits_is_a_conviction_only_when_the_admission_names_it() -> None:
    text = (
        "NSO Group has admitted the attacks it sells for profit have led to violations of "
        "fundamental human rights."
    )
    _assert_no_fact("CONVICTED_OF", text)
    f = facts(run("John Smith admitted to hacking the accounts."))
    assert ("CONVICTED_OF", "John Smith", "hacking") in f, f


def test_an_allegation_alone_charges_no_one_the_sentence_does_not_name() -> None:
    text = (
        "John Roe, a security researcher, spoke at the conference. Critics said an alleged "
        "ransomware scheme was behind the outage."
    )
    _assert_no_fact("CHARGED_WITH", text)
    text = "John Roe was arrested on Monday. He faces charges of wire fraud, prosecutors said."
    f = facts(run(text))
    assert ("CHARGED_WITH", "John Roe", "wire fraud") in f, f


def test_a_person_working_with_an_agency_is_no_cooperation_of_another_agency() -> None:
    text = (
        "The Treasury Department noted that he was also involved in spreading misinformation "
        "and worked with the FSB."
    )
    _assert_no_fact("COOPERATES_WITH", text)
    f = facts(run("The FBI said it worked with Europol on the case."))
    assert ("COOPERATES_WITH", "Federal Bureau of Investigation", "Europol") in f, f


def test_the_agency_that_works_with_a_partner_is_the_verbs_subject_not_the_speaker() -> None:
    text = (
        "The Department of Homeland Security said the Transportation Security Administration "
        "worked with the Cybersecurity and Infrastructure Security Agency on the directives."
    )
    f = facts(run(text))
    tsa, cisa = (
        "Transportation Security Administration",
        "Cybersecurity and Infrastructure Security Agency",
    )
    assert ("COOPERATES_WITH", tsa, cisa) in f or ("COOPERATES_WITH", cisa, tsa) in f, f
    dhs = "U.S. Department of Homeland Security"
    assert not any(r == "COOPERATES_WITH" and dhs in (a, b) for r, a, b in f), f


def test_an_investigation_targets_who_the_trigger_governs_not_anyone_in_the_sentence() -> None:
    text = (
        "Senator Janet Rice asked for the Cellebrite contract, and the Australian Federal Police "
        "said disclosure would prejudice its criminal intelligence and investigation work."
    )
    _assert_no_fact("INVESTIGATES", text)
    f = facts(run("The FBI opened an investigation into the hacking of Colonial Pipeline."))
    assert ("INVESTIGATES", "Federal Bureau of Investigation", "Colonial Pipeline") in f, f


def test_the_owner_of_an_investigating_unit_is_not_its_target() -> None:
    text = "The Missouri State Highway Patrol's Digital Forensic Unit will investigate."
    _assert_no_fact("INVESTIGATES", text)


@pytest.mark.parametrize(
    "text",
    [
        "The FBI released an alert after the gang took down Memorial Health System last week.",
        "The FBI said Microsoft took down the Hydra Market servers.",
    ],
)
def test_a_takedown_by_someone_else_is_not_the_agencys_seizure(text: str) -> None:
    _assert_no_fact("SEIZED", text)
    f = facts(run("The FBI said agents took down the Hydra Market servers."))
    assert ("SEIZED", "Federal Bureau of Investigation", "Hydra Market") in f, f


@pytest.mark.parametrize(
    "text",
    [
        "The spyware was used against a UN war crimes investigator, and NSO Group is facing a "
        "massive lawsuit from Apple.",
        "Acme Corp faces a lawsuit over its products, said an expert on cybercrime.",
    ],
)
def test_an_offence_naming_an_officials_work_is_no_charge(text: str) -> None:
    _assert_no_fact("CHARGED_WITH", text)


@pytest.mark.parametrize(
    "text",
    [
        "Officials said Stephen Moreau may be charged with wire fraud.",
        "Prosecutors seek to convict Stephen Moreau of wire fraud.",
    ],
)
def test_a_charge_that_may_come_is_no_charge(text: str) -> None:
    _assert_no_fact(("CHARGED_WITH", "CONVICTED_OF"), text)


def test_a_trial_or_an_attempt_before_the_charge_keeps_it() -> None:
    f = facts(
        run(
            "John Smith was tried and convicted of wire fraud in May. He attempted to flee but "
            "was charged with bank fraud."
        )
    )
    assert ("CONVICTED_OF", "John Smith", "wire fraud") in f
    assert ("CHARGED_WITH", "John Smith", "bank fraud") in f


def test_who_files_a_complaint_with_an_agency_is_not_charged() -> None:
    text = (
        "Acme Telecom was hit by a cyberattack. Acme Telecom filed a complaint with the "
        "Attorney General's Office over the cyberattack."
    )
    f = facts(run_model(text))
    assert not any(r == "CHARGED_WITH" for r, _, _ in f), f
    text = "Acme Telecom was hit by a cyberattack. The FBI charged John Smith over the cyberattack."
    assert ("CHARGED_WITH", "John Smith", "cyberattack") in facts(run_model(text))


def test_alleged_as_the_adjective_of_something_else_charges_no_one() -> None:
    text = (
        "Of concern to Labor Senators Tim Ayres and Nita Green was the alleged lack of security "
        "of the certificates, with both criticising them for being forged through phishing attacks."
    )
    _assert_no_fact("CHARGED_WITH", text)
    for text in (
        "Alleged hacker John Doe was charged with wire fraud.",
        "John Doe was arrested over the alleged wire fraud.",
    ):
        assert ("CHARGED_WITH", "John Doe", "wire fraud") in facts(run(text)), text


def test_a_trigger_word_inside_an_unrecognised_capitalised_name_is_no_act() -> None:
    text = (
        "My guests today are Rich Struse, director of the MITRE Engenuity Center for Threat "
        "Informed Defense, and Alex Pinto, team lead of the Verizon Data Breach Investigations "
        "Report."
    )
    _assert_no_fact("INVESTIGATES", text)
    f = facts(run("The MITRE Engenuity Center said the FBI investigated Verizon."))
    assert ("INVESTIGATES", "Federal Bureau of Investigation", "Verizon") in f, f


def test_a_speakers_he_does_not_stand_for_the_target_of_the_act_he_reports() -> None:
    text = (
        "Marcelo Queiroga is the health minister. He added criminals orchestrated the attack, "
        "and the Federal Police are investigating it."
    )
    _assert_no_fact("INVESTIGATES", text)
    text = "John Smith fled to Spain. He was detained by the Spanish National Police on Monday."
    assert any(r == "ARRESTED" and b == "John Smith" for r, _, b in facts(run(text)))


def test_the_partners_of_a_cooperation_are_inside_its_phrase_and_not_their_owner() -> None:
    text = (
        'The Australian Electoral Commission ran the vote. "We work with a range of partners, '
        'including the Australian Signals Directorate," Jane Rogers told the Senate '
        "Intelligence Committee."
    )
    f = {(a, b) for r, a, b in facts(run(text)) if r == "COOPERATES_WITH"}
    assert f == {("Australian Electoral Commission", "Australian Signals Directorate")}, f
    text = (
        "The FBI issued the warning in coordination with DHS's Cybersecurity and Infrastructure "
        "Security Agency."
    )
    f = {(a, b) for r, a, b in facts(run(text)) if r == "COOPERATES_WITH"}
    assert f == {
        ("Federal Bureau of Investigation", "Cybersecurity and Infrastructure Security Agency")
    }, f


@pytest.mark.parametrize(
    "text",
    [
        "Senator John Tester's site showed an ad for a clinical health trial until you clicked "
        "through and found Viagra spam.",
        "Rachel Noble heads the agency. The attackers then tried to turn that initial access "
        "into a ransomware attack or extortion.",
        "Other scams begin with fake emails for costly Amazon or PayPal invoices that urge the "
        "victim to call the scammers to dispute the charge.",
    ],
)
def test_a_clinical_trial_an_attempt_or_a_billed_charge_is_no_charge(text: str) -> None:
    _assert_no_fact("CHARGED_WITH", text)


def test_a_trial_in_court_is_a_charge() -> None:
    text = "John Smith went on trial for wire fraud in New York on Monday."
    assert ("CHARGED_WITH", "John Smith", "wire fraud") in facts(run(text))


def test_a_joint_act_makes_partners_of_the_listed_agencies_not_of_the_adversary() -> None:
    text = (
        "In a third joint advisory published in April, the FBI, DHS, and CIA alerted US orgs of "
        "continued attacks linked to the Russian SVR against the US."
    )
    pairs = {frozenset((a, b)) for r, a, b in facts(run(text)) if r == "COOPERATES_WITH"}
    fbi, dhs, cia = (
        "Federal Bureau of Investigation",
        "U.S. Department of Homeland Security",
        "Central Intelligence Agency",
    )
    assert pairs == {frozenset((fbi, dhs)), frozenset((fbi, cia)), frozenset((dhs, cia))}, pairs


def test_a_persons_support_is_no_cooperation_of_agencies() -> None:
    text = (
        "Both Jessica Rosenworcel and Alvaro Bedoya worked for the Senate, and Rosenworcel's "
        "support of the Center on Privacy and Technology is known."
    )
    _assert_no_fact("COOPERATES_WITH", text)


@pytest.mark.parametrize(
    ("text", "person", "office"),
    [
        ('"We act," said Special Agent in Charge Ann Lee of the FBI\'s Boston Field Office.',
         "Ann Lee", "Boston Field Office"),
        ("Acting U.S. Attorney Tom Hale of the District of Alaska filed the case.",
         "Tom Hale", "District of Alaska"),
        ("Chief Judge Ruth Ames of the US District Court for the Western District of Texas ruled.",
         "Ruth Ames", "US District Court for the Western District of Texas"),
        ("Assistant Attorney General Kim Vance of the Justice Department's Criminal Division spoke.",
         "Kim Vance", "Criminal Division"),
    ],
)  # fmt: skip
def test_a_head_title_before_a_name_of_an_office_leads_it(
    text: str, person: str, office: str
) -> None:
    f = facts(run(text))
    assert ("LEADS", person, office) in f, f
    assert ("MEMBER_OF", person, office) not in f, f


@pytest.mark.parametrize(
    ("text", "person", "office"),
    [
        ("Trial Attorney Ann Lee of the Criminal Division handled the case.",
         "Ann Lee", "Criminal Division"),
        ("Assistant U.S. Attorney Tom Hale of the District of Alaska filed the case.",
         "Tom Hale", "District of Alaska"),
        ("Deputy Director Ruth Ames of the FBI's Cyber Division spoke.",
         "Ruth Ames", "Cyber Division"),
        ("Deputy Assistant Attorney General Kim Vance of the Criminal Division spoke.",
         "Kim Vance", "Criminal Division"),
    ],
)  # fmt: skip
def test_a_member_title_before_a_name_of_an_office_is_membership(
    text: str, person: str, office: str
) -> None:
    f = facts(run(text))
    assert ("LEADS", person, office) not in f, f


def test_a_rank_between_a_title_and_a_name_keeps_the_title() -> None:
    f = facts(run("U.S. Cyber Command chief Army Gen. Paul Nakasone declined to comment."))
    assert ("LEADS", "Paul Nakasone", "U.S. Cyber Command") in f, f


@pytest.mark.parametrize(
    ("text", "person", "employer"),
    [
        ("Tim Erlin, VP of Strategy at cybersecurity firm Tripwire, wrote in an email.",
         "Tim Erlin", "Tripwire"),
        ("Eric Kron, awareness advocate at the security firm KnowBe4, said so.",
         "Eric Kron", "KnowBe4"),
        ("Malwarebytes’ Jerome Segura pointed to the January arrest.",
         "Jerome Segura", "Malwarebytes"),
        ("Cato Networks senior director of security strategy Etay Maor questioned the bids.",
         "Etay Maor", "Cato Networks"),
        ("Huawei CFO Sabrina Meng returned to China.", "Sabrina Meng", "Huawei"),
    ],
)  # fmt: skip
def test_affiliations_as_news_writes_them(text: str, person: str, employer: str) -> None:
    f = facts(run(text))
    assert ("MEMBER_OF", person, employer) in f, f


@pytest.mark.parametrize(
    ("text", "agency", "accused"),
    [
        ("Canadian authorities have charged Matthew Philbert with fraud.",
         "Canadian authorities", "Matthew Philbert"),
        ("Joseph O'Connor was indicted by the Justice Department in July.",
         "U.S. Department of Justice", "Joseph O'Connor"),
        ("US authorities arrest and charge Nickolas Sharp with hacking his employer.",
         "US authorities", "Nickolas Sharp"),
        ("The DOJ announced charges against Garrett Endicott and eight others.",
         "U.S. Department of Justice", "Garrett Endicott"),
    ],
)  # fmt: skip
def test_the_agency_that_brings_charges_prosecutes(text: str, agency: str, accused: str) -> None:
    assert ("PROSECUTES", agency, accused) in facts(run(text))


def test_no_prosecution_from_charges_not_brought_or_by_another_subject() -> None:
    f = facts(run("The FBI did not charge Ann Lee, and prosecutors hope to indict Bo Park."))
    assert not any(t == "PROSECUTES" for t, _s, _o in f), f
    f = facts(run("Acme Corp said the FBI was investigating after Ann Lee was charged."))
    assert ("PROSECUTES", "Federal Bureau of Investigation", "Ann Lee") not in f, f
    # the indictment charges; the district named inside its phrase is not the verb's subject
    f = facts(run("An indictment unsealed in the Southern District of California charged Bo Lee."))
    assert not any(t == "PROSECUTES" for t, _s, _o in f), f


def test_cooperation_partners_listed_past_a_cut_parse_stay_partners() -> None:
    """The parser attaches "the Dutch National Police" outside the "with" phrase here; the
    list still goes on."""
    f = facts(run("The FBI worked with Europol, the Dutch National Police and Eurojust to take "
                  "down the market."))  # fmt: skip
    for partner in ("Europol", "Dutch National Police", "Eurojust"):
        assert ("COOPERATES_WITH", "Federal Bureau of Investigation", partner) in f, f


def test_a_title_belongs_to_the_nearest_name_before_it() -> None:
    f = facts(run("The FBI arrested Acme Corp CEO John Doe on Tuesday."))
    assert ("LEADS", "John Doe", "Acme Corp") in f
    assert ("LEADS", "John Doe", "Federal Bureau of Investigation") not in f


@pytest.mark.parametrize(
    "text",
    [
        "The FBI arrested Acme Corp CEO John Doe on Tuesday.",
        "Acme Corp CEO John Doe was arrested by the FBI on Tuesday.",
    ],
)
def test_a_company_executive_the_arrest_governs_is_arrested(text: str) -> None:
    f = facts(run(text))
    assert ("ARRESTED", "Federal Bureau of Investigation", "John Doe") in f
    assert ("LEADS", "John Doe", "Acme Corp") in f


def test_an_executive_charged_is_the_accused_not_the_company() -> None:
    f = facts(
        run(
            "Acme Corp CEO John Doe was arrested by the FBI on Tuesday. Doe was charged with "
            "wire fraud by the Justice Department."
        )
    )
    assert ("CHARGED_WITH", "John Doe", "wire fraud") in f
    assert ("CHARGED_WITH", "Acme Corp", "wire fraud") not in f


def test_an_executive_quoted_on_an_arrest_is_not_arrested() -> None:
    f = facts(run("The FBI arrested a suspect on Tuesday, said Acme Corp CEO John Doe."))
    assert not any(r == "ARRESTED" for r, _, _ in f), f


@pytest.mark.parametrize(
    "text",
    [
        "Stephen Moreau pleaded guilty to wire fraud, the Justice Department said on Friday.",
        "The Justice Department said Stephen Moreau had been charged with wire fraud.",
    ],
)
def test_a_prosecutor_reporting_a_proceeding_prosecutes_the_accused(text: str) -> None:
    assert ("PROSECUTES", "U.S. Department of Justice", "Stephen Moreau") in facts(run(text))


@pytest.mark.parametrize(
    "text",
    [
        "The FBI said Stephen Moreau had been charged with wire fraud.",
        "The Justice Department said Stephen Moreau was arrested in Spain.",
        "The Justice Department said Stephen Moreau may be charged with wire fraud.",
    ],
)
def test_no_prosecution_reported_by_an_investigator_or_of_an_arrest_alone(text: str) -> None:
    _assert_no_fact("PROSECUTES", text)


@pytest.mark.parametrize(
    "text",
    [
        "The Daily Beast reported this week that US Customs and Border Protection seized "
        "thousands of fake vaccination cards.",
        "Reuters said German police opened a case. Reuters reported that German police were "
        "investigating the case.",
    ],
)
def test_a_news_outlet_reporting_a_case_is_not_its_target(text: str) -> None:
    _assert_no_fact(("SEIZED", "INVESTIGATES"), text)


def test_an_articles_only_prosecutor_prosecutes_the_accused_of_other_sentences() -> None:
    text = (
        "Maria Lopez was charged with wire fraud on Monday. She faces up to 20 years in "
        "prison. The Justice Department announced the charges in Washington."
    )
    ex = run(text)
    assert ("PROSECUTES", "U.S. Department of Justice", "Maria Lopez") in facts(ex)
    fact = next(r for r in ex.relations if r.type == "PROSECUTES")
    assert fact.rule == "prosecutes.sole_prosecutor"
    assert fact.sentence == "The Justice Department announced the charges in Washington."


@pytest.mark.parametrize(
    "text",
    [
        # two prosecutors: which one brings the charge is not said
        "Maria Lopez was charged with wire fraud on Monday. The Justice Department and the Los "
        "Angeles County District Attorney's Office announced the charges.",
        # an investigator is no prosecutor
        "Maria Lopez was charged with wire fraud on Monday. The FBI investigated the case.",
        # a prosecutor, but no one charged or convicted
        "Maria Lopez was arrested on Monday. The Justice Department declined to comment.",
    ],
)
def test_no_prosecution_across_sentences_without_one_prosecutor_and_an_accused(text: str) -> None:
    _assert_no_fact("PROSECUTES", text)


def test_an_investigation_whose_object_goes_unsaid_is_of_the_accused() -> None:
    f = facts(
        run(
            "Ivan Petrov was arrested by the FBI and charged with espionage. Acme Corp said "
            "its systems were safe. The FBI and the NCIS are continuing to investigate."
        )
    )
    assert ("INVESTIGATES", "Naval Criminal Investigative Service", "Ivan Petrov") in f
    assert ("INVESTIGATES", "Naval Criminal Investigative Service", "Acme Corp") not in f


def test_an_unsaid_investigation_with_no_one_accused_targets_no_one() -> None:
    _assert_no_fact(
        "INVESTIGATES", "Acme Corp said its systems were hit. The FBI is investigating."
    )


def test_a_search_of_someones_home_investigates_them() -> None:
    f = facts(run("Days after the FBI raided his home, Ivan Petrov posed as a whistleblower."))
    assert ("INVESTIGATES", "Federal Bureau of Investigation", "Ivan Petrov") in f
    _assert_no_fact("INVESTIGATES", "The FBI raided a warehouse in Ohio owned by Acme Corp.")


@pytest.mark.parametrize(
    ("text", "person", "group"),
    [
        ("Ivan Petrov and Lev Orlov were members of the Krogan gang.", "Lev Orlov", "Krogan"),
        ("Before that, Ivan Petrov worked for the Transportation Security Administration.",
         "Ivan Petrov", "Transportation Security Administration"),
    ],
)  # fmt: skip
def test_a_membership_the_story_tells_is_membership(text: str, person: str, group: str) -> None:
    assert ("MEMBER_OF", person, group) in facts(run(text))


def test_an_accused_officer_of_a_service_stays_the_accused() -> None:
    # a membership the story tells makes no official: the officer is still charged
    f = facts(run("While working for the GRU, Ivan Petrov was charged with hacking by the DOJ."))
    assert ("MEMBER_OF", "Ivan Petrov", "GRU") in f
    assert ("CHARGED_WITH", "Ivan Petrov", "hacking") in f


@pytest.mark.parametrize(
    ("text", "person", "service"),
    [
        ("Security researcher Troy Hunt, who runs the HaveIBeenPwned website, posted it.",
         "Troy Hunt", "Have I Been Pwned"),
        ("Ivan Petrov also operated a web gateway service called Onion.city until 2019.",
         "Ivan Petrov", "Onion.city"),
    ],
)  # fmt: skip
def test_who_runs_a_service_leads_it(text: str, person: str, service: str) -> None:
    f = facts(run(text))
    assert ("LEADS", person, service) in f, f


def test_who_runs_a_service_is_no_official_and_can_be_charged() -> None:
    f = facts(
        run("Ivan Petrov ran the Hydra Market. Spanish police arrested Petrov and Lev Orlov.")
    )
    assert ("LEADS", "Ivan Petrov", "Hydra Market") in f, f
    assert ("ARRESTED", "Spanish police", "Ivan Petrov") in f, f


def test_a_person_whose_name_holds_news_is_no_news_outlet() -> None:
    """News outlets are no targets of a proceeding; a name with "news" in it makes one only
    when it is not a person's."""
    found = facts(run("The FBI arrested Karl Newsome in Miami."))
    assert ("ARRESTED", "Federal Bureau of Investigation", "Karl Newsome") in found, found
