"""Languages of the pages: gettext catalogues (Babel) for each locale, chosen per request.

Catalogues ship as .po files under web/locales/LANG/LC_MESSAGES/; they are compiled in
memory on first use, so a new language is a new .po file (and its name in LANGUAGES).
English is the source language. Arabic is written right to left; the pages follow
`direction`. The template of all messages is web/locales/messages.pot, made with
`pybabel extract -F babel.cfg -o src/armtrace/web/locales/messages.pot .`
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

from babel.core import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = {"en": "English", "fr": "Français", "ar": "العربية"}
DEFAULT = "en"
COOKIE = "armtrace_lang"


@cache
def translations(lang: str) -> NullTranslations:
    """The language's catalogue; English has one too, for the wording of stored codes ('in_stock')."""
    po = files("armtrace.web") / "locales" / lang / "LC_MESSAGES" / "messages.po"
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


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)
