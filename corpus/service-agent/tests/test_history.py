from quoter import history
from quoter.pricing import quote


def test_record_and_snapshot() -> None:
    before = history.snapshot()
    history.record(quote([("A001", 1)], "GBP", "standard"))
    after = history.snapshot()
    assert after["served"] == int(str(before["served"])) + 1
    counts = after["counts"]
    assert isinstance(counts, dict) and counts["GBP"] >= 1


def test_migration_takes_over_the_previous_state() -> None:
    previous = {"_LOCK": history._LOCK, "_COUNTS": {"EUR": 41}, "_RECENT": history._RECENT}
    saved = history._COUNTS
    try:
        history.__crucible_migrate__(previous)
        assert history.snapshot()["counts"] == {"EUR": 41}
    finally:
        history._COUNTS = saved
