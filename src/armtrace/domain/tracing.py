"""Tracing requests between States: what a request must say, and the life it leads.

ITI, section on cooperation in tracing (FACTS 1.4): a State asks another about an illicit
weapon found on its territory. The request states why the weapon is illicit (one of the
five grounds of ITI para 6) and its legal basis, the circumstances of the find, the
weapon's markings, type and calibre, and what the answer will be used for. The requested
State acknowledges, then answers: traced, partially traced, not traced (with a coded
reason, FACTS 4.3), delayed or refused (with an ITI reason). Every step is timed, so a
State can say how fast each counterpart answers and why its traces fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from armtrace.domain.errors import N_, ProblemList, RuleViolation

RULE_ILLICIT = "ITI para 17(a)"  # why the weapon is illicit, its legal basis, the circumstances of the find
RULE_DESCRIPTION = "ITI para 17(b)"  # markings, type, calibre
RULE_IDENTITY = "ISACS 05.31"  # make, model, serial, country of manufacture or latest import; photographs
RULE_USE = "ITI para 17(c)"  # the intended use of the information sought
ANSWER_RULE = "ITI, section on cooperation in tracing: responses and their restrictions"


class IllicitBasis(StrEnum):
    """The five grounds on which a weapon is illicit (ITI para 6)."""

    NATIONAL_LAW = "a"  # illicit under the law of the State where it is found
    EMBARGO = "b"  # transferred in breach of a UN Security Council embargo
    NOT_MARKED = "c"  # not marked as the ITI requires
    UNLICENSED_MANUFACTURE = "d"  # made or assembled without a licence of the State of manufacture
    UNLICENSED_TRANSFER = "e"  # transferred without a licence of a competent national authority

    @property
    def label(self) -> str:
        return {
            "a": "illicit under the law of the State where it was found",
            "b": "transferred in breach of a UN Security Council arms embargo",
            "c": "not marked as the ITI requires",
            "d": "manufactured or assembled without a licence",
            "e": "transferred without a licence from a competent national authority",
        }[self.value]


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"  # needs a justification (FACTS 4.3, ATF F 3312.1)


class Status(StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    TRACED = "traced"
    PARTIALLY_TRACED = "partially_traced"
    NOT_TRACED = "not_traced"
    DELAYED = "delayed"
    REFUSED = "refused"


class Restriction(StrEnum):
    """Why an answer may be delayed, limited or refused; the reason is told to the requester."""

    CRIMINAL_INVESTIGATION = "criminal_investigation"
    CONFIDENTIALITY_LAW = "confidentiality_law"
    NATIONAL_SECURITY = "national_security"


class FailureReason(StrEnum):
    """Why a trace fails (FACTS 4.3): said in codes so the failures can be counted."""

    TOO_OLD_PRE_RECORDS = "too_old_pre_records"
    SERIAL_INVALID = "serial_invalid"
    SERIAL_OBLITERATED = "serial_obliterated"
    MANUFACTURER_UNIDENTIFIED = "manufacturer_unidentified"
    IMPORTER_UNIDENTIFIED = "importer_unidentified"
    DESCRIPTION_INCOMPLETE = "description_incomplete"
    RECORD_NOT_FOUND = "record_not_found"
    RECORD_DESTROYED_RETENTION = "record_destroyed_retention"
    BUSINESS_CLOSED_RECORDS_MISSING = "business_closed_records_missing"
    NO_RESPONSE = "no_response"


ESSENTIAL = ("manufacturer", "model", "serial", "country")  # ISACS 05.31: what identifies the weapon
ESSENTIAL_LABELS = {
    "manufacturer": N_("the manufacturer (make)"),
    "model": N_("the model"),
    "serial": N_("the serial"),
    "country": N_("the country of manufacture or of latest import"),
}


@dataclass(frozen=True)
class Markings:
    """What the marks show. `unreadable` names the essential elements (ESSENTIAL) the marks cannot show,
    obliterated or never marked (a craft-made weapon): photographs stand in for them (ISACS 05.31)."""

    manufacturer: str | None
    serial: str | None
    country_of_manufacture: str | None = None
    model: str | None = None
    last_import_country: str | None = None
    serial_obliterated: bool = False
    unreadable: tuple[str, ...] = ()
    craft_made: bool = False

    def element(self, name: str) -> str | None:
        """An essential element as the marks give it; the country is that of manufacture or of latest import."""
        if name == "country":
            return self.country_of_manufacture or self.last_import_country
        value = getattr(self, name)
        return value if value and str(value).strip("?* ") else None

    def standing_in(self) -> tuple[str, ...]:
        """The essential elements photographs stand in for: those said unreadable (the serial when it is
        obliterated), and, for a craft-made weapon, every one the marks do not give."""
        named = set(self.unreadable) | ({"serial"} if self.serial_obliterated else set())
        if self.craft_made:
            named |= {e for e in ESSENTIAL if not self.element(e)}
        return tuple(e for e in ESSENTIAL if e in named)


class IntendedUse(StrEnum):
    """What the information sought will be used for (ITI para 17(c)); `other` says what, in words."""

    CRIMINAL_INVESTIGATION = "criminal_investigation"
    PROSECUTION = "prosecution"
    INTELLIGENCE_ANALYSIS = "intelligence_analysis"
    STOCKPILE_OR_LOSS_INVESTIGATION = "stockpile_or_loss_investigation"
    ADMINISTRATIVE_OR_LICENSING_INQUIRY = "administrative_or_licensing_inquiry"
    OTHER = "other"


@dataclass(frozen=True)
class RequestContent:
    """What a request says about the weapon and why it is asked (ITI para 17; ISACS 05.31)."""

    bases: tuple[IllicitBasis, ...]
    legal_justification: str
    circumstances: str
    markings: Markings
    category: str | None
    calibre: str | None
    intended_use: str  # an IntendedUse code
    priority: Priority = Priority.ROUTINE
    urgency_reason: str | None = None
    photographs: tuple[str, ...] = ()  # images by their hash ("sha256:<hex>"), fetched from the requester
    intended_use_detail: str = ""  # what 'other' means, or more about the use


PHOTOGRAPH = re.compile(r"sha256:[0-9a-f]{64}")


def photograph_ref(sha256: str) -> str:
    """How a request refers to a photograph: by the hash of its bytes, so what is fetched can be checked."""
    return f"sha256:{sha256}"


REQUIRED_TEXT = (  # (field, what is missing, what to do)
    (
        "legal_justification",
        N_("the legal basis for considering the weapon illicit is missing"),
        N_("cite the law, order or resolution"),
    ),
    (
        "circumstances",
        N_("the circumstances of the find are missing"),
        N_("say where, when and how the weapon was found or seized"),
    ),
)
# Each essential element its own sentence, for the translators.
ESSENTIAL_MISSING = {
    "manufacturer": N_("the manufacturer (make) is missing"),
    "model": N_("the model is missing"),
    "serial": N_("the serial is missing"),
    "country": N_("neither the country of manufacture nor the country of latest import is given"),
}
USES = ", ".join(u.value for u in IntendedUse)


def check_content(c: RequestContent) -> ProblemList:
    """Every element a request lacks, all at once, each citing its rule: why the weapon is illicit and on
    what legal basis (ITI para 17(a)); what identifies it (ITI para 17(b), ISACS 05.31); what the answer
    will be used for (ITI para 17(c))."""
    p = ProblemList()
    if not c.bases:
        p.add(
            "bases",
            "at least one ground of illicitness is required",
            rule=RULE_ILLICIT,
            hint=N_("a national law, b embargo, c not marked, d unlicensed manufacture, e unlicensed transfer"),
        )
    for name, missing, hint in REQUIRED_TEXT:
        if not str(getattr(c, name)).strip():
            p.add(name, missing, rule=RULE_ILLICIT, hint=hint)
    _check_identity(c, p)
    if not c.category:
        p.add("category", "the type of weapon is missing", rule=RULE_DESCRIPTION)
    if not c.calibre:
        p.add("calibre", "the calibre is missing", rule=RULE_DESCRIPTION)
    _check_use(c, p)
    if c.priority is Priority.URGENT and not (c.urgency_reason or "").strip():
        p.add("urgency_reason", "an urgent request needs its reason", hint=N_("say why it cannot wait"))
    return p


def _check_identity(c: RequestContent, p: ProblemList) -> None:
    """Make, model, serial and country, each as read, or said unreadable with photographs standing in."""
    m = c.markings
    for name in m.unreadable:
        if name not in ESSENTIAL:
            p.add("markings.unreadable", "is not an element of the marks", name, hint=", ".join(ESSENTIAL))
    standing_in = m.standing_in()
    for name in ESSENTIAL:
        if not m.element(name) and name not in standing_in:
            p.add(
                f"markings.{name}",
                ESSENTIAL_MISSING[name],
                rule=RULE_IDENTITY,
                hint=N_("give it as the marks show it; if they cannot (obliterated, craft-made), say so and "
                        "attach photographs"),
            )  # fmt: skip
    for ref in c.photographs:
        if not PHOTOGRAPH.fullmatch(ref):
            p.add(
                "photographs",
                "a photograph travels as a reference by its hash",
                ref,
                rule="DESIGN.md: nodes and exchange",
                hint=N_("attach the file (armtrace trace new --photo FILE, or the form's file field)"),
            )
    if standing_in and not c.photographs:
        p.add(
            "photographs",
            N_(
                "photographs must stand in for what the marks cannot show: %(elements)s",
                elements=", ".join(standing_in),
            ),
            rule=RULE_IDENTITY,
            hint=N_("attach photographs of the frame or receiver and of every mark"),
        )


def _check_use(c: RequestContent, p: ProblemList) -> None:
    use = c.intended_use.strip()
    if not use:
        p.add(
            "intended_use",
            "the intended use of the information is missing",
            rule=RULE_USE,
            hint=N_("one of: %(uses)s", uses=USES),
        )
    elif use not in set(IntendedUse):
        p.add(
            "intended_use",
            "is not one of the intended uses",
            use,
            rule=RULE_USE,
            hint=N_("one of: %(uses)s", uses=USES),
        )
    elif use == IntendedUse.OTHER and not c.intended_use_detail.strip():
        p.add(
            "intended_use_detail",
            "an intended use of 'other' says what it is",
            rule=RULE_USE,
            hint=N_("describe the use, e.g. 'civil forfeiture proceedings'"),
        )


def state_to_ask(m: Markings) -> str | None:
    """Whom to ask first: the State of the last import mark, or else the State of manufacture."""
    return m.last_import_country or m.country_of_manufacture


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    restriction: Restriction | None = None
    failure: FailureReason | None = None
    facts: tuple[str, ...] = ()  # what the registry discloses, line by line
    next_country: str | None = None  # where the weapon went, if to another State


# Each outcome its own sentence, for the translators.
GIVES_ITS_REASON = {
    Outcome.PARTIALLY_TRACED: N_("a partially traced answer gives its reason"),
    Outcome.DELAYED: N_("a delayed answer gives its reason"),
    Outcome.REFUSED: N_("a refused answer gives its reason"),
}


def check_answer(a: Answer) -> ProblemList:
    p = ProblemList()
    if a.outcome in (Outcome.PARTIALLY_TRACED, Outcome.DELAYED, Outcome.REFUSED) and a.restriction is None:
        p.add(
            "restriction",
            GIVES_ITS_REASON[a.outcome],
            rule=ANSWER_RULE,
            hint=N_("one of: %(reasons)s", reasons=", ".join(r.value for r in Restriction)),
        )
    if a.outcome is Outcome.NOT_TRACED and a.failure is None:
        p.add(
            "failure",
            "a not-traced answer gives the coded reason it failed",
            rule="FACTS 4.3",
            hint=N_("one of: %(reasons)s", reasons=", ".join(f.value for f in FailureReason)),
        )
    if a.outcome in (Outcome.TRACED, Outcome.PARTIALLY_TRACED) and not a.facts:
        p.add("facts", "a traced answer says what the records show", rule=ANSWER_RULE)
    return p


TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "send": (frozenset({Status.DRAFTED}), Status.SENT),
    "acknowledge": (frozenset({Status.SENT}), Status.ACKNOWLEDGED),
    "answer": (frozenset({Status.SENT, Status.ACKNOWLEDGED}), Status.ANSWERED),
    "withdraw": (frozenset({Status.DRAFTED, Status.SENT, Status.ACKNOWLEDGED}), Status.WITHDRAWN),
}


def transition(status: Status, act: str, outcome: Outcome | None = None) -> Status:
    """The status after an act; a delayed answer keeps the request open (it is answered later)."""
    allowed, after = TRANSITIONS[act]
    if status not in allowed:
        raise RuleViolation(
            N_(CANNOT_BE[act], status=N_(status.value)),
            rule="tracing request lifecycle",
            hint=N_("see the request's history with 'armtrace trace show'"),
        )
    if act == "answer" and outcome is Outcome.DELAYED:
        return Status.ACKNOWLEDGED
    return after


# Each act its own sentence, for the translators.
CANNOT_BE = {
    "send": N_("a request that is %(status)s cannot be sent"),
    "acknowledge": N_("a request that is %(status)s cannot be acknowledged"),
    "answer": N_("a request that is %(status)s cannot be answered"),
    "withdraw": N_("a request that is %(status)s cannot be withdrawn"),
}


@dataclass(frozen=True)
class Deadlines:
    """How long a requested State gives itself: working days to acknowledge, calendar days to answer.

    The clocks are the receiving State's own (its settings, its public holidays and the days its office
    is closed); what the requester expected is kept beside them, as the requester's."""

    acknowledge_working_days: int = 5
    answer_days: int = 30
    urgent_acknowledge_working_days: int = 1
    urgent_answer_days: int = 7
    holidays: frozenset[date] = field(default_factory=frozenset)

    def closed_on(self, days: Iterable[date]) -> Deadlines:
        """These deadlines with more days the office is closed: the State's public holidays, say."""
        return replace(self, holidays=self.holidays | frozenset(days))

    def acknowledge_by(self, sent_at: datetime, priority: Priority) -> datetime:
        days = self.urgent_acknowledge_working_days if priority is Priority.URGENT else self.acknowledge_working_days
        return add_working_days(sent_at, days, self.holidays)

    def answer_by(self, sent_at: datetime, priority: Priority) -> datetime:
        return sent_at + timedelta(days=self.urgent_answer_days if priority is Priority.URGENT else self.answer_days)


def add_working_days(start: datetime, days: int, holidays: frozenset[date] = frozenset()) -> datetime:
    """`days` working days after `start` (Monday to Friday, holidays and closed days excepted)."""
    t = start
    left = days
    while left > 0:
        t += timedelta(days=1)
        if t.weekday() < 5 and t.date() not in holidays:
            left -= 1
    return t


def overdue(status: Status, acknowledge_by: datetime | None, answer_by: datetime | None, now: datetime) -> str | None:
    """What a request still waits for past its deadline: 'acknowledgement', 'answer', or nothing."""
    if status is Status.SENT and acknowledge_by is not None and now > acknowledge_by:
        return "acknowledgement"
    if status in (Status.SENT, Status.ACKNOWLEDGED) and answer_by is not None and now > answer_by:
        return "answer"
    return None


def waiting_since(status: Status, sent_at: datetime | None, acknowledged_at: datetime | None) -> datetime | None:
    """Since when a request has waited for its next step: its acknowledgement since it was sent, its answer
    since it was acknowledged; None once answered, withdrawn, or not sent yet."""
    if status is Status.SENT:
        return sent_at
    if status is Status.ACKNOWLEDGED:
        return acknowledged_at or sent_at
    return None
