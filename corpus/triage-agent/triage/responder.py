"""Drafts customer replies from per-queue templates.

Every draft is redacted before anyone (the scorer included) sees it; the
agent then runs the safety check on each candidate before sending.
"""

from __future__ import annotations

from triage import safety
from triage.limits import CANDIDATES_PER_TICKET, MAX_REPLY_WORDS
from triage.models import (
    MINUTES_PER_DAY,
    MINUTES_PER_HOUR,
    Classification,
    Customer,
    Draft,
    Queue,
    RunReport,
    Ticket,
)
from triage.safety import redact as _redact

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STYLES = ("concise", "detailed", "empathetic")
SIGN_OFF = "Kind regards,\nThe Support Team"

OPENERS: dict[Queue, str] = {
    Queue.SECURITY: "Thank you for reporting this. We treat possible account "
    "compromise as our top priority and a security specialist is on it.",
    Queue.BILLING: "Thank you for getting in touch about your billing. We are "
    "reviewing the payment details on your account.",
    Queue.ACCOUNT: "Thank you for contacting us about your account access.",
    Queue.TECHNICAL: "Thank you for the report. Our technical team is looking "
    "into the problem you described.",
    Queue.SHIPPING: "Thank you for your message about your delivery. We are "
    "checking the status with the courier.",
    Queue.GENERAL: "Thank you for contacting us. A member of the team will "
    "look at your request.",
}

NEXT_STEPS: dict[Queue, tuple[str, ...]] = {
    Queue.SECURITY: (
        "Change your password from the login page using the reset link.",
        "Review the recent sign-ins listed in your security settings.",
        "We will never ask you for your password or a verification code.",
    ),
    Queue.BILLING: (
        "We will confirm the outcome of the billing review by email.",
        "Any correction will show on your next invoice.",
    ),
    Queue.ACCOUNT: (
        "Use the reset link on the login page to regain access.",
        "If the link does not arrive, check your spam folder.",
    ),
    Queue.TECHNICAL: (
        "Let us know the app version and what you were doing when it happened.",
        "Our status page lists any ongoing incidents.",
    ),
    Queue.SHIPPING: (
        "We will share the courier's update as soon as we have it.",
        "If the parcel arrived damaged, please keep the packaging.",
    ),
    Queue.GENERAL: ("We will reply in full as soon as we can.",),
}


def format_minute(minute: int) -> str:
    """Human form of a calendar minute, e.g. ``Tue 14:05``."""
    weekday = WEEKDAYS[(minute // MINUTES_PER_DAY) % 7]
    hours, minutes = divmod(minute % MINUTES_PER_DAY, MINUTES_PER_HOUR)
    return f"{weekday} {hours:02d}:{minutes:02d}"


def bullet_list(lines: list[str]) -> str:
    """Render ``lines`` as a Markdown bullet list, one bullet per line."""
    text = ""
    for line in lines:
        text = text + "- " + line.strip() + "\n"
    return text


def truncate_words(text: str, limit: int) -> str:
    """Cut ``text`` down to its first ``limit`` words, marking the cut."""
    words = text.split(" ")
    if len(words) <= limit:
        return text
    return " ".join(words[:limit]) + " [...]"


def compose(
    ticket: Ticket, classification: Classification, customer: Customer, style: str,
    due: int,
) -> str:
    queue = classification.queue
    parts = [f"Hi {customer.first_name},", "", OPENERS[queue]]
    if style != "concise" and classification.matched:
        parts.append("You mentioned: " + ", ".join(classification.matched) + ".")
    if style == "empathetic":
        parts.append("We are sorry for the trouble this has caused you.")
    steps = NEXT_STEPS[queue] if style != "concise" else NEXT_STEPS[queue][:1]
    parts += ["", bullet_list(list(steps)).rstrip("\n"), ""]
    parts.append(f"Your reference is {ticket.ticket_id} (re: {ticket.subject.strip()}).")
    parts.append(f"We aim to update you by {format_minute(due)}.")
    parts += ["", SIGN_OFF]
    return "\n".join(parts)


def draft_replies(
    ticket: Ticket, classification: Classification, customer: Customer, due: int
) -> list[Draft]:
    """Candidate replies in each house style, already redacted."""
    drafts = []
    for style in STYLES[:CANDIDATES_PER_TICKET]:
        text = compose(ticket, classification, customer, style, due)
        text = truncate_words(_redact(text), MAX_REPLY_WORDS)
        drafts.append(Draft(ticket.ticket_id, style, text))
    return drafts


def digest(report: RunReport) -> str:
    """Plain-text summary of a run for the team lead's morning e-mail."""
    lines = []
    for result in report.results:
        status = "blocked: " + result.blocked_reason if result.blocked_reason else "ready"
        if result.duplicate_of:
            status = "duplicate of " + result.duplicate_of
        lines.append(
            f"{result.ticket_id} [{result.queue.value}/P{result.priority}] "
            f"due {format_minute(result.due_at)}: {status}"
        )
    header = f"Triaged {len(report.results)} tickets in {report.steps} steps"
    if report.stopped_reason:
        header += f" (stopped: {report.stopped_reason}, {len(report.skipped)} skipped)"
    return safety.redact(header + "\n" + bullet_list(lines))
