from triage import Customer, CustomerHistory, Queue, Ticket, TriageAgent, limits

DAY = 24 * 60

CUSTOMERS = [Customer("C1", "Ada Lovelace", "vip"), Customer("C2", "Bob Jones")]

BATCH = [
    Ticket("TCK-10002", "C2", "Refund for invoice",
           "I was charged twice for my subscription invoice, please refund the extra charge.",
           620),
    Ticket("TCK-10001", "C1", "Account hacked",
           "Someone changed my password, this is urgent. Call me on +44 20 7946 0958.", 600),
    Ticket("TCK-10003", "C2", "Refund for invoice",
           "I was charged twice for my subscription invoice, please refund the extra charge!!",
           700),
    Ticket("TCK-10004", "C3", "App crash",
           "The app crashes with an error every time it tries to sync my notes.", DAY + 600),
]


class FakeClock:
    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_run_triages_oldest_first_and_links_duplicates() -> None:
    agent = TriageAgent(CustomerHistory(CUSTOMERS, []), clock=FakeClock(0.0))
    report = agent.run(BATCH)
    assert [r.ticket_id for r in report.results] == [
        "TCK-10001", "TCK-10002", "TCK-10003", "TCK-10004",
    ]
    assert report.steps == 4 and report.stopped_reason is None
    security, billing, dup, tech = report.results
    assert security.queue is Queue.SECURITY and security.priority == 2
    assert billing.queue is Queue.BILLING
    assert tech.queue is Queue.TECHNICAL
    assert dup.duplicate_of == "TCK-10002" and dup.reply is None
    assert dup.due_at == billing.due_at
    assert len(agent.scheduler) == 3


def test_replies_are_safe_and_scored() -> None:
    report = TriageAgent(CustomerHistory(CUSTOMERS, []), clock=FakeClock(0.0)).run(BATCH)
    security = report.results[0]
    assert security.reply is not None
    assert "7946" not in security.reply
    assert security.reply.startswith("Hi Ada,")
    assert 0.0 < security.score <= 1.0


def test_duplicate_ids_are_triaged_once() -> None:
    agent = TriageAgent(CustomerHistory(CUSTOMERS, []), clock=FakeClock(0.0))
    report = agent.run([BATCH[0], BATCH[0]])
    assert [r.ticket_id for r in report.results] == ["TCK-10002"]


def test_run_stops_when_time_budget_is_used() -> None:
    agent = TriageAgent(CustomerHistory(CUSTOMERS, []), clock=FakeClock(limits.MAX_SECONDS / 2.5))
    report = agent.run(BATCH)
    assert report.stopped_reason == "budget exhausted"
    assert report.steps == 2
    assert report.skipped == ["TCK-10003", "TCK-10004"]


def test_run_stops_at_step_limit() -> None:
    tickets = [
        Ticket(f"TCK-{i:05d}", f"C{i}", "Question", f"Topic number {i}", i)
        for i in range(limits.MAX_STEPS + 3)
    ]
    report = TriageAgent(CustomerHistory([], []), clock=FakeClock(0.0)).run(tickets)
    assert report.steps == limits.MAX_STEPS
    assert len(report.skipped) == 3
