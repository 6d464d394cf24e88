from triage.models import MINUTES_PER_DAY
from triage.sla import (
    EscalationScheduler,
    add_business_minutes,
    due_at,
    escalation_times,
    fib_backoff,
    is_business_time,
    next_business_time,
)

MON = 0
FRI = 4 * MINUTES_PER_DAY
SAT = 5 * MINUTES_PER_DAY


def at(day: int, hour: int, minute: int = 0) -> int:
    return day + hour * 60 + minute


def test_business_time() -> None:
    assert is_business_time(at(MON, 9))
    assert not is_business_time(at(MON, 8, 59))
    assert not is_business_time(at(MON, 17))
    assert not is_business_time(at(SAT, 12))


def test_next_business_time() -> None:
    assert next_business_time(at(MON, 7)) == at(MON, 9)
    assert next_business_time(at(MON, 10)) == at(MON, 10)
    assert next_business_time(at(FRI, 18)) == at(MON + 7 * MINUTES_PER_DAY, 9)


def test_add_business_minutes_within_a_day() -> None:
    assert add_business_minutes(at(MON, 10), 90) == at(MON, 11, 30)


def test_add_business_minutes_rolls_over_weekend() -> None:
    assert add_business_minutes(at(FRI, 16), 120) == at(7 * MINUTES_PER_DAY, 10)


def test_due_at_urgent_is_calendar_time() -> None:
    assert due_at(at(SAT, 3), 1) == at(SAT, 4)
    assert due_at(at(SAT, 3), 3) == at(7 * MINUTES_PER_DAY, 17)


def test_fib_backoff() -> None:
    assert [fib_backoff(level) for level in range(1, 7)] == [15, 30, 45, 75, 120, 195]


def test_escalation_times_are_increasing() -> None:
    times = escalation_times(1000, 5)
    assert times == sorted(times)
    assert times[0] == 1015


def test_scheduler_fires_and_reschedules() -> None:
    scheduler = EscalationScheduler(max_level=2)
    scheduler.schedule("A", 100)
    scheduler.schedule("B", 500)
    assert scheduler.due(50) == []
    fired = scheduler.due(120)
    assert [(e.ticket_id, e.level) for e in fired] == [("A", 0), ("A", 1)]
    assert len(scheduler) == 2


def test_scheduler_skips_closed_tickets() -> None:
    scheduler = EscalationScheduler()
    scheduler.schedule("A", 100)
    scheduler.close("A")
    assert scheduler.due(10_000) == []
    assert len(scheduler) == 0
