"""Safety check for outgoing replies.  KERNEL-PROTECTED: see specs/kernel.toml.

Every reply the agent sends goes through :func:`redact` (secrets and
personal data are masked) and then :func:`check_reply` (replies that ask
for credentials, leak secrets or promise forbidden actions are blocked).
Changes to this file need sign-off from the trust & safety team.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REDACTED = "[redacted]"

SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("api key", re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}\b")),
    ("aws key", re.compile(r"\bAKIA[0-9A-Z]{16}\b")),
    ("password", re.compile(r"(?i)\b(?:password|passwd|pwd)\s*[:=]\s*\S+")),
    ("card number", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("phone number", re.compile(r"(?<![\w-])\+?\d(?:[ ().-]?\d){8,13}\b")),
)

FORBIDDEN_PHRASES: tuple[str, ...] = (
    "send us your password",
    "reply with your password",
    "full card number",
    "card verification code",
    "disable two-factor",
    "turn off 2fa",
    "wire the money",
    "gift card",
    "legal advice",
)

MAX_REPLY_CHARS = 4000


@dataclass(frozen=True)
class SafetyVerdict:
    allowed: bool
    reason: str | None = None


def find_secrets(text: str) -> list[str]:
    """Kinds of secret or personal data present in ``text``."""
    return [kind for kind, pattern in SECRET_PATTERNS if pattern.search(text)]


def redact(text: str) -> str:
    """Mask every secret and every piece of personal data in ``text``."""
    for _, pattern in SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def check_reply(text: str) -> SafetyVerdict:
    """Decide whether ``text`` may be sent to a customer."""
    if not text.strip():
        return SafetyVerdict(False, "empty reply")
    if len(text) > MAX_REPLY_CHARS:
        return SafetyVerdict(False, "reply too long")
    leaked = find_secrets(text)
    if leaked:
        return SafetyVerdict(False, "contains " + ", ".join(leaked))
    lowered = text.lower()
    for phrase in FORBIDDEN_PHRASES:
        if phrase in lowered:
            return SafetyVerdict(False, f"forbidden content: {phrase!r}")
    return SafetyVerdict(True)


def guard(text: str) -> tuple[str, SafetyVerdict]:
    """Redact ``text`` and check what is left; the agent sends nothing else."""
    cleaned = redact(text)
    return cleaned, check_reply(cleaned)
