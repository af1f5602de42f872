"""Reference data: real-world spellings resolve to one known thing, or are not guessed."""

from __future__ import annotations

import pytest

from armtrace.reference import calibres, countries
from armtrace.reference.manufacturers import manufacturers
from armtrace.reference.names import fold


@pytest.mark.parametrize(
    ("written", "company", "kind"),
    [
        ("Izhmash", "kalashnikov-concern", "former_name"),
        ("IZHMASH OAO", "kalashnikov-concern", "former_name"),
        ("Ижмаш", "kalashnikov-concern", "former_name"),
        ("Fabrique Nationale d'Armes de Guerre", "fn-herstal", "former_name"),
        ("FN HERSTAL S.A.", "fn-herstal", "name"),
        ("ceska zbrojovka a.s.", "ceska-zbrojovka", "alias"),
        ("Heckler & Koch GmbH", "heckler-koch", "alias"),
        ("China North Industries Corporation", "norinco", "alias"),
        ("Israel Military Industries", "iwi", "former_name"),
        ("Glock", "glock", "name"),
    ],
)
def test_a_manufacturer_resolves_by_name_alias_or_former_name(written: str, company: str, kind: str) -> None:
    match = manufacturers().resolve(written)
    assert match is not None and (match.manufacturer.id, match.kind) == (company, kind)


def test_a_former_name_is_explained_in_words() -> None:
    match = manufacturers().resolve("Izhmash")
    assert match is not None
    assert match.explain("Izhmash") == "Izhmash is a former name of Kalashnikov Concern"


def test_an_unknown_name_is_not_guessed_but_the_closest_are_suggested() -> None:
    assert manufacturers().resolve("Izhmah") is None
    assert manufacturers().suggest("Izhmah")[0].manufacturer.id == "kalashnikov-concern"


def test_the_reference_holds_at_least_150_manufacturers_with_valid_countries() -> None:
    index = manufacturers()
    assert len(index) >= 150
    assert all(countries.name(m.country) != m.country for m in index.by_id.values())


def test_legal_forms_and_accents_are_folded_away() -> None:
    assert fold("Fabbrica d'Armi Pietro Beretta S.p.A.") == "fabbrica d armi pietro beretta"
    assert fold("Česká zbrojovka a.s.") == "ceska zbrojovka"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (".22 LR", ".22 LR"),
        ("22lr", ".22 LR"),
        ("5.56x45", "5.56x45mm NATO"),
        ("5,56 mm NATO", "5.56x45mm NATO"),
        ("7.62x39", "7.62x39mm"),
        ("cal. 38 SPL", ".38 Special"),
        ("9mm Para", "9x19mm Parabellum"),
        ("12/70", "12 gauge"),
    ],
)
def test_calibres_resolve_to_one_canonical_form(written: str, canonical: str) -> None:
    found = calibres.resolve(written)
    assert found is not None and found.canonical == canonical


def test_an_unknown_calibre_is_not_resolved() -> None:
    assert calibres.resolve("13.37x99 Imaginary") is None


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("KEN", "KEN"),
        ("ke", "KEN"),
        ("404", "KEN"),
        ("Kenya", "KEN"),
        ("Czechia", "CZE"),
        ("Russian Federation", "RUS"),
    ],
)
def test_countries_resolve_from_codes_and_names(written: str, code: str) -> None:
    assert countries.resolve(written) == code


def test_an_unknown_country_gets_suggestions() -> None:
    assert countries.resolve("Kenia") is None
    assert any(s.startswith("KEN") for s in countries.suggest("Kenia"))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Côte d'Ivoire", "CIV"),
        ("la République du Kenya", "KEN"),
        ("Кения", "KEN"),
        ("كينيا", "KEN"),
        ("肯尼亚", "KEN"),
        ("Republic of Kenya", "KEN"),
        ("Tchad", "TCD"),
        ("República Centroafricana", "CAF"),
    ],
)
def test_countries_resolve_from_names_in_the_six_un_languages(written: str, code: str) -> None:
    assert countries.resolve(written) == code


def test_a_country_name_is_given_in_the_language_asked() -> None:
    assert countries.name("KEN", "fr") == "Kenya (le)"
    assert countries.name("CHN", "zh") == "中国"
