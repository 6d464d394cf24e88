"""Thompson sampling over edit kinds, persisted in SQLite across runs."""

from __future__ import annotations

from pathlib import Path

from pipeline.bandit import Bandit


def test_posterior_persists_across_instances(tmp_path: Path) -> None:
    state = tmp_path / "bandit.sqlite"
    first = Bandit(state, seed=1)
    for _ in range(3):
        first.record("dedupe×quadratic", True)
    first.record("dedupe×quadratic", False)
    assert Bandit(state).posterior("dedupe×quadratic") == (3, 1)
    assert Bandit(state).posterior("unknown") == (0, 0)


def test_winning_arms_are_tried_first_most_of_the_time(tmp_path: Path) -> None:
    bandit = Bandit(tmp_path / "b.sqlite", seed=7)
    for _ in range(20):
        bandit.record("good", True)
        bandit.record("bad", False)
    firsts = [bandit.order(["bad-item", "good-item"], {0: "bad", 1: "good"})[0] for _ in range(50)]
    assert firsts.count("good-item") >= 45


def test_an_untried_arm_still_gets_explored(tmp_path: Path) -> None:
    bandit = Bandit(tmp_path / "b.sqlite", seed=3)
    for _ in range(3):
        bandit.record("known", False)
    firsts = [bandit.order(["known", "new"], {0: "known", 1: "new"})[0] for _ in range(100)]
    assert 50 < firsts.count("new") < 100
