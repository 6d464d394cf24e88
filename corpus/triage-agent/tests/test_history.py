from triage.history import CustomerHistory, daily_counts, earliest, latest, peak_window_load
from triage.models import MINUTES_PER_DAY, Customer, Ticket


def test_earliest_and_latest() -> None:
    assert earliest([30, 10, 20]) == 10
    assert latest([30, 10, 20]) == 30


def test_daily_counts_ignores_out_of_range() -> None:
    times = [5, MINUTES_PER_DAY + 1, MINUTES_PER_DAY + 2, 10 * MINUTES_PER_DAY]
    assert daily_counts(times, 0, 3) == [1, 2, 0]


def test_peak_window_load() -> None:
    assert peak_window_load([1, 0, 3, 2, 0, 1], 2) == 5
    assert peak_window_load([1, 2, 3], 3) == 6


def test_customer_lookup_and_unknown_customer() -> None:
    history = CustomerHistory([Customer("C1", "Ada Lovelace", "vip")], [])
    assert history.customer("C1").is_vip
    unknown = history.customer("nobody")
    assert not unknown.is_vip
    assert unknown.first_name == "there"


def test_contacts_and_frequency() -> None:
    tickets = [Ticket(f"T-{i}", "C1", "s", "b", i * MINUTES_PER_DAY // 2) for i in range(6)]
    history = CustomerHistory([], tickets)
    assert history.first_contact("C1") == 0
    assert history.last_contact("C1") == 5 * MINUTES_PER_DAY // 2
    assert history.last_contact("C2") is None
    assert history.recent_load("C1", 3 * MINUTES_PER_DAY) == 6
    assert history.is_frequent("C1", 3 * MINUTES_PER_DAY)
    assert not history.is_frequent("C1", 60 * MINUTES_PER_DAY)
