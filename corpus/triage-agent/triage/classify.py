"""Rule-based routing of tickets into queues, with a priority.

The keyword lists are maintained by the support operations team (they are
pasted from their routing spreadsheet, hence the capitalisation).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.dedupe import unique_in_order
from triage.history import FREQUENT_CONTACT_THRESHOLD
from triage.models import PRIORITY_LOWEST, PRIORITY_URGENT, Classification, Queue
from triage.text import tokenize


@dataclass(frozen=True)
class Rule:
    queue: Queue
    keywords: tuple[str, ...]
    weight: int


RULES: tuple[Rule, ...] = (
    Rule(Queue.SECURITY, ("Hacked", "Breach", "Phishing", "Compromised", "Fraud",
                          "Unauthorized", "Stolen"), 5),
    Rule(Queue.BILLING, ("Invoice", "Refund", "Charge", "Charged", "Payment",
                         "Billing", "Subscription", "Receipt", "Overcharged"), 2),
    Rule(Queue.ACCOUNT, ("Password", "Login", "Locked", "Account", "Email",
                         "Username", "2fa", "Verification"), 2),
    Rule(Queue.TECHNICAL, ("Error", "Crash", "Bug", "Broken", "Slow", "Timeout",
                           "Api", "Sync", "Outage", "Down"), 1),
    Rule(Queue.SHIPPING, ("Delivery", "Shipping", "Parcel", "Package", "Tracking",
                          "Courier", "Delayed", "Damaged"), 1),
)

URGENT_WORDS: tuple[str, ...] = ("Urgent", "Asap", "Immediately", "Emergency",
                                 "Outage", "Down", "Critical", "Lawyer")

DEFAULT_PRIORITY = 4


def keyword_hits(tokens: list[str], keywords: tuple[str, ...]) -> int:
    """Number of (token, keyword) pairs that match, ignoring keyword case."""
    hits = 0
    for token in tokens:
        for keyword in keywords:
            if token == keyword.lower():
                hits += 1
    return hits


def clamp_priority(priority: int) -> int:
    """Force ``priority`` into the valid range PRIORITY_URGENT..PRIORITY_LOWEST."""
    if priority < PRIORITY_URGENT:
        return PRIORITY_URGENT
    if priority > PRIORITY_LOWEST:
        return PRIORITY_LOWEST
    return priority


def priority_for(urgency: int, is_vip: bool, recent_load: int) -> int:
    """Priority (1 = most urgent) from the count of urgent words, the
    customer's tier and how often they have written recently."""
    if urgency >= 3:
        priority = 1
    elif urgency == 2:
        priority = 2
    elif urgency == 1:
        priority = 3
    else:
        priority = DEFAULT_PRIORITY
    if is_vip:
        priority -= 1
    if recent_load >= FREQUENT_CONTACT_THRESHOLD:
        priority -= 1
    return clamp_priority(priority)


def pick_queue(scores: dict[Queue, int]) -> Queue:
    """The queue with the highest positive score; ties go to the queue whose
    rule comes first.  GENERAL when nothing scored."""
    best = Queue.GENERAL
    best_score = 0
    for rule in RULES:
        score = scores.get(rule.queue, 0)
        if score > best_score:
            best, best_score = rule.queue, score
    return best


def classify(text: str, is_vip: bool = False, recent_load: int = 0) -> Classification:
    tokens = tokenize(text)
    scores: dict[Queue, int] = {}
    matched: list[str] = []
    for rule in RULES:
        hits = keyword_hits(tokens, rule.keywords)
        if hits:
            scores[rule.queue] = hits * rule.weight
            lowered = [k.lower() for k in rule.keywords]
            matched.extend(t for t in tokens if t in lowered)
    queue = pick_queue(scores)
    urgency = keyword_hits(tokens, URGENT_WORDS)
    priority = priority_for(urgency, is_vip, recent_load)
    if queue is Queue.SECURITY:
        priority = min(priority, 2)
    return Classification(
        queue=queue,
        priority=priority,
        score=scores.get(queue, 0),
        matched=tuple(unique_in_order(matched)),
    )
