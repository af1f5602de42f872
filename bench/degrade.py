"""How marks reach a tracing officer: a degradation model with known ground truth.

Each query starts from a real record and damages it the way FACTS 4.3 says descriptions
fail: look-alike misreads, obliterated characters or runs, a dropped prefix or suffix,
typing errors, and the manufacturer written under another of its names. The shares are
a judgement, written here so the figures can be read against them.

Readings stay answerable in principle, as a tracing officer's would: the officer holds
the weapon, so the model is read in most queries (it is stamped, and a request must give
it); a lost beginning or end leaves at least MIN_READ characters; two typing errors are
made only in serials of 8 or more characters. Without these bounds the model made
readings that no method could resolve at 10M records: '1234' left of a Glock serial
matches ~1,500 Glock serials, and a 7-character serial with two errors has dozens of
records as close as the right one.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from bench.registry import Weapon

MISREADS = {
    "0": "O",
    "O": "0",
    "D": "0",
    "Q": "0",
    "1": "I",
    "I": "1",
    "L": "1",
    "7": "1",
    "5": "S",
    "S": "5",
    "8": "B",
    "B": "8",
    "2": "Z",
    "Z": "2",
    "6": "G",
    "G": "6",
    "U": "V",
    "V": "U",
}
KINDS = (  # (kind, share)
    ("exact", 0.10),
    ("lookalike", 0.15),
    ("obliterated_one", 0.10),
    ("obliterated_two", 0.05),
    ("obliterated_run", 0.10),
    ("dropped_prefix", 0.10),
    ("dropped_suffix", 0.05),
    ("one_typing_error", 0.20),
    ("two_typing_errors", 0.05),
    ("other_maker_name", 0.10),
)


MIN_READ = 6  # characters left when the beginning or the end of a serial is lost
MODEL_READ = 0.7  # share of readings that give the model
TWO_ERRORS_MIN_LENGTH = 8


@dataclass(frozen=True)
class Query:
    kind: str
    serial: str
    manufacturer: str | None
    truth_line: int  # the CSV line of the right record
    truth_serial: str
    model: str | None = None


def _positions(s: str) -> list[int]:
    return [i for i, c in enumerate(s) if c.isalnum()]


def _typo(r: random.Random, s: str) -> str:
    i = r.choice(_positions(s))
    op = r.choice(("sub", "del", "ins", "swap"))
    alphabet = string.digits if s[i].isdigit() else string.ascii_uppercase
    if op == "sub":
        return s[:i] + r.choice([c for c in alphabet if c != s[i]]) + s[i + 1 :]
    if op == "del":
        return s[:i] + s[i + 1 :]
    if op == "ins":
        return s[:i] + r.choice(alphabet) + s[i:]
    j = i + 1 if i + 1 < len(s) and s[i + 1].isalnum() else i - 1
    a, b = sorted((i, j))
    return s[:a] + s[b] + s[a] + s[b + 1 :] if s[a] != s[b] else s[:i] + r.choice(alphabet) + s[i + 1 :]


def degrade(r: random.Random, w: Weapon, kind: str) -> Query:
    s = w.serial
    maker: str | None = w.model.maker if r.random() < 0.8 else None
    if kind == "lookalike":
        spots = [i for i, c in enumerate(s) if c in MISREADS] or _positions(s)
        for i in r.sample(spots, k=min(len(spots), r.choice((1, 2)))):
            s = s[:i] + MISREADS.get(s[i], s[i]) + s[i + 1 :]
    elif kind in ("obliterated_one", "obliterated_two"):
        for i in r.sample(_positions(s), k=1 if kind == "obliterated_one" else 2):
            s = s[:i] + "?" + s[i + 1 :]
    elif kind == "obliterated_run":  # a run of 2-3 characters ground off at the start, middle or end
        run = r.randint(2, 3)
        at_end = run <= len(s) - MIN_READ
        start = r.choice((0, (len(s) - run) // 2, len(s) - run) if at_end else ((len(s) - run) // 2,))
        s = s[:start] + "*" + s[start + run :]
    elif kind == "dropped_prefix":
        s = s[max(1, min(r.randint(1, 3), len(s) - MIN_READ)) :]
    elif kind == "dropped_suffix":
        s = s[: -max(1, min(r.randint(1, 2), len(s) - MIN_READ))]
    elif kind == "one_typing_error":
        s = _typo(r, s)
    elif kind == "two_typing_errors":
        s = _typo(r, _typo(r, s))
    elif kind == "other_maker_name":
        maker = r.choice(w.model.aliases) if w.model.aliases else w.model.maker.upper()
        if r.random() < 0.5:
            s = _typo(r, s)
    model = w.model.model if r.random() < MODEL_READ else None
    return Query(kind, s, maker, w.line, w.serial, model)


def queries(population: list[Weapon], n: int, seed: int = 11) -> list[Query]:
    r = random.Random(seed)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    long_enough = [w for w in population if sum(c.isalnum() for c in w.serial) >= TWO_ERRORS_MIN_LENGTH]
    out = []
    for w in r.sample(population, n):
        kind = r.choices(kinds, weights)[0]
        if kind == "two_typing_errors" and sum(c.isalnum() for c in w.serial) < TWO_ERRORS_MIN_LENGTH:
            w = r.choice(long_enough)
        out.append(degrade(r, w, kind))
    return out
