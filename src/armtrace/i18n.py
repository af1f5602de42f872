"""Languages: gettext catalogues (Babel) for each locale, one catalogue for pages, API and command line.

Catalogues ship as .po files under locales/LANG/LC_MESSAGES/; they are compiled in
memory on first use, so a new language is a new .po file (and its name in LANGUAGES).
English is the source language. A page or an API answer is in the language its request
asks for; the command line speaks ARMTRACE_LANG, else the system's (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG). Arabic is written right to left; the pages follow `direction`. The
template of all messages is locales/messages.pot, made with the command in babel.cfg.
"""

from __future__ import annotations

import io
import os
from functools import cache
from importlib.resources import files

from babel.core import Locale, default_locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from armtrace.domain.errors import Message

LANGUAGES = {"en": "English", "fr": "Français", "ar": "العربية"}
DEFAULT = "en"
COOKIE = "armtrace_lang"


@cache
def translations(lang: str) -> NullTranslations:
    """The language's catalogue; English has one too, for the wording of stored codes ('in_stock')."""
    po = files("armtrace") / "locales" / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()
    catalog = read_po(io.StringIO(po.read_text(encoding="utf-8")), locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def choose(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: asked for in the URL, else remembered, else the browser's."""
    for lang in (asked, cookie):
        if lang in LANGUAGES:
            return str(lang)
    preferred = [part.split(";")[0].strip().replace("-", "_") for part in (accept_language or "").split(",")]
    return negotiate_locale([p for p in preferred if p], list(LANGUAGES), sep="_") or DEFAULT


def direction(lang: str) -> str:
    return (Locale.parse(lang).character_order == "right-to-left" and "rtl") or "ltr"


def word(lang: str, text: str) -> str:
    """A whole text as its reader reads it: a fixed message translated, a message with values worded.

    Texts are looked up as they are and never %-formatted unless they carry values: they may hold what
    a user typed, '%' included.
    """
    gettext = translations(lang).gettext
    return text.worded(gettext) if isinstance(text, Message) else gettext(text)


def of_command_line() -> str:
    """The command line's language: ARMTRACE_LANG, else the system's locale, else English."""
    asked = os.environ.get("ARMTRACE_LANG")
    system = default_locale("LC_MESSAGES") or ""
    for candidate in (asked, system.split("_")[0] if system else None):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT
