"""The one error tree of armtrace.

Every failure a user can meet is one of these, so the API, the pages and the CLI can
answer it the same way (one table maps each class to an HTTP status and an exit code)::

    ArmtraceError(code, title)
    ├── NotFound          the thing named does not exist here
    ├── Conflict          it exists already, or the record moved on meanwhile
    ├── RuleViolation     the input breaks a rule of the instruments or of the registry;
    │                     carries the rule ("ITI para 12") and the problems, all at once
    ├── NotPermitted      the actor may not do this
    │   └── NotSignedIn   no valid credentials were given at all
    ├── DeadlinePassed    too late (or too early) for this act
    └── TooLarge          more than this node accepts at once (an envelope over its limit)

A message says what was wrong, which rule says so, and what to do. Nothing below the
API raises HTTP exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


class Message(str):
    """A fixed message: reads as its English wording, and keeps its template and its values so that
    the pages, the API and the command line can word it in their reader's language. A value may be
    a message itself, worded in the same language."""

    template: str
    params: dict[str, object] | None

    def __new__(cls, template: str, params: dict[str, object] | None = None) -> Message:
        message = super().__new__(cls, template if params is None else template % params)
        message.template = template
        message.params = params
        return message

    def __reduce__(self) -> tuple[object, ...]:
        return (Message, (self.template, self.params))

    def worded(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of `gettext`; its English wording if the translation is broken."""
        text = gettext(self.template)
        if self.params is None:
            return text
        values = {k: v.worded(gettext) if isinstance(v, Message) else v for k, v in self.params.items()}
        try:
            return text % values
        except (KeyError, TypeError, ValueError):
            return self.template % values


def N_(message: str, /, **params: object) -> str:  # noqa: N802 - gettext's name for "translated where it is shown"
    """Mark a message for the catalogues; the reader's language words it when it is shown.

    With values, the message is a template with %(name)s placeholders ('%%' for a percent sign)::

        NotFound(N_("there is no weapon #%(weapon)s", weapon=weapon_id))
    """
    return Message(message, params or None)


def joined(parts: Sequence[str], separator: str = "; ") -> str:
    """Parts of one text (reasons, notes), each worded in the reader's language, joined as they are."""
    if not parts:
        return ""
    names = [f"part{n}" for n in range(len(parts))]
    template = separator.replace("%", "%%").join(f"%({name})s" for name in names)
    return Message(template, dict(zip(names, parts, strict=True)))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, what was given, why (the rule), what to do."""

    field: str
    message: str
    value: object = None
    rule: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        parts = [f"{self.field}: {self.message}"]
        if self.value not in (None, ""):
            parts[0] = f"{self.field} = {self.value!r}: {self.message}"
        if self.rule:
            parts.append(f"({self.rule})")
        if self.hint:
            parts.append(f"— {self.hint}")
        return " ".join(parts)


class ArmtraceError(Exception):
    """Base of every error armtrace raises on purpose."""

    code = "armtrace_error"
    title = "The request could not be carried out"

    def __init__(
        self,
        detail: str,
        *,
        rule: str | None = None,
        hint: str | None = None,
        problems: list[Problem] | tuple[Problem, ...] = (),
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
        self.hint = hint
        self.problems = tuple(problems)
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        lines = [self.detail]
        if self.rule:
            lines[0] += f" ({self.rule})"
        lines.extend(f"  - {p}" for p in self.problems)
        if self.hint:
            lines.append(f"What to do: {self.hint}")
        return "\n".join(lines)


class NotFound(ArmtraceError):
    code = "not_found"
    title = "Not found"


class Conflict(ArmtraceError):
    code = "conflict"
    title = "Conflicts with an existing record"


class RuleViolation(ArmtraceError):
    code = "rule_violation"
    title = "Breaks a rule"


class NotPermitted(ArmtraceError):
    code = "not_permitted"
    title = "Not permitted"


class NotSignedIn(NotPermitted):
    code = "not_signed_in"
    title = "Sign-in required"


class DeadlinePassed(ArmtraceError):
    code = "deadline_passed"
    title = "Outside the permitted time"


@dataclass
class ProblemList:
    """Collects every problem with an input so the user hears all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self, field_: str, message: str, value: object = None, *, rule: str | None = None, hint: str | None = None
    ) -> None:
        self.problems.append(Problem(field_, message, value, rule, hint))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, detail: str, *, hint: str | None = None) -> None:
        if self.problems:
            rules = sorted({p.rule for p in self.problems if p.rule})
            raise RuleViolation(detail, rule="; ".join(rules) or None, hint=hint, problems=self.problems)


# The one table: how each kind of error reaches people. HTTP status (problem+json,
# RFC 9457) for the API and pages, exit code for the command line.
class TooLarge(ArmtraceError):
    code = "too_large"
    title = "Too large"


RESPONSES: dict[type[ArmtraceError], tuple[int, int]] = {
    NotFound: (404, 3),
    Conflict: (409, 4),
    RuleViolation: (422, 2),
    NotSignedIn: (401, 5),
    NotPermitted: (403, 5),
    DeadlinePassed: (409, 6),
    TooLarge: (413, 2),
    ArmtraceError: (400, 1),
}


def response_for(error: ArmtraceError) -> tuple[int, int]:
    """(HTTP status, exit code) of an error, by the nearest class in the table."""
    for cls in type(error).__mro__:
        if cls in RESPONSES:
            return RESPONSES[cls]  # type: ignore[index]
    return RESPONSES[ArmtraceError]
