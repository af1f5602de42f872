"""Reading a recovered weapon's serial as an officer gives it, and judging candidates.

Marks are misread (0/O/D/Q, 1/I/L/7, 5/S, 8/B, 2/Z, 6/G, U/V), ground off ('?' for one
lost character, '*' for a run), cut short at either end, or mistyped (FACTS 4.3: an
invalid or incomplete description is the most common reason a trace fails). Serials are
compared in a folded form where look-alikes are one character; the index keys use the
same fold, so a misread serial is found by equality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from armtrace.domain.errors import N_, joined
from armtrace.domain.registry import serial_key

# One representative per look-alike group: O D Q -> 0; I L 7 -> 1; S -> 5; B -> 8; Z -> 2; G -> 6; V -> U;
# and Cyrillic capitals that look Latin (А В Е К М Н О Р С Т Х У) as those, folded the same way.
LOOKALIKES = str.maketrans("ODQIL7SBZGVАВЕКМНОРСТХУ", "0001115826UA8EKMH0PCTXY")
_NOT_ALNUM = re.compile(r"[\W_]+")
LOOKALIKE_GROUPS = ("0 O D Q", "1 I L 7", "5 S", "8 B", "2 Z", "6 G", "U V")


def fold(serial: str) -> str:
    """The look-alike-folded key: 'AK-1O3 4S' -> 'AK10345'."""
    return fold_key(serial_key(serial) or "")


def fold_key(key: str) -> str:
    """fold() of a serial already reduced to its serial_key: look-alikes folded, punctuation gone."""
    return _NOT_ALNUM.sub("", key.translate(LOOKALIKES))


def reverse(key: str) -> str:
    return key[::-1]


_WILD = re.compile(r"[?*]")


@dataclass(frozen=True)
class SerialPattern:
    """A serial as read: fixed characters with '?' (one unreadable) and '*' (a run)."""

    raw: str
    folded: str  # folded, wildcards kept

    @classmethod
    def read(cls, text: str) -> SerialPattern:
        parts = re.split(r"([?*])", text.upper())
        folded = "".join(p if p in ("?", "*") else fold(p) for p in parts)
        folded = re.sub(r"\*+", "*", folded)
        return cls(text.strip(), folded)

    @property
    def has_wildcards(self) -> bool:
        return bool(_WILD.search(self.folded))

    @property
    def known(self) -> int:
        """How many characters were read."""
        return len(_WILD.sub("", self.folded))

    @property
    def unreadable(self) -> int:
        return self.folded.count("?")

    @property
    def prefix(self) -> str:
        """The fixed characters before the first wildcard."""
        return _WILD.split(self.folded, maxsplit=1)[0]

    @property
    def suffix(self) -> str:
        """The fixed characters after the last wildcard."""
        return _WILD.split(self.folded)[-1]

    @property
    def longest_run(self) -> str:
        return max(_WILD.split(self.folded), key=len)

    def regex(self) -> re.Pattern[str]:
        body = "".join("." if c == "?" else ".*" if c == "*" else re.escape(c) for c in self.folded)
        return re.compile(f"^{body}$")

    def like(self) -> str:
        """The pattern as SQL LIKE (the folded key holds only letters and digits)."""
        return self.folded.replace("?", "_").replace("*", "%")


@dataclass(frozen=True)
class SerialJudgement:
    score: float
    reason: str


def judge_serial(pattern: SerialPattern, candidate: str, distance: int | None) -> SerialJudgement | None:
    """How well a stored serial fits what was read, with the reason in words.

    `distance` is the edit distance between the folded forms (typing errors), computed
    by the caller; None when not computed.
    """
    read = serial_key(pattern.raw.replace("?", "").replace("*", "")) or ""
    stored = serial_key(candidate) or ""
    key = fold(candidate)
    if not pattern.has_wildcards:
        if read == stored:
            return SerialJudgement(1.0, N_("serial equal"))
        if pattern.folded == key:
            pairs = _lookalikes(read, stored)
            return SerialJudgement(
                0.97,
                N_("serial equal up to look-alike characters (%(pairs)s)", pairs=pairs)
                if pairs
                else N_("serial equal up to look-alike characters"),
            )
        if len(pattern.folded) >= 3 and key.endswith(pattern.folded):
            missing = len(key) - len(pattern.folded)
            return SerialJudgement(
                0.9 - 0.02 * missing,
                N_("serial ends with the characters read (%(missing)s missing at the start)", missing=missing),
            )
        if len(pattern.folded) >= 3 and key.startswith(pattern.folded):
            missing = len(key) - len(pattern.folded)
            return SerialJudgement(
                0.88 - 0.02 * missing,
                N_("serial begins with the characters read (%(missing)s missing at the end)", missing=missing),
            )
    elif pattern.regex().match(key):
        lost = pattern.unreadable
        misread = _misread_count(pattern, stored)
        if "*" in pattern.folded:
            return SerialJudgement(0.9 - 0.02 * misread, _around_run(misread))
        return SerialJudgement(0.95 - 0.02 * (lost - 1) - 0.02 * misread, _obliterated(lost, misread))
    if distance is not None and distance <= 2:
        return SerialJudgement(
            0.85 - 0.1 * (distance - 1),
            N_("serial within 1 typing error of the one read")
            if distance == 1
            else N_("serial within %(errors)s typing errors of the one read", errors=distance),
        )
    return None


def _around_run(misread: int) -> str:
    if not misread:
        return N_("serial fits the readable characters around the obliterated run")
    return N_(
        "serial fits the readable characters around the obliterated run, %(misread)s read as a look-alike",
        misread=misread,
    )


def _obliterated(lost: int, misread: int) -> str:
    """Each variant its own sentence, for the translators."""
    if lost == 1:
        if not misread:
            return N_("serial equal up to 1 obliterated character")
        return N_("serial equal up to 1 obliterated character, %(misread)s read as a look-alike", misread=misread)
    if not misread:
        return N_("serial equal up to %(lost)s obliterated characters", lost=lost)
    return N_(
        "serial equal up to %(lost)s obliterated characters, %(misread)s read as a look-alike",
        lost=lost,
        misread=misread,
    )


def _misread_count(pattern: SerialPattern, stored: str) -> int:
    """How many readable characters differ from the stored ones as look-alikes (they matched folded)."""
    raw = re.sub(r"\*+", "*", "".join(c for c in pattern.raw.upper() if c.isalnum() or c in "?*"))
    head, _, tail = raw.partition("*") if "*" in raw else (raw, "", "")
    count = sum(1 for a, b in zip(head, stored, strict=False) if a != "?" and a != b)
    if tail:
        count += sum(1 for a, b in zip(reversed(tail), reversed(stored), strict=False) if a != "?" and a != b)
    return count


def _lookalikes(read: str, stored: str) -> str:
    return ", ".join(sorted({f"{a}/{b}" for a, b in zip(read, stored, strict=False) if a != b}))


@dataclass(frozen=True)
class Facts:
    """What the officer read besides the serial; manufacturer as a reference id where known."""

    manufacturer_id: str | None = None
    manufacturer_note: str | None = None  # e.g. "Izhmash is a former name of Kalashnikov Concern"
    country: str | None = None
    model_key: str | None = None
    calibre: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Stored:
    """A registry record as identification sees it."""

    manufacturer_id: str | None
    manufacturer: str | None
    country: str | None
    model_key: str
    calibre: str | None
    category: str


# Each description's reasons as whole sentences, for the translators.
EQUAL = {
    "model": N_("model equal"),
    "calibre": N_("calibre equal"),
    "type": N_("type equal"),
    "country": N_("country equal"),
}
DIFFERS = {
    "model": N_("model differs (recorded: %(recorded)s)"),
    "calibre": N_("calibre differs (recorded: %(recorded)s)"),
    "type": N_("type differs (recorded: %(recorded)s)"),
    "country": N_("country differs (recorded: %(recorded)s)"),
}


def judge(serial: SerialJudgement | None, facts: Facts, stored: Stored) -> tuple[float, str]:
    """The candidate's score (0-1) and a one-line explanation of it."""
    score = serial.score if serial else 0.5
    reasons = [serial.reason] if serial else [N_("no serial compared")]
    if facts.manufacturer_id:
        if facts.manufacturer_id == stored.manufacturer_id:
            reasons.append(facts.manufacturer_note or N_("manufacturer equal"))
        else:
            score *= 0.75
            reasons.append(
                N_("manufacturer differs (recorded: %(recorded)s)", recorded=stored.manufacturer)
                if stored.manufacturer
                else N_("manufacturer differs (recorded: none)")
            )
    for label, given, held in (
        ("model", facts.model_key, stored.model_key),
        ("calibre", facts.calibre, stored.calibre),
        ("type", facts.category, stored.category),
        ("country", facts.country, stored.country),
    ):
        if given:
            if given == held:
                score += 0.01
                reasons.append(EQUAL[label])
            elif held:
                score -= 0.05
                reasons.append(N_(DIFFERS[label], recorded=held))
    return max(0.0, min(1.0, score)), joined(reasons)
