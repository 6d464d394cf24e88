from triage.dedupe import find_near_duplicates, jaccard, unique_in_order
from triage.models import Ticket


def _ticket(tid: str, customer: str, body: str, at: int) -> Ticket:
    return Ticket(tid, customer, "Problem with my order", body, at)


def test_unique_in_order_keeps_first_occurrence() -> None:
    assert unique_in_order(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_unique_in_order_empty() -> None:
    assert unique_in_order([]) == []


def test_jaccard() -> None:
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset({"a"}), frozenset({"a"})) == 1.0


def test_near_duplicates_same_customer_only() -> None:
    body = "The parcel arrived damaged and the box was soaking wet, need a replacement"
    tickets = [
        _ticket("TCK-00002", "C1", body + "!!", 50),
        _ticket("TCK-00001", "C1", body, 10),
        _ticket("TCK-00003", "C2", body, 60),
    ]
    assert find_near_duplicates(tickets) == {"TCK-00002": "TCK-00001"}


def test_different_tickets_are_not_duplicates() -> None:
    tickets = [
        _ticket("TCK-00001", "C1", "My invoice shows the wrong VAT number", 10),
        _ticket("TCK-00002", "C1", "The app crashes when I open settings", 20),
    ]
    assert find_near_duplicates(tickets) == {}
