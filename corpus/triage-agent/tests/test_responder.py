from triage.models import Classification, Customer, Queue, RunReport, Ticket, TriageResult
from triage.responder import bullet_list, digest, draft_replies, format_minute, truncate_words
from triage.safety import check_reply

TICKET = Ticket(
    "TCK-20001",
    "C9",
    "Parcel never arrived, call 07700 900123",
    "My package tracking has said delayed for a week.",
    2 * 24 * 60 + 600,
)
FOUND = Classification(Queue.SHIPPING, 4, 3, ("parcel", "tracking", "delayed"))


def test_format_minute() -> None:
    assert format_minute(0) == "Mon 00:00"
    assert format_minute(24 * 60 + 14 * 60 + 5) == "Tue 14:05"


def test_bullet_list() -> None:
    assert bullet_list(["one ", " two"]) == "- one\n- two\n"
    assert bullet_list([]) == ""


def test_truncate_words() -> None:
    assert truncate_words("a b c", 5) == "a b c"
    assert truncate_words("a b c d e f", 3) == "a b c [...]"


def test_drafts_are_redacted_and_safe() -> None:
    drafts = draft_replies(TICKET, FOUND, Customer("C9", "Sam Taylor"), TICKET.created_at + 960)
    assert [d.template for d in drafts] == ["concise", "detailed", "empathetic"]
    for draft in drafts:
        assert draft.text.startswith("Hi Sam,")
        assert "07700 900123" not in draft.text
        assert "TCK-20001" in draft.text
        assert check_reply(draft.text).allowed
    assert "You mentioned: parcel, tracking, delayed." in drafts[1].text
    assert "You mentioned" not in drafts[0].text


def test_digest_lists_every_result() -> None:
    report = RunReport(
        results=[
            TriageResult("TCK-1", Queue.BILLING, 3, 600, reply="ok"),
            TriageResult("TCK-2", Queue.BILLING, 3, 600, duplicate_of="TCK-1"),
            TriageResult("TCK-3", Queue.GENERAL, 4, 900, blocked_reason="no draft"),
        ],
        steps=3,
    )
    text = digest(report)
    assert text.startswith("Triaged 3 tickets in 3 steps\n")
    assert "- TCK-2 [billing/P3] due Mon 10:00: duplicate of TCK-1" in text
    assert "blocked: no draft" in text
