"""How names are folded before they are compared: case, accents, punctuation, legal forms."""

from __future__ import annotations

import re
import unicodedata

# Legal forms that say nothing about which company it is (S.p.A., GmbH, a.s., OAO ...).
LEGAL_FORMS = frozenset(
    [
        "ab",
        "ad",
        "ag",
        "as",
        "asa",
        "bv",
        "co",
        "corp",
        "corporation",
        "company",
        "cv",
        "doo",
        "gmbh",
        "inc",
        "incorporated",
        "jsc",
        "kg",
        "kft",
        "llc",
        "ltd",
        "limited",
        "nv",
        "oao",
        "ojsc",
        "ooo",
        "pao",
        "pjsc",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
        "sro",
        "zao",
        "sp",
        "zoo",
        "oy",
        "oyj",
        "ltda",
        "sae",
        "kk",
    ]
)
_PUNCT = re.compile(r"[^\w]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """'Česká Zbrojovka a.s.' -> 'ceska zbrojovka'; 'Heckler & Koch GmbH' -> 'heckler koch'."""
    text = strip_accents(text).casefold().replace("&", " and ")
    # Join dotted legal forms first: "s.p.a." -> "spa", "a.s." -> "as", "d.o.o." -> "doo".
    text = re.sub(r"\b((?:\w\.){2,})", lambda m: m.group(1).replace(".", ""), text)
    words = [w for w in _PUNCT.sub(" ", text).split() if w]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in LEGAL_FORMS:
        words.pop(0)
    return " ".join(words)
