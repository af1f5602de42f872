"""Languages of pages, API and command line: French and Arabic translate every message the sources use;
English words every stored code; placeholders survive translation; Arabic lays out right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from armtrace import i18n
from armtrace.domain.errors import N_, RuleViolation, joined
from armtrace.domain.tracing import Status, transition
from armtrace.web.vocabulary import WORDS

SRC = Path(__file__).parents[2] / "src" / "armtrace"
METHODS = [("**.py", "python"), ("web/templates/**.html", "jinja2")]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# The domain's fixed messages: a problem's message (ProblemList.add's second argument) and an error's detail.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "add": (2,),
    **dict.fromkeys(("RuleViolation", "NotFound", "Conflict", "NotPermitted", "NotSignedIn", "DeadlinePassed"), None),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]")


def used() -> set[str]:
    """Every message the pages' sources pass to gettext, found as `pybabel extract` finds them."""
    found = extract_from_dir(str(SRC), METHODS, options_map=OPTIONS, keywords=KEYWORDS)  # type: ignore[arg-type]
    return {m[2] for m in found if isinstance(m[2], str)}


def catalogue(lang: str):  # type: ignore[no-untyped-def]
    with open(SRC / "locales" / lang / "LC_MESSAGES" / "messages.po", encoding="utf-8") as f:
        return read_po(f, locale=lang)


def test_the_template_of_messages_is_up_to_date_with_the_sources() -> None:
    with open(SRC / "locales" / "messages.pot", encoding="utf-8") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert template == used(), "run the pybabel extract command written in babel.cfg"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_message_of_the_pages_is_translated(lang: str) -> None:
    c = catalogue(lang)
    translated = {m.id: m.string for m in c if m.id and m.string and not m.fuzzy}
    missing = sorted(used() - set(translated))
    assert not missing, f"{lang} lacks {len(missing)} messages, e.g. {missing[:5]}"
    for msgid, text in translated.items():
        assert set(PLACEHOLDER.findall(str(msgid))) == set(PLACEHOLDER.findall(str(text))), msgid


def test_english_gives_wording_to_every_stored_code() -> None:
    words = {m.id: m.string for m in catalogue("en") if m.id}
    codes = [code for key, code in WORDS.items() if not re.fullmatch(r"e\d", key)]  # e1..e7: error titles
    assert all(words.get(code) for code in codes), [c for c in codes if not words.get(c)]
    assert i18n.word("en", "in_stock") == "in stock"


def test_the_language_comes_from_the_address_then_the_cookie_then_the_browser() -> None:
    assert i18n.choose("ar", "fr", "en-GB") == "ar"
    assert i18n.choose(None, "fr", "en-GB") == "fr"
    assert i18n.choose(None, None, "fr-CI,fr;q=0.9,en;q=0.8") == "fr"
    assert i18n.choose("xx", None, "sw-KE") == "en"
    assert (i18n.direction("ar"), i18n.direction("fr")) == ("rtl", "ltr")
    assert i18n.word("fr", "Requests to answer") != "Requests to answer"


def test_a_message_with_values_is_worded_in_the_readers_language_and_stays_english_below() -> None:
    message = N_("there is no weapon #%(weapon)s", weapon=42)
    assert message == "there is no weapon #42"
    french = i18n.word("fr", message)
    assert "42" in french and french != message
    assert french == i18n.translations("fr").gettext(message.template) % {"weapon": 42}
    assert i18n.word("fr", "100% sure, typed by a user") == "100% sure, typed by a user"  # never %-formatted


def test_a_broken_translation_falls_back_to_the_english_wording() -> None:
    message = N_("weapon #%(weapon)s has no event #%(event)s", weapon=1, event=9)
    assert message.worded(lambda template: "arme %(arme)s") == "weapon #1 has no event #9"


def test_an_explanation_made_of_parts_is_worded_part_by_part() -> None:
    parts = [N_("serial equal"), N_("model differs (recorded: %(recorded)s)", recorded="AKM")]
    why = joined(parts)
    assert why == "serial equal; model differs (recorded: AKM)"
    french = i18n.word("fr", why)
    assert french == "; ".join(i18n.word("fr", part) for part in parts) and "AKM" in french and french != why
    assert joined([]) == ""


def test_a_stored_code_inside_a_message_is_worded_in_the_readers_language_too() -> None:
    with pytest.raises(RuleViolation) as refused:
        transition(Status.ACKNOWLEDGED, "send")
    assert refused.value.detail == "a request that is acknowledged cannot be sent"
    french = i18n.word("fr", refused.value.detail)
    assert i18n.word("fr", "acknowledged") in french and "acknowledged" not in french
