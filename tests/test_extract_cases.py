"""Case assembly: proceedings without a named target, and the country a case belongs to.

Sentences invented for these tests; the shipped pipeline (rules, kinds and fact classifiers),
except where a test says it reads the rules' entities only (`run_rules`).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ingest.records import Extraction
from tests.extract_support import run, run_rules


def _cases(
    text: str, extract: Callable[[str], Extraction] = run
) -> set[tuple[str | None, str, tuple[str, ...], tuple[str, ...]]]:
    ex = extract(text)
    names = {e.id: e.name for e in ex.entities}
    return {
        (
            c.jurisdiction,
            c.kind,
            tuple(names[t] for t in c.targets),
            tuple(names[a] for a in c.led_by),
        )
        for c in ex.cases
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spanish police arrested 23 suspects in a raid on a call centre in Valencia.",
         (("ES", "operation", (), ("Spanish police",)),)),
        ("Interpol arrested more than 1,000 suspects in a global crackdown on online fraud.",
         ((None, "operation", (), ("INTERPOL",)),)),
        ("The Australian Federal Police is investigating the leak of customer records.",
         (("AU", "investigation", (), ("Australian Federal Police",)),)),
    ],
)  # fmt: skip
def test_a_proceeding_against_unnamed_suspects_is_a_case(text: str, expected: tuple) -> None:
    assert _cases(text) == set(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Spanish police hope to arrest the rest of the gang soon.",  # irrealis
        "Spanish police said the gang sold fake tickets.",  # no act of a proceeding
    ],
)
def test_no_unnamed_case_without_an_actual_act(text: str) -> None:
    assert _cases(text) == set()


def test_a_named_target_makes_one_case_not_two() -> None:
    cases = _cases("Spanish police arrested Daniel Moreno in Madrid on Monday.")
    assert all(targets for _j, _k, targets, _l in cases), cases
    assert any(targets == ("Daniel Moreno",) for _j, _k, targets, _l in cases)


def test_a_case_is_in_its_leading_agency_country_not_the_suspect_hometown() -> None:
    text = (
        "The FBI charged Daniel Moreno, a 31-year-old man from Toronto, Canada, with wire fraud. "
        "Moreno was arrested by the FBI on Tuesday."
    )
    cases = _cases(text)
    assert {j for j, _k, targets, _l in cases if targets == ("Daniel Moreno",)} == {"US"}


def test_a_prosecution_is_in_the_country_the_accused_was_extradited_to() -> None:
    # Extradited to the country of the article's own agencies: tried there, not where arrested.
    text = (
        "The U.S. Department of Justice announced the sentencing of Ivan Petrov on Tuesday. "
        "Petrov was arrested in Bulgaria in 2019 and extradited to the United States a year "
        "later. Petrov was convicted of wire fraud in May."
    )
    cases = _cases(text)
    assert {j for j, k, targets, _l in cases if k == "prosecution"} == {"US"}


def test_an_arrest_by_the_country_of_the_case_is_not_a_second_case() -> None:
    cases = _cases(
        "The FBI arrested Daniel Moreno in Chicago on Tuesday. Moreno was charged with wire "
        "fraud by federal prosecutors."
    )
    assert {(j, k) for j, k, targets, _l in cases if targets == ("Daniel Moreno",)} == {
        ("US", "prosecution")
    }


def test_an_arrest_that_already_makes_a_case_is_not_a_second_operation() -> None:
    cases = _cases(
        "FBI agents and the Naval Criminal Investigative Service arrested Diana Moreno in West "
        "Virginia. The FBI said Moreno had sold the plans."
    )
    assert len([c for c in cases if c[2] == ("Diana Moreno",)]) == 1, cases


def test_sanctions_and_fines_are_regulatory_cases_in_the_regulator_country() -> None:
    cases = _cases(
        "The US Treasury Department sanctioned Quorvane Security Inc. and Daniel Moreno on Monday."
    )
    regulatory = [c for c in cases if c[1] == "regulatory"]
    assert len(regulatory) == 1
    jurisdiction, _kind, targets, leaders = regulatory[0]
    assert jurisdiction == "US" and set(targets) == {"Quorvane Security Inc.", "Daniel Moreno"}
    assert leaders


def test_sanctions_on_other_targets_in_other_sentences_are_other_cases() -> None:
    cases = _cases(
        "The US Treasury Department sanctioned Quorvane Security Inc. on Monday. Daniel Moreno "
        "was sanctioned by the US Treasury Department in 2014. Quorvane Security Inc. was also "
        "fined by the US Treasury Department."
    )
    regulatory = sorted(c[2] for c in cases if c[1] == "regulatory")
    assert regulatory == [("Daniel Moreno",), ("Quorvane Security Inc.",)]


def test_a_threatened_sanction_is_no_case() -> None:
    cases = _cases("The US Treasury Department may sanction Quorvane Security Inc. next year.")
    assert not [c for c in cases if c[1] == "regulatory"]


def test_a_named_operation_is_one_case_with_its_leaders() -> None:
    ex = run(
        "The Australian Federal Police ran Operation Blue Harbour against a phone scam ring. "
        "Operation Blue Harbour led to 40 arrests, police said."
    )
    names = {e.id: e.name for e in ex.entities}
    ops = [c for c in ex.cases if c.rule == "cases.named_operation"]
    assert [(c.title, c.kind, c.jurisdiction) for c in ops] == [
        ("Operation Blue Harbour", "operation", "AU")
    ]
    assert [names[a] for a in ops[0].led_by] == ["Australian Federal Police"]
    # The unnamed-target operation of the same leader is this one, not a second case.
    assert len([c for c in ex.cases if c.kind == "operation"]) == 1


def test_a_named_operation_of_agencies_from_several_countries_has_no_single_country() -> None:
    ex = run("Europol and the FBI coordinated Operation Blue Harbour, which ended in 40 arrests.")
    (op,) = [c for c in ex.cases if c.rule == "cases.named_operation"]
    assert op.jurisdiction is None and len(op.led_by) == 2


def test_a_lawsuit_is_a_case_against_who_is_sued_not_who_sues() -> None:
    cases = _cases("The Federal Trade Commission sued Quorvane Security Inc. over its data sales.")
    lawsuits = [c for c in cases if c[1] == "lawsuit"]
    assert [(j, t) for j, _k, t, _l in lawsuits] == [("US", ("Quorvane Security Inc.",))]


def test_issued_is_not_sued() -> None:
    cases = _cases(
        "The Justice Department charged Quorvane Security Inc. with wire fraud. "
        "The department issued a statement on Monday."
    )
    assert not [c for c in cases if c[1] == "lawsuit"], cases
    assert ("US", "prosecution", ("Quorvane Security Inc.",)) in {c[:3] for c in cases}


def test_a_company_only_accused_of_an_offence_is_no_case() -> None:
    # A security firm's or a victim's accusation, no agency acting: no proceeding.
    assert (
        _cases("The security firm Veltrano Labs was accused of fraud and bribery in Germany.")
        == set()
    )


def test_a_company_charged_by_an_agency_is_a_case() -> None:
    cases = _cases("The Justice Department charged Hexwell Ltd with money laundering.")
    assert {(c[0], c[2]) for c in cases} == {("US", ("Hexwell Ltd",))}


def test_a_trigger_word_inside_an_agency_name_makes_no_case() -> None:
    text = "The Federal Bureau of Investigation warned hospitals of a new phishing wave."
    assert _cases(text) == set()


def test_an_unknown_local_agency_acts_in_the_country_of_the_article() -> None:
    text = (
        "Latvian officials confirmed the data leak on Monday. The leak is now being "
        "investigated by the Riga Prosecutor's Office, a spokesperson said."
    )
    assert _cases(text) == {("LV", "investigation", (), ("Riga Prosecutor's Office",))}


def test_charges_against_unnamed_people_are_no_case_of_their_own() -> None:
    # "filed charges" and "prosecution" stay with the facts: as unnamed-target cases they made
    # more false cases than true ones on the train split and the gold set (measured 2026-12-06).
    assert _cases("US prosecutors filed charges against two men in the scheme.") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In October 2020, the Justice Department indicted six intelligence officers over "
         "the attack.", ("US", "prosecution", (), ("U.S. Department of Justice",))),
        ("Last month, Dutch prosecutors charged two teenagers with running the phishing kits.",
         ("NL", "prosecution", (), ("Dutch prosecutors",))),
    ],
)  # fmt: skip
def test_an_agency_that_charges_unnamed_people_brings_a_prosecution(
    text: str, expected: tuple
) -> None:
    assert _cases(text) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        # the agency is told, it does not investigate
        "The company began investigating the breach and later notified the FBI.",
        # "took" without "down" is no takedown
        "The Australian Federal Police took five months to destroy the records.",
    ],
)
def test_an_unnamed_case_is_led_by_an_agency_that_acts(text: str) -> None:
    assert _cases(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ukrainian police arrested two operators believed to be connected to the Vexlock "
         "group.", ("UA", "operation", ("Vexlock",))),
        ("Polish police arrested six individuals believed to be members of the Clop and "
         "Egregor ransomware operations.", ("PL", "operation", ("Clop", "Egregor"))),
    ],
)  # fmt: skip
def test_a_group_linked_to_the_arrested_through_a_belief_is_the_operation_target(
    text: str, expected: tuple
) -> None:
    assert expected in {(j, k, t) for j, k, t, _l in _cases(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Ukrainian police said the former official Taras Brenko, who was sanctioned by the US "
        "last year, had fled to Vienna.",
        "Israeli police questioned staff of Zephyr Labs, which the US sanctioned in March.",
    ],
)
def test_a_sanction_is_in_the_country_that_imposes_it(text: str) -> None:
    assert {(c[0], c[1]) for c in _cases(text)} == {("US", "regulatory")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Members of the LockBit ransomware gang were arrested by Ukrainian police in Kyiv.",
         ("UA", "operation", ("LockBit",))),
        ("Dutch police arrested three affiliates of the LockBit ransomware gang on Tuesday.",
         ("NL", "operation", ("LockBit",))),
    ],
)  # fmt: skip
def test_members_of_a_named_group_arrested_make_an_operation_against_the_group(
    text: str, expected: tuple
) -> None:
    assert expected in {(j, k, t) for j, k, t, _l in _cases(text)}


def test_an_arrested_employee_does_not_make_a_case_against_the_employer() -> None:
    text = (
        "A former employee of Larkspur Networks Inc. was arrested by the FBI on Monday, "
        "officials said."
    )
    assert all("Larkspur Networks Inc." not in t for _j, _k, t, _l in _cases(text))


def test_a_takedown_by_an_international_body_alone_is_an_operation_of_no_country() -> None:
    # The case rule on the rules' entities: the shipped kinds classifier may doubt an invented
    # market's name, which is not what this test is about.
    text = (
        "Europol seized the servers of Quillmarket, a darknet marketplace. "
        "Quillmarket had more than 50,000 users in France and Germany."
    )
    cases = {(j, k, t) for j, k, t, _l in _cases(text, run_rules)}
    assert (None, "operation", ("Quillmarket",)) in cases, cases


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Quorvane Security Inc., which the US Treasury Department sanctioned last year, "
         "denied the claims.", "Quorvane Security Inc."),
        ("Quorvane Security Inc. was added to the US Treasury Department's sanctions list "
         "in 2021.", "Quorvane Security Inc."),
        ("The US Treasury Department imposed sanctions on Quorvane Security Inc. on Monday.",
         "Quorvane Security Inc."),
    ],
)  # fmt: skip
def test_a_sanction_falls_on_its_object_written_any_way(text: str, target: str) -> None:
    regulatory = [t for _j, k, t, _l in _cases(text) if k == "regulatory"]
    assert regulatory == [(target,)], _cases(text)


def test_who_announces_or_comments_on_sanctions_is_not_sanctioned() -> None:
    text = (
        "President Daniel Moreno announced sanctions against Ruritania on Monday. "
        '"The sanctions will hurt," said Maria Lopez of Quorvane Security Inc.'
    )
    regulatory = [t for _j, k, t, _l in _cases(text) if k == "regulatory"]
    assert all("Daniel Moreno" not in t and "Maria Lopez" not in t for t in regulatory), regulatory


@pytest.mark.parametrize(
    "text",
    [
        "Daniel Moreno, 31, was arrested on Monday in Madrid by Spanish National Police pursuant "
        "to a US arrest warrant. Moreno is charged with wire fraud.",
        "Spanish National Police arrested Daniel Moreno in Madrid at the request of the United "
        "States. Moreno is charged with wire fraud.",
    ],
)
def test_an_arrest_on_another_country_warrant_is_that_country_case(text: str) -> None:
    cases = {(j, k) for j, k, t, _l in _cases(text) if t == ("Daniel Moreno",)}
    assert ("US", "prosecution") in cases, cases
    assert ("ES", "prosecution") not in cases, cases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sales moved elsewhere following the crackdown on Ruxmart, a darknet marketplace.",
         (None, "operation", ("Ruxmart",))),
        ("The seizure of domains used by Ruxmart, a darknet marketplace, ended the trade.",
         (None, "operation", ("Ruxmart",))),
        ("The Dutch police dismantled Ruxmart, a darknet marketplace, last year.",
         ("NL", "operation", ("Ruxmart",))),
    ],
)  # fmt: skip
def test_a_takedown_is_an_operation_against_what_it_falls_on(text: str, expected: tuple) -> None:
    jurisdiction, kind, targets = expected
    assert any(c[:3] == (jurisdiction, kind, targets) for c in _cases(text)), _cases(text)


def test_an_attack_that_disrupts_its_victim_is_no_operation() -> None:
    cases = _cases("The ransomware attack disrupted Ruxmart Market and shut down its website.")
    assert not [c for c in cases if c[1] == "operation"]


def test_a_person_arrested_abroad_and_charged_at_home_is_prosecuted_at_home() -> None:
    # no agency leads the case: the country of the article's court, not the place of arrest
    cases = _cases(
        "Daniel Moreno was indicted in 2017 and arrested in Hong Kong in 2018. He was "
        "extradited and appeared in the U.S. District Court in Seattle. Moreno pleaded "
        "guilty to conspiracy to commit wire fraud last September."
    )
    assert {(c[0], c[2]) for c in cases if c[1] == "prosecution"} == {("US", ("Daniel Moreno",))}


@pytest.mark.parametrize(
    "text",
    [
        "The FCC revoked China Telecom Americas' license on Tuesday.",
        "The FCC revoked the licence of China Telecom Americas on Tuesday.",
    ],
)
def test_a_revoked_licence_is_a_regulatory_case(text: str) -> None:
    # The rules' entities: the kinds classifier is unsure of an unknown company's name in a
    # one-sentence text ("China Telecom Americas' license": P(none) 0.25 against 0.2 with the
    # twenty-third session's model), and the case assembly is what this tests.
    cases = _cases(text, run_rules)
    assert (
        "US",
        "regulatory",
        ("China Telecom Americas",),
        ("Federal Communications Commission",),
    ) in cases, cases


def test_a_designation_is_a_regulatory_case() -> None:
    text = "The FCC officially designated Huawei and ZTE as national security threats in July."
    cases = {(j, k, t) for j, k, t, _l in _cases(text)}
    assert ("US", "regulatory", ("Huawei", "ZTE")) in cases, cases
    assert not _cases("Meet at the designated area near Acme Corp's offices on Monday.")


def test_the_outlet_told_about_sanctions_is_not_sanctioned() -> None:
    text = (
        '"This would be an aggressive approach," Maria Lopez, a former Treasury official, told '
        "the Wall Street Journal regarding the expected sanctions."
    )
    regulatory = [t for _j, k, t, _l in _cases(text) if k == "regulatory"]
    assert all("Wall Street Journal" not in " ".join(t) for t in regulatory), regulatory


@pytest.mark.parametrize(
    "text",
    [
        "Researchers at Acme Security documented a phishing scheme, dubbed Operation Blue "
        "Harbour, that targets airlines.",
        "The FBI warned of the Lazarus group. Lazarus hit Sony Pictures in Operation Blue "
        "Harbour and stole data from banks worldwide.",
    ],
)
def test_an_attack_campaign_named_operation_is_no_case(text: str) -> None:
    assert not [c for c in run(text).cases if c.rule == "cases.named_operation"]


def test_an_operation_named_in_an_article_on_arrests_is_its_agencys() -> None:
    text = (
        "Spanish police arrested 40 people in raids on call centres in Valencia. "
        '"Operation Blue Harbour shows that we can strike back," a spokesperson said.'
    )
    ops = [c for c in run(text).cases if c.rule == "cases.named_operation"]
    assert [(c.title, c.jurisdiction) for c in ops] == [("Operation Blue Harbour", "ES")], ops


@pytest.mark.parametrize(
    "text",
    [
        "While Discord tokens can be revoked and SSH keys can be changed, dealing with fraud "
        "is a far harder task for the victims.",
        "The alert reads: ET TROJAN ABUSE.CH SSL Blacklist Malicious SSL certificate detected "
        "for the Dridex command servers.",
    ],
)
def test_a_revoked_key_or_a_blacklist_in_a_name_is_no_regulatory_case(text: str) -> None:
    assert not [k for _j, k, _t, _l in _cases(text) if k == "regulatory"]


def test_an_unnamed_investigation_in_the_country_of_a_named_case_is_that_case() -> None:
    # the agencies' investigation of a country that already has a case of a named defendant
    # is that case told again, not another one (any kind: the release credits "the FBI
    # investigation" for an arrest it announces)
    found = _cases(
        "Ivan Petrov was charged with fraud by the Justice Department. The FBI is "
        "investigating the breach."
    )
    assert [c[2] for c in found] == [("Ivan Petrov",)], found


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Ivan Petrov was sentenced to 30 months in prison, the FBI said.", "sentenced"),
        ("A federal jury convicted Ivan Petrov last week, the FBI said.", "convicted"),
        ("The founder, Ivan Petrov, pleaded guilty, the FBI said.", "convicted"),
        ("The FBI said Ivan Petrov pleaded not guilty.", "charged"),
    ],
)
def test_a_step_of_a_proceeding_without_an_offence_named_is_a_prosecution(
    text: str, status: str
) -> None:
    """No offence is named, so no fact makes the case: the step itself does."""
    ex = run_rules(text)
    names = {e.id: e.name for e in ex.entities}
    found = [(c.jurisdiction, c.kind, c.status, [names[t] for t in c.targets]) for c in ex.cases]
    assert found == [("US", "prosecution", status, ["Ivan Petrov"])]


@pytest.mark.parametrize(
    "text",
    [
        # a company in the relative clause that describes the accused is not accused
        "A man who bribed Acme Corp employees was sentenced to 12 years in prison.",
        # a description, not a step of a proceeding
        "A convicted fraudster, Ivan Petrov, spoke at the conference.",
    ],
)
def test_no_prosecution_of_who_the_step_does_not_fall_on(text: str) -> None:
    assert _cases(text, run_rules) == set()


def test_the_country_a_crime_helped_does_not_try_it() -> None:
    cases = _cases("Ivan Petrov has pleaded guilty to helping North Korea.", run_rules)
    assert cases == {(None, "prosecution", ("Ivan Petrov",), ())}


def test_an_agency_in_the_reason_for_a_sanction_does_not_lead_it() -> None:
    """ "sanctioned ... for providing aid to the FSB": the FSB is whom the target served."""
    text = (
        "The US Treasury Department said Quorvane Security Inc. was sanctioned in April for "
        "providing aid to the Russian FSB."
    )
    ex = run_rules(text)
    names = {e.id: e.name for e in ex.entities}
    found = [(c.jurisdiction, c.kind, [names[a] for a in c.led_by]) for c in ex.cases]
    assert found == [("US", "regulatory", ["U.S. Department of the Treasury"])], found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Justice Department charged five FIN7 members in September.",
         ("US", "prosecution", ("FIN7",))),
        ("Last year, the Justice Department charged four officers believed to be part of the "
         "hacking group known as Lazarus Group.", ("US", "prosecution", ("Lazarus Group",))),
        # their employer is not who prosecutes them, nor is its country the case's
        ("Four Ministry of State Security officers believed to be part of the APT40 group "
         "were charged by the US Justice Department.", ("US", "prosecution", ("APT40",))),
    ],
)  # fmt: skip
def test_members_of_a_named_group_charged_make_a_prosecution_of_the_group(
    text: str, expected: tuple
) -> None:
    cases = {(j, k, t) for j, k, t, _l in _cases(text, run_rules)}
    assert expected in cases, cases
    assert all("Ministry of State Security" not in leaders for *_x, leaders in _cases(text))


def test_the_service_hackers_hacked_is_not_their_group() -> None:
    text = "The Justice Department indicted two Twitter hackers on Friday."
    assert all("Twitter" not in t for _j, _k, t, _l in _cases(text, run_rules))


@pytest.mark.parametrize(
    "text",
    [
        "Quorvane Security Inc. was added to the Entity List by the US Commerce Department.",
        "Payments went through Quorvane Security Inc., which was added to OFAC's SDN list "
        "last year.",
    ],
)
def test_an_addition_to_a_sanctions_list_is_a_regulatory_case(text: str) -> None:
    cases = {(j, k, t) for j, k, t, _l in _cases(text, run_rules)}
    assert ("US", "regulatory", ("Quorvane Security Inc.",)) in cases, cases


def test_other_lists_make_no_case() -> None:
    text = "Quorvane Security Inc. was added to the list of approved vendors by the US Army."
    assert _cases(text, run_rules) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Quorvane Security Inc. was hit with a class-action lawsuit in California over the leak.",
        "Quorvane Security Inc. was sued by the state of California over the leak.",
        "California sued Quorvane Security Inc. over the leak.",
    ],
)
def test_who_is_sued_is_the_lawsuit_target_before_or_after_the_word(text: str) -> None:
    lawsuits = [t for _j, k, t, _l in _cases(text, run_rules) if k == "lawsuit"]
    assert lawsuits == [("Quorvane Security Inc.",)], _cases(text, run_rules)


def test_who_brings_a_lawsuit_is_not_its_target() -> None:
    text = "The Quorvane Security Inc. lawsuit against Larkspur Networks Inc. went to trial."
    lawsuits = [t for _j, k, t, _l in _cases(text, run_rules) if k == "lawsuit"]
    assert lawsuits == [("Larkspur Networks Inc.",)], _cases(text, run_rules)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the act is the subject; who does it is the agent of its participle
        ("Two suspects were detained in Kyiv. The arrests were carried out by officers of the "
         "Ukrainian National Police.", ("UA", "operation", (), ("National Police of Ukraine",))),
        ("The investigation was conducted by Dutch police under the supervision of the "
         "public prosecutor.", ("NL", "investigation", (), ("Dutch National Police",))),
        ("The arrests took place on Monday and were made by Spanish police.",
         ("ES", "operation", (), ("Spanish police",))),
    ],
)  # fmt: skip
def test_the_agent_of_a_verb_the_act_is_subject_of_leads_it(text: str, expected: tuple) -> None:
    assert expected in _cases(text, run_rules), _cases(text, run_rules)


def test_an_act_hampered_by_an_agency_is_not_led_by_it() -> None:
    text = "The arrests were delayed by the Dutch police, who lacked the warrants."
    assert _cases(text, run_rules) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Prosecutors in Rome and the Postal Police are looking into the attack on the region's "
        "vaccine portal in Italy.",
        "Italian police said they had looked into the leak.",
    ],
)
def test_looking_into_an_incident_is_an_investigation(text: str) -> None:
    kinds = {(j, k) for j, k, _t, _l in _cases(text, run_rules)}
    assert ("IT", "investigation") in kinds, _cases(text, run_rules)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Commerce Department said it had added a dozen companies to a trade blacklist.",
         ("US", "regulatory", (), ("U.S. Department of Commerce",))),
        ("The Federal Trade Commission fined two app makers last year.",
         ("US", "regulatory", (), ("Federal Trade Commission",))),
        ("Two app makers were fined by the Federal Trade Commission last year.",
         ("US", "regulatory", (), ("Federal Trade Commission",))),
    ],
)  # fmt: skip
def test_a_sanction_of_people_not_named_is_led_by_the_agency_imposing_it(
    text: str, expected: tuple
) -> None:
    assert expected in _cases(text, run_rules), _cases(text, run_rules)


@pytest.mark.parametrize(
    "text",
    [
        "The FBI said the gang was fined.",  # the speaker did not fine it
        "Ransomware gangs rename themselves to evade Treasury sanctions.",  # no new act
        "The Cybersecurity and Infrastructure Security Agency designated the sector critical.",
    ],
)
def test_no_unnamed_sanction_where_no_agency_imposes_one(text: str) -> None:
    assert _cases(text, run_rules) == set(), _cases(text, run_rules)


def test_a_company_named_beside_an_arrest_of_unnamed_people_is_no_target() -> None:
    text = (
        "Quorvane Security says the campaign began right after Spanish police arrested 16 "
        "people in Madrid."
    )
    assert ("ES", "operation", (), ("Spanish police",)) in _cases(text, run_rules)
