from triage.classify import classify, clamp_priority, keyword_hits, priority_for
from triage.models import Queue


def test_keyword_hits_is_case_insensitive_on_keywords() -> None:
    assert keyword_hits(["refund", "please", "invoice", "refund"], ("Refund", "Invoice")) == 3


def test_clamp_priority() -> None:
    assert clamp_priority(-3) == 1
    assert clamp_priority(3) == 3
    assert clamp_priority(9) == 5


def test_priority_for() -> None:
    assert priority_for(0, False, 0) == 4
    assert priority_for(3, False, 0) == 1
    assert priority_for(1, True, 0) == 2
    assert priority_for(0, True, 10) == 2


def test_billing_ticket() -> None:
    found = classify("Refund please: I was charged twice on my last invoice")
    assert found.queue is Queue.BILLING
    assert found.matched == ("refund", "charged", "invoice")
    assert found.priority == 4


def test_security_beats_account_and_is_high_priority() -> None:
    found = classify("My account was hacked and the password changed")
    assert found.queue is Queue.SECURITY
    assert found.priority <= 2


def test_urgent_outage() -> None:
    found = classify("URGENT: API is down, critical outage for all our users")
    assert found.queue is Queue.TECHNICAL
    assert found.priority == 1


def test_nothing_matches() -> None:
    found = classify("Do you have a phone number for the Berlin office?")
    assert found.queue is Queue.GENERAL
    assert found.score == 0
    assert found.matched == ()
