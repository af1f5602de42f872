"""Reading a serial as an officer gives it, judging stored serials against it, and the names around it."""

from __future__ import annotations

import pytest

from armtrace.domain.categories import Category
from armtrace.domain.identify import LOOKALIKE_GROUPS, Facts, SerialPattern, Stored, fold, judge, judge_serial
from armtrace.reference import categories
from armtrace.reference.manufacturers import manufacturers

# --- fold --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["0 O D Q", "1 I L 7", "5 S", "8 B", "2 Z", "6 G", "U V"])
def test_every_character_of_a_look_alike_group_folds_to_the_same_one(group: str) -> None:
    members = group.split()
    assert {fold(c) for c in members} == {members[0]}
    assert group in LOOKALIKE_GROUPS


def test_characters_outside_the_look_alike_groups_are_kept_as_they_are() -> None:
    assert fold("AKXYW349") == "AKXYW349"


def test_separators_and_case_are_removed_before_look_alikes_are_folded() -> None:
    assert fold("ak-1o3 4s") == "AK10345"
    assert fold("b.z/g_q d") == "82600"


def test_a_misread_serial_and_the_true_one_fold_to_one_key() -> None:
    assert fold("KC-4OSIB-934") == fold("KC 40518 934") == "KC40518934"


def test_a_serial_of_nothing_but_separators_folds_to_nothing() -> None:
    assert fold(" -./_ ") == ""
    assert fold("") == ""


# --- SerialPattern.read ------------------------------------------------------------------------------


def test_a_serial_read_without_wildcards_is_its_folded_key() -> None:
    p = SerialPattern.read("  ak-1O3 ")
    assert (p.raw, p.folded, p.has_wildcards) == ("ak-1O3", "AK103", False)
    assert (p.known, p.unreadable, p.prefix, p.suffix) == (5, 0, "AK103", "AK103")


def test_a_question_mark_stands_for_exactly_one_unreadable_character() -> None:
    p = SerialPattern.read("ab-?12")
    assert (p.folded, p.known, p.unreadable) == ("A8?12", 4, 1)
    assert (p.prefix, p.suffix) == ("A8", "12")
    assert p.regex().match("A8X12") and not p.regex().match("A812") and not p.regex().match("A8XY12")
    assert p.like() == "A8_12"


def test_a_star_stands_for_a_run_of_any_length_and_repeated_stars_are_one_run() -> None:
    p = SerialPattern.read("ab**34")
    assert (p.folded, p.known, p.unreadable) == ("A8*34", 4, 0)
    assert p.regex().match("A834") and p.regex().match("A8XYZ34") and not p.regex().match("A8XYZ3")
    assert p.like() == "A8%34"


def test_a_star_at_the_start_leaves_only_a_suffix_and_at_the_end_only_a_prefix() -> None:
    start, end = SerialPattern.read("*0S1B"), SerialPattern.read("KC-4*")
    assert (start.prefix, start.suffix) == ("", "0518")
    assert (end.prefix, end.suffix) == ("KC4", "")


def test_the_longest_readable_run_between_wildcards_is_found() -> None:
    p = SerialPattern.read("1?ABCD*9")
    assert p.longest_run == "A8C0"
    assert (p.known, p.unreadable) == (6, 1)


def test_look_alikes_are_folded_around_the_wildcards_but_the_wildcards_are_kept() -> None:
    p = SerialPattern.read("OI?SB*z")
    assert p.folded == "01?58*2"
    assert p.like() == "01_58%2"


# --- judge_serial ------------------------------------------------------------------------------------


def read(text: str) -> SerialPattern:
    return SerialPattern.read(text)


def test_an_equal_serial_scores_highest_whatever_its_separators() -> None:
    j = judge_serial(read("AK-123 456"), "AK123456", 0)
    assert j is not None and (j.score, j.reason) == (1.0, "serial equal")


def test_a_serial_equal_up_to_look_alikes_names_each_misread_pair() -> None:
    j = judge_serial(read("KC-4OSIB-934"), "KC-40518-934", None)
    assert j is not None
    assert j.score == pytest.approx(0.97)
    assert j.reason == "serial equal up to look-alike characters (B/8, I/1, O/0, S/5)"


def test_one_obliterated_character_scores_above_two() -> None:
    one = judge_serial(read("AK12?456"), "AK123456", None)
    two = judge_serial(read("AK1??456"), "AK123456", None)
    assert one is not None and two is not None
    assert one.reason == "serial equal up to 1 obliterated character"
    assert two.reason == "serial equal up to 2 obliterated characters"
    assert one.score == pytest.approx(0.95) and two.score == pytest.approx(0.93)


def test_a_pattern_with_a_question_mark_does_not_fit_a_serial_of_another_length() -> None:
    assert judge_serial(read("AK12?456"), "AK1234456", None) is None


@pytest.mark.parametrize("pattern", ["AK12*", "*3456", "AK*56"])
def test_an_obliterated_run_fits_at_the_start_the_end_or_the_middle(pattern: str) -> None:
    j = judge_serial(read(pattern), "AK-123456", None)
    assert j is not None and j.score == pytest.approx(0.9)
    assert j.reason == "serial fits the readable characters around the obliterated run"


def test_a_wildcard_pattern_that_does_not_fit_is_no_match() -> None:
    assert judge_serial(read("AK12?457"), "AK123456", None) is None
    assert judge_serial(read("AK*9"), "AK123456", None) is None


def test_a_serial_read_without_its_first_characters_is_a_suffix_match() -> None:
    j = judge_serial(read("23456"), "AK123456", None)
    assert j is not None and j.score == pytest.approx(0.84)
    assert j.reason == "serial ends with the characters read (3 missing at the start)"


def test_fewer_missing_characters_score_higher() -> None:
    two = judge_serial(read("123456"), "AK123456", None)
    three = judge_serial(read("23456"), "AK123456", None)
    assert two is not None and three is not None and two.score > three.score


def test_a_serial_read_without_its_last_characters_is_a_prefix_match() -> None:
    j = judge_serial(read("AK123"), "AK123456", None)
    assert j is not None and j.score == pytest.approx(0.82)
    assert j.reason == "serial begins with the characters read (3 missing at the end)"


def test_two_characters_are_too_few_to_be_taken_as_a_cut_off_serial() -> None:
    assert judge_serial(read("AK"), "AK123456", None) is None
    assert judge_serial(read("56"), "AK123456", None) is None


def test_one_typing_error_scores_above_two() -> None:
    one = judge_serial(read("AK123457"), "AK123456", 1)
    two = judge_serial(read("AK123475"), "AK123456", 2)
    assert one is not None and two is not None
    assert (one.score, one.reason) == (pytest.approx(0.85), "serial within 1 typing error of the one read")
    assert (two.score, two.reason) == (pytest.approx(0.75), "serial within 2 typing errors of the one read")


@pytest.mark.parametrize("distance", [3, None])
def test_a_serial_beyond_two_typing_errors_or_unrelated_is_no_match(distance: int | None) -> None:
    assert judge_serial(read("XY987123"), "AK123456", distance) is None


def test_the_kinds_of_fit_rank_from_equal_to_typing_errors() -> None:
    stored = "KC40518934"
    scores = [
        judge_serial(read(text), stored, distance)
        for text, distance in [
            ("KC40518934", 0),
            ("KC4O518934", None),
            ("KC40?18934", None),
            ("KC4*", None),
            ("KC40518933", 1),
            ("KC40518943", 2),
        ]
    ]
    assert all(s is not None for s in scores)
    values = [s.score for s in scores if s is not None]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)


# --- judge -------------------------------------------------------------------------------------------

AK = Stored("kalashnikov-concern", "Kalashnikov Concern", "RUS", "AK103", "7.62x39mm", "assault_rifle")
EQUAL = judge_serial(read("AK123456"), "AK123456", 0)


def test_an_equal_manufacturer_keeps_the_score_and_says_so() -> None:
    assert judge(EQUAL, Facts("kalashnikov-concern"), AK) == (1.0, "serial equal; manufacturer equal")


def test_a_manufacturer_read_by_a_former_name_is_explained_by_that_name() -> None:
    note = "Izhmash is a former name of Kalashnikov Concern"
    score, why = judge(EQUAL, Facts("kalashnikov-concern", note), AK)
    assert score == 1.0 and why == f"serial equal; {note}"


def test_a_different_manufacturer_lowers_the_score_and_names_the_recorded_one() -> None:
    score, why = judge(EQUAL, Facts("glock"), AK)
    assert score == pytest.approx(0.75)
    assert why == "serial equal; manufacturer differs (recorded: Kalashnikov Concern)"


def test_a_manufacturer_given_for_a_record_without_one_is_a_difference() -> None:
    bare = Stored(None, None, None, "", None, "rifle")
    score, why = judge(EQUAL, Facts("glock"), bare)
    assert score == pytest.approx(0.75) and "recorded: none" in why


def test_each_matching_fact_is_named_and_each_differing_one_lowers_the_score() -> None:
    same = judge(EQUAL, Facts(None, None, "RUS", "AK103", "7.62x39mm", "assault_rifle"), AK)
    other = judge(EQUAL, Facts(None, None, "BGR", "AK74", "5.45x39mm", "rifle"), AK)
    assert same == (1.0, "serial equal; model equal; calibre equal; type equal; country equal")
    assert other[0] == pytest.approx(0.8)
    assert other[1] == (
        "serial equal; model differs (recorded: AK103); calibre differs (recorded: 7.62x39mm); "
        "type differs (recorded: assault_rifle); country differs (recorded: RUS)"
    )


def test_a_fact_the_record_does_not_hold_neither_raises_nor_lowers_the_score() -> None:
    bare = Stored(None, None, None, "", None, "rifle")
    assert judge(EQUAL, Facts(model_key="AK74", calibre="5.45x39mm"), bare) == (1.0, "serial equal")


def test_without_a_serial_the_score_starts_at_one_half_and_says_so() -> None:
    score, why = judge(None, Facts("kalashnikov-concern", model_key="AK103"), AK)
    assert score == pytest.approx(0.51)
    assert why == "no serial compared; manufacturer equal; model equal"


def test_the_score_never_leaves_zero_to_one() -> None:
    low = judge_serial(read("AK123475"), "AK123456", 2)
    score, _ = judge(low, Facts("glock", None, "BGR", "X", "5.45x39mm", "rifle"), AK)
    high, _ = judge(EQUAL, Facts("kalashnikov-concern", None, "RUS", "AK103", "7.62x39mm", "assault_rifle"), AK)
    assert 0.0 <= score < 0.5 and high == 1.0


# --- weapon types as records write them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("Pistolet", Category.SELF_LOADING_PISTOL),
        ("pistola semiautomática", Category.SELF_LOADING_PISTOL),
        ("пистолет", Category.SELF_LOADING_PISTOL),
        ("ПИСТОЛЕТ", Category.SELF_LOADING_PISTOL),
        ("مسدس", Category.SELF_LOADING_PISTOL),
        ("手枪", Category.SELF_LOADING_PISTOL),
        ("Handgun", Category.SELF_LOADING_PISTOL),
        ("fusil d'assaut", Category.ASSAULT_RIFLE),
        ("Fusil d’assaut", Category.ASSAULT_RIFLE),
        ("AK-47", Category.ASSAULT_RIFLE),
        ("ak47", Category.ASSAULT_RIFLE),
        ("Автомат", Category.ASSAULT_RIFLE),
        ("Escopeta", Category.SHOTGUN),
        ("Fusil de chasse", Category.SHOTGUN),
        ("ружьё", Category.SHOTGUN),
        ("Fusil", Category.RIFLE),
        ("Revólver", Category.REVOLVER),
        ("Pistolet-mitrailleur", Category.SUB_MACHINE_GUN),
        ("Metralleta", Category.SUB_MACHINE_GUN),
        ("SMG", Category.SUB_MACHINE_GUN),
        ("RPG", Category.ANTI_TANK_LAUNCHER),
        ("lance-roquettes", Category.ANTI_TANK_LAUNCHER),
        ("ПЗРК", Category.MANPADS),
        ("mortier", Category.MORTAR),
        ("Mortero", Category.MORTAR),
        ("миномёт", Category.MORTAR),
        ("Миномет", Category.MORTAR),
        ("assault_rifle", Category.ASSAULT_RIFLE),
        ("Self-loading pistol", Category.SELF_LOADING_PISTOL),
    ],
)
def test_a_weapon_type_written_in_any_usual_language_resolves_to_its_iti_category(
    written: str, category: Category
) -> None:
    assert categories.resolve(written) is category


@pytest.mark.parametrize("written", ["banana", "", "pistol grip", "air rifle"])
def test_an_unknown_weapon_type_is_not_guessed(written: str) -> None:
    assert categories.resolve(written) is None


# --- manufacturers written wrongly ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "company"),
    [
        ("Kalashnikov Concen", "kalashnikov-concern"),
        ("Hekler & Koch", "heckler-koch"),
        ("Hekler und Koch", "heckler-koch"),
        ("Glok", "glock"),
        ("Norinko", "norinco"),
        ("Izhmahs", "kalashnikov-concern"),
        ("Steyr Manlicher", "steyr-arms"),
        ("Fabrique Nationale d Armes de Guere", "fn-herstal"),
        ("Ceska Zbrojovka Uhersky Brd", "ceska-zbrojovka"),
    ],
)
def test_a_clear_misspelling_of_one_company_is_read_as_it_with_less_than_full_confidence(
    written: str, company: str
) -> None:
    assert manufacturers().resolve(written) is None
    match = manufacturers().similar(written)
    assert match is not None
    assert (match.manufacturer.id, match.kind) == (company, "similar")
    assert 0.85 <= match.confidence < 1.0
    assert f"read as {match.manufacturer.name}" in match.explain(written)


@pytest.mark.parametrize("written", ["Darra workshop", "Danao craft", "Khyber Pass workshop"])
def test_an_unrelated_name_is_not_read_as_any_company(written: str) -> None:
    assert manufacturers().resolve(written) is None
    assert manufacturers().similar(written) is None


def test_a_misspelling_equally_close_to_two_companies_is_not_guessed() -> None:
    first, second = manufacturers().suggest("Baretta", limit=2)
    assert {first.manufacturer.id, second.manufacturer.id} == {"beretta", "barrett"}
    assert manufacturers().similar("Baretta") is None


def test_every_company_of_the_reference_is_found_by_its_own_name() -> None:
    index = manufacturers()
    wrong: dict[str, tuple[str, str | None]] = {}
    for m in index.by_id.values():
        found = index.resolve(m.name)
        if found is None or found.manufacturer.id != m.id:
            wrong[m.name] = (m.id, found.manufacturer.id if found else None)
    assert wrong == {}
