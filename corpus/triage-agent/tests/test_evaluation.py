from triage.evaluation import (
    hallucination_penalty,
    invented_ids,
    length_score,
    relevance,
    score_reply,
)
from triage.models import Ticket

TICKET = Ticket(
    "TCK-10001",
    "C1",
    "Refund for double charge",
    "I was charged twice for my subscription. Please refund the second charge.",
    600,
)

GOOD = (
    "Hi Sam,\n\nThank you for getting in touch. We can see the subscription was "
    "charged twice and have asked billing to refund the second charge. You will "
    "get a confirmation email once the refund is processed, usually within three "
    "working days. Your reference is TCK-10001.\n\nKind regards,\nThe Support Team"
)


def test_invented_ids() -> None:
    reply = "See TCK-10001 and also TCK-99999 and INC-123."
    assert invented_ids(reply, {"TCK-10001"}) == ["TCK-99999", "INC-123"]


def test_hallucination_markers_are_penalised() -> None:
    assert hallucination_penalty(GOOD, {"TCK-10001"}) == 0.0
    assert hallucination_penalty("As an AI, I guarantee it.", set()) >= 1.0


def test_relevance_and_length() -> None:
    assert relevance(["refund", "charge"], ["refund", "charge", "twice", "late"]) == 0.5
    assert relevance([], []) == 1.0
    assert length_score(0) == 0.0
    assert length_score(80) == 1.0


def test_good_reply_scores_well() -> None:
    assert score_reply(GOOD, TICKET, {"TCK-10001"}) > 0.7


def test_fabrication_is_punished() -> None:
    bad = GOOD.replace("have asked billing to refund", "I have refunded")
    assert score_reply(bad, TICKET, {"TCK-10001"}) < score_reply(GOOD, TICKET, {"TCK-10001"})
    assert score_reply(GOOD, TICKET, set()) < score_reply(GOOD, TICKET, {"TCK-10001"})
    assert score_reply("As an AI language model I guarantee a refund.", TICKET, set()) == 0.0
